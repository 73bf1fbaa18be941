// aws:runCommand's inputs, checked and turned into SSM SendCommand's request. Pure: no
// AWS call here, so every rule is tested on its own. Runbooks write inputs loosely (a
// single string where SSM wants a list, numbers where it wants strings, "true" for true);
// this accepts what AWS's own runbooks write and refuses the rest with every problem named.
import { createHash } from 'node:crypto';
import type { SendCommandCommandInput } from '@aws-sdk/client-ssm';

/** SSM's limits (SendCommand API reference). */
export const MAX_INSTANCE_IDS = 50;
export const MAX_TARGETS = 5;
export const MAX_COMMENT_CHARS = 100;
const TIMEOUT_RANGE = [30, 2_592_000] as const;
const MAX_CONCURRENCY = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS = /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/;
const NOTIFICATION_EVENTS = ['All', 'InProgress', 'Success', 'TimedOut', 'Cancelled', 'Failed'];

const KNOWN_INPUTS = new Set([
  'DocumentName',
  'DocumentVersion',
  'DocumentHash',
  'DocumentHashType',
  'InstanceIds',
  'Targets',
  'Parameters',
  'TimeoutSeconds',
  'Comment',
  'MaxConcurrency',
  'MaxErrors',
  'OutputS3BucketName',
  'OutputS3KeyPrefix',
  'OutputS3Region',
  'CloudWatchOutputConfig',
  'NotificationConfig',
  'ServiceRoleArn',
  'AlarmConfiguration',
]);

