// The checks of a maintenance window that a schema cannot express, each a small named rule
// over the document as written (lenient: a field of the wrong type reads as absent, the
// schema reports it). None throws.
import type { CommandDocumentPlan } from '../../agent/protocol';
import type { Plan } from '../../lang/plan';
import { readSchedule, type ScheduleFieldProblem } from '../../lang/schedule/definition';
import { localToInstant, nextFireTimes, zoneOf } from '../../lang/schedule/fire-times';
import { RUNNABLE_TASK_TYPES, type TaskType } from '../../lang/windows/plan';
import { isPseudoParameter, NOT_IN_RUN_COMMAND, PSEUDO_PARAMETERS, TARGET_PSEUDO, upperCaseReferences } from '../../lang/windows/pseudo-parameters';
import { closestMatch, didYouMean, listWords } from '../../lang/suggest';
import { parseSelection } from '../../workflows/run-command/target-spec';
import { error, joinPointer, warning, type Finding } from '../finding';
import { asRecord, asString, type Json } from '../outline';
import { sentence } from '../describe-pointer';

/** What the rules may know beyond the file: the Command documents and runbooks its tasks name. */
export interface WindowLookups {
  /** A compiled document, null when there is none by that name, undefined when not looked up. */
  document?(name: string): CommandDocumentPlan | null | undefined;
  runbook?(name: string): Plan | null | undefined;
}

export interface TargetOutline {
  raw: Json;
  name?: string;
  pointer: string;
}

export interface TaskOutline {
  raw: Json;
  name?: string;
  type?: string;
  arn?: string;
  pointer: string;
  /** The key of TaskInvocationParameters this task type reads. */
  parametersKey?: 'RunCommand' | 'Automation' | 'Lambda' | 'StepFunctions';
}

export interface WindowContext {
  doc: Json;
  targets: TargetOutline[];
  tasks: TaskOutline[];
  lookups: WindowLookups;
}

export type WindowRule = (ctx: WindowContext) => Finding[];

const label = (t: TaskOutline): string => (t.name ? `task ${t.name}` : 'this task');

const PARAMETERS_KEY: Record<TaskType, TaskOutline['parametersKey']> = {
  RUN_COMMAND: 'RunCommand',
  AUTOMATION: 'Automation',
  LAMBDA: 'Lambda',
  STEP_FUNCTIONS: 'StepFunctions',
};

function list(value: unknown, pointer: string): { raw: Json; pointer: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) => {
    const raw = asRecord(item);
    return raw ? [{ raw, pointer: joinPointer(pointer, i) }] : [];
  });
}

export function windowContext(value: unknown, lookups: WindowLookups = {}): WindowContext {
  const doc = asRecord(value) ?? {};
  return {
    doc,
    targets: list(doc.Targets, '/Targets').map((t) => ({ ...t, name: asString(t.raw.Name) })),
    tasks: list(doc.Tasks, '/Tasks').map((t) => {
      const type = asString(t.raw.TaskType);
      return { ...t, name: asString(t.raw.Name), type, arn: asString(t.raw.TaskArn), parametersKey: PARAMETERS_KEY[type as TaskType] };
    }),
    lookups,
  };
}

/** Where a schedule problem points: its field, and inside the Schedule the piece to blame. */
function scheduleFinding(p: ScheduleFieldProblem, doc: Json): Finding {
  const pointer = `/${p.field}`;
  const schedule = asString(doc.Schedule) ?? '';
  // The needle is the text from the culprit to the end, so a repeated token (a second 0) is found at its own place.
  const index = p.token ? schedule.lastIndexOf(p.token) : -1;
  const extra: Partial<Finding> = p.field === 'Schedule' && index >= 0 ? { needle: schedule.slice(index) } : {};
  let hint = p.hint;
  if (p.code === 'invalid-timezone') {
    const zone = asString(doc.ScheduleTimezone) ?? '';
    const suggestion = closestMatch(zone, Intl.supportedValuesOf('timeZone'));
    if (suggestion) hint = `Did you mean ${suggestion}?`;
  }
  return error(p.code, pointer, p.message, hint, extra);
}

