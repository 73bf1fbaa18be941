// AWS Config remediation on the dev server with moto: a NON_COMPLIANT change runs the
// runbook for that resource (once, however often the change is delivered); a remediation that
// keeps failing becomes a remediation exception after MaximumAutomaticAttempts failures within
// RetryAttemptSeconds and stops, until the exception is deleted; manual starts;
// ExecutionControls (one at a time at 10 %, the rest of a batch refused past ErrorPercentage).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DescribeSnapshotsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { EventRouter } from '../../client/events/router';
import { RemediationClient } from '../../client/events/remediations';
import { sandboxEc2 } from '../../devstack/sandbox';
import type { RemediationConfig } from '../../lang/events/remediation';
import { SA_TRIGGER } from '../../workflows/definitions';
import { complianceSignal, remediationWorkflowId, startRemediationSignal, type RemediationStatus } from '../../workflows/events/remediation-contract';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, startStack, type TestStack } from '../helpers/env';
import { complianceChange, remediationOf, routerFor } from '../helpers/events';
import { launchInstances } from '../helpers/aws';
import { eventually } from '../helpers/wait';

const suffix = randomUUID().slice(0, 8);
let stack: TestStack;
let ec2: EC2Client;

const config = (name: string, extra: string, target = 'snapshot-volumes', parameters = 'InstanceIds: { ResourceValue: { Value: RESOURCE_ID } }'): RemediationConfig =>
  remediationOf(`ConfigRuleName: ${name}-${suffix}
TargetType: SSM_DOCUMENT
TargetId: ${target}
ResourceType: AWS::EC2::Instance
Parameters:
  ${parameters}
${extra}
`);

function clientFor(configs: RemediationConfig[]): { router: EventRouter; remediations: RemediationClient } {
  return { router: routerFor(stack, [], configs), remediations: new RemediationClient(stack.client.client, { taskQueue: stack.taskQueue, remediations: configs }) };
}

const status = (r: RemediationClient, c: RemediationConfig, id: string): Promise<RemediationStatus> => r.status(c.configRuleName, id);

beforeAll(async () => {
  stack = await startStack({ prefix: 'remediation', runbookDirs: [REPO_RUNBOOKS, FIXTURE_RUNBOOKS] });
  ec2 = sandboxEc2(inject('motoEndpoint'));
});

afterAll(async () => {
  ec2?.destroy();
  await stack?.stop();
});

