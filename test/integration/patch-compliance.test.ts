// The compliance store in Temporal: one `drover-patch/<node>` workflow per node keeps the
// latest record (a late, older one never wins), lists by tag and compliance with one
// visibility query, stays bounded (continue-as-new keeps the record), and costs a few
// events per record (measured here). A command that SSM ran on EC2 instances is read from
// SSM, which moto cannot answer: those nodes are reported UNREPORTED, with why.
import { randomUUID } from 'node:crypto';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsClients } from '../../activities/aws/clients';
import { complianceOfCommand } from '../../patch/compliance/report';
import { forgetPatchState, listPatchStates, recordPatchState } from '../../patch/compliance/store';
import { PATCH_STATE_WORKFLOW_TYPE, patchStateQuery, patchStateSignal, patchStateWorkflowId, type PatchStateRecord } from '../../workflows/patch-state-contract';
import { startStack, useSandboxAws, type TestStack } from '../helpers/env';
import { patchRecord } from '../helpers/patch-state';
import { eventually } from '../helpers/wait';
import { launchInstances } from '../helpers/aws';

const run = randomUUID().slice(0, 6);
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ prefix: 'patchstore' });
});
afterAll(async () => stack?.stop());

function record(nodeId: string, minute: number, compliance: PatchStateRecord['compliance'], tags: Record<string, string> = { store: run }): PatchStateRecord {
  return patchRecord(nodeId, minute, compliance, tags);
}

describe('patch compliance in Temporal', () => {
  it('keeps the latest record per node, lists by tag and compliance, and costs a few events per record', async () => {
    const client = stack.client.client;
    const opts = { taskQueue: stack.taskQueue };
    const n1 = `n1-${run}`;
    await recordPatchState(client, record(n1, 1, 'NON_COMPLIANT'), opts);
    await recordPatchState(client, record(n1, 3, 'COMPLIANT'), opts);
    // Late and older: ignored.
    await recordPatchState(client, record(n1, 2, 'NON_COMPLIANT'), opts);
    await recordPatchState(client, record(`n2-${run}`, 1, 'NON_COMPLIANT', { store: run, role: 'db' }), opts);
    await recordPatchState(client, record(`n3-${run}`, 1, 'COMPLIANT', { store: `${run}-other` }), opts);

    const handle = client.workflow.getHandle(patchStateWorkflowId(n1));
    const latest = await eventually('the newest record', () => handle.query(patchStateQuery), (r) => r.operationEndTime.endsWith('00:03:00.000Z'));
    expect(latest.compliance).toBe('COMPLIANT');

    const mine = await eventually('both nodes listed', () => listPatchStates(client, { tags: { store: run } }), (rows) => rows.length === 2 && rows[0]!.compliance === 'COMPLIANT');
    expect(mine.map((r) => [r.nodeId, r.compliance])).toEqual([
      [n1, 'COMPLIANT'],
      [`n2-${run}`, 'NON_COMPLIANT'],
    ]);
    expect((await listPatchStates(client, { tags: { store: run }, compliance: 'NON_COMPLIANT' })).map((r) => r.nodeId)).toEqual([`n2-${run}`]);
    expect((await listPatchStates(client, { tags: { store: run, role: 'db' } })).map((r) => r.nodeId)).toEqual([`n2-${run}`]);
    expect((await listPatchStates(client, { tags: { store: [run, `${run}-other`] } })).map((r) => r.nodeId)).toEqual([n1, `n2-${run}`, `n3-${run}`]);

    // The cost: ten more records for n1, then events and bytes of history per record.
    const before = await handle.fetchHistory();
    for (let minute = 10; minute < 20; minute++) await recordPatchState(client, record(n1, minute, minute % 2 ? 'NON_COMPLIANT' : 'COMPLIANT'), opts);
    await eventually('the tenth record', () => handle.query(patchStateQuery), (r) => r.operationEndTime.endsWith('00:19:00.000Z'));
    const after = await handle.fetchHistory();
    const size = (h: typeof after) => proto.temporal.api.history.v1.History.encode(h).finish().length;
    const events = (after.events?.length ?? 0) - (before.events?.length ?? 0);
    const bytes = size(after) - size(before);
    const memoBytes = JSON.stringify(await handle.query(patchStateQuery)).length;
    console.log(`patch state cost per record: ${events / 10} events, ${Math.round(bytes / 10)} bytes of history; memo ${memoBytes} bytes; ${after.events?.length} events after 13 records`);
    // Per record: the signal, a workflow task (3 events), the two upserts.
    expect(events / 10).toBeLessThanOrEqual(6);

    await forgetPatchState(client, `n3-${run}`);
    await eventually('n3 forgotten', () => listPatchStates(client, { tags: { store: `${run}-other` } }), (rows) => rows.length === 0);
  });

  it('continues as new before its history grows, keeping the latest record', async () => {
    const client = stack.client.client;
    const nodeId = `can-${run}`;
    const handle = await client.workflow.start(PATCH_STATE_WORKFLOW_TYPE, {
      workflowId: patchStateWorkflowId(nodeId),
      taskQueue: stack.taskQueue,
      args: [record(nodeId, 0, 'NON_COMPLIANT'), { historyLimit: 20 }],
    });
    for (let minute = 1; minute <= 12; minute++) await handle.signal(patchStateSignal, record(nodeId, minute, minute % 2 ? 'NON_COMPLIANT' : 'COMPLIANT'));
    const latest = await eventually('the last record', () => client.workflow.getHandle(patchStateWorkflowId(nodeId)).query(patchStateQuery), (r) => r.operationEndTime.endsWith('00:12:00.000Z'));
    expect(latest.compliance).toBe('COMPLIANT');
    // Visibility catches up with the continued runs a moment after the query answers.
    const listRuns = async () => {
      const runs: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${patchStateWorkflowId(nodeId)}'` })) runs.push(wf.runId);
      return runs;
    };
    const runs = await eventually('the continued runs to be listed', listRuns, (r) => r.length > 1);
    expect(runs.length).toBeGreaterThan(1);
    const current = await client.workflow.getHandle(patchStateWorkflowId(nodeId)).describe();
    expect(current.historyLength).toBeLessThan(40);
    await forgetPatchState(client, nodeId);
  });

  it('reads a command that SSM ran on EC2 instances from SSM; moto has no patch states, so they are UNREPORTED with why', async () => {
    useSandboxAws();
    const aws = new AwsClients();
    const ec2 = aws.get(EC2Client);
    const instanceId = (await launchInstances(ec2, { tags: { patchssm: run } }))[0]!;
    const ssm = aws.get(SSMClient);
    const sent = await ssm.send(new SendCommandCommand({ DocumentName: 'AWS-RunPatchBaseline', InstanceIds: [instanceId], Parameters: { Operation: ['Scan'] } }));
    const rows = await complianceOfCommand(stack.client.client, sent.Command!.CommandId!, { ssm });
    // moto adds every instance of the region to a command (a moto bug): look at ours.
    expect(rows.find((r) => r.nodeId === instanceId)).toMatchObject({ compliance: 'UNREPORTED', reason: expect.stringMatching(/^SSM gave no patch states \(DescribeInstancePatchStates: /) });
    aws.destroy();
  });
});