/** Schedule, ScheduleTimezone, ScheduleOffset, StartDate and EndDate, together. */
export const scheduleFields: WindowRule = ({ doc }) => {
  const expression = asString(doc.Schedule);
  if (expression === undefined) return [];
  const { definition, problems } = readSchedule({
    expression,
    ...(typeof doc.ScheduleTimezone === 'string' ? { timezone: doc.ScheduleTimezone } : {}),
    ...(typeof doc.ScheduleOffset === 'number' ? { offsetDays: doc.ScheduleOffset } : {}),
    ...(typeof doc.StartDate === 'string' ? { startDate: doc.StartDate } : {}),
    ...(typeof doc.EndDate === 'string' ? { endDate: doc.EndDate } : {}),
  });
  const findings = problems.map((p) => scheduleFinding(p, doc));
  if (!definition) return findings;
  const e = definition.expression;
  if (e.kind === 'at' && localToInstant(zoneOf(definition.timezone), e.local) === undefined) {
    findings.push(
      error('nonexistent-local-time', '/Schedule', `${e.text} does not exist in ${definition.timezone}: the clocks skip that hour (daylight saving time).`, 'Choose a time outside the skipped hour.'),
    );
  } else if (e.kind === 'cron' && nextFireTimes({ ...definition, startDate: undefined, endDate: undefined }, new Date(Date.UTC(1970, 0, 1)), 1).length === 0) {
    findings.push(error('schedule-never-runs', '/Schedule', `${e.text} matches no date at all (such as the 30th of February).`, 'Check the Day-of-month, Month and Day-of-week fields.'));
  } else if (definition.endDate && nextFireTimes(definition, new Date((definition.startDate?.getTime() ?? Date.UTC(1970, 0, 1)) - 1), 1).length === 0 && e.kind !== 'rate') {
    findings.push(warning('schedule-never-runs', '/EndDate', `The window never runs between its StartDate and EndDate.`, 'Widen the range or change the Schedule.'));
  }
  return findings;
};

export const cutoffBeforeEnd: WindowRule = ({ doc }) => {
  const { Duration: duration, Cutoff: cutoff } = doc;
  if (typeof duration !== 'number' || typeof cutoff !== 'number' || cutoff < duration) return [];
  return [error('invalid-cutoff', '/Cutoff', `Cutoff ${cutoff} is not less than Duration ${duration}: no task could ever start.`, 'Cutoff is the hours before the end when no new task starts; make it less than Duration.')];
};

/** Names are how the file refers to targets and tasks: each once. */
export const uniqueNames: WindowRule = ({ targets, tasks }) => {
  const findings: Finding[] = [];
  for (const [items, noun] of [[targets, 'target'], [tasks, 'task']] as const) {
    const seen = new Set<string>();
    for (const item of items) {
      if (item.name === undefined) continue;
      if (seen.has(item.name)) findings.push(error('duplicate-name', joinPointer(item.pointer, 'Name'), `Another ${noun} of this window is named ${item.name}.`, `Give each ${noun} its own Name.`));
      seen.add(item.name);
    }
  }
  return findings;
};

/** A registered target: managed nodes and EC2 instances by tag or id (Run Command's target rules). */
export const windowTargets: WindowRule = ({ targets }) =>
  targets.flatMap((t) => {
    const findings: Finding[] = [];
    if (t.raw.ResourceType === 'RESOURCE_GROUP') {
      findings.push(
        error('unsupported-resource-type', joinPointer(t.pointer, 'ResourceType'), 'Drover does not target resource groups yet.', 'Use ResourceType INSTANCE with tag:<name> or InstanceIds targets.'),
      );
    }
    const entries = Array.isArray(t.raw.Targets) ? t.raw.Targets : [];
    entries.forEach((entry, i) => {
      const e = asRecord(entry);
      const key = asString(e?.Key);
      const values = Array.isArray(e?.Values) ? (e!.Values as unknown[]).filter((v): v is string => typeof v === 'string') : [];
      if (!key || values.length === 0) return;
      const { errors } = parseSelection({ targets: [{ Key: key, Values: values }] });
      for (const problem of errors) {
        findings.push(
          error('invalid-target', joinPointer(t.pointer, 'Targets', i, 'Key'), `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`, 'A window target is Key: tag:<name>, tag-key or InstanceIds, with its Values.'),
        );
      }
    });
    return findings;
  });

