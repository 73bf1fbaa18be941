// A dedicated action's inputs as the request of its SDK command, fitted to the operation's
// own schema exactly as aws:executeAwsApi fits its inputs (activities/aws/api/request-shape.ts):
// `TimeoutInMinutes: "30"` becomes a number, a template given as a mapping becomes its JSON,
// a single value where a list is expected becomes a list. Inputs the operation lacks are
// refused, naming the closest one.
import { NormalizedSchema } from '@smithy/core/schema';
import { actionFailed } from '../errors';
import { shapeRequest } from './api/request-shape';

type CommandCtor = new (input: never) => { schema?: unknown };

export function requestOf<T>(action: string, Command: CommandCtor, inputs: Record<string, unknown>): T {
  const schema = new Command({} as never).schema;
  if (!Array.isArray(schema)) return inputs as T;
  const { request, problems } = shapeRequest(NormalizedSchema.of(schema[4] as never), inputs);
  if (problems.length) throw actionFailed(`${action}: ${problems.join('; ')}`);
  return request as T;
}
