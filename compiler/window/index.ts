// Maintenance window text → WindowPlan, or diagnostics: parse with positions, validate against
// the window schema, run the window rules, emit. Pure: what the tasks name (documents,
// runbooks) comes in through `lookups`, read by the loader (load.ts).
import { checkDocument } from '../check-document';
import { hasErrors, type Diagnostic } from '../diagnostic';
import { error } from '../finding';
import { canonicalJson, sha256Hex } from '../hash';
import { runbookName } from '../index';
import { asRecord, asString, type Json } from '../outline';
import { stableUuid, windowIdOf } from '../../lang/windows/stable-id';
import {
  WINDOW_PLAN_FORMAT,
  type CutoffBehavior,
  type TaskType,
  type WindowPlan,
  type WindowTargetPlan,
  type WindowTaskPlan,
  type RunCommandTaskParameters,
  type TargetSpec,
} from '../../lang/windows/plan';
import { WINDOW_RULES, windowContext, type WindowLookups } from './rules';
import { validateWindowSchema } from './schema-validate';

export type { WindowLookups } from './rules';

export interface WindowCompileResult {
  /** Present exactly when there is no error-severity diagnostic. */
  plan?: WindowPlan;
  diagnostics: Diagnostic[];
}

export function compileWindow(text: string, file: string, lookups: WindowLookups = {}): WindowCompileResult {
  const { ctx, diagnostics } = checkDocument(text, file, {
    noun: 'window',
    notAMapping: error('invalid-type', '', 'A maintenance window must be a mapping of Schedule, Duration, Cutoff, Targets and Tasks.', 'Start from: Schedule: cron(0 2 ? * SUN *), Duration: 3, Cutoff: 1.'),
    context: (value) => windowContext(value, lookups),
    validateSchema: validateWindowSchema,
    rules: WINDOW_RULES,
  });
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  return { plan: emitWindow(ctx.doc, file), diagnostics };
}

/** MaxConcurrency and MaxErrors as SSM keeps them: text (a YAML number is written as one). */
const rate = (v: unknown): string | undefined => (typeof v === 'number' ? String(v) : asString(v));

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

function targetSpecs(v: unknown): TargetSpec[] {
  return (Array.isArray(v) ? v : []).flatMap((e) => {
    const r = asRecord(e);
    return r && typeof r.Key === 'string' ? [{ Key: r.Key, Values: strings(r.Values) }] : [];
  });
}

/** SSM's lists of strings; a single string is a list of one. */
function parameterLists(v: unknown): Record<string, string[]> {
  return Object.fromEntries(Object.entries(asRecord(v) ?? {}).map(([k, x]) => [k, strings(x)]));
}

function optional<T extends object>(entries: Record<string, unknown>): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The plan of a window that passed the schema and the rules. */
export function emitWindow(doc: Json, file: string | undefined): WindowPlan {
  const name = asString(doc.Name) ?? (file ? runbookName(file) : 'window');
  const windowId = windowIdOf(name);
  const targets: WindowTargetPlan[] = (Array.isArray(doc.Targets) ? doc.Targets : []).map((raw) => {
    const t = raw as Json;
    return {
      windowTargetId: stableUuid(windowId, 'target', String(t.Name)),
      name: String(t.Name),
      resourceType: 'INSTANCE' as const,
      targets: targetSpecs(t.Targets),
      ...optional<WindowTargetPlan>({ description: asString(t.Description), ownerInformation: asString(t.OwnerInformation) }),
    };
  });
  const targetIds = new Map(targets.map((t) => [t.name, t.windowTargetId]));
  const tasks: WindowTaskPlan[] = (Array.isArray(doc.Tasks) ? doc.Tasks : []).map((raw) => {
    const t = raw as Json;
    const type = t.TaskType as TaskType;
    const params = asRecord(t.TaskInvocationParameters) ?? {};
    const task: WindowTaskPlan = {
      windowTaskId: stableUuid(windowId, 'task', String(t.Name)),
      name: String(t.Name),
      taskType: type,
      taskArn: String(t.TaskArn),
      priority: typeof t.Priority === 'number' ? t.Priority : 1,
      cutoffBehavior: (asString(t.CutoffBehavior) as CutoffBehavior | undefined) ?? 'CONTINUE_TASK',
      ...optional<WindowTaskPlan>({ description: asString(t.Description), maxConcurrency: rate(t.MaxConcurrency), maxErrors: rate(t.MaxErrors), serviceRoleArn: asString(t.ServiceRoleArn) }),
    };
    const windowTargetIds: string[] = [];
    const instanceIds: string[] = [];
    for (const spec of targetSpecs(t.Targets)) {
      if (spec.Key === 'WindowTargetIds') windowTargetIds.push(...spec.Values.map((v) => targetIds.get(v) ?? v));
      else instanceIds.push(...spec.Values);
    }
    if (windowTargetIds.length || instanceIds.length) task.targets = { ...(windowTargetIds.length ? { windowTargetIds } : {}), ...(instanceIds.length ? { instanceIds } : {}) };
    const rc = asRecord(params.RunCommand);
    if (type === 'RUN_COMMAND') {
      task.runCommand = {
        parameters: parameterLists(rc?.Parameters),
        ...optional<RunCommandTaskParameters>({
          comment: asString(rc?.Comment),
          timeoutSeconds: typeof rc?.TimeoutSeconds === 'number' ? rc.TimeoutSeconds : undefined,
          outputS3BucketName: asString(rc?.OutputS3BucketName),
          outputS3KeyPrefix: asString(rc?.OutputS3KeyPrefix),
          cloudWatchOutputConfig: asRecord(rc?.CloudWatchOutputConfig),
          notificationConfig: asRecord(rc?.NotificationConfig),
          serviceRoleArn: asString(rc?.ServiceRoleArn),
          documentVersion: asString(rc?.DocumentVersion),
        }),
      };
    }
    const auto = asRecord(params.Automation);
    if (type === 'AUTOMATION') task.automation = { parameters: parameterLists(auto?.Parameters), ...optional({ documentVersion: asString(auto?.DocumentVersion) }) };
    return task;
  });
  const tags = Array.isArray(doc.Tags) ? Object.fromEntries(doc.Tags.map((t) => [String((t as Json).Key), String((t as Json).Value)])) : undefined;
  const withoutHash: Omit<WindowPlan, 'hash' | 'source'> = {
    formatVersion: WINDOW_PLAN_FORMAT,
    name,
    windowId,
    schedule: {
      expression: String(doc.Schedule).trim(),
      ...optional({
        timezone: asString(doc.ScheduleTimezone),
        offsetDays: typeof doc.ScheduleOffset === 'number' ? doc.ScheduleOffset : undefined,
        startDate: asString(doc.StartDate),
        endDate: asString(doc.EndDate),
      }),
    },
    durationHours: doc.Duration as number,
    cutoffHours: doc.Cutoff as number,
    allowUnassociatedTargets: doc.AllowUnassociatedTargets === true,
    enabled: doc.Enabled !== false,
    targets,
    tasks,
    ...optional<WindowPlan>({ description: asString(doc.Description), tags }),
  };
  return { ...withoutHash, hash: sha256Hex(canonicalJson(withoutHash)), ...(file ? { source: { file } } : {}) };
}
