// Command documents (schemaVersion 1.2 / 2.0 / 2.2): the schema, the compiler's diagnostics
// with exact positions, the plan, the built-in AWS-RunShellScript, lookup by name, and
// what Drover makes of the published documents of the shared corpus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { compileCommandDocument } from '../../../compiler/command';
import { isCommandDocumentText } from '../../../compiler/command/detect';
import { CommandDocumentNotFoundError, findCommandDocumentFile, loadCommandDocument } from '../../../compiler/command/find-document';
import { renderCommandDocumentSchema } from '../../../schemas/build-command-document-schema';
import { buildCommandDocumentSchema } from '../../../schemas/command-document-schema';
import { at, dedent } from './helpers';

const compile = (text: string, file = 'doc.yaml') => compileCommandDocument(dedent(text), file);
const CORPUS = '/work/shared/ssm-corpus/command';
const corpus = (() => {
  try {
    return readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8') ? CORPUS : undefined;
  } catch {
    return undefined;
  }
})();

describe('command document JSON Schema', () => {
  it('is committed exactly as the builder produces it', () => {
    const committed = readFileSync(new URL('../../../schemas/command-document.schema.json', import.meta.url), 'utf8');
    // On failure: npx tsx schemas/build-command-document-schema.ts
    expect(committed).toBe(renderCommandDocumentSchema());
  });

  it('compiles with ajv in strict mode', () => {
    expect(() => new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(buildCommandDocumentSchema())).not.toThrow();
  });
});