/** A task's Targets: this window's targets by Name (or id), or node ids where the window allows it. */
export const taskTargets: WindowRule = ({ doc, targets, tasks }) => {
  const known = new Map<string, TargetOutline>();
  for (const t of targets) if (t.name) known.set(t.name, t);
  const allowUnassociated = doc.AllowUnassociatedTargets === true;
  return tasks.flatMap((task) => {
    const findings: Finding[] = [];
    const entries = Array.isArray(task.raw.Targets) ? task.raw.Targets : undefined;
    if (!entries || entries.length === 0) {
      if (task.type === 'RUN_COMMAND') {
        findings.push(error('missing-targets', task.pointer, `Run Command ${label(task)} has no Targets: a command needs nodes to run on.`, 'Add Targets: [{ Key: WindowTargetIds, Values: [<target Name>] }].', { at: 'key' }));
      }
      return findings;
    }
    for (const field of ['MaxConcurrency', 'MaxErrors'] as const) {
      if (task.raw[field] === undefined) {
        findings.push(
          error('missing-property', task.pointer, `${sentence(label(task))} has Targets but no ${field}: SSM requires it for a task with targets.`, field === 'MaxConcurrency' ? 'For example MaxConcurrency: 10%.' : 'For example MaxErrors: 1.', { at: 'key' }),
        );
      }
    }
    entries.forEach((entry, i) => {
      const e = asRecord(entry);
      const key = asString(e?.Key);
      const at = joinPointer(task.pointer, 'Targets', i);
      if (!key) return;
      const values = Array.isArray(e?.Values) ? (e!.Values as unknown[]) : [];
      if (key === 'WindowTargetIds') {
        values.forEach((v, j) => {
          if (typeof v !== 'string' || known.has(v)) return;
          findings.push(
            error(
              'unknown-target',
              joinPointer(at, 'Values', j),
              `This window has no target named ${v}.${didYouMean(v, known.keys())}`,
              known.size ? `Its targets: ${listWords([...known.keys()], 'and')}.` : 'Register the nodes under Targets first (Name, Targets).',
            ),
          );
        });
      } else if (key.toLowerCase() === 'instanceids') {
        if (!allowUnassociated) {
          findings.push(
            error(
              'unassociated-targets',
              joinPointer(at, 'Key'),
              'A task may name nodes by InstanceIds only when the window has AllowUnassociatedTargets: true.',
              'Register the nodes under Targets and refer to them with Key: WindowTargetIds, or set AllowUnassociatedTargets: true.',
            ),
          );
        }
      } else {
        findings.push(
          error(
            'invalid-target-key',
            joinPointer(at, 'Key'),
            `A task's targets are Key: WindowTargetIds or InstanceIds, not ${key}.${didYouMean(key, ['WindowTargetIds', 'InstanceIds'])}`,
            key.startsWith('tag') ? 'Register a window target with this tag, then refer to it: Key: WindowTargetIds, Values: [<target Name>].' : undefined,
          ),
        );
      }
    });
    return findings;
  });
};

/** LAMBDA and STEP_FUNCTIONS validate, but their AWS actions are not run by Drover yet. */
export const runnableTaskTypes: WindowRule = ({ tasks }) =>
  tasks.flatMap((t) =>
    t.type && !(RUNNABLE_TASK_TYPES as readonly string[]).includes(t.type) && t.parametersKey
      ? [
          error(
            'unsupported-task-type',
            joinPointer(t.pointer, 'TaskType'),
            `Drover does not run ${t.type} tasks yet (${t.type === 'LAMBDA' ? 'aws:invokeLambdaFunction' : 'aws:executeStateMachine'} is not one of its actions).`,
            `Run it from a runbook as an AUTOMATION task once Drover has the action, or use ${listWords([...RUNNABLE_TASK_TYPES])}.`,
          ),
        ]
      : [],
  );

/** TaskInvocationParameters holds the block of the task's own type. */
export const invocationParametersMatchType: WindowRule = ({ tasks }) =>
  tasks.flatMap((t) => {
    const params = asRecord(t.raw.TaskInvocationParameters);
    if (!params || !t.parametersKey) return [];
    return Object.keys(params)
      .filter((k) => k !== t.parametersKey && ['RunCommand', 'Automation', 'Lambda', 'StepFunctions'].includes(k))
      .map((k) =>
        error('mismatched-parameters', joinPointer(t.pointer, 'TaskInvocationParameters', k), `A ${t.type} task takes TaskInvocationParameters.${t.parametersKey}, not ${k}.`, `Rename ${k} to ${t.parametersKey}, or change TaskType.`, { at: 'key' }),
      );
  });

/** Every string a task's invocation parameters hold, with its pointer: where pseudo parameters may be written. */
function parameterSites(t: TaskOutline): { pointer: string; value: string }[] {
  const block = asRecord(asRecord(t.raw.TaskInvocationParameters)?.[t.parametersKey ?? '']);
  if (!block) return [];
  const out: { pointer: string; value: string }[] = [];
  const visit = (v: unknown, pointer: string) => {
    if (typeof v === 'string') out.push({ pointer, value: v });
    else if (Array.isArray(v)) v.forEach((x, i) => visit(x, joinPointer(pointer, i)));
    else if (asRecord(v)) Object.entries(v as Json).forEach(([k, x]) => visit(x, joinPointer(pointer, k)));
  };
  visit(block, joinPointer(t.pointer, 'TaskInvocationParameters', t.parametersKey!));
  return out;
}

