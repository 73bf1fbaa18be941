// patch-fleet.yaml end to end over a mixed fleet: one Debian node (apt and dpkg on an
// isolated package root) and one Red Hat node (dnf and rpm on an isolated installroot), each
// a real `drover agent` process, in the same run. Their patch group has one baseline per
// operating system; each node is scanned, patched and rescanned by its own package manager.
// The summary step writes the compliance report as one HTML page to S3 (moto) and names it;
// `drover patch report --html` renders the same page from the command line.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsClients } from '../../activities/aws/clients';
import { defaultDocumentSource } from '../../activities/run-command/load-document';
import { CommandClient } from '../../client/commands';
import { complianceOfCommand } from '../../patch/compliance/report';
import type { PackageRoot } from '../../patch/apt/package-root';
import type { RpmRoot } from '../../patch/rpm/rpm-root';
import { startAgentProcess, type AgentProcess } from '../helpers/agents';
import { dpkgVersions, installInitial, makePackageRoot, publishRepo } from '../helpers/apt-repo';
import { startStack, type TestStack } from '../helpers/env';
import { droverEnv, runCli } from '../helpers/processes';
import { waitForRegistered } from '../helpers/registry';
import { installInitialRpms, makeRpmRoot, publishRpmRepo, requireRpmTools, rpmVersions } from '../helpers/rpm-repo';

const run = randomUUID().slice(0, 6);
const id = (name: string) => `${name}-${run}`;
const GROUP = `mixed-${run}`;
const work = mkdtempSync(join(tmpdir(), 'drover-patch-mixed-'));
const baselines = join(work, 'baselines');