describe('compileCommandDocument', () => {
  it('compiles a 2.2 document: parameters converted, plugins in order, preconditions kept', () => {
    const { plan, diagnostics } = compile(`
      schemaVersion: '2.2'
      description: Says hello.
      parameters:
        Name: { type: String, default: world, allowedPattern: '^[a-z]+$' }
        Count: { type: Integer, default: 2 }
        Lines: { type: StringList, default: [a, b], interpolationType: ENV_VAR }
      mainSteps:
        - action: aws:runShellScript
          name: hello
          precondition: { StringEquals: [platformType, Linux] }
          inputs:
            runCommand: ['echo hello {{ Name }}']
            timeoutSeconds: '60'
        - action: aws:runPowerShellScript
          name: onWindows
          precondition: { StringEquals: [Windows, platformType] }
          inputs: { runCommand: [Write-Output hi] }
    `, 'hello.yaml');
    expect(diagnostics).toEqual([]);
    expect(plan).toMatchObject({
      name: 'hello',
      schemaVersion: '2.2',
      description: 'Says hello.',
      parameters: {
        Name: { type: 'String', default: 'world', allowedPattern: '^[a-z]+$' },
        Count: { type: 'Integer', default: 2 },
        Lines: { type: 'StringList', default: ['a', 'b'], interpolationType: 'ENV_VAR' },
      },
      plugins: [
        { name: 'hello', action: 'aws:runShellScript', precondition: { StringEquals: ['platformType', 'Linux'] }, inputs: { timeoutSeconds: '60' } },
        { name: 'onWindows', action: 'aws:runPowerShellScript', precondition: { StringEquals: ['Windows', 'platformType'] } },
      ],
    });
    expect(plan!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('compiles a 1.2 document: one plugin per runtimeConfig property, named by the plugin, with its id', () => {
    const { plan, diagnostics } = compile(`
      schemaVersion: '1.2'
      parameters:
        commands: { type: StringList }
      runtimeConfig:
        aws:runShellScript:
          properties:
            - id: 0.aws:runShellScript
              runCommand: '{{ commands }}'
    `);
    expect(diagnostics).toEqual([]);
    expect(plan!.plugins).toEqual([{ name: 'aws:runShellScript', action: 'aws:runShellScript', id: '0.aws:runShellScript', inputs: { runCommand: '{{ commands }}' } }]);
  });

  it('reports every problem at once, at its exact position, sorted', () => {
    const { plan, diagnostics } = compile(`
      schemaVersion: '2.2'
      parameters:
        Name: { type: Strng }
        Mode: { type: String, default: fast, allowedValues: [slow] }
      mainSteps:
        - action: aws:runShellScript
          name: one
          precondition: { StringEquals: [platformType, Linx] }
          inputs:
            runComand: [echo]
        - action: aws:runShelScript
          name: one
          inputs: { runCommand: ['echo {{ Nmae }}'], timeoutSeconds: 999999 }
        - action: aws:downloadContent
          name: fetch
          inputs: { sourceType: GitHub }
    `);
    expect(plan).toBeUndefined();
    expect(at(diagnostics)).toEqual([
      'invalid-value@3:17',
      'default-breaks-constraints@4:34',
      'unknown-platform@8:50',
      'unknown-input@10:7',
      'unknown-plugin@11:13',
      'duplicate-step@12:11',
      'undefined-parameter@13:34',
      'invalid-timeout@13:64',
      'unsupported-plugin@14:13',
    ]);
    const byCode = Object.fromEntries(diagnostics.map((d) => [d.code, d]));
    expect(byCode['unknown-plugin']!.message).toBe('"aws:runShelScript" is not a Command document plugin. Did you mean "aws:runShellScript"?');
    expect(byCode['undefined-parameter']!.message).toBe('{{ Nmae }} names no parameter of this document. Did you mean "Name"?');
    expect(byCode['unknown-input']!.message).toContain('Did you mean "runCommand"?');
    expect(byCode['unknown-platform']!.severity).toBe('warning');
    expect(byCode['unsupported-plugin']!.hint).toMatch(/aws:runShellScript/);
  });

  it('tells a number schemaVersion, a runbook and misplaced sections apart', () => {
    expect(compile(`
      schemaVersion: 2.2
      mainSteps: [{ action: aws:runShellScript, name: a, inputs: { runCommand: [ls] } }]
    `).diagnostics.map((d) => [d.code, d.line, d.col, d.hint])).toEqual([['invalid-type', 1, 16, "Quote it: schemaVersion: '2.2'."]]);
    expect(at(compile(`
      schemaVersion: '1.2'
      runtimeConfig: { aws:runShellScript: { properties: [{ runCommand: [ls] }] } }
      mainSteps: []
    `).diagnostics)).toEqual(['misplaced-section@3:1', 'invalid-value@3:12']);
    expect(at(compile(`
      schemaVersion: '2.2'
    `).diagnostics)).toEqual(['missing-property@1:1']);
    expect(compile(`
      schemaVersion: '2.2'
    `).diagnostics[0]!.message).toBe('The document is missing the required property "mainSteps".');
  });

  it('skips what Drover nodes never run, fails what SSM would run on Linux, and preconditions need 2.2', () => {
    expect(at(compile(`
      schemaVersion: '2.2'
      mainSteps:
        - { action: aws:runPowerShellScript, name: win, precondition: { StringEquals: [platformType, Windows] }, inputs: { runCommand: [x] } }
    `).diagnostics)).toEqual(['nothing-runs@2:1']);
    expect(at(compile(`
      schemaVersion: '2.2'
      mainSteps:
        - { action: aws:runPowerShellScript, name: win, inputs: { runCommand: [x] } }
    `).diagnostics)).toEqual(['unsupported-plugin@3:15']);
    expect(at(compile(`
      schemaVersion: '2.0'
      mainSteps:
        - { action: aws:runShellScript, name: a, precondition: { StringEquals: [platformType, Linux] }, inputs: { runCommand: [x] } }
    `).diagnostics)).toEqual(['precondition-needs-2.2@3:44']);
    expect(at(compile(`
      schemaVersion: '2.2'
      parameters: { Op: { type: String } }
      mainSteps:
        - { action: aws:runShellScript, name: a, precondition: { StringEquals: ['{{ Op }}', Install] }, inputs: { runCommand: [x] } }
        - { action: aws:runShellScript, name: b, precondition: { StringEquals: [a, b] }, inputs: { runCommand: [x], finallyStep: true } }
        - { action: aws:runShellScript, name: c, inputs: { runCommand: [x] } }
    `).diagnostics)).toEqual(['invalid-precondition@5:74', 'misplaced-finally-step@5:124']);
  });

  it('reports YAML syntax errors only', () => {
    expect(at(compile(`
      schemaVersion: '2.2'
      mainSteps: [
    `).diagnostics)).toEqual(['yaml-syntax@3:1']);
  });
});

describe('documents by name', () => {
  it('has AWS-RunShellScript built in, with AWS\'s parameters', async () => {
    const plan = await loadCommandDocument('AWS-RunShellScript');
    expect(Object.keys(plan.parameters)).toEqual(['commands', 'workingDirectory', 'executionTimeout']);
    expect(plan.parameters.executionTimeout!.default).toBe('3600');
    expect(plan.plugins.map((p) => [p.name, p.id])).toEqual([['aws:runShellScript', '0.aws:runShellScript']]);
  });

  it('finds custom documents in the document folders, never under an AWS- name', async () => {
    expect(findCommandDocumentFile('disk-usage')).toMatch(/documents\/disk-usage\.yaml$/);
    expect((await loadCommandDocument('disk-usage')).plugins.map((p) => p.name)).toEqual(['diskUsageLinux', 'diskUsageMacOS']);
    expect(findCommandDocumentFile('AWS-RunPowerShellScript')).toBeUndefined();
    await expect(loadCommandDocument('nope-doc')).rejects.toBeInstanceOf(CommandDocumentNotFoundError);
    expect(findCommandDocumentFile('../etc/passwd')).toBeUndefined();
  });

  it('tells Command documents from runbooks by schemaVersion', () => {
    expect(isCommandDocumentText("schemaVersion: '2.2'\nmainSteps: []\n")).toBe(true);
    expect(isCommandDocumentText('schemaVersion: 1.2\n')).toBe(true);
    expect(isCommandDocumentText('{"schemaVersion": "1.2", "a": 1, "a": 2}')).toBe(true);
    expect(isCommandDocumentText("schemaVersion: '0.3'\nmainSteps: []\n")).toBe(false);
    expect(isCommandDocumentText('mainSteps: [\n')).toBe(false);
  });
});

describe.skipIf(!corpus)('the published Command documents of the corpus', () => {
  const expected: Record<string, string[]> = {
    'AWS-RunShellScript.json': [],
    'AWS-RunPatchBaseline.json': [],
    'adhorn__cpu-stress.yaml': [],
    'awslabs__ConfigureAgentLogsUploadToCloudwatch.json': [],
    'AWS-RunPowerShellScript.json': ['unsupported-plugin'],
    'adhorn__windows-cpu-stress.yaml': ['unsupported-plugin'],
    'AWS-ApplyAnsiblePlaybooks.json': ['unsupported-plugin'],
    'AWS-RunPatchBaselineWithHooks.json': Array(6).fill('unsupported-plugin'),
  };
  for (const [file, codes] of Object.entries(expected)) {
    it(file, () => {
      const { plan, diagnostics } = compileCommandDocument(readFileSync(join(corpus!, file), 'utf8'), file);
      expect(diagnostics.map((d) => d.code)).toEqual(codes);
      expect(plan !== undefined).toBe(codes.length === 0);
    });
  }
});
