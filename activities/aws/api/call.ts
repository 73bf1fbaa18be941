// One AWS API call of a runbook step: resolve Service/Api, fit the request to the
// operation's schema, make it idempotent, call AWS as the runbook's assumeRole, and shape
// the response like boto3's. Shared by the three AWS API actions.
import { cancellationSignal } from '@temporalio/activity';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ActionRequest } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { callAws } from '../errors';
import type { ResolvedAwsDeps } from '../deps';
import { clientToken, createImageOnce, createSnapshotOnce, createSnapshotsOnce, idempotencyKey, type IdempotencyKey } from '../idempotency';
import { resolveOperation } from './operation';
import { idempotencyTokenMembers, shapeRequest } from './request-shape';
import { shapeResponse } from './response-shape';

/** AWS allows an executeAwsApi call 25 seconds; a slower answer is retried by Temporal. */
const CALL_TIMEOUT_MS = 25_000;

type Once = (ec2: EC2Client, key: IdempotencyKey, input: never, opts: { abortSignal?: AbortSignal }) => Promise<{ output: unknown }>;

/** EC2 operations that take no client token: created once through tags and a look-up. */
const CREATE_ONCE: Record<string, Once> = {
  CreateImage: createImageOnce,
  CreateSnapshot: createSnapshotOnce,
  CreateSnapshots: createSnapshotsOnce,
};

export interface ApiCall {
  service: unknown;
  api: unknown;
  /** The request as the runbook wrote it (interpolated). */
  params: Record<string, unknown>;
}

export async function callAwsApi(deps: ResolvedAwsDeps, req: ActionRequest, call: ApiCall): Promise<Record<string, unknown>> {
  const op = await resolveOperation(call.service, call.api);
  const { request, problems } = op.input ? shapeRequest(op.input, call.params) : { request: { ...call.params }, problems: [] };
  if (problems.length) throw actionFailed(`${op.service} ${op.api}: the request does not fit the operation: ${problems.join('; ')}`);
  const key = idempotencyKey(req);
  for (const member of op.input ? idempotencyTokenMembers(op.input) : []) {
    // The SDK would fill a random token, different on every retry.
    if (request[member] === undefined) request[member] = clientToken(key, `${op.service}.${op.api}.${member}`);
  }
  const client = deps.clients.get(op.Client, req.assumeRole);
  const abortSignal = AbortSignal.any([cancellationSignal(), AbortSignal.timeout(CALL_TIMEOUT_MS)]);
  const once = op.service === 'ec2' ? CREATE_ONCE[op.api] : undefined;
  const output = once
    ? (await once(client as unknown as EC2Client, key, request as never, { abortSignal })).output
    : await callAws(`${op.service} ${op.api}`, () => client.send(new op.Command(request), { abortSignal }));
  await deps.afterSideEffect?.({ request: req, service: op.service, api: op.api });
  return shapeResponse(output);
}

/** The inputs of an AWS API action split into the action's own and the request. */
export function splitInputs<K extends string>(inputs: Record<string, unknown>, own: readonly K[]): { own: Record<K, unknown>; params: Record<string, unknown> } {
  const mine = {} as Record<K, unknown>;
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if ((own as readonly string[]).includes(k)) mine[k as K] = v;
    else params[k] = v;
  }
  return { own: mine, params };
}
