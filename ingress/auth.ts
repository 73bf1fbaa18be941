// Who is calling the HTTP ingress: the one place that decides it. An EventBridge API
// destination's connection authenticates with an API key (header `x-api-key`, or another
// name: the connection's ApiKeyName) or Basic auth (key id and secret); a caller may also sign
// the request (HMAC-SHA256 over `<timestamp>.<body>`) to make a captured request useless
// after the replay window. Keys are compared in constant time, every key every time (which
// key matched leaks nothing through timing), and several keys may be valid at once for
// rotation. A verified caller becomes a Principal `api-key:<key id>`; proofs and secrets are
// never recorded. Other proofs (issue 15's identities) plug in as another IngressAuthenticator.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Principal } from '../identity/principal';

export interface IngressRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: string };

export interface IngressAuthenticator {
  authenticate(request: IngressRequest, now?: number): AuthResult;
}

export interface ApiKey {
  id: string;
  secret: string;
  /** The HMAC key of signed requests (default: the API key's secret). */
  signingSecret?: string;
}

export interface ApiKeyAuthOptions {
  keys: readonly ApiKey[];
  /** The header carrying the key (an API destination connection's ApiKeyName). Default `x-api-key`. */
  headerName?: string;
  /** Refuse requests without a valid signature. */
  requireSignature?: boolean;
  /** How old (or how far ahead) a signed request's timestamp may be, seconds. Default 300. */
  replayWindowSeconds?: number;
}

export const TIMESTAMP_HEADER = 'x-drover-timestamp';
export const SIGNATURE_HEADER = 'x-drover-signature';
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The signature a client puts in x-drover-signature: `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function signRequest(signingSecret: string, timestamp: number, body: Buffer | string): string {
  return `v1=${createHmac('sha256', signingSecret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export class ApiKeyAuthenticator implements IngressAuthenticator {
  private readonly keys: { key: ApiKey; digest: Buffer }[];
  private readonly headerName: string;
  private readonly windowMs: number;

  constructor(private readonly options: ApiKeyAuthOptions) {
    if (options.keys.length === 0) throw new Error('the HTTP ingress needs at least one API key');
    for (const k of options.keys) {
      if (!KEY_ID.test(k.id)) throw new Error(`API key id ${JSON.stringify(k.id)}: use 1 to 64 letters, digits, ., _ and -`);
      if (k.secret.length < 16) throw new Error(`API key ${k.id}: the secret needs at least 16 characters`);
    }
    this.keys = options.keys.map((key) => ({ key, digest: digest(key.secret) }));
    this.headerName = (options.headerName ?? 'x-api-key').toLowerCase();
    this.windowMs = (options.replayWindowSeconds ?? 300) * 1000;
  }

  authenticate(request: IngressRequest, now = Date.now()): AuthResult {
    const key = this.keyOf(request.headers);
    if (!key) return { ok: false, reason: 'no valid API key' };
    const timestamp = header(request.headers, TIMESTAMP_HEADER);
    const signature = header(request.headers, SIGNATURE_HEADER);
    if (signature !== undefined || timestamp !== undefined || this.options.requireSignature) {
      if (signature === undefined || timestamp === undefined) return { ok: false, reason: `a signed request needs both ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER}` };
      if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${TIMESTAMP_HEADER} must be a Unix time in seconds` };
      if (Math.abs(now - Number(timestamp) * 1000) > this.windowMs) return { ok: false, reason: 'the request timestamp is outside the replay window' };
      const expected = signRequest(key.signingSecret ?? key.secret, Number(timestamp), request.rawBody);
      if (!equalConstantTime(digest(signature), digest(expected))) return { ok: false, reason: 'bad signature' };
    }
    return { ok: true, principal: { id: `api-key:${key.id}`, source: 'api-key', verified: true } };
  }

  /** The key the request presents (API key header, or Basic id:secret), checked against every key. */
  private keyOf(headers: IngressRequest['headers']): ApiKey | undefined {
    let presented = header(headers, this.headerName);
    let claimedId: string | undefined;
    const authorization = header(headers, 'authorization');
    if (presented === undefined && authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        claimedId = decoded.slice(0, colon);
        presented = decoded.slice(colon + 1);
      }
    }
    if (presented === undefined) return undefined;
    const given = digest(presented);
    let found: ApiKey | undefined;
    for (const { key, digest: d } of this.keys) {
      const same = equalConstantTime(given, d);
      if (same && (claimedId === undefined || claimedId === key.id) && !found) found = key;
    }
    return found;
  }
}

/** `id:secret[:signing-secret]` entries, comma- or newline-separated (DROVER_INGRESS_API_KEYS, or a key file). */
export function parseApiKeys(text: string): ApiKey[] {
  return text
    .split(/[,\n]/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [id, secret, signingSecret] = l.split(':');
      if (!id || !secret) throw new Error('an API key entry is id:secret (optionally :signing-secret)');
      return { id, secret, ...(signingSecret ? { signingSecret } : {}) };
    });
}

/** The keys of DROVER_INGRESS_API_KEYS, or of the file named by a flag or DROVER_INGRESS_API_KEY_FILE. */
export function apiKeysFromEnv(file?: string, env: NodeJS.ProcessEnv = process.env): ApiKey[] {
  const path = file ?? env.DROVER_INGRESS_API_KEY_FILE;
  if (path) return parseApiKeys(readFileSync(path, 'utf8'));
  if (env.DROVER_INGRESS_API_KEYS) return parseApiKeys(env.DROVER_INGRESS_API_KEYS);
  return [];
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function equalConstantTime(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(headers: IngressRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
