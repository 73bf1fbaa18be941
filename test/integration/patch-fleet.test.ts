// Patch Manager end to end on the dev server: three real `drover agent` processes, each a
// node with its own isolated package root (real .deb packages from a real apt repository
// with a security pocket), running Drover's AWS-RunPatchBaseline through Run Command. The
// baseline of their patch group approves hello's security update and rejects libfoo's.
// Shown: the scan reports Missing for the approved one only, the install installs it and
// only it (and a kernel that asks for a reboot), the rescan is compliant; the compliance
// report by tag (table, JSON, CSV, S3 in moto); and patch-fleet.yaml doing it all.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CommandClient } from '../../client/commands';
import { defaultDocumentSource } from '../../activities/run-command/load-document';
import { registryDirectory } from '../../activities/run-command/registry-directory';
import type { NodeDirectory } from '../../activities/run-command';
import { complianceOfCommand } from '../../patch/compliance/report';
import type { PackageRoot } from '../../patch/apt/package-root';
import { AwsClients } from '../../activities/aws/clients';
import { startStack, type TestStack } from '../helpers/env';
import { droverEnv, runCli } from '../helpers/processes';
import { startAgentProcess, type AgentProcess } from '../helpers/agents';
import { waitForRegistered } from '../helpers/registry';
import { dpkgVersions, installInitial, makePackageRoot, publishRepo } from '../helpers/apt-repo';
import { eventually, waitForState } from '../helpers/wait';
import { launchInstances } from '../helpers/aws';
import { runTool } from '../../patch/apt/run';
import { clearPriorOperations } from '../../patch/apt/node-state';

const run = randomUUID().slice(0, 6);
const id = (name: string) => `${name}-${run}`;
const GROUP = `web-${run}`;
const work = mkdtempSync(join(tmpdir(), 'drover-patch-fleet-'));
const repo = join(work, 'repo');
const baselines = join(work, 'baselines');

let stack: TestStack;
let commands: CommandClient;
const agents: AgentProcess[] = [];
const roots = new Map<string, PackageRoot>();

/** The nodes: what each has installed when the test starts. */
const NODES: Record<string, string[]> = {
  'web-1': ['hello=1.0-1', 'libfoo=2.0-1', 'tool=1.0-1'],
  'web-2': ['hello=1.0-2', 'libfoo=2.0-1'],
  'web-3': ['hello=1.0-1', 'kernel-sim=6.1-1'],
};

beforeAll(async () => {
  const published = new Date(Date.now() - 86_400_000).toUTCString();
  publishRepo(repo, [
    {
      suite: 'bookworm',
      label: 'Drover Tests',
      date: published,
      packages: [
        { name: 'hello', version: '1.0-1' },
        { name: 'libfoo', version: '2.0-1', section: 'libs' },
        { name: 'tool', version: '1.0-1' },
        { name: 'tool', version: '1.1-1' },
        { name: 'kernel-sim', version: '6.1-1', section: 'kernel' },
      ],
    },
    {
      suite: 'bookworm-security',
      label: 'Drover Tests Security',
      date: published,
      packages: [
        { name: 'hello', version: '1.0-2' },
        { name: 'libfoo', version: '2.0-2', section: 'libs' },
        { name: 'kernel-sim', version: '6.1-2', section: 'kernel', files: { 'run/reboot-required': '*** System restart required ***\n' } },
      ],
    },
  ]);
  mkdirSync(baselines);
  writeFileSync(
    join(baselines, 'web.yaml'),
    [
      'Description: Security updates for the web tier; not libfoo 2.0-2.',
      'OperatingSystem: DEBIAN',
      `PatchGroups: [${GROUP}]`,
      'ApprovalRules:',
      '  PatchRules:',
      '    - PatchFilterGroup:',
      '        PatchFilters:',
      '          - Key: PRIORITY',
      "            Values: ['*']",
      '      ComplianceLevel: CRITICAL',
      "RejectedPatches: ['libfoo=2.0-2']",
      'RejectedPatchesAction: BLOCK',
      '',
    ].join('\n'),
  );
  for (const [name, packages] of Object.entries(NODES)) {
    const root = makePackageRoot(join(work, 'nodes', name), repo, ['bookworm', 'bookworm-security']);
    await installInitial(root, packages);
    roots.set(name, root);
  }

  const registry: { dir?: NodeDirectory } = {};
  stack = await startStack({ prefix: 'patch', activityDeps: { runCommand: { nodes: { listNodes: async (q) => registry.dir!.listNodes(q) } } } });
  registry.dir = registryDirectory(stack.client.client);
  commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue, documents: defaultDocumentSource() });
  agents.push(
    ...(await Promise.all(
      Object.keys(NODES).map((name) =>
        startAgentProcess({
          nodeId: id(name),
          tags: { patchfleet: run, 'Patch Group': GROUP },
          registryQueue: stack.taskQueue,
          heartbeatSeconds: 5,
          env: { DROVER_PACKAGE_ROOT: roots.get(name)!.root, DROVER_BASELINES: baselines, DROVER_PATCH_ISOLATION: 'required' },
        }),
      ),
    )),
  );
  await waitForRegistered(stack.client.client, { patchfleet: run }, 3);
}, 300_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

