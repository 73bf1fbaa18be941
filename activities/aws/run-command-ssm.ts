// One Run Command through SSM, sent at most once and followed to its end: look for the
// command this step attempt already sent (heartbeat details, else the marker in Comment),
// send it only if there is none, then poll until the command and every invocation asked
// for are final. Knows nothing of runbooks: the aws:runCommand activity calls it, and so
// can a dispatcher that routes some targets to SSM and others to Drover agents.
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type SendCommandCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { actionFailed } from '../errors';
import { awsFailure, callAws, classifyAwsError } from './errors';
import { hasMarker } from './run-command-input';

/** What runSsmCommand needs. */
export interface SsmCommandRequest {
  /** SendCommand's request; its Comment must already end with `marker`. */
  send: SendCommandCommandInput;
  /** The mark of this step attempt (commandMarker), looked for before sending. */
  marker: string;
  /** Commands sent before this moment cannot be ours: it bounds the look-up. */
  notBefore: Date;
}

/** Heartbeat details: enough for a retry to find the command again. */
export interface SsmCommandProgress {
  commandId: string;
  marker: string;
  /** Latest invocation statuses by instance (progress for whoever looks at the pending activity). */
  statuses?: Record<string, string>;
}

export interface SsmInvocation {
  instanceId: string;
  /** SSM's invocation Status (Success, Failed, TimedOut, Cancelled…), or `NotFound` when SSM has none. */
  status: string;
  statusDetails: string;
  responseCode: number;
  /** StandardOutputContent: SSM keeps the first 24,000 characters here. */
  output: string;
  error: string;
}

export interface SsmCommandResult {
  commandId: string;
  /** The command's overall Status (ListCommands). */
  status: string;
  statusDetails: string;
  /** In the order asked for (InstanceIds), else sorted by instance id. */
  invocations: SsmInvocation[];
}

export interface SsmCommandHooks {
  heartbeat(progress: SsmCommandProgress): void;
  /** Waits; rejects when the activity is cancelled. */
  sleep(ms: number): Promise<void>;
  /** The command id from an earlier attempt's heartbeat, when there was one. */
  resumeCommandId?: string;
  /** Poll intervals: the first wait, doubling up to the last. */
  pollMs?: { first: number; max: number };
  /** Runs just before a command is sent (not when an earlier one is found): checks that may refuse to send. */
  beforeSend?: () => Promise<void>;
  /**
   * Told when the command is sent, or found again (`via` heartbeat or marker). Throwing
   * after `sent` is what a crash between SendCommand and the first heartbeat looks like.
   */
  onCommand?: (event: { kind: 'sent' | 'found'; commandId: string; via?: 'heartbeat' | 'marker' }) => void | Promise<void>;
  /** Told after each SSM call succeeded (SendCommand, ListCommands, GetCommandInvocation…): a test seam for crashes. */
  afterCall?: (api: string) => void | Promise<void>;
}

const FINAL_COMMAND = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
const FINAL_INVOCATION = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled', 'Undeliverable', 'Terminated', 'InvalidPlatform', 'AccessDenied']);
/** How long an invocation may be missing after the command was sent before it counts as never delivered. */
const INVOCATION_GRACE_MS = 120_000;
const LIST_PAGES = 20;

/** Sends the command unless this step attempt already did, then waits for its end. */
export async function runSsmCommand(client: SSMClient, req: SsmCommandRequest, hooks: SsmCommandHooks): Promise<SsmCommandResult> {
  const ssm = reporting(client, hooks.afterCall);
  let command = hooks.resumeCommandId ? await describeCommand(ssm, hooks.resumeCommandId) : undefined;
  let via: 'heartbeat' | 'marker' = 'heartbeat';
  if (!command) {
    command = await findMarkedCommand(ssm, req.marker, req.notBefore);
    via = 'marker';
  }
  if (command) {
    await hooks.onCommand?.({ kind: 'found', commandId: command.CommandId!, via });
  } else {
    await hooks.beforeSend?.();
    const out = await callAws('SendCommand', () => ssm.send(new SendCommandCommand(req.send)));
    command = out.Command;
    if (!command?.CommandId) throw new Error('SendCommand answered without a CommandId');
    await hooks.onCommand?.({ kind: 'sent', commandId: command.CommandId });
  }
  const commandId = command.CommandId!;
  hooks.heartbeat({ commandId, marker: req.marker });
  try {
    return await follow(ssm, commandId, req, hooks);
  } catch (err) {
    if (isCancellation(err)) await cancelQuietly(ssm, commandId, req.send.InstanceIds);
    throw err;
  }
}

