// The AWS services this Drover can call, as data (lang/aws-services.json, generated from
// the installed SDK v3 clients by schemas/build-aws-services.ts). The compiler checks
// `Service` and `Api` of the AWS API actions against it; the activities map them onto the
// SDK client and command through it. Names are boto3's, since AWS's runbooks use them:
// `Service: ec2` (any case: AWS's own runbooks also write `EC2`), `Api: DescribeInstances`.
import table from './aws-services.json' with { type: 'json' };
import { didYouMean, listWords } from './suggest';

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
}

export interface AwsServiceTable {
  installed: Record<string, InstalledService>;
  /** Every boto3 service name → the npm package of its SDK v3 client. */
  available: Record<string, string>;
}

export const AWS_SERVICES: AwsServiceTable = table;

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

/** Why `service` cannot be called and how to change that, as a message and a hint. */
export function unknownServiceText(service: string, services: AwsServiceTable = AWS_SERVICES): { message: string; hint: string } {
  const installed = Object.keys(services.installed);
  const key = service.trim().toLowerCase();
  const message = `Service "${service}" is not installed in this Drover; it calls ${listWords(installed, 'and')}.`;
  const pkg = Object.hasOwn(services.available, key) ? services.available[key] : undefined;
  if (pkg) return { message, hint: `\`npm i ${pkg}\` adds it (then \`npx tsx schemas/build-aws-services.ts\`).` };
  const known = [...new Set([...installed, ...Object.keys(services.available)])];
  return { message: `${message}${didYouMean(service, known)}`, hint: "Service names are boto3's client names: ec2, ssm, s3 …" };
}
