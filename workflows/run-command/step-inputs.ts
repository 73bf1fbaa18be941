// aws:runCommand's inputs as a runbook writes them (loosely: one string where SSM wants a
// list, numbers where it wants strings), read into what the Run Command workflow takes.
// Pure. The SSM path checks them again, more strictly, in its activity.
import type { OutputDestination } from '../../agent/protocol';
import type { NotificationConfig, TargetSelection, TargetSpec } from './contract';

export interface RunCommandStepInputs extends OutputDestination {
  documentName: string;
  selection: TargetSelection;
  parameters: Record<string, string | string[]>;
  maxConcurrency?: string;
  maxErrors?: string;
  timeoutSeconds?: number;
  comment?: string;
  notificationConfig?: NotificationConfig;
  serviceRoleArn?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

function texts(v: unknown): string[] | undefined {
  const items = (Array.isArray(v) ? v : [v]).flat(2);
  const out = items.map(text);
  return out.every((s): s is string => s !== undefined) ? out : undefined;
}

export function readRunCommandInputs(inputs: Record<string, unknown>): { ok: true; value: RunCommandStepInputs } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const documentName = text(inputs.DocumentName);
  if (!documentName) problems.push('DocumentName is required (the name of a Command document)');

  const selection: TargetSelection = {};
  if (inputs.InstanceIds !== undefined) {
    const ids = texts(inputs.InstanceIds);
    if (!ids) problems.push(`InstanceIds must be a list of node ids; got ${JSON.stringify(inputs.InstanceIds)}`);
    else selection.instanceIds = ids;
  }
  if (inputs.Targets !== undefined) {
    const list = Array.isArray(inputs.Targets) ? inputs.Targets : [inputs.Targets];
    const targets: TargetSpec[] = [];
    for (const t of list) {
      const values = isRecord(t) ? texts(t.Values) : undefined;
      if (!isRecord(t) || typeof t.Key !== 'string' || !values) problems.push(`each target is {Key, Values}; got ${JSON.stringify(t)}`);
      else targets.push({ Key: t.Key, Values: values });
    }
    selection.targets = targets;
  }

  const parameters: Record<string, string | string[]> = {};
  if (inputs.Parameters !== undefined) {
    if (!isRecord(inputs.Parameters)) problems.push(`Parameters must be a map of names to values; got ${JSON.stringify(inputs.Parameters)}`);
    else {
      for (const [k, v] of Object.entries(inputs.Parameters)) {
        const one = text(v);
        const many = one === undefined ? texts(v) : undefined;
        if (one !== undefined) parameters[k] = one;
        else if (many) parameters[k] = many;
        else problems.push(`parameter ${k} must be a string or a list of strings; got ${JSON.stringify(v)}`);
      }
    }
  }

  const value: RunCommandStepInputs = { documentName: documentName ?? '', selection, parameters };
  const rate = (key: 'MaxConcurrency' | 'MaxErrors') => {
    const v = inputs[key];
    if (v === undefined) return undefined;
    const s = text(v);
    if (s === undefined) problems.push(`${key} must be a number or a percentage; got ${JSON.stringify(v)}`);
    return s;
  };
  const mc = rate('MaxConcurrency');
  const me = rate('MaxErrors');
  if (mc !== undefined) value.maxConcurrency = mc;
  if (me !== undefined) value.maxErrors = me;
  if (inputs.TimeoutSeconds !== undefined) {
    const n = Number(inputs.TimeoutSeconds);
    if (!Number.isInteger(n) || n < 1) problems.push(`TimeoutSeconds must be a whole number of seconds; got ${JSON.stringify(inputs.TimeoutSeconds)}`);
    else value.timeoutSeconds = n;
  }
  for (const [key, field] of [
    ['Comment', 'comment'],
    ['OutputS3BucketName', 'outputS3BucketName'],
    ['OutputS3KeyPrefix', 'outputS3KeyPrefix'],
    ['ServiceRoleArn', 'serviceRoleArn'],
  ] as const) {
    const v = inputs[key];
    if (v === undefined || v === '') continue;
    const s = text(v);
    if (s === undefined) problems.push(`${key} must be a string; got ${JSON.stringify(v)}`);
    else value[field] = s;
  }
  if (isRecord(inputs.CloudWatchOutputConfig)) value.cloudWatchOutputConfig = inputs.CloudWatchOutputConfig as RunCommandStepInputs['cloudWatchOutputConfig'];
  if (inputs.NotificationConfig !== undefined) {
    const n = inputs.NotificationConfig;
    if (!isRecord(n) || typeof n.NotificationArn !== 'string') problems.push('NotificationConfig needs a NotificationArn');
    else {
      const cfg: NotificationConfig = { NotificationArn: n.NotificationArn };
      const events = n.NotificationEvents === undefined ? undefined : texts(n.NotificationEvents);
      if (events) cfg.NotificationEvents = events;
      if (n.NotificationType === 'Command' || n.NotificationType === 'Invocation') cfg.NotificationType = n.NotificationType;
      value.notificationConfig = cfg;
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, value };
}
