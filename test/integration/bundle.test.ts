// The SDK bundles workflow code with webpack and refuses Node modules in it; bundling the
// interpreter proves workflows/ stays inside the sandbox (lint checks the same statically).
import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKFLOWS_PATH } from '../../worker';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('workflow bundle', () => {
  it('bundles the interpreter with a default export and no Node built-ins', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).toContain('runbook');
    expect(code).not.toMatch(/require\(["']node:fs["']\)|require\(["']fs["']\)|require\(["']child_process["']\)/);
  });

  it('refuses workflow code that imports a Node module (the check this guards)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-bundle-'));
    const bad = join(dir, 'bad-workflows.ts');
    writeFileSync(bad, "import { readFileSync } from 'node:fs';\nexport async function bad(): Promise<string> { return readFileSync('/etc/hostname', 'utf8'); }\n");
    await expect(bundleWorkflowCode({ workflowsPath: bad, logger: quiet })).rejects.toThrow();
  });
});
