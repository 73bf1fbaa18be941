// From boto3 names (`Service: ec2`, `Api: DescribeInstances`) to the installed SDK v3
// client class and command, through lang/aws-services.json. Packages are imported on first
// use, so a worker loads only the clients its runbooks call.
import { NormalizedSchema } from '@smithy/core/schema';
import { findOperation, findService, unknownServiceText } from '../../../lang/aws-services';
import { didYouMean } from '../../../lang/suggest';
import { actionFailed } from '../../errors';

export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SdkClientCtor = new (config: any) => SdkClient;
export type SdkCommandCtor = new (input: object) => { schema?: unknown };

export interface Operation {
  /** boto3 names, as the runbook should write them. */
  service: string;
  api: string;
  Client: SdkClientCtor;
  Command: SdkCommandCtor;
  /** Absent for clients that predate the SDK's operation schemas: the request goes as written. */
  input?: NormalizedSchema;
  output?: NormalizedSchema;
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

function loadPackage(pkg: string): Promise<Record<string, unknown>> {
  let mod = modules.get(pkg);
  if (!mod) {
    mod = import(pkg) as Promise<Record<string, unknown>>;
    modules.set(pkg, mod);
  }
  return mod;
}

/** The client and command for a Service and Api; a step failure naming what is wrong otherwise. */
export async function resolveOperation(service: unknown, apiName: unknown): Promise<Operation> {
  if (typeof service !== 'string' || !service.trim()) throw actionFailed(`Service must be a service name such as ec2; got ${JSON.stringify(service)}`);
  if (typeof apiName !== 'string' || !apiName.trim()) throw actionFailed(`Api must be an operation name such as DescribeInstances; got ${JSON.stringify(apiName)}`);
  const found = findService(service);
  if (!found) {
    const { message, hint } = unknownServiceText(service);
    throw actionFailed(`${message} ${hint}`);
  }
  // Any case, or boto3's snake_case, as SSM accepts (the compiler warns).
  const operation = findOperation(found.service, apiName);
  if (!operation) {
    throw actionFailed(`${found.name} has no operation "${apiName}".${didYouMean(apiName, found.service.operations)}`);
  }
  const api = operation.name;
  if (found.service.streamingOutput.includes(api)) {
    throw actionFailed(`${found.name} ${api} returns a stream, which an AWS API action cannot return (AWS refuses it too); use aws:executeScript with boto3`);
  }
  const mod = await loadPackage(found.service.package);
  const Client = mod[found.service.client] as SdkClientCtor | undefined;
  const Command = mod[`${api}Command`] as SdkCommandCtor | undefined;
  if (!Client || !Command) {
    // The table and the installed package disagree: regenerate the table.
    throw actionFailed(`${found.service.package} has no ${!Client ? found.service.client : `${api}Command`}: run npx tsx schemas/build-aws-services.ts`);
  }
  const schema = new Command({}).schema;
  if (!Array.isArray(schema)) return { service: found.name, api, Client, Command };
  return {
    service: found.name,
    api,
    Client,
    Command,
    input: NormalizedSchema.of(schema[4] as never),
    output: NormalizedSchema.of(schema[5] as never),
  };
}
