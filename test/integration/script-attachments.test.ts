// aws:executeScript with script attachments (files beside the runbook, read and checked
// when it is loaded, carried in the plan) and with a PowerShell runtime on a worker that has
// no pwsh (this machine has none: the step must fail saying so; DROVER_PWSH points at a
// path that does not exist, so the test means the same on a machine that has PowerShell).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAndCompile } from '../../compiler/load';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import { startStack, type TestStack } from '../helpers/env';
import { step } from '../helpers/plans';

let stack: TestStack;
let dir: string;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-attachments-'));
  mkdirSync(join(dir, 'attached'));
  writeFileSync(join(dir, 'attached', 'tools.py'), 'def main(events, context):\n    return {"doubled": events["n"] * 2, "from": "tools.py"}\n');
  // A .zip whose module the Handler names (package.module.function), made with Python's zipfile.
  execFileSync('python3', [
    '-c',
    [
      'import zipfile, sys',
      'z = zipfile.ZipFile(sys.argv[1], "w")',
      'z.writestr("pkg/__init__.py", "")',
      'z.writestr("pkg/helpers.py", "def greet(events, context):\\n    return {\\"greeting\\": \\"hello \\" + events[\\"who\\"]}\\n")',
      'z.close()',
    ].join('\n'),
    join(dir, 'attached', 'bundle.zip'),
  ]);
  const runbook = `schemaVersion: '0.3'
files:
  tools.py: { checksums: { sha256: ${sha256(join(dir, 'attached', 'tools.py'))} } }
  bundle.zip: { checksums: { SHA256: ${sha256(join(dir, 'attached', 'bundle.zip'))} } }
  missing.py: { checksums: { sha256: '00' } }
mainSteps:
  - name: fromPy
    action: aws:executeScript
    inputs: { Runtime: python3.11, Handler: tools.main, Attachment: tools.py, InputPayload: { n: 21 } }
    outputs: [{ Name: Doubled, Selector: $.Payload.doubled, Type: Integer }]
  - name: fromZip
    action: aws:executeScript
    inputs: { Runtime: python3.11, Handler: pkg.helpers.greet, Attachment: bundle.zip, InputPayload: { who: world } }
    outputs: [{ Name: Greeting, Selector: $.Payload.greeting, Type: String }]
  - name: fromMissing
    action: aws:executeScript
    onFailure: Continue
    inputs: { Runtime: python3.11, Handler: missing.main, Attachment: missing.py }
  - name: powershell
    action: aws:executeScript
    onFailure: Continue
    inputs:
      Runtime: PowerShell 7.4
      InputPayload: { name: world }
      Script: |-
        $inputPayload = $env:InputPayload | ConvertFrom-Json
        return @{ message = "hello $($inputPayload.name)" }
outputs: [fromPy.Doubled, fromZip.Greeting]
`;
  writeFileSync(join(dir, 'attached.yaml'), runbook);
  process.env.DROVER_PWSH = join(dir, 'no-such-pwsh');
  stack = await startStack({ prefix: 'attachments', runbookDirs: [dir] });
});
afterAll(async () => {
  delete process.env.DROVER_PWSH;
  await stack?.stop();
});

describe('script attachments and PowerShell', () => {
  it('warns, at the file entry, of an attachment that is not beside the runbook', async () => {
    const { plan, diagnostics } = await loadAndCompile(join(dir, 'attached.yaml'), BUILTIN_CATALOG);
    expect(plan).toBeDefined();
    expect(diagnostics.map((d) => `${d.severity} ${d.code}@${d.line}:${d.col}`)).toEqual(['warning attachment-missing@5:3']);
    expect(Object.keys(plan!.attachments ?? {}).sort()).toEqual(['bundle.zip', 'tools.py']);
  });

  it('runs a .py and a .zip attachment; a missing one and PowerShell without pwsh fail their steps clearly', async () => {
    const { executionId } = await stack.client.start('attached');
    const result = await stack.client.result(executionId);
    expect(result.outputs).toEqual({ 'fromPy.Doubled': 42, 'fromZip.Greeting': 'hello world' });
    expect(step(result, 'fromMissing').failureMessage).toMatch(/^attachment missing\.py was not beside the runbook when it was loaded/);
    expect(step(result, 'powershell').status).toBe('Failed');
    expect(step(result, 'powershell').failureMessage).toBe(
      'PowerShell runtimes need PowerShell 7 (pwsh) on the worker, and this worker has none: install it, or set DROVER_PWSH to its path',
    );
  });
});