describe('automatic remediation', () => {
  it('a NON_COMPLIANT change runs the runbook on that resource, once however often it is delivered', async () => {
    const c = config('ebs-snapshot', 'Automatic: true');
    const { router, remediations } = clientFor([c]);
    const [instance] = await launchInstances(ec2, { dataVolume: true, tags: { 'drover-test': `remediation-${suffix}` } });
    const event = complianceChange(c.configRuleName, instance!, 'NON_COMPLIANT');
    const reports = await Promise.all([1, 2, 3].map(() => router.deliver(event, { via: 'sqs' })));
    expect(reports[0]!.remediations).toEqual([{ configRuleName: c.configRuleName, resourceId: instance, compliance: 'NON_COMPLIANT', workflowId: remediationWorkflowId(c.configRuleName, instance!), delivered: true }]);
    const done = await eventually('SUCCEEDED', () => status(remediations, c, instance!), (s) => s.state === 'SUCCEEDED', 120_000);
    expect(done).toMatchObject({ compliance: 'NON_COMPLIANT', totalAttempts: 1, runbook: 'snapshot-volumes', automatic: true });
    const executionId = done.attempts[0]!.executionId!;
    expect(executionId).toBe(`snapshot-volumes/remediation:${c.configRuleName}:${instance}:1`);
    const execution = await stack.client.handle(executionId).describe();
    expect(execution.typedSearchAttributes.get(SA_TRIGGER)).toBe(`remediation:${c.configRuleName}`);
    expect(execution.memo?.parameters).toMatchObject({ InstanceIds: [instance], RetentionDays: 7 });
    const snapshots = await ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:AutomationExecutionId', Values: [executionId] }] }));
    expect(snapshots.Snapshots?.length).toBeGreaterThan(0);
    // The change again, and COMPLIANT afterwards: no new attempt.
    await router.deliver(event, { via: 'http' });
    await router.deliver(complianceChange(c.configRuleName, instance!, 'COMPLIANT'), { via: 'http' });
    const after = await eventually('COMPLIANT recorded', () => status(remediations, c, instance!), (s) => s.compliance === 'COMPLIANT');
    expect(after.totalAttempts).toBe(1);
    const listed = await eventually('listed from the memo', () => remediations.list({ configRuleName: c.configRuleName }), (rows) => rows[0]?.compliance === 'COMPLIANT');
    expect(listed).toEqual([expect.objectContaining({ resourceId: instance, state: 'SUCCEEDED', totalAttempts: 1, running: true })]);
  });

  it('failing MaximumAutomaticAttempts times within RetryAttemptSeconds makes an exception that stops it until deleted', async () => {
    const c = config('always-fails', 'Automatic: true\nMaximumAutomaticAttempts: 5\nRetryAttemptSeconds: 40');
    const { router, remediations } = clientFor([c]);
    const missing = `i-0${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await router.deliver(complianceChange(c.configRuleName, missing, 'NON_COMPLIANT'), { via: 'put-events' });
    const excepted = await eventually('the exception', () => status(remediations, c, missing), (s) => s.exception !== undefined, 150_000);
    expect(excepted.totalAttempts).toBe(5);
    expect(excepted.attempts.map((a) => [a.trigger, a.state])).toEqual(Array.from({ length: 5 }, () => ['automatic', 'FAILED']));
    expect(excepted.attempts[0]!.failureMessage).toContain('InvalidInstanceID');
    expect(excepted.exception).toMatchObject({ createdBy: 'automatic', message: expect.stringContaining('failed 5 times within 40 seconds') });
    expect(excepted.waiting).toBe('a remediation exception stops automatic remediation');

    // Stopped: the workflow waits on nothing but a signal (no timer), and a new NON_COMPLIANT change starts nothing.
    const handle = stack.client.client.workflow.getHandle(remediationWorkflowId(c.configRuleName, missing));
    const signals = async () => ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    const before = await signals();
    await router.deliver(complianceChange(c.configRuleName, missing, 'NON_COMPLIANT'), { via: 'put-events' });
    const history = await eventually(
      'the second change handled',
      async () => (await handle.fetchHistory()).events ?? [],
      (events) => {
        const last = events.map((e, i) => (e.workflowExecutionSignaledEventAttributes ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
        return events.filter((e) => e.workflowExecutionSignaledEventAttributes).length > before && events.slice(last).some((e) => e.workflowTaskCompletedEventAttributes);
      },
    );
    const lastChildStart = history.map((e, i) => (e.startChildWorkflowExecutionInitiatedEventAttributes ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    const timersAfter = history.slice(lastChildStart).filter((e) => e.timerStartedEventAttributes);
    expect(timersAfter).toEqual([]);
    expect(history.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toHaveLength(5);
    expect((await status(remediations, c, missing)).totalAttempts).toBe(5);

    // Cleared (DeleteRemediationExceptions): the resource is still NON_COMPLIANT, so it runs again.
    expect(await remediations.deleteExceptions(c.configRuleName, [missing], { by: 'local:test' })).toEqual([]);
    const resumed = await eventually('a sixth attempt', () => status(remediations, c, missing), (s) => s.totalAttempts >= 6, 60_000);
    expect(resumed.exception).toBeUndefined();
    expect(resumed.attempts.at(-1)?.attempt).toBe(6);
  });

  it('without Automatic, a change only records compliance; a manual start remediates', async () => {
    const c = config('manual', 'Automatic: false', 'remediation-sleep');
    const { router, remediations } = clientFor([c]);
    const id = `i-0${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await router.deliver(complianceChange(c.configRuleName, id, 'NON_COMPLIANT'), { via: 'http' });
    const recorded = await eventually('NON_COMPLIANT recorded', () => status(remediations, c, id), (s) => s.compliance === 'NON_COMPLIANT');
    expect(recorded.totalAttempts).toBe(0);
    await remediations.start(c.configRuleName, [id], { by: 'local:ops' });
    const done = await eventually('SUCCEEDED', () => status(remediations, c, id), (s) => s.state === 'SUCCEEDED', 60_000);
    expect(done.attempts).toEqual([expect.objectContaining({ attempt: 1, trigger: 'manual', state: 'SUCCEEDED', cause: expect.stringContaining('by local:ops') })]);
  });

  it('a manual exception stops automatic remediation before it starts', async () => {
    const c = config('excepted', 'Automatic: true', 'remediation-sleep');
    const { router, remediations } = clientFor([c]);
    const id = `i-0${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await remediations.putExceptions(c.configRuleName, [id], { by: 'local:ops', message: 'legacy box' });
    await router.deliver(complianceChange(c.configRuleName, id, 'NON_COMPLIANT'), { via: 'http' });
    const s = await eventually('NON_COMPLIANT recorded', () => status(remediations, c, id), (x) => x.compliance === 'NON_COMPLIANT');
    expect(s).toMatchObject({ totalAttempts: 0, exception: { createdBy: 'local:ops', message: 'legacy box' } });
  });

  it('ignores malformed signals (anyone who reaches Temporal can send them) and goes on', async () => {
    const c = config('robust', 'Automatic: false', 'remediation-sleep');
    const { router, remediations } = clientFor([c]);
    const id = `i-0${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await router.deliver(complianceChange(c.configRuleName, id, 'NON_COMPLIANT'), { via: 'http' });
    await eventually('NON_COMPLIANT recorded', () => status(remediations, c, id), (s) => s.compliance === 'NON_COMPLIANT');
    const handle = stack.client.client.workflow.getHandle(remediationWorkflowId(c.configRuleName, id));
    await handle.signal(complianceSignal, { eventId: 'x', compliance: 'COMPLIANT', evaluatedAt: new Date().toISOString(), config: { configRuleName: c.configRuleName } } as never);
    await handle.signal(startRemediationSignal, { requestId: 'y', by: 'mallory' } as never);
    await remediations.start(c.configRuleName, [id], { by: 'local:ops' });
    const done = await eventually('SUCCEEDED', () => status(remediations, c, id), (s) => s.state === 'SUCCEEDED', 60_000);
    expect(done).toMatchObject({ compliance: 'NON_COMPLIANT', totalAttempts: 1 });
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

describe('ExecutionControls', () => {
  it('runs one resource at a time at 10 % of a small batch', async () => {
    const c = config('rate', 'Automatic: true\nExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 100 } }', 'remediation-sleep');
    const { router, remediations } = clientFor([c]);
    const ids = [1, 2, 3].map(() => `i-0${randomUUID().replace(/-/g, '').slice(0, 16)}`);
    await Promise.all(ids.map((id) => router.deliver(complianceChange(c.configRuleName, id, 'NON_COMPLIANT'), { via: 'sqs' })));
    const done = await Promise.all(ids.map((id) => eventually(`${id} SUCCEEDED`, () => status(remediations, c, id), (s) => s.state === 'SUCCEEDED', 120_000)));
    const spans = await Promise.all(
      done.map(async (s) => {
        const d = await stack.client.handle(s.attempts[0]!.executionId!).describe();
        return [d.startTime.getTime(), d.closeTime!.getTime()] as const;
      }),
    );
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });

  it('refuses the rest of a batch once more than ErrorPercentage of it failed', async () => {
    const c = config('errors', 'Automatic: false\nExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 1 } }', 'remediation-sleep', "InstanceIds: { ResourceValue: { Value: RESOURCE_ID } }\n  Fail: { StaticValue: { Values: ['true'] } }");
    const { remediations } = clientFor([c]);
    const ids = [1, 2, 3].map(() => `i-0${randomUUID().replace(/-/g, '').slice(0, 16)}`);
    await remediations.start(c.configRuleName, ids, { by: 'local:ops' });
    const ended = await Promise.all(ids.map((id) => eventually(`${id} FAILED`, () => status(remediations, c, id), (s) => s.state === 'FAILED', 120_000)));
    const ran = ended.filter((s) => s.attempts[0]!.executionId);
    const refused = ended.filter((s) => !s.attempts[0]!.executionId);
    expect(ran).toHaveLength(1);
    expect(ran[0]!.attempts[0]!.failureMessage).toContain('remediation failed on purpose');
    expect(refused.map((s) => s.attempts[0]!.failureMessage)).toEqual([expect.stringContaining('stopped by ExecutionControls'), expect.stringContaining('stopped by ExecutionControls')]);
  });
});
