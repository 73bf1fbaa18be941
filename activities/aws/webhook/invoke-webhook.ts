// aws:invokeWebhook: calls an Automation webhook integration. As in AWS, the integration is
// a SecureString parameter in Parameter Store's reserved namespace
// (/d9d01087-4a3f-49e0-b0b4-d568d7826553/ssm/integrations/webhook/<IntegrationName>) holding
// JSON: `url` (HTTPS; plain HTTP only to this machine, for local tests), optional `headers`
// (a mapping, or a list of {key, value}), `payload` (the default body) and `description`.
// The step's Body replaces the default body. Outputs: Response (the answer's text) and
// ResponseCode. An answer of 400 or more fails the step; 429 is retried with backoff, as
// AWS retries throttling. The URL is never repeated in outputs or failures (webhook URLs
// carry their credentials).
//
// A POST has no idempotency key: the activity is attempted once per step attempt (the
// catalog's `atMostOnce`), so a crash fails the step rather than posting twice.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { cancellationSignal, heartbeat, sleep } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import type { ResolvedAwsDeps } from '../deps';
import { callAwsUnless } from '../ec2/calls';
import { InputReader } from '../ec2/inputs';

export const WEBHOOK_NAMESPACE = '/d9d01087-4a3f-49e0-b0b4-d568d7826553/ssm/integrations/webhook/';
const THROTTLE_RETRIES = 5;
/** Text kept of an answer. */
const MAX_RESPONSE_CHARS = 100_000;

export interface WebhookIntegration {
  url: URL;
  headers: Record<string, string>;
  payload?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The integration from its parameter's value; a step failure saying what is wrong. */
export function parseIntegration(name: string, value: string): WebhookIntegration {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    try {
      // AWS's own Windows and PowerShell examples write it with single quotes.
      raw = JSON.parse(value.replace(/'/g, '"'));
    } catch {
      throw actionFailed(`integration ${name} is not JSON with a url`);
    }
  }
  const spec = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  let url: URL;
  try {
    url = new URL(String(spec.url ?? spec.URL ?? ''));
  } catch {
    throw actionFailed(`integration ${name} has no valid url`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw actionFailed(`integration ${name}: the webhook URL must use HTTPS (as in AWS; plain HTTP only to localhost)`);
  }
  const headers: Record<string, string> = {};
  const given = spec.headers ?? spec.Headers;
  if (Array.isArray(given)) {
    for (const h of given as Record<string, unknown>[]) {
      const key = h.key ?? h.Key ?? h.name ?? h.Name;
      if (typeof key === 'string') headers[key] = String(h.value ?? h.Value ?? '');
    }
  } else if (typeof given === 'object' && given !== null) {
    for (const [k, v] of Object.entries(given)) headers[k] = String(v);
  }
  const payload = spec.payload ?? spec.body ?? spec.Payload;
  return { url, headers, ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }) };
}

const looksLikeJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

export function createInvokeWebhook(deps: ResolvedAwsDeps) {
  return async function invokeWebhook(req: ActionRequest): Promise<ActionResult> {
    const inputs = new InputReader('aws:invokeWebhook', req.inputs);
    const name = inputs.string('IntegrationName');
    const given = req.inputs.Body;
    const ssm = deps.clients.get(SSMClient, req.assumeRole);
    const parameter = `${WEBHOOK_NAMESPACE}${name}`;
    const found = await callAwsUnless(`reading integration ${name}`, ['ParameterNotFound'], () =>
      ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true })),
    );
    const value = found?.Parameter?.Value;
    if (value === undefined) throw actionFailed(`there is no webhook integration named ${name} (no parameter ${parameter})`, { awsErrorCode: 'ParameterNotFound' });
    const integration = parseIntegration(name, value);
    const body = given === undefined || given === null ? (integration.payload ?? '') : typeof given === 'string' ? given : JSON.stringify(given);
    const headers = { 'content-type': looksLikeJson(body) ? 'application/json' : 'text/plain; charset=utf-8', ...integration.headers };
    const signal = AbortSignal.any([cancellationSignal(), AbortSignal.timeout((req.timeoutSeconds ?? 300) * 1000)]);
    heartbeat();
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(integration.url, { method: 'POST', headers, body, signal });
      } catch (err) {
        if (signal.aborted) throw err;
        throw actionFailed(`calling integration ${name}: ${(err as Error).message.replace(integration.url.href, '<url>')}`);
      }
      const text = (await response.text()).slice(0, MAX_RESPONSE_CHARS);
      if (response.status === 429 && attempt < THROTTLE_RETRIES) {
        await sleep(Math.min(1000 * 2 ** attempt, 15_000));
        continue;
      }
      await deps.afterSideEffect?.({ request: req, service: 'webhook', api: 'POST' });
      const outputs = { Response: text, ResponseCode: response.status };
      if (response.status >= 400) throw actionFailed(`integration ${name} answered HTTP ${response.status}: ${text.slice(0, 500)}`, outputs);
      return { outputs };
    }
  };
}
