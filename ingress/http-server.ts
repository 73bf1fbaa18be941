// `drover ingress http`: an HTTPS (or, behind a TLS proxy or on loopback, HTTP) endpoint for EventBridge API destinations (and any
// sender of EventBridge events). POST /events with one event as JSON:
//   202  the event is routed and every start it asked for is durable (the answer says what
//        matched, started, was already started, or was refused and why);
//   400  not JSON or not an event; 401 no valid key, bad signature, stale timestamp;
//   413  larger than an event may be; 415 not JSON;
//   429  too many requests in flight; 503 Temporal did not answer in time.
// EventBridge retries 429 and 5xx and never 4xx, so nothing retried can be lost, and a
// repeated delivery starts nothing twice (the router's idempotent starts). A response comes
// within 5 s (the API destination's timeout): past DEADLINE_MS the answer is 503, and the
// start, if it went through, is found again on the retry.
import Fastify, { type FastifyInstance } from 'fastify';
import { MAX_EVENT_BYTES } from '../lang/events/event';
import { readDeliveredEvent, type EventDefaults } from '../client/events/put-events';
import type { EventRouter } from '../client/events/router';
import type { IngressAuthenticator } from './auth';

/** Answer before EventBridge's 5-second timeout. */
export const DEADLINE_MS = 4500;

export interface HttpIngressOptions {
  router: EventRouter;
  authenticator: IngressAuthenticator;
  host?: string;
  port?: number;
  /** The bus the events are taken to be on (default `default`). */
  eventBusName?: string;
  /** Requests handled at once before 429 (default 256). */
  maxInFlight?: number;
  defaults?: EventDefaults;
  /** Serve HTTPS (API destinations require it): PEM certificate chain and key. */
  tls?: { cert: Buffer; key: Buffer };
  /** Tests: called with every failure the sender is told to retry. */
  onRetryable?: (err: unknown) => void;
}

export interface HttpIngress {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

class DeadlineError extends Error {}

export async function startHttpIngress(opts: HttpIngressOptions): Promise<HttpIngress> {
  const app = (opts.tls ? Fastify({ logger: false, bodyLimit: MAX_EVENT_BYTES + 1024, https: opts.tls }) : Fastify({ logger: false, bodyLimit: MAX_EVENT_BYTES + 1024 })) as unknown as FastifyInstance;
  const maxInFlight = opts.maxInFlight ?? 256;
  let inFlight = 0;
  // The raw bytes: a signature is over the body as sent.
  app.addContentTypeParser(['application/json', 'application/cloudevents+json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => {
    const err = Object.assign(new Error('send the event as application/json'), { statusCode: 415 });
    done(err, undefined);
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const code = status === 413 ? 'PayloadTooLarge' : status === 415 ? 'UnsupportedMediaType' : status === 400 ? 'BadRequest' : 'InternalError';
    void reply.code(status).send({ error: code, message: status === 413 ? `an event has at most ${MAX_EVENT_BYTES} bytes` : err.message });
  });

  app.get('/healthz', async () => ({ ok: true, rules: opts.router.ruleCount }));

  app.post('/events', async (req, reply) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const auth = opts.authenticator.authenticate({ headers: req.headers, rawBody });
    if (!auth.ok) return reply.code(401).header('www-authenticate', 'ApiKey').send({ error: 'Unauthorized', message: auth.reason });
    if (inFlight >= maxInFlight) return reply.code(429).header('retry-after', '1').send({ error: 'TooManyRequests', message: 'the ingress is busy; retry' });
    let value: unknown;
    try {
      value = JSON.parse(rawBody.toString('utf8'));
    } catch (e) {
      return reply.code(400).send({ error: 'BadRequest', message: `the body is not JSON: ${(e as Error).message}` });
    }
    const read = readDeliveredEvent(value, opts.defaults);
    if ('problems' in read) return reply.code(400).send({ error: 'InvalidEvent', message: `not an EventBridge event: ${read.problems.join('; ')}` });
    inFlight++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineError('Temporal did not confirm the start in time; retry (a repeated delivery starts nothing twice)')), DEADLINE_MS);
      });
      const delivery = opts.router.deliver(read.event, { via: 'http', principal: auth.principal.id, ...(opts.eventBusName ? { eventBusName: opts.eventBusName } : {}) });
      // Past the deadline the delivery may still end, either way: the retry settles it.
      void delivery.catch(() => undefined);
      const report = await Promise.race([delivery, deadline]);
      return reply.code(202).send(report);
    } catch (err) {
      opts.onRetryable?.(err);
      return reply.code(503).header('retry-after', '1').send({ error: err instanceof DeadlineError ? 'TimedOut' : 'Unavailable', message: (err as Error).message });
    } finally {
      clearTimeout(timer);
      inFlight--;
    }
  });

  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  return {
    url: `${address}/events`,
    app,
    close: () => app.close(),
  };
}
