// The event ingress of `drover dev`: the rules and remediations of the repository (or
// DROVER_RULES / DROVER_REMEDIATIONS) routed by an HTTP endpoint on loopback. Its API key
// comes from DROVER_INGRESS_API_KEYS (or _FILE); else one is made for this machine and kept in
// .drover/dev/ingress-api-keys (mode 600), so the key never appears in a log.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DroverClient } from '../client';
import { loadEventRouter } from '../client/events/load-router';
import { formatDiagnostic } from '../compiler/diagnostic';
import { ApiKeyAuthenticator, apiKeysFromEnv, parseApiKeys } from '../ingress/auth';
import { startHttpIngress } from '../ingress/http-server';

export interface DevIngress {
  url: string;
  rules: number;
  keyFile?: string;
  close(): Promise<void>;
}

export async function startDevIngress(port: number, keyFile: string): Promise<DevIngress> {
  let keys = apiKeysFromEnv();
  let file: string | undefined;
  if (!keys.length) {
    if (!existsSync(keyFile)) {
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, `dev:${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    }
    keys = parseApiKeys(readFileSync(keyFile, 'utf8'));
    file = keyFile;
  }
  const client = await DroverClient.connect();
  const { router, diagnostics } = await loadEventRouter(client);
  for (const d of diagnostics) console.error(formatDiagnostic(d));
  const server = await startHttpIngress({ router, authenticator: new ApiKeyAuthenticator({ keys }), host: '127.0.0.1', port });
  return {
    url: server.url,
    rules: router.ruleCount,
    ...(file ? { keyFile: file } : {}),
    close: async () => {
      await server.close();
      await client.close();
    },
  };
}