async function follow(ssm: Ssm, commandId: string, req: SsmCommandRequest, hooks: SsmCommandHooks): Promise<SsmCommandResult> {
  const poll = hooks.pollMs ?? { first: 1000, max: 15_000 };
  let wait = poll.first;
  const done = new Map<string, SsmInvocation>();
  for (;;) {
    await hooks.sleep(wait);
    wait = Math.min(wait * 2, poll.max);
    const command = await describeCommand(ssm, commandId);
    if (!command) throw actionFailed(`command ${commandId} is gone from SSM (ListCommands does not know it)`, { commandId });
    const commandFinal = FINAL_COMMAND.has(command.Status ?? '');
    // With InstanceIds, exactly those; with Targets, SSM resolves them: the command's
    // InstanceIds when it lists them, else its invocations (once there are any).
    let ids = req.send.InstanceIds;
    if (!ids) {
      ids = command.InstanceIds?.length ? [...command.InstanceIds].sort() : undefined;
      if (!ids && (commandFinal || (command.TargetCount ?? 0) > 0)) ids = await listInvocationIds(ssm, commandId);
    }
    const sentAt = command.RequestedDateTime?.getTime() ?? req.notBefore.getTime();
    const statuses: Record<string, string> = {};
    for (const id of ids ?? []) {
      let inv = done.get(id);
      // Each invocation is asked for until it is final; the others are not asked again.
      if (!inv) {
        inv = await getInvocation(ssm, commandId, id);
        const missingTooLong = inv.status === 'NotFound' && (commandFinal || Date.now() - sentAt > INVOCATION_GRACE_MS);
        if (FINAL_INVOCATION.has(inv.status) || missingTooLong) done.set(id, inv);
      }
      statuses[id] = inv.status;
    }
    // Statuses only for a few nodes: heartbeat details are small by design.
    hooks.heartbeat({ commandId, marker: req.marker, ...(Object.keys(statuses).length <= 50 ? { statuses } : {}) });
    if (commandFinal && ids && ids.every((id) => done.has(id))) {
      return {
        commandId,
        status: command.Status!,
        statusDetails: command.StatusDetails ?? command.Status!,
        invocations: ids.map((id) => done.get(id)!),
      };
    }
    if (commandFinal && !ids) {
      // A final command that reached no node at all (Targets matched nothing).
      return { commandId, status: command.Status!, statusDetails: command.StatusDetails ?? command.Status!, invocations: [] };
    }
  }
}

/** The SSM client as this module uses it: `send`, then the afterCall hook (named by the SDK command class: SendCommandCommand → SendCommand). */
interface Ssm {
  send: SSMClient['send'];
}

function reporting(client: SSMClient, afterCall: SsmCommandHooks['afterCall']): Ssm {
  if (!afterCall) return client;
  return {
    send: (async (command: { constructor: { name: string } }) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const out = await client.send(command as any);
      await afterCall(command.constructor.name.replace(/Command$/, ''));
      return out;
    }) as SSMClient['send'],
  };
}

async function describeCommand(ssm: Ssm, commandId: string): Promise<Command | undefined> {
  try {
    const out = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    return out.Commands?.[0];
  } catch (err) {
    if (classifyAwsError(err).code === 'InvalidCommandId') return undefined;
    throw awsFailure(err, `ListCommands ${commandId}`);
  }
}

/** The command of this step attempt, if an earlier try sent it: its Comment carries the marker. */
async function findMarkedCommand(ssm: Ssm, marker: string, notBefore: Date): Promise<Command | undefined> {
  let token: string | undefined;
  for (let page = 0; page < LIST_PAGES; page++) {
    const out = await callAws('ListCommands', () =>
      // AWS documents whole seconds here (2020-02-01T00:00:00Z).
      ssm.send(new ListCommandsCommand({ Filters: [{ key: 'InvokedAfter', value: notBefore.toISOString().replace(/\.\d+Z$/, 'Z') }], NextToken: token, MaxResults: 50 })),
    );
    const found = out.Commands?.find((c) => hasMarker(c.Comment, marker));
    if (found) return found;
    token = out.NextToken;
    if (!token) return undefined;
  }
  return undefined;
}

async function listInvocationIds(ssm: Ssm, commandId: string): Promise<string[] | undefined> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const out = await callAws(`ListCommandInvocations ${commandId}`, () =>
      ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId, NextToken: token, MaxResults: 50 })),
    );
    for (const inv of out.CommandInvocations ?? []) if (inv.InstanceId) ids.push(inv.InstanceId);
    token = out.NextToken;
  } while (token);
  return ids.length ? [...new Set(ids)].sort() : undefined;
}

async function getInvocation(ssm: Ssm, commandId: string, instanceId: string): Promise<SsmInvocation> {
  try {
    const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
    return {
      instanceId,
      status: out.Status ?? 'Pending',
      statusDetails: out.StatusDetails ?? out.Status ?? '',
      responseCode: out.ResponseCode ?? -1,
      output: out.StandardOutputContent ?? '',
      error: out.StandardErrorContent ?? '',
    };
  } catch (err) {
    // Right after SendCommand an invocation may not exist yet; the caller decides how long to wait.
    if (classifyAwsError(err).code === 'InvocationDoesNotExist') {
      return { instanceId, status: 'NotFound', statusDetails: 'InvocationDoesNotExist', responseCode: -1, output: '', error: '' };
    }
    throw awsFailure(err, `GetCommandInvocation ${commandId} on ${instanceId}`);
  }
}

function isCancellation(err: unknown): boolean {
  return (err as { name?: string } | undefined)?.name === 'CancelledFailure';
}

/** Cancelling the step cancels the command on the nodes; best effort, since the step ends anyway. */
async function cancelQuietly(ssm: Ssm, commandId: string, instanceIds: string[] | undefined): Promise<void> {
  try {
    await ssm.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: instanceIds }));
  } catch {
    // The command may have ended meanwhile, or the API may be missing (emulators).
  }
}
