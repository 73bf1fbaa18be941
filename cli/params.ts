// `-p Name=Value` options: repeated names collect into a list (a StringList), as
// `aws ssm start-automation-execution --parameters Name=a,b` would give.
import { CliError, EXIT } from './errors';

export function collectParam(raw: string, acc: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new CliError(`-p takes Name=Value; got ${JSON.stringify(raw)}`, EXIT.usage);
  const name = raw.slice(0, eq);
  const value = raw.slice(eq + 1);
  const prev = acc[name];
  acc[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  return acc;
}