export type RunCommandInputResult = { ok: true; request: SendCommandCommandInput } | { ok: false; problems: string[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string, or a number written where AWS wants a string (`DocumentVersion: 1`). */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return undefined;
}

/** `x` or `[x, y]`: SSM wants lists; runbooks often give one value. */
function stringList(v: unknown): string[] | undefined {
  const items = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of items) {
    const s = text(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

/** A Command document parameter value: SSM takes a list of strings for every type. */
function parameterValue(v: unknown): string[] {
  const one = (x: unknown): string => (typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : JSON.stringify(x));
  return Array.isArray(v) ? v.map(one) : [one(v)];
}

function unresolved(s: string): boolean {
  return s.includes('{{');
}

/**
 * Checks aws:runCommand's inputs and builds the SendCommand request (without Drover's
 * marker in Comment: see commentWithMarker).
 */
export function parseRunCommandInputs(inputs: Record<string, unknown>): RunCommandInputResult {
  const problems: string[] = [];
  const req: SendCommandCommandInput = { DocumentName: undefined };

  for (const key of Object.keys(inputs)) {
    if (!KNOWN_INPUTS.has(key)) problems.push(`${key} is not an input of aws:runCommand`);
  }

  const doc = text(inputs.DocumentName);
  if (!doc) problems.push('DocumentName is required (the name or ARN of a Command document)');
  else if (unresolved(doc)) problems.push(`DocumentName has an unresolved reference: ${doc}`);
  else req.DocumentName = doc;

  const optionalText = (key: 'DocumentVersion' | 'DocumentHash' | 'OutputS3BucketName' | 'OutputS3KeyPrefix' | 'OutputS3Region' | 'ServiceRoleArn') => {
    const v = inputs[key];
    if (v === undefined || v === '') return;
    const s = text(v);
    if (s === undefined) problems.push(`${key} must be a string; got ${JSON.stringify(v)}`);
    else req[key] = s;
  };
  optionalText('DocumentVersion');
  optionalText('DocumentHash');
  optionalText('OutputS3BucketName');
  optionalText('OutputS3KeyPrefix');
  optionalText('OutputS3Region');
  optionalText('ServiceRoleArn');

  if (inputs.DocumentHashType !== undefined) {
    if (inputs.DocumentHashType === 'Sha256' || inputs.DocumentHashType === 'Sha1') req.DocumentHashType = inputs.DocumentHashType;
    else problems.push(`DocumentHashType must be Sha256 or Sha1; got ${JSON.stringify(inputs.DocumentHashType)}`);
  }

  const hasIds = inputs.InstanceIds !== undefined;
  const hasTargets = inputs.Targets !== undefined;
  if (hasIds === hasTargets) problems.push('give either InstanceIds or Targets (exactly one of them)');
  if (hasIds) {
    const ids = stringList(inputs.InstanceIds);
    if (!ids || ids.some((id) => id.trim() === '')) problems.push(`InstanceIds must be a list of node ids; got ${JSON.stringify(inputs.InstanceIds)}`);
    else if (ids.length === 0) problems.push('InstanceIds is empty');
    else if (ids.length > MAX_INSTANCE_IDS) problems.push(`InstanceIds holds ${ids.length} ids; SSM takes at most ${MAX_INSTANCE_IDS} (use Targets for more)`);
    else {
      const bad = ids.filter(unresolved);
      if (bad.length) problems.push(`InstanceIds has unresolved references: ${bad.join(', ')}`);
      else req.InstanceIds = [...new Set(ids)];
    }
  }
  if (hasTargets) {
    const targets = Array.isArray(inputs.Targets) ? inputs.Targets : undefined;
    if (!targets || targets.length === 0) problems.push('Targets must be a non-empty list of {Key, Values}');
    else if (targets.length > MAX_TARGETS) problems.push(`Targets holds ${targets.length} entries; SSM takes at most ${MAX_TARGETS}`);
    else {
      const parsed: { Key: string; Values: string[] }[] = [];
      targets.forEach((t, i) => {
        const key = isRecord(t) ? text(t.Key) : undefined;
        const values = isRecord(t) ? stringList(t.Values) : undefined;
        if (!key || !values || values.length === 0) problems.push(`Targets[${i}] must be {Key: string, Values: [string, ...]}; got ${JSON.stringify(t)}`);
        else parsed.push({ Key: key, Values: values });
      });
      if (parsed.length === targets.length) req.Targets = parsed;
    }
  }

  if (inputs.Parameters !== undefined) {
    if (!isRecord(inputs.Parameters)) problems.push(`Parameters must be a map of parameter names to values; got ${JSON.stringify(inputs.Parameters)}`);
    else req.Parameters = Object.fromEntries(Object.entries(inputs.Parameters).map(([k, v]) => [k, parameterValue(v)]));
  }

  if (inputs.TimeoutSeconds !== undefined) {
    const n = typeof inputs.TimeoutSeconds === 'string' ? Number(inputs.TimeoutSeconds) : inputs.TimeoutSeconds;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < TIMEOUT_RANGE[0] || n > TIMEOUT_RANGE[1]) {
      problems.push(`TimeoutSeconds must be a whole number from ${TIMEOUT_RANGE[0]} to ${TIMEOUT_RANGE[1]}; got ${JSON.stringify(inputs.TimeoutSeconds)}`);
    } else req.TimeoutSeconds = n;
  }

  for (const [key, pattern, what] of [
    ['MaxConcurrency', MAX_CONCURRENCY, 'a number from 1 or a percentage from 1% to 100%'],
    ['MaxErrors', MAX_ERRORS, 'a number from 0 or a percentage from 0% to 100%'],
  ] as const) {
    if (inputs[key] === undefined) continue;
    const s = text(inputs[key]);
    if (s === undefined || !pattern.test(s)) problems.push(`${key} must be ${what}; got ${JSON.stringify(inputs[key])}`);
    else req[key] = s;
  }

  if (inputs.Comment !== undefined) {
    const c = text(inputs.Comment);
    if (c === undefined) problems.push(`Comment must be a string; got ${JSON.stringify(inputs.Comment)}`);
    else if (c.length > MAX_COMMENT_CHARS) problems.push(`Comment has ${c.length} characters; SSM takes at most ${MAX_COMMENT_CHARS}`);
    else if (c) req.Comment = c;
  }

  if (inputs.CloudWatchOutputConfig !== undefined) {
    const c = inputs.CloudWatchOutputConfig;
    const enabled = isRecord(c) && c.CloudWatchOutputEnabled !== undefined ? bool(c.CloudWatchOutputEnabled) : undefined;
    const group = isRecord(c) && c.CloudWatchLogGroupName !== undefined ? text(c.CloudWatchLogGroupName) : undefined;
    if (!isRecord(c) || (c.CloudWatchOutputEnabled !== undefined && enabled === undefined) || (c.CloudWatchLogGroupName !== undefined && group === undefined)) {
      problems.push(`CloudWatchOutputConfig must be {CloudWatchLogGroupName?: string, CloudWatchOutputEnabled?: boolean}; got ${JSON.stringify(c)}`);
    } else {
      req.CloudWatchOutputConfig = {
        ...(group !== undefined ? { CloudWatchLogGroupName: group } : {}),
        ...(enabled !== undefined ? { CloudWatchOutputEnabled: enabled } : {}),
      };
    }
  }

  if (inputs.NotificationConfig !== undefined) {
    const n = inputs.NotificationConfig;
    const events = isRecord(n) && n.NotificationEvents !== undefined ? stringList(n.NotificationEvents) : undefined;
    const arn = isRecord(n) && n.NotificationArn !== undefined ? text(n.NotificationArn) : undefined;
    const type = isRecord(n) ? n.NotificationType : undefined;
    const badEvents = events?.filter((e) => !NOTIFICATION_EVENTS.includes(e)) ?? [];
    if (
      !isRecord(n) ||
      (n.NotificationArn !== undefined && arn === undefined) ||
      (n.NotificationEvents !== undefined && events === undefined) ||
      badEvents.length > 0 ||
      (type !== undefined && type !== 'Command' && type !== 'Invocation')
    ) {
      problems.push(
        `NotificationConfig must be {NotificationArn: string, NotificationEvents: [${NOTIFICATION_EVENTS.join('|')}], NotificationType: Command|Invocation}; got ${JSON.stringify(n)}`,
      );
    } else {
      req.NotificationConfig = {
        ...(arn !== undefined ? { NotificationArn: arn } : {}),
        ...(events !== undefined ? { NotificationEvents: events as NonNullable<SendCommandCommandInput['NotificationConfig']>['NotificationEvents'] } : {}),
        ...(type !== undefined ? { NotificationType: type } : {}),
      };
    }
  }

  if (inputs.AlarmConfiguration !== undefined) {
    const a = inputs.AlarmConfiguration;
    const alarms = isRecord(a) && Array.isArray(a.Alarms) ? a.Alarms : undefined;
    const ignore = isRecord(a) && a.IgnorePollAlarmFailure !== undefined ? bool(a.IgnorePollAlarmFailure) : undefined;
    if (!isRecord(a) || !alarms || alarms.some((x) => !isRecord(x) || typeof x.Name !== 'string') || (a.IgnorePollAlarmFailure !== undefined && ignore === undefined)) {
      problems.push(`AlarmConfiguration must be {Alarms: [{Name: string}], IgnorePollAlarmFailure?: boolean}; got ${JSON.stringify(a)}`);
    } else {
      req.AlarmConfiguration = {
        Alarms: alarms.map((x) => ({ Name: (x as { Name: string }).Name })),
        ...(ignore !== undefined ? { IgnorePollAlarmFailure: ignore } : {}),
      };
    }
  }

  return problems.length ? { ok: false, problems } : { ok: true, request: req };
}

/**
 * The mark a Drover step attempt leaves in the command's Comment, so that a retry of the
 * activity finds the command it sent before (SendCommand takes no client token).
 * Readable when it fits SSM's 100-character Comment, else a digest of the same text.
 */
export function commandMarker(p: { executionId: string; step: string; run: number; attempt: number }): string {
  const full = `drover:${p.executionId}/${p.step}/${p.run}/${p.attempt}`;
  if (full.length <= 64) return full;
  return `drover:${createHash('sha256').update(full).digest('hex').slice(0, 32)}`;
}

/** The runbook's Comment (shortened when it must be) followed by the marker. */
export function commentWithMarker(comment: string | undefined, marker: string): string {
  if (!comment) return marker;
  const room = MAX_COMMENT_CHARS - marker.length - 1;
  if (room <= 0) return marker;
  const kept = comment.length <= room ? comment : `${comment.slice(0, room - 1)}…`;
  return `${kept} ${marker}`;
}

/** True when a command's Comment carries exactly this marker (not a longer one sharing its start). */
export function hasMarker(comment: string | undefined, marker: string): boolean {
  if (!comment?.endsWith(marker)) return false;
  const before = comment.length - marker.length;
  return before === 0 || comment[before - 1] === ' ';
}
