// Starts the Temporal CLI's dev server (a real Temporal with SQLite and the web UI) with
// Drover's search attributes registered. We start it ourselves rather than through
// @temporalio/testing, whose launcher downloads binaries and gives up after 5 s.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions';
import { findTool } from './tools';
import { freePort } from './ports';
import { startProcess, waitUntil, type ManagedProcess } from './process';
import { stateDir } from './paths';

export interface DevServerOptions {
  port?: number;
  /** Web UI port; `false` for headless. Default: port + 1000. */
  uiPort?: number | false;
  /** SQLite file; in-memory when absent. */
  dbFile?: string;
  namespace?: string;
  logFile?: string;
  startTimeoutMs?: number;
  /** Register Drover's search attributes at start (default true). */
  searchAttributes?: boolean;
  /** The UI's Remote Codec Endpoint (a codec server), for encrypted payloads. */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** `Name=Type` arguments, as `temporal server start-dev --search-attribute` takes them. */
export function searchAttributeArgs(): string[] {
  const typeName: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
  return SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${typeName[k.type] ?? 'Keyword'}`]);
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const port = opts.port ?? (await freePort());
  const namespace = opts.namespace ?? 'default';
  const uiPort = opts.uiPort === undefined ? port + 1000 : opts.uiPort;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  if (uiPort === false) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (uiPort !== false && opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  if (opts.dbFile) {
    mkdirSync(join(opts.dbFile, '..'), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  if (opts.searchAttributes !== false) args.push(...searchAttributeArgs());
  const logFile = opts.logFile ?? join(stateDir, 'logs', `temporal-${port}.log`);
  const proc = startProcess(findTool('temporal'), args, { logFile });
  const address = `127.0.0.1:${port}`;
  await waitUntil(
    `Temporal dev server on ${address}`,
    async () => {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        const res = await conn.healthService.check({});
        return res.status === 1; // SERVING
      } finally {
        await conn.close();
      }
    },
    { timeoutMs: opts.startTimeoutMs ?? 60_000, child: proc.child, logFile },
  );
  return {
    address,
    namespace,
    uiUrl: uiPort === false ? undefined : `http://127.0.0.1:${uiPort}`,
    process: proc,
    stop: () => proc.stop(),
  };
}
