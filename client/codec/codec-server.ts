// A codec server: the HTTP endpoint the Temporal Web UI ("Remote Codec Endpoint") and the
// Temporal CLI (`--codec-endpoint`) send payloads to, so that an operator holding the keys
// reads encrypted inputs and results in clear while the server keeps only ciphertext.
// POST /encode and /decode (also /<namespace>/encode|decode, the CLI's templated form) take
// and give `{ payloads: [...] }`; CORS lets exactly the configured UI origins call it, with
// the headers the UI sends (x-namespace, content-type, and authorization when it passes
// its access token). Whoever reaches it can decrypt: it listens on loopback unless told otherwise.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PayloadCodec } from '@temporalio/common';
import { PayloadDecryptionError } from './aes-gcm-codec';
import { payloadsFromJson, payloadsToJson } from './payload-json';

export const DEFAULT_CODEC_PORT = 8888;
/** A history download decodes many payloads at once; far above Temporal's own 4 MB message limit is enough. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const ROUTE = /^\/(?:[^/]+\/)?(encode|decode)\/?$/;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Default 8888; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Web UI origins allowed to call it from a browser (e.g. http://localhost:8233). */
  corsOrigins?: readonly string[];
  /** Where errors are reported (one line each, never payload contents). Default stderr. */
  log?: (line: string) => void;
}

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `http://host:port/path` → `http://host:port`, so a pasted UI URL works as an origin. */
export function normalizeOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`${JSON.stringify(raw)} is not a URL (an origin looks like http://localhost:8233)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${raw}: an origin is http:// or https://`);
  return url.origin;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function codecRequestHandler(opts: CodecServerOptions): RequestListener {
  const origins = new Set((opts.corsOrigins ?? []).map(normalizeOrigin));
  const log = opts.log ?? ((line: string) => console.error(line));
  return (req, res) => {
    allowOrigin(req, res, origins);
    const route = ROUTE.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1] as 'encode' | 'decode' | undefined;
    if (!route) return reply(res, 404, 'not found: POST /encode or /decode');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'x-namespace, content-type, authorization');
      res.setHeader('Access-Control-Max-Age', '600');
      return reply(res, 204);
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST, OPTIONS');
      return reply(res, 405, `${req.method} is not allowed: POST /${route}`);
    }
    void (async () => {
      try {
        const payloads = asBadRequest(payloadsFromJson)(parseJson(await readBody(req)));
        const out = route === 'encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
        res.setHeader('Content-Type', 'application/json');
        reply(res, 200, JSON.stringify(payloadsToJson(out)));
      } catch (e) {
        if (e instanceof HttpError) return reply(res, e.status, e.message);
        const status = e instanceof PayloadDecryptionError ? 422 : 500;
        log(`drover codec-server: ${route} failed (${status}): ${(e as Error).message}`);
        reply(res, status, (e as Error).message);
      }
    })();
  };
}

/** Listens; resolves once it accepts connections. */
export async function startCodecServer(opts: CodecServerOptions): Promise<CodecServer> {
  const server = createServer(codecRequestHandler(opts));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_CODEC_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function allowOrigin(req: IncomingMessage, res: ServerResponse, origins: ReadonlySet<string>): void {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (!origin || !origins.has(origin)) return; // no CORS headers: the browser refuses it
  res.setHeader('Access-Control-Allow-Origin', origin);
  // The UI sends cookies along when told to (codec includeCredentials).
  res.setHeader('Access-Control-Allow-Credentials', 'true');
}

function reply(res: ServerResponse, status: number, body?: string): void {
  if (body !== undefined && !res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.writeHead(status).end(body);
}

function asBadRequest<A, R>(f: (a: A) => R): (a: A) => R {
  return (a) => {
    try {
      return f(a);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body exceeds ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
