// The codec server over real HTTP, with the requests the Temporal Web UI makes: a CORS
// preflight, then POST /decode (or /encode) with x-namespace and a JSON body of payloads.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../../client/codec/aes-gcm-codec';
import { parsePayloadKeys } from '../../../client/codec/keys';
import { startCodecServer, type CodecServer } from '../../../client/codec/codec-server';
import { payloadsFromJson, payloadsToJson } from '../../../client/codec/payload-json';

const UI = 'http://localhost:8233';
const k1 = randomBytes(32).toString('base64');
const codec = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${k1}`, 'test'));
let server: CodecServer;
const logged: string[] = [];

beforeAll(async () => {
  server = await startCodecServer({ codec, port: 0, corsOrigins: [`${UI}/namespaces/default/workflows`], log: (l) => logged.push(l) });
});
afterAll(async () => server?.close());

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('drover codec-server', () => {
  it('answers the UI preflight for its origin with the headers the UI sends', async () => {
    const res = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/x-namespace.*content-type|content-type.*x-namespace/);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    // Another origin gets no CORS grant, so a browser refuses to let its page read answers.
    const other = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('encodes and decodes the JSON shapes, also under /<namespace>/', async () => {
    const plain = payloadsToJson([defaultPayloadConverter.toPayload({ secret: 'hunter2' })]);
    const enc = await post('/encode', plain);
    expect(enc.status).toBe(200);
    expect(enc.headers.get('access-control-allow-origin')).toBe(UI);
    const encoded = (await enc.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').includes('hunter2')).toBe(false);
    const dec = await post('/default/decode', encoded);
    expect(dec.status).toBe(200);
    const decoded = payloadsFromJson(await dec.json());
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual({ secret: 'hunter2' });
  });

  it('says what is wrong: path, method, body, key', async () => {
    expect((await post('/decrypt', { payloads: [] })).status).toBe(404);
    const get = await fetch(`${server.url}/decode`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const notJson = await post('/decode', '{');
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toMatch(/not JSON/);
    const shape = await post('/decode', { payloads: [{ data: 42 }] });
    expect(shape.status).toBe(400);
    expect(await shape.text()).toMatch(/payloads\[0\]\.data must be a base64 string/);
    const other = new AesGcmPayloadCodec(parsePayloadKeys(`k9:${randomBytes(32).toString('base64')}`, 'test'));
    const foreign = await post('/decode', payloadsToJson(await other.encode([defaultPayloadConverter.toPayload('x')])));
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toMatch(/key "k9", which this process does not have/);
    expect(logged.join('\n')).toMatch(/decode failed \(422\).*k9/);
  });
});