const fleet = [{ Key: 'tag:patchfleet', Values: [run] }];

async function patchCommand(operation: 'Scan' | 'Install', target: { targets: typeof fleet } | { instanceIds: string[] }, extra: Record<string, string[]> = {}) {
  const sent = await commands.send({ documentName: 'AWS-RunPatchBaseline', ...target, parameters: { Operation: [operation], ...extra }, maxConcurrency: '2', maxErrors: '0' });
  const result = await commands.result(sent.commandId);
  return { commandId: sent.commandId, result };
}

describe('AWS-RunPatchBaseline on drover agents with isolated package roots', () => {
  it('scans, installs the approved patch on the non-compliant nodes only, rescans compliant, and reports by tag', async () => {
    const scan = await patchCommand('Scan', { targets: fleet });
    expect(scan.result).toMatchObject({ status: 'Success', counts: { targetCount: 3, errorCount: 0 } });
    const scanned = await complianceOfCommand(stack.client.client, scan.commandId);
    expect(scanned.map((r) => [r.nodeId, r.compliance, r.missing, r.baseline, r.patchGroup])).toEqual([
      [id('web-1'), 'NON_COMPLIANT', 1, 'web', GROUP],
      [id('web-2'), 'COMPLIANT', 0, 'web', GROUP],
      [id('web-3'), 'NON_COMPLIANT', 2, 'web', GROUP],
    ]);
    expect(scanned[0]!.missingBySeverity!.CRITICAL).toBe(1);
    // The scan's output names what is missing; libfoo's rejected update is not among it.
    const web1 = (await commands.invocations(scan.commandId, { details: true })).find((i) => i.instanceId === id('web-1'))!;
    expect(web1.record!.standardOutputContent).toMatch(/^Missing hello 1\.0-1 -> 1\.0-2 \[CRITICAL\]$/m);
    expect(web1.record!.standardOutputContent).not.toMatch(/Missing libfoo/);
    // A scan changes nothing.
    expect(dpkgVersions(roots.get('web-1')!)).toEqual({ hello: '1.0-1', libfoo: '2.0-1', tool: '1.0-1' });

    const nonCompliant = scanned.filter((r) => r.compliance === 'NON_COMPLIANT').map((r) => r.nodeId);
    const install = await patchCommand('Install', { instanceIds: nonCompliant }, { RebootOption: ['RebootIfNeeded'] });
    expect(install.result).toMatchObject({ status: 'Success', counts: { targetCount: 2, errorCount: 0 } });
    const installed = await commands.invocations(install.commandId, { details: true });
    // web-3's kernel asks for a reboot: exit 194, reported (these agents do not reboot).
    expect(installed.map((i) => [i.instanceId, i.status, i.responseCode, i.record?.rebootRequested ?? false])).toEqual([
      [id('web-1'), 'Success', 0, false],
      [id('web-3'), 'Success', 194, true],
    ]);
    expect(dpkgVersions(roots.get('web-1')!)).toEqual({ hello: '1.0-2', libfoo: '2.0-1', tool: '1.0-1' });
    expect(dpkgVersions(roots.get('web-2')!)).toEqual({ hello: '1.0-2', libfoo: '2.0-1' });
    expect(dpkgVersions(roots.get('web-3')!)).toEqual({ hello: '1.0-2', 'kernel-sim': '6.1-2' });

    const rescan = await patchCommand('Scan', { targets: fleet });
    const after = await complianceOfCommand(stack.client.client, rescan.commandId);
    expect(after.map((r) => [r.nodeId, r.compliance, r.missing, r.installedPendingReboot])).toEqual([
      [id('web-1'), 'COMPLIANT', 0, 0],
      [id('web-2'), 'COMPLIANT', 0, 0],
      [id('web-3'), 'NON_COMPLIANT', 0, 2],
    ]);
    // web-3 "reboots": /run is emptied, and its next scan is compliant.
    rmSync(join(roots.get('web-3')!.root, 'run/reboot-required'));
    const final = await patchCommand('Scan', { instanceIds: [id('web-3')] });
    expect((await complianceOfCommand(stack.client.client, final.commandId))[0]).toMatchObject({ nodeId: id('web-3'), compliance: 'COMPLIANT' });

    // The report by tag, from the command line, as JSON and CSV, and into S3 (moto).
    const env = droverEnv(stack.taskQueue);
    // Visibility (memo) follows the records a moment later.
    const report = await eventually(
      'the report to settle',
      async () => JSON.parse((await runCli(['patch', 'compliance', '--tag', `patchfleet=${run}`, '--json'], env)).stdout || '[]') as { nodeId: string; compliance: string }[],
      (rows) => rows.length === 3 && rows.every((r) => r.compliance === 'COMPLIANT'),
    );
    expect(report.map((r) => r.nodeId)).toEqual(['web-1', 'web-2', 'web-3'].map(id));
    const csv = await runCli(['patch', 'compliance', '--tag', `patchfleet=${run}`, '--csv'], env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NodeId,Compliance,Severity,Missing,MissingCritical,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['web-1', 'web-2', 'web-3'].map((n) => `${id(n)},COMPLIANT`));
    const table = await runCli(['patch', 'compliance', '--tag', `patchfleet=${run}`], env);
    expect(table.stdout).toMatch(/3 nodes: 3 compliant, 0 non-compliant, 0 unreported/);

    const bucket = `patch-${run}`;
    const aws = new AwsClients({ endpoint: env.AWS_ENDPOINT_URL! });
    const s3 = aws.get(S3Client);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const synced = await runCli(['patch', 'compliance', '--tag', `patchfleet=${run}`, '--s3-bucket', bucket, '--s3-prefix', 'sync'], env);
    expect(synced.code).toBe(0);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      ...['web-1', 'web-2', 'web-3'].map((n) => `sync/AWS:PatchSummary/resourcetype=ManagedInstanceInventory/${id(n)}.json`),
      'sync/compliance-report.csv',
    ].sort());
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `sync/AWS:PatchSummary/resourcetype=ManagedInstanceInventory/${id('web-1')}.json` }));
    expect(JSON.parse(await object.Body!.transformToString())).toMatchObject({ ResourceId: id('web-1'), ComplianceStatus: 'COMPLIANT', MissingCount: 0, Operation: 'Scan', BaselineId: 'web', PatchGroup: GROUP });
    aws.destroy();
  }, 300_000);
});

