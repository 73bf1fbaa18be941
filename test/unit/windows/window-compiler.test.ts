// The maintenance window compiler: the committed JSON Schema matches its builder, the shipped
// windows compile clean, and each problem is reported at its line and column with a code.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderMaintenanceWindowSchema } from '../../../schemas/build-maintenance-window-schema';
import { compileWindow } from '../../../compiler/window';
import { loadWindowFolder, loadWindowText } from '../../../compiler/window/load';
import { loadAndCompileAny } from '../../../compiler/command/load';
import { BUILTIN_CATALOG } from '../../../lang/catalog';
import { windowIdOf } from '../../../lang/windows/stable-id';

const REPO_WINDOWS = fileURLToPath(new URL('../../../windows', import.meta.url));

const where = (ds: { line: number; col: number; code: string; severity: string }[]) => ds.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`);

describe('maintenance window schema', () => {
  it('the committed schema is what the builder writes', () => {
    const committed = readFileSync(new URL('../../../schemas/maintenance-window.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(renderMaintenanceWindowSchema());
  });
});

describe('shipped windows', () => {
  it('compile without a diagnostic, with their tasks and targets', async () => {
    const { windows, diagnostics, files } = await loadWindowFolder(REPO_WINDOWS);
    expect(diagnostics).toEqual([]);
    expect(files.map((f) => f.split('/').pop())).toEqual(['nightly-snapshots.yaml', 'patch-web-sundays.yaml']);
    const patch = windows.find((w) => w.name === 'patch-web-sundays')!;
    expect(patch.schedule).toEqual({ expression: 'cron(0 2 ? * SUN#2 *)', timezone: 'Europe/Berlin' });
    expect(patch.tasks.map((t) => [t.name, t.priority, t.taskArn, t.cutoffBehavior])).toEqual([
      ['scan', 1, 'AWS-RunPatchBaseline', 'CONTINUE_TASK'],
      ['install', 2, 'AWS-RunPatchBaseline', 'CANCEL_TASK'],
    ]);
    expect(patch.tasks[0]!.targets).toEqual({ windowTargetIds: [patch.targets[0]!.windowTargetId] });
    const snapshots = windows.find((w) => w.name === 'nightly-snapshots')!;
    expect(snapshots.tasks[0]!.automation?.parameters).toEqual({ InstanceIds: ['{{TARGET_ID}}'], RetentionDays: ['7'] });
  });

  it('are told apart from runbooks by content (drover validate windows/)', async () => {
    const r = await loadAndCompileAny(join(REPO_WINDOWS, 'patch-web-sundays.yaml'), BUILTIN_CATALOG);
    expect(r.kind).toBe('window');
    expect(r.diagnostics).toEqual([]);
  });
});

const BAD = `Name: bad-window
Schedule: cron(0 4 ? * FRI#6 *)
ScheduleTimezone: Europe/Berlinn
Duration: 3
Cutoff: 3
Targets:
  - Name: web
    Targets:
      - Key: tag:role
        Values: [web]
Tasks:
  - Name: scan
    TaskType: RUN_COMMAND
    TaskArn: AWS-RunShellScript
    Priorty: 1
    Targets:
      - Key: WindowTargetIds
        Values: [wbe]
    MaxConcurrency: 1
    TaskInvocationParameters:
      RunCommand:
        Parameters:
          commands: ['echo {{TARGET_ID}} {{WINDOW_EXECUTON_ID}}']
          comands: [x]
  - Name: lambda
    TaskType: LAMBDA
    TaskArn: arn:aws:lambda:us-east-1:111122223333:function:x
    TaskInvocationParameters:
      Automation:
        Parameters: {}
`;

describe('diagnostics', () => {
  it('reports every problem at its line and column, sorted', async () => {
    const { plan, diagnostics } = await loadWindowText(BAD, 'bad.yaml');
    expect(plan).toBeUndefined();
    expect(where(diagnostics)).toEqual([
      '2:24 error invalid-schedule',
      '3:19 error invalid-timezone',
      '5:9 error invalid-cutoff',
      '7:11 warning unused-target',
      '12:5 error missing-property',
      '15:5 error unknown-property',
      '18:18 error unknown-target',
      '23:28 error pseudo-parameter-not-allowed',
      '23:42 warning unknown-pseudo-parameter',
      '24:11 error unknown-parameter',
      '26:15 error unsupported-task-type',
      '29:7 error mismatched-parameters',
    ]);
    const text = diagnostics.map((d) => `${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('\n');
    expect(text).toContain('invalid-timezone: Europe/Berlinn is not a time zone of the IANA database. (Did you mean Europe/Berlin?)');
    expect(text).toContain('unknown-target: This window has no target named wbe. Did you mean "web"?');
    expect(text).toContain('unknown-property: task "scan" has no property "Priorty". Did you mean "Priority"?');
    expect(text).toContain('unknown-parameter: AWS-RunShellScript has no parameter comands. Did you mean "commands"?');
    expect(text).toContain('Did you mean "WINDOW_EXECUTION_ID"?');
    expect(text).toMatch(/unsupported-task-type: Drover does not run LAMBDA tasks yet/);
  });

  it.each([
    ['an offset with a rate', 'Schedule: rate(1 day)\nScheduleOffset: 2\nDuration: 2\nCutoff: 1\n', ['2:17 error offset-needs-cron']],
    ['a local time the clocks skip', 'Schedule: at(2030-03-31T02:30:00)\nScheduleTimezone: Europe/Berlin\nDuration: 2\nCutoff: 1\n', ['1:11 error nonexistent-local-time']],
    ['a date that never comes', 'Schedule: cron(0 0 30 2 ? *)\nDuration: 2\nCutoff: 1\n', ['1:11 error schedule-never-runs']],
    ['EndDate before StartDate', 'Schedule: cron(0 0 ? * SUN *)\nDuration: 2\nCutoff: 1\nStartDate: 2030-01-02T00:00:00Z\nEndDate: 2030-01-01T00:00:00Z\n', ['5:10 error invalid-date']],
    ['node ids without AllowUnassociatedTargets', 'Schedule: rate(1 day)\nDuration: 2\nCutoff: 1\nTasks:\n  - Name: run\n    TaskType: RUN_COMMAND\n    TaskArn: AWS-RunShellScript\n    Targets: [{ Key: InstanceIds, Values: [mi-1] }]\n    MaxConcurrency: 1\n    MaxErrors: 0\n    TaskInvocationParameters: { RunCommand: { Parameters: { commands: [uptime] } } }\n', ['8:22 error unassociated-targets']],
    ['a tag on a task', 'Schedule: rate(1 day)\nDuration: 2\nCutoff: 1\nAllowUnassociatedTargets: true\nTasks:\n  - Name: run\n    TaskType: RUN_COMMAND\n    TaskArn: AWS-RunShellScript\n    Targets: [{ Key: tag:role, Values: [web] }]\n    MaxConcurrency: 1\n    MaxErrors: 0\n    TaskInvocationParameters: { RunCommand: { Parameters: { commands: [uptime] } } }\n', ['9:22 error invalid-target-key']],
    ['a Run Command task without targets', 'Schedule: rate(1 day)\nDuration: 2\nCutoff: 1\nTasks:\n  - Name: run\n    TaskType: RUN_COMMAND\n    TaskArn: AWS-RunShellScript\n    TaskInvocationParameters: { RunCommand: { Parameters: { commands: [uptime] } } }\n', ['5:5 error missing-targets']],
    ['{{TARGET_ID}} in a targetless task', 'Schedule: rate(1 day)\nDuration: 2\nCutoff: 1\nTasks:\n  - Name: run\n    TaskType: AUTOMATION\n    TaskArn: hello\n    TaskInvocationParameters: { Automation: { Parameters: { Name: ["{{TARGET_ID}}"] } } }\n', ['8:69 error pseudo-parameter-without-target']],
    ['a duplicated task name', 'Schedule: rate(1 day)\nDuration: 2\nCutoff: 1\nTasks:\n  - { Name: run, TaskType: AUTOMATION, TaskArn: hello }\n  - { Name: run, TaskType: AUTOMATION, TaskArn: hello }\n', ['6:13 error duplicate-name']],
    ['a runbook that does not exist', 'Schedule: rate(1 day)\nDuration: 2\nCutoff: 1\nTasks:\n  - { Name: run, TaskType: AUTOMATION, TaskArn: no-such-runbook }\n', ['5:49 error unknown-runbook']],
    ['a resource group', 'Schedule: rate(1 day)\nDuration: 2\nCutoff: 1\nTargets:\n  - Name: rgs\n    ResourceType: RESOURCE_GROUP\n    Targets: [{ Key: "resource-groups:Name", Values: [g] }]\n', ['5:11 warning unused-target', '6:19 error unsupported-resource-type', '7:22 error invalid-target']],
  ])('%s', async (_, text, expected) => {
    const { diagnostics } = await loadWindowText(text, 'w.yaml');
    expect(where(diagnostics)).toEqual(expected);
  });
});