let stack: TestStack;
let commands: CommandClient;
let debian: PackageRoot;
let redhat: RpmRoot;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  requireRpmTools();
  const yesterday = new Date(Date.now() - 86_400_000).toUTCString();
  publishRepo(join(work, 'deb'), [
    { suite: 'bookworm', label: 'Drover Tests', date: yesterday, packages: [{ name: 'hello', version: '1.0-1' }, { name: 'tool', version: '1.0-1' }] },
    { suite: 'bookworm-security', label: 'Drover Tests Security', date: yesterday, packages: [{ name: 'hello', version: '1.0-2' }] },
  ]);
  const rpmRepo = join(work, 'rpm');
  publishRpmRepo(work, rpmRepo, [
    { name: 'hello', version: '1.0', release: '1' },
    { name: 'hello', version: '1.0', release: '2' },
    { name: 'lowpkg', version: '1.0', release: '1' },
    { name: 'lowpkg', version: '1.0', release: '2' },
  ], [
    { id: 'DRV-2024:0101', type: 'security', severity: 'Critical', issued: new Date(Date.now() - 30 * 86_400_000), cves: ['CVE-2024-0101'], packages: [{ name: 'hello', version: '1.0', release: '2' }] },
    { id: 'DRV-2024:0102', type: 'security', severity: 'Low', issued: new Date(Date.now() - 30 * 86_400_000), packages: [{ name: 'lowpkg', version: '1.0', release: '2' }] },
  ]);
  mkdirSync(baselines);
  writeFileSync(join(baselines, 'debian.yaml'), `OperatingSystem: DEBIAN\nPatchGroups: [${GROUP}]\nApprovalRules:\n  PatchRules:\n    - PatchFilterGroup:\n        PatchFilters:\n          - Key: PRIORITY\n            Values: ['*']\n      ComplianceLevel: CRITICAL\n`);
  writeFileSync(
    join(baselines, 'redhat.yaml'),
    `OperatingSystem: REDHAT_ENTERPRISE_LINUX\nPatchGroups: [${GROUP}]\nApprovalRules:\n  PatchRules:\n    - PatchFilterGroup:\n        PatchFilters:\n          - Key: CLASSIFICATION\n            Values: [Security]\n          - Key: SEVERITY\n            Values: [Critical, Important]\n      ComplianceLevel: CRITICAL\n      ApproveAfterDays: 7\n`,
  );
  debian = makePackageRoot(join(work, 'nodes', 'deb-1'), join(work, 'deb'), ['bookworm', 'bookworm-security']);
  await installInitial(debian, ['hello=1.0-1', 'tool=1.0-1']);
  redhat = makeRpmRoot(join(work, 'nodes', 'rhel-1'), rpmRepo);
  await installInitialRpms(redhat, ['hello-1.0-1', 'lowpkg-1.0-1']);

  stack = await startStack({ prefix: 'patchmix' });
  commands = new CommandClient(stack.client.client, { taskQueue: stack.taskQueue, documents: defaultDocumentSource() });
  const roots = { 'deb-1': debian.root, 'rhel-1': redhat.root };
  agents.push(
    ...(await Promise.all(
      Object.entries(roots).map(([name, root]) =>
        startAgentProcess({
          nodeId: id(name),
          tags: { mixedfleet: run, 'Patch Group': GROUP },
          registryQueue: stack.taskQueue,
          heartbeatSeconds: 5,
          env: { DROVER_PACKAGE_ROOT: root, DROVER_BASELINES: baselines, DROVER_PATCH_ISOLATION: 'required' },
        }),
      ),
    )),
  );
  await waitForRegistered(stack.client.client, { mixedfleet: run }, 2);
}, 300_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('patch-fleet.yaml on a Debian and a Red Hat node', () => {
  it('scans, installs and rescans each with its own package manager, and links the HTML report', async () => {
    const env = droverEnv(stack.taskQueue);
    const aws = new AwsClients({ endpoint: env.AWS_ENDPOINT_URL! });
    const bucket = `patchmix-${run}`;
    await aws.get(S3Client).send(new CreateBucketCommand({ Bucket: bucket }));

    const started = await stack.client.start('patch-fleet', { parameters: { TagKey: 'Patch Group', TagValue: GROUP, MaxConcurrency: '2', MaxErrors: '0', RebootOption: 'RebootIfNeeded', ReportS3BucketName: bucket } });
    const result = await stack.client.result(started.executionId);
    expect(result.status).toBe('Success');
    expect(result.outputs['scanned.NonCompliantNodeIds']).toEqual([id('deb-1'), id('rhel-1')]);
    // Each node got exactly its approved patch: hello on both; not tool (no security update), not lowpkg (Low).
    expect(dpkgVersions(debian)).toEqual({ hello: '1.0-2', tool: '1.0-1' });
    expect(rpmVersions(redhat)).toEqual({ hello: '1.0-2', lowpkg: '1.0-1' });
    // The install: Debian needs no reboot; the RPM node asks for one (SSM's rule on Linux), through the agent (exit 194).
    const installId = result.steps.find((s) => s.name === 'install')!.outputs!.CommandId as string;
    const installs = await commands.invocations(installId, { details: true });
    expect(installs.map((i) => [i.instanceId, i.status, i.responseCode, i.record?.rebootRequested ?? false])).toEqual([
      [id('deb-1'), 'Success', 0, false],
      [id('rhel-1'), 'Success', 194, true],
    ]);
    expect(installs[1]!.record!.standardOutputContent).toMatch(/^Installed hello 1\.0-1 -> 1\.0-2$/m);
    // These agents do not reboot: the Red Hat node's patch waits for its reboot (InstalledPendingReboot).
    const summary = result.outputs['summary.Summary'] as Record<string, unknown>[];
    expect(summary.map((r) => [r.NodeId, r.Compliance, r.MissingCount, r.InstalledPendingRebootCount])).toEqual([
      [id('deb-1'), 'COMPLIANT', 0, 0],
      [id('rhel-1'), 'NON_COMPLIANT', 0, 1],
    ]);

    // The summary step's report: one HTML page in S3 that fetches nothing when opened.
    const url = result.outputs['summary.ReportUrl'] as string;
    expect(url).toMatch(new RegExp(`^s3://${bucket}/drover-patch-reports/.+/summary\\.html$`));
    expect(result.outputs['summary.ReportCliCommand']).toBe(`drover patch report --command-id ${result.steps.find((s) => s.name === 'rescan')!.outputs!.CommandId as string} --html patch-report.html`);
    const object = await aws.get(S3Client).send(new GetObjectCommand({ Bucket: bucket, Key: url.slice(`s3://${bucket}/`.length) }));
    expect(object.ContentType).toMatch(/^text\/html/);
    const page = await object.Body!.transformToString();
    expect(page).toContain(id('deb-1'));
    expect(page).toContain(id('rhel-1'));
    expect(page).toMatch(/<canvas id="byGroup"/);
    expect(page).toContain('InstalledPendingReboot');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);

    // The Red Hat node reboots (/run is emptied): its next scan is compliant.
    rmSync(join(redhat.root, 'run'), { recursive: true });
    const sent = await commands.send({ documentName: 'AWS-RunPatchBaseline', instanceIds: [id('rhel-1')], parameters: { Operation: ['Scan'] } });
    await commands.result(sent.commandId);
    expect((await complianceOfCommand(stack.client.client, sent.commandId))[0]).toMatchObject({ nodeId: id('rhel-1'), compliance: 'COMPLIANT', product: 'RedhatEnterpriseLinux9.4' });

    // The same report from the command line, beside JSON and CSV.
    const html = join(work, 'report.html');
    const json = join(work, 'report.json');
    const report = await runCli(['patch', 'report', '--tag', `mixedfleet=${run}`, '--html', html, '--json', json], env);
    expect(report.code).toBe(0);
    expect(existsSync(html)).toBe(true);
    const rows = JSON.parse(readFileSync(json, 'utf8')) as { nodeId: string; compliance: string }[];
    expect(rows.map((r) => r.nodeId)).toEqual([id('deb-1'), id('rhel-1')]);
    expect(readFileSync(html, 'utf8')).toContain(`tag mixedfleet=${run}`);
    aws.destroy();
  }, 300_000);
});
