// The AWS services this Drover can call, as data (lang/aws-services.json, generated from
// the installed SDK v3 clients by schemas/build-aws-services.ts). The compiler checks
// `Service` and `Api` of the AWS API actions against it; the activities map them onto the
// SDK client and command through it. Names are boto3's, since AWS's runbooks use them:
// `Service: ec2` (any case: AWS's own runbooks also write `EC2`), `Api: DescribeInstances`.
import table from './aws-services.json' with { type: 'json' };
import { didYouMean } from './suggest';

export interface InstalledService {
  /** `@aws-sdk/client-ec2` */
  package: string;
  version: string;
  /** The client class the package exports: `EC2Client`. */
  client: string;
  /** PascalCase operation names; each has a `<Name>Command` export. */
  operations: string[];
  /** Operations whose response is a stream (S3 GetObject): not callable as AWS API actions. */
  streamingOutput: string[];
  /**
   * The package predates the SDK's operation schemas (a few clients are published only at
   * old versions): requests go as the runbook wrote them, without fitting them to the
   * operation's types.
   */
  untyped?: boolean;
}

export interface AwsServiceTable {
  installed: Record<string, InstalledService>;
  /** Every boto3 service name → the npm package of its SDK v3 client. */
  available: Record<string, string>;
}

// A large generated file: typed by the interface rather than inferred from its literal.
export const AWS_SERVICES: AwsServiceTable = table as AwsServiceTable;

/** The installed service called `name` in any case, under its boto3 name. */
export function findService(name: string, services: AwsServiceTable = AWS_SERVICES): { name: string; service: InstalledService } | undefined {
  const key = name.trim().toLowerCase();
  const service = Object.hasOwn(services.installed, key) ? services.installed[key] : undefined;
  return service ? { name: key, service } : undefined;
}

/** Whether `api` is an operation of the service, spelled exactly as AWS names it. */
export function hasOperation(service: InstalledService, api: string): boolean {
  return service.operations.includes(api);
}

/** `DescribeInstances`, `describeInstances` and `describe_instances` all read `describeinstances`. */
const operationKey = (api: string): string => api.trim().replace(/_/g, '').toLowerCase();

/**
 * The operation `api` names, as SSM finds it: exactly, or in another case or in boto3's
 * snake_case (AWS's own runbooks write `rebootInstances` and `add_role_to_instance_profile`;
 * boto3 turns every spelling into its method name). `exact` says whether it was spelled as
 * AWS names it.
 */
export function findOperation(service: InstalledService, api: string): { name: string; exact: boolean } | undefined {
  if (service.operations.includes(api)) return { name: api, exact: true };
  const key = operationKey(api);
  const name = service.operations.find((op) => operationKey(op) === key);
  return name ? { name, exact: false } : undefined;
}

/** Why `service` cannot be called and how to change that, as a message and a hint. */
export function unknownServiceText(service: string, services: AwsServiceTable = AWS_SERVICES): { message: string; hint: string } {
  const installed = Object.keys(services.installed);
  const key = service.trim().toLowerCase();
  // Too many to list: the count and where they are listed.
  const message = `Service "${service}" is not installed in this Drover; it calls ${installed.length} services (every service of AWS's published runbooks, listed in lang/aws-services.json).`;
  const pkg = Object.hasOwn(services.available, key) ? services.available[key] : undefined;
  if (pkg) return { message, hint: `\`npm i ${pkg}\` adds it (then \`npx tsx schemas/build-aws-services.ts\`).` };
  const known = [...new Set([...installed, ...Object.keys(services.available)])];
  return { message: `${message}${didYouMean(service, known)}`, hint: "Service names are boto3's client names: ec2, ssm, s3 …" };
}
