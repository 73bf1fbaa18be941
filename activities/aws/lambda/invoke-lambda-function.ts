// aws:invokeLambdaFunction: invokes a Lambda function; outputs StatusCode, FunctionError,
// LogResult and Payload (the function's answer as text, at most 200 KB as AWS keeps), and
// user outputs selected from the answer parsed as JSON (AWS's runbooks select
// `$.is_error` from what the function returned). A function error (FunctionError set)
// fails the step with the function's message, as in AWS: runbooks retry a step whose
// function raises "not yet" with maxAttempts.
//
// Lambda's Invoke takes no idempotency token, so the activity is attempted once per step
// attempt (the catalog's `atMostOnce`): after a crash the step fails rather than invoking
// the function a second time; the step's maxAttempts decides about another attempt.
// Throttling (TooManyRequestsException: Lambda did not run the function) is retried here.
import { InvokeCommand, LambdaClient, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { heartbeat, sleep } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { selectOutputs } from '../../outputs';
import type { ResolvedAwsDeps } from '../deps';
import { classifyAwsError } from '../errors';
import { requestOf } from '../request-of';

/** AWS keeps at most 200 KB of a function's answer. */
const MAX_PAYLOAD_BYTES = 200 * 1024;
const THROTTLE_RETRIES = 5;

/** InputPayload (a mapping) wins over Payload (JSON text), as in AWS. */
function payloadOf(inputs: Record<string, unknown>): string | undefined {
  const { InputPayload, Payload } = inputs;
  if (InputPayload !== undefined && InputPayload !== null) return typeof InputPayload === 'string' ? InputPayload : JSON.stringify(InputPayload);
  if (Payload === undefined || Payload === null) return undefined;
  return typeof Payload === 'string' ? Payload : JSON.stringify(Payload);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function createInvokeLambdaFunction(deps: ResolvedAwsDeps) {
  return async function invokeLambdaFunction(req: ActionRequest): Promise<ActionResult> {
    const { InputPayload: _i, Payload: _p, ...rest } = req.inputs;
    const request = requestOf<InvokeCommandInput>('aws:invokeLambdaFunction', InvokeCommand, rest);
    if (!request.FunctionName) throw actionFailed('aws:invokeLambdaFunction needs a FunctionName');
    const payload = payloadOf(req.inputs);
    if (payload !== undefined) request.Payload = new TextEncoder().encode(payload);
    if (typeof request.ClientContext === 'string' && request.ClientContext.trim().startsWith('{')) {
      // Lambda wants base64 JSON; runbooks write the JSON.
      request.ClientContext = Buffer.from(request.ClientContext).toString('base64');
    }
    const lambda = deps.clients.get(LambdaClient, req.assumeRole);
    heartbeat();
    let out;
    for (let attempt = 1; ; attempt++) {
      try {
        out = await lambda.send(new InvokeCommand(request));
        break;
      } catch (err) {
        if (classifyAwsError(err).kind === 'throttling' && attempt < THROTTLE_RETRIES) {
          await sleep(Math.min(1000 * 2 ** attempt, 15_000));
          continue;
        }
        // Anything else may have reached the function: a step failure, never another invoke.
        const c = classifyAwsError(err);
        throw actionFailed(`invoking ${request.FunctionName}: ${c.code}: ${c.message}`, { awsErrorCode: c.code, httpStatusCode: c.status });
      }
    }
    await deps.afterSideEffect?.({ request: req, service: 'lambda', api: 'Invoke' });
    let text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) text = Buffer.from(text).subarray(0, MAX_PAYLOAD_BYTES).toString();
    // OutputPayload: the answer again, under the name AWS's step outputs also give it.
    const outputs: Record<string, unknown> = { StatusCode: out.StatusCode ?? 0, Payload: text, OutputPayload: text };
    if (out.FunctionError) outputs.FunctionError = out.FunctionError;
    if (out.LogResult) outputs.LogResult = Buffer.from(out.LogResult, 'base64').toString('utf8');
    if (out.FunctionError) {
      const answer = parsed(text) as { errorMessage?: unknown; errorType?: unknown };
      const why = typeof answer === 'object' && answer && typeof answer.errorMessage === 'string' ? `${String(answer.errorType ?? 'Error')}: ${answer.errorMessage}` : text;
      throw actionFailed(`function ${request.FunctionName} failed (${out.FunctionError}): ${why.slice(0, 2000)}`, outputs);
    }
    const answer = parsed(text);
    const root = typeof answer === 'object' && answer !== null ? answer : { Payload: answer };
    return { outputs: { ...outputs, ...selectOutputs(root, req.outputs).outputs } };
  };
}
