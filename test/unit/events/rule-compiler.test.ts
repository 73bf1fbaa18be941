// The event rule and remediation compilers: the committed schemas, the shipped examples,
// exact diagnostics (code, line, column) for what authors get wrong, the compiled forms,
// kind detection, and the checks across files and against the runbooks they name.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { compileRule } from '../../../compiler/rule/index';
import { loadRuleSet } from '../../../compiler/rule/load';
import { compileRemediation } from '../../../compiler/remediation/index';
import { loadRemediationSet } from '../../../compiler/remediation/load';
import { loadAndCompileAny } from '../../../compiler/command/load';
import { BUILTIN_CATALOG } from '../../../lang/catalog';
import { buildEventRuleSchema } from '../../../schemas/event-rule-schema';
import { renderEventRuleSchema } from '../../../schemas/build-event-rule-schema';
import { buildRemediationSchema } from '../../../schemas/remediation-schema';
import { renderRemediationSchema } from '../../../schemas/build-remediation-schema';
import { at, dedent } from '../compiler/helpers';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const rule = (text: string, file = 'r.yaml') => compileRule(dedent(text), file);
/** A rule of the given lines plus one valid target. */
const ruleWithTarget = (text: string) => compileRule(dedent(text) + dedent(TARGET), 'r.yaml');
const remediation = (text: string, file = 'x.yaml') => compileRemediation(dedent(text), file);

const TARGET = `
  Targets:
    - Id: t
      Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/hello:$DEFAULT
      Input: '{"Name": ["x"]}'
`;

describe('schemas', () => {
  it.each([
    ['event-rule', renderEventRuleSchema, buildEventRuleSchema],
    ['remediation', renderRemediationSchema, buildRemediationSchema],
  ] as const)('%s.schema.json is committed exactly as built and compiles in strict mode', (name, render, build) => {
    // On failure: npx tsx schemas/build-<name>-schema.ts
    expect(readFileSync(join(REPO, 'schemas', `${name}.schema.json`), 'utf8')).toBe(render());
    expect(() => new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(build())).not.toThrow();
  });
});

describe('shipped examples', () => {
  it('rules/ and remediations/ validate, targets and runbooks included', async () => {
    const rules = await loadRuleSet([join(REPO, 'rules')], { runbookDirs: [join(REPO, 'runbooks')] });
    const rems = await loadRemediationSet([join(REPO, 'remediations')], { runbookDirs: [join(REPO, 'runbooks')] });
    expect([...rules.diagnostics, ...rems.diagnostics]).toEqual([]);
    expect(rules.rules.map((r) => r.name)).toContain('ec2-stopped-autorestart');
    expect(rems.remediations.map((r) => r.configRuleName)).toContain('ec2-ebs-snapshot-required');
  });

  it('drover validate tells the kinds apart by content', async () => {
    expect((await loadAndCompileAny(join(REPO, 'rules/ec2-stopped-autorestart.yaml'), BUILTIN_CATALOG)).kind).toBe('rule');
    expect((await loadAndCompileAny(join(REPO, 'remediations/ec2-ebs-snapshot-required.yaml'), BUILTIN_CATALOG)).kind).toBe('remediation');
    expect((await loadAndCompileAny(join(REPO, 'runbooks/hello.yaml'), BUILTIN_CATALOG)).kind).toBe('runbook');
  });
});

