// aws:runCommand on EC2 instances (and SSM-managed nodes) through SSM Run Command:
// inputs checked, the command sent once per step attempt however often Temporal retries
// the activity, followed to its end, and judged as Automation does (the step fails
// unless the command and every invocation succeeded). Outputs as AWS defines them:
// CommandId, Status (the command's), ResponseCode and Output (the first invocation's).
// SecureString references in Parameters go to SSM as written (SSM resolves them on the
// instance); the worker reads them only to blank their values out of what comes back.
import { activityInfo, heartbeat, log, sleep } from '@temporalio/activity';
import { EC2Client, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ActionRequest, ActionResult } from '../../workflows/definitions';
import { actionFailed } from '../errors';
import type { ResolvedAwsDeps } from './deps';
import { awsFailure, classifyAwsError } from './errors';
import { commandMarker, commentWithMarker, parseRunCommandInputs } from './run-command-input';
import { runSsmCommand, type SsmCommandProgress, type SsmCommandResult } from './run-command-ssm';
import { withSecrets } from '../secrets';

/** SSM keeps this much of an invocation's standard output in its API answers; so does Output. */
export const MAX_OUTPUT_CHARS = 24_000;
/** Clocks of the worker, Temporal and AWS differ a little: the look-up for an earlier send starts this much before the activity was scheduled. */
const CLOCK_SKEW_MS = 5 * 60_000;
const ERROR_EXCERPT_CHARS = 200;

export function createRunCommand(deps: ResolvedAwsDeps) {
  return withSecrets(deps.clients, async function runCommand(req: ActionRequest, secrets): Promise<ActionResult> {
    const parsed = parseRunCommandInputs(req.inputs);
    if (!parsed.ok) throw actionFailed(`aws:runCommand: ${parsed.problems.join('; ')}`, { problems: parsed.problems });
    await secrets.learn(parsed.request.Parameters);
    const info = activityInfo();
    const marker = commandMarker(req);
    const send = { ...parsed.request, Comment: commentWithMarker(parsed.request.Comment, marker) };
    const earlier = info.heartbeatDetails as SsmCommandProgress | undefined;
    const ssm = deps.clients.get(SSMClient, req.assumeRole);
    const result = await runSsmCommand(
      ssm,
      { send, marker, notBefore: new Date(info.scheduledTimestampMs - CLOCK_SKEW_MS) },
      {
        heartbeat,
        sleep: (ms) => sleep(ms),
        resumeCommandId: earlier?.marker === marker ? earlier.commandId : undefined,
        beforeSend: async () => {
          if (!send.InstanceIds) return;
          const problems = await checkEc2Instances(deps.clients.get(EC2Client, req.assumeRole), send.InstanceIds);
          if (problems.length) throw actionFailed(`aws:runCommand: ${problems.join('; ')}`, { problems });
        },
        onCommand: async (e) => {
          if (e.kind === 'found') {
            log.info('found the command an earlier try sent', { commandId: e.commandId, via: e.via, step: req.step });
            return;
          }
          log.info('sent command', { commandId: e.commandId, document: send.DocumentName, step: req.step });
        },
        afterCall: deps.afterSideEffect ? (api) => deps.afterSideEffect!({ request: req, service: 'ssm', api }) : undefined,
      },
    );
    const judged = judgeCommand(result, send.DocumentName!);
    if (!judged.ok) throw actionFailed(judged.message, { commandId: result.commandId, invocations: judged.invocations });
    return { outputs: judged.outputs };
  });
}

export type CommandJudgement =
  | { ok: true; outputs: Record<string, unknown> }
  | { ok: false; message: string; invocations: { instanceId: string; status: string; statusDetails: string; responseCode: number }[] };

/** Automation's verdict on a finished command: success only when the command and every invocation succeeded. */
export function judgeCommand(result: SsmCommandResult, documentName: string): CommandJudgement {
  const bad = result.invocations.filter((i) => i.status !== 'Success');
  if (result.status === 'Success' && bad.length === 0) {
    const first = result.invocations[0];
    const outputs: Record<string, unknown> = { CommandId: result.commandId, Status: result.status, Output: (first?.output ?? '').slice(0, MAX_OUTPUT_CHARS) };
    if (first) outputs.ResponseCode = first.responseCode;
    return { ok: true, outputs };
  }
  const describe = (i: SsmCommandResult['invocations'][number]): string => {
    if (i.status === 'NotFound') return `${i.instanceId}: no invocation (SSM did not deliver the command: is the node managed by SSM and online?)`;
    let s = `${i.instanceId}: ${i.status}`;
    if (i.statusDetails && i.statusDetails !== i.status) s += ` (${i.statusDetails})`;
    if (i.responseCode >= 0 && i.status !== 'Success') s += `, exit code ${i.responseCode}`;
    const err = i.error.trim();
    if (err) s += `: ${err.length > ERROR_EXCERPT_CHARS ? `${err.slice(0, ERROR_EXCERPT_CHARS)}…` : err}`;
    return s;
  };
  const head = `command ${result.commandId} (${documentName}) ended ${result.status}`;
  const message = bad.length ? `${head} on ${bad.length} of ${result.invocations.length} nodes: ${bad.map(describe).join('; ')}` : `${head}: ${result.statusDetails}`;
  return {
    ok: false,
    message,
    invocations: result.invocations.map(({ instanceId, status, statusDetails, responseCode }) => ({ instanceId, status, statusDetails, responseCode })),
  };
}

const EC2_INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;
const NOT_ALLOWED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'AuthFailure']);

/**
 * Problems with the EC2 instances among `ids` (others, like hybrid `mi-` nodes, are SSM's
 * business): SSM refuses instances that do not exist or are not running, with a message
 * that names none of them; this names each. Skipped when the role may not describe instances.
 */
export async function checkEc2Instances(ec2: EC2Client, ids: readonly string[]): Promise<string[]> {
  const wanted = ids.filter((id) => id.startsWith('i-'));
  if (wanted.length === 0) return [];
  const malformed = wanted.filter((id) => !EC2_INSTANCE_ID.test(id));
  const valid = wanted.filter((id) => EC2_INSTANCE_ID.test(id));
  const states = new Map<string, string>();
  let token: string | undefined;
  try {
    if (valid.length) do {
      const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: valid }], NextToken: token }));
      for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId) states.set(i.InstanceId, i.State?.Name ?? 'unknown');
      token = out.NextToken;
    } while (token);
  } catch (err) {
    if (NOT_ALLOWED.has(classifyAwsError(err).code)) {
      log.warn('cannot describe EC2 instances; SSM will judge the instance ids itself', { error: String(err) });
      return malformed.map((id) => `${id} is not an EC2 instance id`);
    }
    throw awsFailure(err, 'DescribeInstances');
  }
  const problems = malformed.map((id) => `${id} is not an EC2 instance id`);
  const missing = valid.filter((id) => !states.has(id));
  if (missing.length) problems.push(`${missing.length === 1 ? 'instance' : 'instances'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`);
  for (const id of valid) {
    const state = states.get(id);
    if (state && state !== 'running') problems.push(`instance ${id} is ${state}, not running: SSM cannot run a command on it`);
  }
  return problems;
}
