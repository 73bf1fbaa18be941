// AWS SDK v3 clients for activities: the default credential chain and region,
// AWS_ENDPOINT_URL honoured by the SDK (the sandbox points it at moto), SDK retries off
// (Temporal retries), and when a runbook names an assumeRole, credentials from STS
// AssumeRole, cached per role until shortly before they expire.
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { callAws } from './errors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ClientCtor<C> = new (config: any) => C;

interface Destroyable {
  destroy(): void;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

export interface AwsClientOptions {
  region?: string;
  /** Overrides AWS_ENDPOINT_URL. */
  endpoint?: string;
  /** Role session names say who acted: `drover-<execution>`. */
  sessionName?: (roleArn: string) => string;
}

export class AwsClients {
  private readonly clients = new Map<string, Destroyable>();
  private readonly roleCredentials = new Map<string, AwsCredentialIdentity & { expiration?: Date }>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  private baseConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { maxAttempts: 1 };
    if (this.options.region) config.region = this.options.region;
    const endpoint = this.options.endpoint ?? process.env.AWS_ENDPOINT_URL;
    if (endpoint) {
      config.endpoint = endpoint;
      // Emulators serve S3 on one host: path-style addressing.
      config.forcePathStyle = true;
    }
    return config;
  }

  /** A client of `ctor` acting as `roleArn` (or as the worker itself). One per (service, role). */
  get<C extends Destroyable>(ctor: ClientCtor<C>, roleArn?: string): C {
    const key = `${ctor.name}|${roleArn ?? ''}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      const config = this.baseConfig();
      if (roleArn) config.credentials = () => this.credentialsFor(roleArn);
      client = new ctor(config);
      // AWS_ENDPOINT_URL_<SERVICE> (the SDKs' service-specific endpoint, e.g.
      // AWS_ENDPOINT_URL_LAMBDA) wins over AWS_ENDPOINT_URL for that service.
      const own = !this.options.endpoint && serviceEndpoint((client as { config?: { serviceId?: unknown } }).config?.serviceId);
      if (own) {
        client.destroy();
        client = new ctor({ ...config, endpoint: own });
      }
      this.clients.set(key, client);
    }
    return client;
  }

  private async credentialsFor(roleArn: string): Promise<AwsCredentialIdentity> {
    const cached = this.roleCredentials.get(roleArn);
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS) return cached;
    const sts = this.get(STSClient);
    const out = await callAws(`assuming role ${roleArn}`, () =>
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.options.sessionName?.(roleArn) ?? 'drover' })),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    const creds = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    this.roleCredentials.set(roleArn, creds);
    return creds;
  }

  destroy(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}

/** The service-specific endpoint from the environment: serviceId `CloudWatch Logs` → AWS_ENDPOINT_URL_CLOUDWATCH_LOGS. */
function serviceEndpoint(serviceId: unknown): string | undefined {
  if (typeof serviceId !== 'string' || !serviceId) return undefined;
  return process.env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/[\s-]+/g, '_')}`] || undefined;
}