/** Puts a node back where it started: its packages downgraded, no reboot pending, no earlier failures. */
async function resetNode(name: string): Promise<void> {
  const root = roots.get(name)!;
  await runTool(root, 'apt-get', ['install', '-y', '-q', '--allow-downgrades', ...NODES[name]!]);
  rmSync(join(root.root, 'run/reboot-required'), { force: true });
  clearPriorOperations(root);
}

describe('patch-fleet.yaml', () => {
  it('on EC2 instances managed by SSM (moto): sends AWS-RunPatchBaseline Scan through SSM, reports them UNREPORTED (moto keeps no patch states)', async () => {
    const aws = new AwsClients({ endpoint: droverEnv(stack.taskQueue).AWS_ENDPOINT_URL! });
    const tag = `patchssm-${run}`;
    const ids = (await launchInstances(aws.get(EC2Client), { count: 2, tags: { [tag]: 'yes' } })).sort();
    const started = await stack.client.start('patch-fleet', { parameters: { TagKey: tag, TagValue: 'yes', MaxConcurrency: '1' } });
    const result = await stack.client.result(started.executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs).toMatchObject({ 'summary.CompliantCount': 0, 'summary.NonCompliantCount': 0, 'summary.UnreportedCount': 2 });
    const summary = result.outputs['summary.Summary'] as { NodeId: string; Compliance: string; Reason: string }[];
    expect(summary.map((r) => r.NodeId)).toEqual(ids);
    for (const r of summary) expect(r).toMatchObject({ Compliance: 'UNREPORTED', Reason: expect.stringMatching(/^SSM gave no patch states \(DescribeInstancePatchStates: /) });
    // Nothing to install (nothing reported non-compliant): the runbook went from the report of the scan to the end.
    expect(result.steps.filter((s) => s.status !== 'Pending').map((s) => s.name)).toEqual(['scan', 'reportScan', 'scanned', 'anythingToInstall', 'summary']);
    // What SSM was asked: AWS-RunPatchBaseline, Operation Scan, on the tagged instances.
    const listed = await aws.get(SSMClient).send(new ListCommandsCommand({}));
    const scanId = result.steps.find((s) => s.name === 'scan')!.outputs!.CommandId;
    const ours = (listed.Commands ?? []).filter((c) => c.CommandId === scanId);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.Comment).toMatch(/^patch-fleet scan/);
    expect(ours[0]).toMatchObject({ DocumentName: 'AWS-RunPatchBaseline', Parameters: { Operation: ['Scan'] } });

    // One command for an agent node and an EC2 instance: each reported from where it ran.
    const mixed = await patchCommand('Scan', { instanceIds: [id('web-2'), ids[0]!] });
    expect(mixed.result.status).toBe('Success');
    const rows = await complianceOfCommand(stack.client.client, mixed.commandId, { ssm: aws.get(SSMClient) });
    expect(rows.map((r) => [r.nodeId, r.compliance]).sort()).toEqual([
      [id('web-2'), 'COMPLIANT'],
      [ids[0]!, 'UNREPORTED'],
    ].sort());
    expect(rows.find((r) => r.nodeId === ids[0])!.reason).toMatch(/^SSM gave no patch states \(DescribeInstancePatchStates: /);
    aws.destroy();
  }, 300_000);
});

describe('patch-fleet.yaml on drover agents', () => {
  it('scans, waits for the approval, installs on the non-compliant nodes one at a time, rescans and reports', async () => {
    for (const name of Object.keys(NODES)) await resetNode(name);
    const started = await stack.client.start('patch-fleet', {
      parameters: { TagKey: 'Patch Group', TagValue: GROUP, MaxConcurrency: '1', MaxErrors: '0', RebootOption: 'NoReboot', ApproveInstall: true, Approvers: ['ops-lead'] },
    });
    const waiting = await waitForState(stack.client, started.executionId, (s) => s.currentStep === 'approve' && s.status === 'Waiting', 120_000);
    expect(waiting.steps.find((s) => s.name === 'scanned')!.outputs).toMatchObject({ NonCompliantNodeIds: [id('web-1'), id('web-3')], CompliantNodeIds: [id('web-2')] });
    // Nothing is installed before the approval.
    expect(dpkgVersions(roots.get('web-1')!).hello).toBe('1.0-1');
    await stack.client.approve(started.executionId, { approver: 'ops-lead', comment: 'go' });
    const result = await stack.client.result(started.executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs).toMatchObject({
      'scanned.NonCompliantNodeIds': [id('web-1'), id('web-3')],
      'summary.CompliantCount': 2,
      'summary.NonCompliantCount': 1,
      'summary.UnreportedCount': 0,
      // web-3's kernel waits for a reboot (NoReboot): InstalledPendingReboot is not compliant.
      'summary.NonCompliantNodeIds': [id('web-3')],
    });
    const summary = result.outputs['summary.Summary'] as Record<string, unknown>[];
    expect(summary.find((r) => r.NodeId === id('web-3'))).toMatchObject({ Compliance: 'NON_COMPLIANT', MissingCount: 0, InstalledPendingRebootCount: 2, Operation: 'Scan' });
    expect(dpkgVersions(roots.get('web-1')!)).toEqual({ hello: '1.0-2', libfoo: '2.0-1', tool: '1.0-1' });
    expect(dpkgVersions(roots.get('web-3')!)).toEqual({ hello: '1.0-2', 'kernel-sim': '6.1-2' });

    // The install went to the two non-compliant nodes only, one after the other (MaxConcurrency 1).
    const installId = result.steps.find((s) => s.name === 'install')!.outputs!.CommandId as string;
    const installs = await commands.invocations(installId, { details: true });
    expect(installs.map((i) => i.instanceId)).toEqual([id('web-1'), id('web-3')]);
    const [a, b] = installs.map((i) => [Date.parse(i.record!.startTime!), Date.parse(i.record!.endTime!)] as const).sort((x, y) => x[0] - y[0]);
    expect(a![1]).toBeLessThanOrEqual(b![0]);
  }, 300_000);
});