describe('the plan', () => {
  it('derives stable ids and keeps SSM values', () => {
    const text = readFileSync(join(REPO_WINDOWS, 'patch-web-sundays.yaml'), 'utf8');
    const a = compileWindow(text, 'a/patch-web-sundays.yaml').plan!;
    const b = compileWindow(text, 'b/elsewhere.yaml').plan!;
    expect(a.windowId).toMatch(/^mw-[0-9a-f]{17}$/);
    expect(a.windowId).toBe(windowIdOf('patch-web-sundays'));
    expect(a.tasks[0]!.windowTaskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The same content compiles to the same plan, wherever the file is.
    expect(b.hash).toBe(a.hash);
    expect(b.tasks.map((t) => t.windowTaskId)).toEqual(a.tasks.map((t) => t.windowTaskId));
    const changed = compileWindow(text.replace('Duration: 4', 'Duration: 5'), 'a.yaml').plan!;
    expect(changed.hash).not.toBe(a.hash);
  });

  it('reads MaxConcurrency written as a number, and a single parameter value as a list', () => {
    const { plan, diagnostics } = compileWindow(
      'Name: nums\nSchedule: rate(1 day)\nDuration: 2\nCutoff: 0\nTargets: [{ Name: all, Targets: [{ Key: tag-key, Values: [role] }] }]\nTasks:\n  - { Name: run, TaskType: RUN_COMMAND, TaskArn: AWS-RunShellScript, Targets: [{ Key: WindowTargetIds, Values: [all] }], MaxConcurrency: 2, MaxErrors: 0, TaskInvocationParameters: { RunCommand: { Parameters: { commands: uptime } } } }\n',
      'nums.yaml',
    );
    expect(diagnostics).toEqual([]);
    expect([plan!.tasks[0]!.maxConcurrency, plan!.tasks[0]!.maxErrors, plan!.tasks[0]!.runCommand!.parameters]).toEqual(['2', '0', { commands: ['uptime'] }]);
    expect(plan!.enabled).toBe(true);
  });

  it('refuses a second window with the same name in a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-windows-'));
    const text = 'Name: twice\nSchedule: rate(1 day)\nDuration: 2\nCutoff: 1\n';
    writeFileSync(join(dir, 'a.yaml'), text);
    writeFileSync(join(dir, 'b.yaml'), text);
    const { diagnostics } = await loadWindowFolder(dir);
    expect(diagnostics.map((d) => [d.file.split('/').pop(), d.line, d.col, d.code])).toEqual([['b.yaml', 1, 1, 'duplicate-window']]);
  });
});
