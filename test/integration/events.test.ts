// Event rules on the dev server with moto: the shipped rule restarts a stopped EC2 instance
// tagged AutoRestart=true (and leaves an untagged one alone), a delivery repeated starts
// once, a Run Command target runs through SSM, a target that cannot take the event is
// refused and recorded, PutEvents answers as AWS does, and `drover events log` lists it all.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DescribeInstancesCommand, StopInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { loadRuleSet } from '../../compiler/rule/load';
import { putEvents } from '../../client/events/put-events';
import { listEventLog } from '../../client/events/events-log';
import type { EventRouter } from '../../client/events/router';
import { sandboxEc2 } from '../../devstack/sandbox';
import { SA_TRIGGER } from '../../workflows/definitions';
import { FIXTURE_RUNBOOKS, REPO_RUNBOOKS, startStack, type TestStack } from '../helpers/env';
import { ec2StateChange, routerFor, ruleOf } from '../helpers/events';
import { launchInstances } from '../helpers/aws';
import { eventually } from '../helpers/wait';
import { CommandClient } from '../../client/commands';
import { droverEnv, runCli } from '../helpers/processes';

const REPO_RULES = fileURLToPath(new URL('../../rules', import.meta.url));

let stack: TestStack;
let ec2: EC2Client;
let router: EventRouter;
const suffix = randomUUID().slice(0, 8);

beforeAll(async () => {
  stack = await startStack({ prefix: 'events' });
  ec2 = sandboxEc2(inject('motoEndpoint'));
  const shipped = await loadRuleSet([REPO_RULES], { runbookDirs: [REPO_RUNBOOKS, FIXTURE_RUNBOOKS] });
  expect(shipped.diagnostics).toEqual([]);
  router = routerFor(stack, [
    ...shipped.rules,
    ruleOf(
      `refusing-${suffix}`,
      `EventPattern: { source: [drover.test], detail-type: [refuse-${suffix}] }
Targets:
  - Id: bad-parameters
    Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/restart-instances
    InputTransformer:
      InputPathsMap: { n: $.detail.n }
      InputTemplate: '{"Instances": [<n>]}'
  - Id: no-runbook
    Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/no-such-runbook
    Input: '{}'
`,
    ),
  ]);
});

afterAll(async () => {
  ec2?.destroy();
  await stack?.stop();
});

async function stopped(tags: Record<string, string>): Promise<string> {
  const [id] = await launchInstances(ec2, { tags: { ...tags, 'drover-test': `events-${suffix}` } });
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id!] }));
  return id!;
}