/** `{{NAME}}` in upper case is a pseudo parameter: SSM's list, where the task type allows it. */
export const pseudoParameters: WindowRule = ({ tasks }) =>
  tasks.flatMap((t) => {
    const targetless = !Array.isArray(t.raw.Targets) || t.raw.Targets.length === 0;
    return parameterSites(t).flatMap(({ pointer, value }) =>
      upperCaseReferences(value).flatMap(({ name, text }): Finding[] => {
        if (!isPseudoParameter(name)) {
          const close = closestMatch(name, PSEUDO_PARAMETERS);
          return close ? [warning('unknown-pseudo-parameter', pointer, `${text} is not a pseudo parameter and is passed on as written.${didYouMean(name, PSEUDO_PARAMETERS)}`, undefined, { needle: text })] : [];
        }
        if (t.type === 'RUN_COMMAND' && NOT_IN_RUN_COMMAND.includes(name)) {
          return [
            error(
              'pseudo-parameter-not-allowed',
              pointer,
              `${text} can't be used in a Run Command task: the command reaches each target itself.`,
              'Leave the target out of the parameters (the command runs on each target), or use an AUTOMATION task with {{TARGET_ID}}.',
              { needle: text },
            ),
          ];
        }
        if (targetless && TARGET_PSEUDO.includes(name)) {
          return [error('pseudo-parameter-without-target', pointer, `${text} needs a target, and ${label(t)} has none.`, 'Give the task Targets, or remove the reference.', { needle: text })];
        }
        return [];
      }),
    );
  });

/** The document or runbook a task names, and the parameters it passes, when Drover has it. */
export const taskDocuments: WindowRule = ({ tasks, lookups }) =>
  tasks.flatMap((t) => {
    if (!t.arn || (t.type !== 'RUN_COMMAND' && t.type !== 'AUTOMATION')) return [];
    const arnPointer = joinPointer(t.pointer, 'TaskArn');
    const given = asRecord(asRecord(asRecord(t.raw.TaskInvocationParameters)?.[t.parametersKey!])?.Parameters) ?? {};
    let declared: Record<string, { default?: unknown }> | undefined;
    if (t.type === 'RUN_COMMAND') {
      const doc = lookups.document?.(t.arn);
      if (doc === null) {
        return [
          warning(
            'unknown-document',
            arnPointer,
            `Drover has no Command document named ${t.arn}: Drover agents cannot run it (EC2 instances reached through SSM may).`,
            'Drover has AWS-RunShellScript and AWS-RunPatchBaseline built in; others go in documents/ (or DROVER_DOCUMENTS).',
          ),
        ];
      }
      declared = doc?.parameters;
    } else {
      const plan = lookups.runbook?.(t.arn);
      if (plan === null) return [error('unknown-runbook', arnPointer, `There is no runbook named ${t.arn} in the runbook folders.`, 'Runbooks are found in runbooks/ (or DROVER_RUNBOOKS) by file name.')];
      declared = plan?.parameters;
    }
    if (!declared) return [];
    const findings: Finding[] = [];
    const paramsPointer = joinPointer(t.pointer, 'TaskInvocationParameters', t.parametersKey!, 'Parameters');
    for (const name of Object.keys(given)) {
      if (!Object.hasOwn(declared, name)) {
        findings.push(error('unknown-parameter', joinPointer(paramsPointer, name), `${t.arn} has no parameter ${name}.${didYouMean(name, Object.keys(declared))}`, `Its parameters: ${listWords(Object.keys(declared), 'and')}.`, { at: 'key' }));
      }
    }
    for (const [name, spec] of Object.entries(declared)) {
      if (spec.default === undefined && !Object.hasOwn(given, name)) {
        findings.push(error('missing-parameter', t.pointer, `${sentence(label(t))} does not give ${t.arn}'s required parameter ${name}.`, `Add it under TaskInvocationParameters.${t.parametersKey}.Parameters.`, { at: 'key' }));
      }
    }
    return findings;
  });

/** A registered target no task uses does nothing. */
export const unusedTargets: WindowRule = ({ targets, tasks }) => {
  const used = new Set<string>();
  for (const t of tasks) {
    for (const entry of Array.isArray(t.raw.Targets) ? t.raw.Targets : []) {
      const e = asRecord(entry);
      if (e?.Key === 'WindowTargetIds' && Array.isArray(e.Values)) e.Values.forEach((v) => typeof v === 'string' && used.add(v));
    }
  }
  return targets.filter((t) => t.name && !used.has(t.name)).map((t) => warning('unused-target', joinPointer(t.pointer, 'Name'), `No task of this window runs on target ${t.name}.`, 'Refer to it from a task (Key: WindowTargetIds), or remove it.'));
};

export const WINDOW_RULES: WindowRule[] = [
  scheduleFields,
  cutoffBeforeEnd,
  uniqueNames,
  windowTargets,
  taskTargets,
  runnableTaskTypes,
  invocationParametersMatchType,
  pseudoParameters,
  taskDocuments,
  unusedTargets,
];
