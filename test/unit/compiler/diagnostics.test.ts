// Exact diagnostics (code, line, column) for the problems authors make most, from YAML and
// JSON sources: the compiler's contract with editors and the CLI.
import { describe, expect, it } from 'vitest';
import { compileRunbook } from '../../../compiler/index';
import { BUILTIN_CATALOG } from '../../../lang/catalog';
import { ALL_ACTIONS, at, compile, WITHOUT_LAMBDA } from './helpers';

describe('compileRunbook diagnostics', () => {
  it('reports a YAML syntax error at its line and column, and nothing else', () => {
    const tab = compileRunbook("schemaVersion: '0.3'\nmainSteps:\n\t- name: a\n", 'tab.yaml', BUILTIN_CATALOG);
    expect(at(tab.diagnostics)).toEqual(['yaml-syntax@3:1']);
    expect(tab.diagnostics[0]!.hint).toMatch(/spaces, not tabs/);
    expect(tab.plan).toBeUndefined();

    const duplicate = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: a
          name: b
    `);
    expect(at(duplicate.diagnostics)).toEqual(['yaml-syntax@4:5']);
    expect(duplicate.diagnostics[0]!.message).toBe('Map keys must be unique.');
  });

  it('reports an unknown action at its value, suggesting the closest and naming the known ones', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: nap
          action: aws:slep
          inputs:
            Duration: PT1M
    `);
    expect(at(diagnostics)).toEqual(['unknown-action@4:13']);
    expect(diagnostics[0]!.message).toMatch(/^Step "nap" uses the unknown action "aws:slep"\. Did you mean "aws:sleep"\? The known actions are aws:approve, /);
    expect(diagnostics[0]!.pointer).toBe('/mainSteps/0/action');
  });

  it('reports an unknown input of a known action at its key, once, with the correction', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: nap
          action: aws:sleep
          inputs:
            Duraton: PT1M
    `);
    // The misspelling is also "missing Duration or Timestamp": said once, as the misspelling.
    expect(at(diagnostics)).toEqual(['unknown-input@6:7']);
    expect(diagnostics[0]!.message).toBe('Action aws:sleep has no input "Duraton". Did you mean "Duration"?');
    expect(diagnostics[0]!.hint).toBe('Its inputs are Duration and Timestamp.');
  });

  it('warns of an input the action does not have and ignores it, as SSM does', () => {
    const { diagnostics, plan } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: wait
          action: aws:pause
          inputs:
            Message: Check the replica, then resume
    `);
    expect(plan).toBeDefined();
    expect(at(diagnostics)).toEqual(['unknown-input@6:7']);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', message: 'Action aws:pause has no input "Message", so it is ignored.' });
  });

  it('reports a missing required input at the inputs key', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: say
          action: drover:log
          inputs: {}
    `);
    expect(at(diagnostics)).toEqual(['missing-input@5:5']);
    expect(diagnostics[0]!.message).toBe('Step "say" (drover:log) is missing the required input "Message".');
  });

  it('reports a nextStep that names no step at the value, with "did you mean"', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: first
          action: aws:sleep
          nextStep: secnd
          inputs: { Duration: PT1S }
        - name: second
          action: aws:sleep
          inputs: { Duration: PT1S }
    `);
    // Without the transition, "second" is unreachable: a warning that follows from the typo.
    expect(at(diagnostics)).toEqual(['unknown-step@5:15', 'unreachable-step@7:11']);
    expect(diagnostics[0]!.message).toBe('nextStep of step "first" names step "secnd", which does not exist. Did you mean "second"?');
  });

  it('reports an undefined {{ Param }} at the reference inside the string', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      parameters:
        Name: { type: String, default: world }
      mainSteps:
        - name: say
          action: drover:log
          inputs:
            Message: 'Hello {{ Nme }}'
    `);
    expect(at(diagnostics)).toEqual(['undefined-reference@8:23']);
    expect(diagnostics[0]!.message).toBe('{{ Nme }} refers to parameter "Nme", which is not declared. Did you mean "Name"?');
  });

  it('reports a default of the wrong type at the default', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      parameters:
        Count:
          type: Integer
          default: three
      mainSteps:
        - name: say
          action: drover:log
          inputs: { Message: '{{ Count }}' }
    `);
    expect(at(diagnostics)).toEqual(['invalid-default@5:14']);
    expect(diagnostics[0]!.message).toBe(
      'The default of parameter "Count" does not fit its type Integer: expected an Integer (a whole number), got the string "three".',
    );
  });

  it('points into JSON sources (tab-indented, as AWS returns them) just as precisely', () => {
    const json = [
      '{',
      '\t"schemaVersion": "0.3",',
      '\t"mainSteps": [',
      '\t\t{',
      '\t\t\t"name": "a",',
      '\t\t\t"action": "aws:sleep",',
      '\t\t\t"inputs": { "Duraton": "PT1S" },',
      '\t\t\t"nextStep": "b"',
      '\t\t}',
      '\t]',
      '}',
    ].join('\n');
    const { diagnostics } = compileRunbook(json, 'doc.json', BUILTIN_CATALOG);
    expect(at(diagnostics)).toEqual(['unknown-input@7:16', 'unknown-step@8:16']);
    expect(diagnostics.map((d) => d.file)).toEqual(['doc.json', 'doc.json']);
  });

  it('reads valid JSON that YAML refuses (a repeated key) as JSON does, with a warning', () => {
    const json = '{"schemaVersion": "0.3", "mainSteps": [\n {"name": "a", "action": "drover:log", "inputs": {"Message": "x"}, "inputs": {"Message": "last"}}]}';
    const { diagnostics, plan } = compileRunbook(json, 'dup.json', BUILTIN_CATALOG);
    expect(at(diagnostics)).toEqual(['json-as-yaml@2:68']);
    expect(diagnostics[0]!.severity).toBe('warning');
    expect(plan?.steps.a!.inputs).toEqual({ Message: 'last' });
  });

  it('points an unknown step property at its key and a missing one at the step', () => {
    const { diagnostics } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: a
          action: aws:sleep
          nextstep: b
          inputs: { Duration: PT1S }
        - name: b
          inputs: { Duration: PT1S }
    `);
    expect(at(diagnostics)).toEqual(['unknown-property@5:5', 'missing-property@7:5']);
    expect(diagnostics[0]!.message).toBe('Step "a" has no property "nextstep". Did you mean "nextStep"?');
    expect(diagnostics[1]!.message).toBe('Step "b" is missing the required property "action".');
  });

  it('gives one precise error for one wrong input value, not one per alternative', () => {
    const { diagnostics } = compile(
      `
      schemaVersion: '0.3'
      mainSteps:
        - name: stop
          action: aws:changeInstanceState
          inputs:
            InstanceIds: [i-123]
            DesiredState: stoped
            Force: maybe
    `,
      ALL_ACTIONS,
    );
    expect(at(diagnostics)).toEqual(['invalid-value@7:21', 'invalid-value@8:14']);
    expect(diagnostics[0]!.message).toBe(
      'Input "DesiredState" of step "stop" must be one of "running", "stopped" or "terminated" or a {{ }} reference; the string "stoped" is not. Did you mean "stopped"?',
    );
    expect(diagnostics[1]!.message).toBe('Input "Force" of step "stop" must be true or false or a {{ }} reference; the string "maybe" is not.');
  });

  it('accepts {{ }} references in non-string input positions, as AWS does', () => {
    const { diagnostics } = compile(
      `
      schemaVersion: '0.3'
      parameters:
        NoReboot: { type: Boolean, default: true }
        Items: { type: StringList, default: [a] }
        Passes: { type: Integer, default: 2 }
      mainSteps:
        - name: image
          action: aws:createImage
          inputs:
            InstanceId: i-123
            ImageName: backup
            NoReboot: '{{ NoReboot }}'
        - name: each
          action: aws:loop
          inputs:
            Iterators: '{{ Items }}'
            MaxIterations: '{{ Passes }}'
            Steps:
              - name: note
                action: drover:log
                inputs: { Message: '{{ each.CurrentIteratorValue }}' }
    `,
      ALL_ACTIONS,
    );
    expect(diagnostics).toEqual([]);
  });

  it('refuses an action the catalog does not have, saying Drover does not run it yet', () => {
    const { diagnostics, plan } = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: run
          action: aws:invokeLambdaFunction
          inputs:
            FunctionName: hello
    `, WITHOUT_LAMBDA);
    expect(at(diagnostics)).toEqual(['unsupported-action@4:13']);
    expect(diagnostics[0]!.message).toBe('Drover does not run aws:invokeLambdaFunction yet, so step "run" cannot run.');
    expect(plan).toBeUndefined();
  });

  it('tells how to fix an unquoted schemaVersion', () => {
    const { diagnostics } = compile(`
      schemaVersion: 0.3
      mainSteps:
        - { name: a, action: aws:sleep, inputs: { Duration: PT1S } }
    `);
    expect(at(diagnostics)).toEqual(['invalid-value@1:16']);
    expect(diagnostics[0]!.hint).toBe("Quote it: schemaVersion: '0.3'.");
  });

  it('reports every problem at once, sorted by position, and a plan only without errors', () => {
    const broken = compile(`
      schemaVersion: '0.3'
      parameters:
        Count: { type: Integer, default: x }
      mainSteps:
        - name: a
          action: aws:sleep
          nextStep: nowhere
          inputs: { Duration: 5 }
        - name: a
          action: drover:log
          inputs: { Message: '{{ missing }}' }
    `);
    expect(at(broken.diagnostics)).toEqual([
      'invalid-default@3:36',
      'unknown-step@7:15',
      'invalid-type@8:25',
      'duplicate-step@9:11',
      'undefined-reference@11:25',
    ]);
    expect(broken.plan).toBeUndefined();

    const warned = compile(`
      schemaVersion: '0.3'
      mainSteps:
        - name: a
          action: drover:log
          isEnd: true
          inputs: { Message: hi }
        - name: never
          action: drover:log
          inputs: { Message: hi }
    `);
    expect(at(warned.diagnostics)).toEqual(['unreachable-step@7:11']);
    expect(warned.plan).toBeDefined();
  });
});
