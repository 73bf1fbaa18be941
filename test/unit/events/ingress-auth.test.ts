// The ingress's authentication, alone: API keys (several, for rotation), Basic auth, signed
// requests and the replay window, and how keys are configured.
import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator, parseApiKeys, signRequest } from '../../../ingress/auth';

const keys = [
  { id: 'old', secret: 'old-secret-0123456789' },
  { id: 'new', secret: 'new-secret-0123456789', signingSecret: 'sign-0123456789abcdef' },
];
const body = Buffer.from('{"id":"1"}');
const at = 1_800_000_000;

describe('ApiKeyAuthenticator', () => {
  const auth = new ApiKeyAuthenticator({ keys });
  const headers = (h: Record<string, string>) => ({ headers: h, rawBody: body });

  it('accepts any configured key, names the caller by key id, never by the secret', () => {
    expect(auth.authenticate(headers({ 'x-api-key': keys[0]!.secret }))).toEqual({ ok: true, principal: { id: 'api-key:old', source: 'api-key', verified: true } });
    expect(auth.authenticate(headers({ 'x-api-key': keys[1]!.secret }))).toMatchObject({ ok: true, principal: { id: 'api-key:new' } });
    expect(auth.authenticate(headers({ 'x-api-key': 'old-secret-012345678' }))).toEqual({ ok: false, reason: 'no valid API key' });
    expect(auth.authenticate(headers({}))).toEqual({ ok: false, reason: 'no valid API key' });
  });

  it('takes Basic auth (key id and secret), and only with the matching id', () => {
    const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
    expect(auth.authenticate(headers(basic('new', keys[1]!.secret)))).toMatchObject({ ok: true, principal: { id: 'api-key:new' } });
    expect(auth.authenticate(headers(basic('old', keys[1]!.secret)))).toMatchObject({ ok: false });
  });

  it('checks a signature over timestamp and body, within the replay window', () => {
    const signed = (ts: number, sig = signRequest('sign-0123456789abcdef', ts, body)) => headers({ 'x-api-key': keys[1]!.secret, 'x-drover-timestamp': String(ts), 'x-drover-signature': sig });
    expect(auth.authenticate(signed(at), at * 1000)).toMatchObject({ ok: true });
    expect(auth.authenticate(signed(at), (at + 299) * 1000)).toMatchObject({ ok: true });
    expect(auth.authenticate(signed(at), (at + 301) * 1000)).toEqual({ ok: false, reason: 'the request timestamp is outside the replay window' });
    expect(auth.authenticate(signed(at, signRequest('another-secret', at, body)), at * 1000)).toEqual({ ok: false, reason: 'bad signature' });
    expect(auth.authenticate({ headers: signed(at).headers, rawBody: Buffer.from('{"id":"2"}') }, at * 1000)).toEqual({ ok: false, reason: 'bad signature' });
    // A key without its own signing secret signs with the API key's secret.
    const old = headers({ 'x-api-key': keys[0]!.secret, 'x-drover-timestamp': String(at), 'x-drover-signature': signRequest(keys[0]!.secret, at, body) });
    expect(auth.authenticate(old, at * 1000)).toMatchObject({ ok: true });
  });

  it('refuses unsigned requests when signatures are required', () => {
    const strict = new ApiKeyAuthenticator({ keys, requireSignature: true });
    expect(strict.authenticate(headers({ 'x-api-key': keys[0]!.secret }))).toEqual({ ok: false, reason: 'a signed request needs both x-drover-timestamp and x-drover-signature' });
  });

  it('reads keys as id:secret[:signing-secret], and refuses weak or malformed ones', () => {
    expect(parseApiKeys('a:0123456789abcdef,\n# rotated\nb:fedcba9876543210:s')).toEqual([
      { id: 'a', secret: '0123456789abcdef' },
      { id: 'b', secret: 'fedcba9876543210', signingSecret: 's' },
    ]);
    expect(() => parseApiKeys('nosecret')).toThrow('id:secret');
    expect(() => new ApiKeyAuthenticator({ keys: [{ id: 'a', secret: 'short' }] })).toThrow('at least 16 characters');
    expect(() => new ApiKeyAuthenticator({ keys: [] })).toThrow('at least one API key');
  });
});