describe('compileRule', () => {
  it('compiles a rule: defaults, targets, inputs, a content hash', () => {
    const { rule: r, diagnostics } = rule(`
      EventPattern: '{"source": ["aws.ec2"]}'
      Targets:
        - Id: auto
          Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/restart-instances:$DEFAULT
          InputTransformer:
            InputPathsMap: { i: $.detail.instance-id }
            InputTemplate: '{"InstanceIds": [<i>]}'
        - Id: cmd
          Arn: arn:aws:ssm:us-east-1::document/AWS-RunShellScript
          Input: { commands: [uptime] }
          RunCommandParameters:
            RunCommandTargets: [{ Key: tag:role, Values: [web] }]
    `);
    expect(diagnostics).toEqual([]);
    expect(r).toMatchObject({
      name: 'r',
      state: 'ENABLED',
      eventBusName: 'default',
      eventPattern: { source: ['aws.ec2'] },
      targets: [
        { id: 'auto', kind: 'automation', document: 'restart-instances', version: '$DEFAULT', input: { kind: 'transformer', pathsMap: { i: '$.detail.instance-id' }, template: '{"InstanceIds": [<i>]}' } },
        { id: 'cmd', kind: 'run-command', document: 'AWS-RunShellScript', input: { kind: 'constant', text: '{"commands":["uptime"]}' }, runCommandTargets: [{ Key: 'tag:role', Values: ['web'] }] },
      ],
    });
    expect(r!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('points pattern problems at the operator, inside the mapping', () => {
    const { diagnostics } = ruleWithTarget(`
      EventPattern:
        detail:
          state: [{ anything-but: { prefix: "" } }]
          ip: [{ cidr: 10.0.0.0/33 }]
          $or: [{ a: [1] }]
    `);
    expect(at(diagnostics)).toEqual(['invalid-pattern@3:39', 'invalid-pattern@4:18', 'invalid-pattern@5:5']);
  });

  it('reports a pattern written as JSON text at EventPattern, naming the place', () => {
    const { diagnostics } = ruleWithTarget(`
      EventPattern: '{"detail": {"n": [{"numeric": [">", "x"]}]}}'
    `);
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([['invalid-pattern', 1, 'In the event pattern at detail.n.0.numeric.1: The value of ">" must be a number, not the string "x".']]);
  });

  it('refuses scheduled rules, unknown target kinds, the three inputs together, bad paths', () => {
    const { diagnostics } = rule(`
      ScheduleExpression: rate(5 minutes)
      EventPattern: { source: [x] }
      Targets:
        - Id: a
          Arn: arn:aws:sqs:us-east-1:123456789012:q
        - Id: b
          Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/hello
          Input: '{}'
          InputPath: $.detail
          InputTransformer: { InputTemplate: '"x"' }
        - Id: c
          Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/hello
          InputPath: $..deep
    `);
    expect(at(diagnostics)).toEqual(['unsupported-property@1:1', 'unsupported-target@5:10', 'conflicting-properties@9:5', 'invalid-path@13:16']);
  });

  it('warns when an Automation target would receive the whole event, or a string where a list is due', () => {
    const { diagnostics } = rule(`
      EventPattern: { source: [x] }
      Targets:
        - Id: a
          Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/hello
        - Id: b
          Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/hello
          InputTransformer:
            InputPathsMap: { n: $.detail.name }
            InputTemplate: '{"Name": <n>}'
    `);
    expect(diagnostics.map((d) => `${d.severity} ${d.code}@${d.line}:${d.col}`)).toEqual(['warning whole-event-input@3:5', 'warning invalid-automation-input@9:22']);
  });

  it('checks targets against the runbooks: unknown runbook, parameters a constant input gets wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(
      join(dir, 'a.yaml'),
      dedent(`
        EventPattern: { source: [x] }
        Targets:
          - Id: a
            Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/nosuch
            Input: '{"X": ["1"]}'
          - Id: b
            Arn: arn:aws:ssm:us-east-1:123456789012:automation-definition/restart-instances
            Input: '{"InstanceIdz": ["i-1"]}'
      `),
    );
    writeFileSync(join(dir, 'b.yaml'), `Name: a\nEventPattern: { source: [y] }\n${dedent(TARGET)}`);
    const { diagnostics } = await loadRuleSet([dir], { runbookDirs: [join(REPO, 'runbooks')] });
    expect(diagnostics.map((d) => `${d.code}@${d.file.split('/').pop()}:${d.line}:${d.col}`)).toEqual(['unknown-runbook@a.yaml:4:10', 'invalid-parameters@a.yaml:8:12', 'duplicate-rule@b.yaml:1:1']);
    expect(diagnostics[1]!.message).toContain('For restart-instances, parameter InstanceIdz: the runbook has no such parameter. Did you mean "InstanceIds"?');
  });
});

describe('compileRemediation', () => {
  it('compiles with Config’s defaults', () => {
    const { remediation: r, diagnostics } = remediation(`
      ConfigRuleName: ebs
      TargetType: SSM_DOCUMENT
      TargetId: snapshot-volumes
      Parameters:
        InstanceIds: { ResourceValue: { Value: RESOURCE_ID } }
        RetentionDays: { StaticValue: { Values: ['3'] } }
    `);
    expect(diagnostics).toEqual([]);
    expect(r).toMatchObject({
      configRuleName: 'ebs',
      targetId: 'snapshot-volumes',
      automatic: false,
      maximumAutomaticAttempts: 5,
      retryAttemptSeconds: 60,
      parameters: { InstanceIds: { resourceValue: 'RESOURCE_ID' }, RetentionDays: { staticValues: ['3'] } },
    });
  });

  it('refuses what Config refuses, at the place', () => {
    const { diagnostics } = remediation(`
      ConfigRuleName: ebs
      TargetType: LAMBDA
      TargetId: snapshot-volumes
      ResourceType: EC2 Instance
      MaximumAutomaticAttempts: 0
      RetryAttemptSeconds: 60
      ExecutionControls: { SsmControls: { ErrorPercentage: 101 } }
      Parameters:
        InstanceIds: { ResourceValue: { Value: INSTANCE_ID } }
        Both: { ResourceValue: { Value: RESOURCE_ID }, StaticValue: { Values: [a] } }
    `);
    expect(at(diagnostics)).toEqual(['invalid-value@2:13', 'invalid-value@4:15', 'invalid-value@5:27', 'invalid-value@7:54', 'invalid-value@9:42', 'conflicting-properties@10:3']);
  });

  it('checks the runbook and its parameters for a resource', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rem-'));
    writeFileSync(join(dir, 'a.yaml'), 'ConfigRuleName: r\nTargetType: SSM_DOCUMENT\nTargetId: snapshot-volumes\nParameters:\n  InstanceIds: { ResourceValue: { Value: RESOURCE_ID } }\n  Retention: { StaticValue: { Values: ["1"] } }\n');
    writeFileSync(join(dir, 'b.yaml'), 'ConfigRuleName: r\nTargetType: SSM_DOCUMENT\nTargetId: nosuch\n');
    const { diagnostics } = await loadRemediationSet([dir], { runbookDirs: [join(REPO, 'runbooks')] });
    expect(diagnostics.map((d) => `${d.code}@${d.file.split('/').pop()}:${d.line}:${d.col}`)).toEqual(['invalid-parameters@a.yaml:6:14', 'no-resource-parameter@b.yaml:1:1', 'unknown-runbook@b.yaml:3:11', 'duplicate-remediation@b.yaml:1:17']);
  });
});