describe('the shipped rule: EC2 instance stopped with AutoRestart=true → restart-instances', () => {
  it('starts restart-instances on exactly that instance, which runs again', async () => {
    const id = await stopped({ AutoRestart: 'true' });
    const report = await router.deliver(ec2StateChange(id, 'stopped'), { via: 'put-events' });
    expect(report.matched).toEqual([{ rule: 'ec2-stopped-autorestart', target: 'restart-if-tagged', status: 'started', executionId: expect.stringMatching(/^restart-if-tagged\/event:ec2-stopped-autorestart:restart-if-tagged:/) }]);
    const executionId = (report.matched[0] as { executionId: string }).executionId;
    const result = await stack.client.result(executionId);
    expect(result.status).toBe('Success');
    const child = String(result.outputs['restart.ExecutionId']);
    expect(child).toMatch(/^restart-instances\//);
    const description = await stack.client.handle(child).describe();
    expect(description.memo?.parameters).toMatchObject({ InstanceIds: [id] });
    expect(description.typedSearchAttributes.get(SA_TRIGGER)).toBe(`parent:${executionId}`);
    expect((await stack.client.result(child)).status).toBe('Success');
    const state = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(state.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
    // The execution says where it came from.
    const started = await stack.client.handle(executionId).describe();
    expect(started.typedSearchAttributes.get(SA_TRIGGER)).toBe('event:ec2-stopped-autorestart');
    expect(started.memo?.event).toMatchObject({ rule: 'ec2-stopped-autorestart', target: 'restart-if-tagged', via: 'put-events' });
  });

  it('leaves an instance without the tag stopped: the runbook checks the tag the event does not carry', async () => {
    const id = await stopped({ AutoRestart: 'false' });
    const report = await router.deliver(ec2StateChange(id, 'stopped'), { via: 'put-events' });
    const result = await stack.client.result((report.matched[0] as { executionId: string }).executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['restart.ExecutionId']).toBeUndefined();
    const state = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(state.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('stopped');
  });

  it('does not match other state changes', async () => {
    const report = await router.deliver(ec2StateChange('i-0123456789abcdef0', 'running'), { via: 'put-events' });
    expect(report.matched).toEqual([]);
  });

  it('the same event delivered three times (at once) starts one execution', async () => {
    const id = await stopped({ AutoRestart: 'true' });
    const event = ec2StateChange(id, 'stopped');
    const reports = await Promise.all([1, 2, 3].map(() => router.deliver(event, { via: 'sqs' })));
    const outcomes = reports.map((r) => r.matched[0] as { status: string; executionId: string });
    expect(outcomes.map((o) => o.status).sort()).toEqual(['duplicate', 'duplicate', 'started']);
    expect(new Set(outcomes.map((o) => o.executionId)).size).toBe(1);
    expect((await stack.client.result(outcomes[0]!.executionId)).status).toBe('Success');
    // Later deliveries still find it.
    expect((await router.deliver(event, { via: 'http' })).matched[0]).toMatchObject({ status: 'duplicate', executionId: outcomes[0]!.executionId });
    const found = await eventually(
      'the execution in visibility',
      async () => {
        const rows: string[] = [];
        for await (const wf of stack.client.client.workflow.list({ query: `WorkflowId STARTS_WITH 'restart-if-tagged/event:ec2-stopped-autorestart:restart-if-tagged:${event.id}'` })) rows.push(wf.workflowId);
        return rows;
      },
      (rows) => rows.length > 0,
    );
    expect(found).toHaveLength(1);
  });
});

describe('targets and refusals', () => {
  it('a Run Command target sends the command (through SSM to an EC2 instance), once per event', async () => {
    const [id] = await launchInstances(ec2, { tags: { 'drover-test': `events-${suffix}` } });
    const rule = ruleOf(
      `command-${suffix}`,
      `EventPattern: { source: [drover.test], detail-type: [command-${suffix}] }
Targets:
  - Id: uptime
    Arn: arn:aws:ssm:us-east-1::document/AWS-RunShellScript
    Input: '{"commands": ["uptime"]}'
    RunCommandParameters:
      RunCommandTargets: [{ Key: InstanceIds, Values: [${id}] }]
`,
    );
    const commandRouter = routerFor(stack, [rule]);
    const event = { ...ec2StateChange(id!, 'x'), source: 'drover.test', 'detail-type': `command-${suffix}` };
    const [first, again] = [await commandRouter.deliver(event, { via: 'put-events' }), await commandRouter.deliver(event, { via: 'put-events' })];
    expect(first.matched[0]).toMatchObject({ status: 'started', executionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(again.matched[0]).toMatchObject({ status: 'duplicate', executionId: (first.matched[0] as { executionId: string }).executionId });
    const commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue });
    const result = await commands.result((first.matched[0] as { executionId: string }).executionId);
    expect(result.status).toBe('Success');
    expect(result.counts.targetCount).toBe(1);
  });

  it('refuses a target it cannot start, records why, and starts nothing', async () => {
    const event = { ...ec2StateChange('i-1', 'x'), source: 'drover.test', 'detail-type': `refuse-${suffix}`, detail: { n: 'i-0123456789abcdef0' } };
    const report = await router.deliver(event, { via: 'http', principal: 'api-key:test' });
    expect(report.matched).toEqual([
      { rule: `refusing-${suffix}`, target: 'bad-parameters', status: 'refused', reason: expect.stringContaining('restart-instances refused its parameters: parameter Instances: the runbook has no such parameter') },
      { rule: `refusing-${suffix}`, target: 'no-runbook', status: 'refused', reason: expect.stringContaining('no runbook named no-such-runbook') },
    ]);
    await router.deliver(event, { via: 'http' }); // a repeat is recorded once
    const log = await eventually(
      'the refusals in the events log',
      () => listEventLog(stack.client.client, { rule: `refusing-${suffix}` }),
      (l) => l.entries.length >= 2,
    );
    expect(log.entries.map((e) => [e.target, e.outcome, e.eventId, e.principal])).toEqual(
      expect.arrayContaining([
        ['bad-parameters', 'refused', event.id, 'api-key:test'],
        ['no-runbook', 'refused', event.id, 'api-key:test'],
      ]),
    );
    expect(log.entries).toHaveLength(2);
  });
});

describe('PutEvents and the events log', () => {
  it('answers each entry with an id or an error code; the same entry put again is the same event', async () => {
    const id = await stopped({ AutoRestart: 'true' });
    const entry = { Source: 'aws.ec2', DetailType: 'EC2 Instance State-change Notification', Detail: JSON.stringify({ 'instance-id': id, state: 'stopped' }), Time: new Date().toISOString() };
    const first = await putEvents(router, [entry, { Source: 'aws.ec2', DetailType: 'x', Detail: 'not json' }, { DetailType: 'x', Detail: '{}' }], { via: 'put-events' });
    expect(first.FailedEntryCount).toBe(2);
    expect(first.Entries).toEqual([
      { EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed: it is not JSON.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
    ]);
    expect(first.deliveries[0]!.matched[0]).toMatchObject({ status: 'started' });
    const again = await putEvents(router, [entry], { via: 'put-events' });
    expect(again.Entries[0]!.EventId).toBe(first.Entries[0]!.EventId);
    expect(again.deliveries[0]!.matched[0]).toMatchObject({ status: 'duplicate' });

    const executionId = (first.deliveries[0]!.matched[0] as { executionId: string }).executionId;
    const log = await eventually(
      'the start in the events log',
      () => listEventLog(stack.client.client, { rule: 'ec2-stopped-autorestart', limit: 200 }),
      (l) => l.entries.some((e) => e.executionId === executionId),
    );
    expect(log.entries.find((e) => e.executionId === executionId)).toMatchObject({ rule: 'ec2-stopped-autorestart', target: 'restart-if-tagged', eventId: first.Entries[0]!.EventId, outcome: 'started', via: 'put-events', workflowType: 'restart-if-tagged' });
    // Without --rule: started and refused matches of every rule.
    const all = await listEventLog(stack.client.client, { limit: 500 });
    expect(all.entries.some((e) => e.executionId === executionId)).toBe(true);
    expect(all.entries.some((e) => e.outcome === 'refused' && e.rule === `refusing-${suffix}`)).toBe(true);
  });
});

describe('the drover command', () => {
  it('validate takes rules and remediations; events put starts, events log shows it', async () => {
    const env = { ...droverEnv(stack.taskQueue), DROVER_RUNBOOKS: `${REPO_RUNBOOKS}:${FIXTURE_RUNBOOKS}` };
    const valid = await runCli(['validate', 'rules/', 'remediations/'], env);
    expect(valid.stderr).toContain('2 files checked: 0 errors, 0 warnings');
    expect(valid.code).toBe(0);

    const put = await runCli(['events', 'put', '--file', 'examples/events/put-events-ec2-stopped.json', '--json'], env);
    expect(put.code, put.stderr).toBe(0);
    const answer = JSON.parse(put.stdout) as { FailedEntryCount: number; Entries: { EventId: string }[]; deliveries: { matched: { status: string; executionId: string }[] }[] };
    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.deliveries[0]!.matched[0]).toMatchObject({ status: 'started', executionId: expect.stringMatching(/^restart-if-tagged\//) });
    const again = await runCli(['events', 'put', '--file', 'examples/events/put-events-ec2-stopped.json'], env);
    expect(again.stdout).toContain(`already started ${answer.deliveries[0]!.matched[0]!.executionId}`);

    const bad = await runCli(['events', 'put', '--file', 'examples/events/config-compliance-non-compliant.json'], { ...env, DROVER_REMEDIATIONS: '/nonexistent' });
    expect(bad.code).toBe(0);
    expect(bad.stdout).toContain('no rule matched');

    const log = await eventually(
      'the start in drover events log',
      async () => JSON.parse((await runCli(['events', 'log', '--rule', 'ec2-stopped-autorestart', '--json', '--limit', '500'], env)).stdout) as { entries: { executionId?: string; eventId: string }[] },
      (l) => l.entries.some((e) => e.executionId === answer.deliveries[0]!.matched[0]!.executionId),
    );
    expect(log.entries.find((e) => e.executionId === answer.deliveries[0]!.matched[0]!.executionId)!.eventId).toBe(answer.Entries[0]!.EventId);
  });
});
