import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { renderRunbookSchema } from '../../../schemas/build-runbook-schema';
import { ACTION_SPECS, SCHEMA_ACTIONS } from '../../../schemas/runbook-actions';
import { buildRunbookSchema } from '../../../schemas/runbook-schema';
import { BUILTIN_CATALOG } from '../../../lang/catalog';

describe('runbook JSON Schema', () => {
  it('is committed exactly as the builder produces it', () => {
    const committed = readFileSync(new URL('../../../schemas/runbook.schema.json', import.meta.url), 'utf8');
    // On failure: npx tsx schemas/build-runbook-schema.ts
    expect(committed).toBe(renderRunbookSchema());
  });

  it('compiles with ajv in strict mode as JSON Schema 2020-12', () => {
    const schema = buildRunbookSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('never uses $ref inside an anyOf/oneOf branch (the error mapping groups branch errors by schemaPath)', () => {
    const offenders: string[] = [];
    const walk = (node: unknown, path: string, inBranch: boolean): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`, inBranch));
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && inBranch) offenders.push(path);
        walk(value, `${path}/${key}`, inBranch || key === 'anyOf' || key === 'oneOf');
      }
    };
    walk(buildRunbookSchema(), '#', false);
    expect(offenders).toEqual([]);
  });

  it('has an inputs definition and a step discriminator for every action', () => {
    const schema = buildRunbookSchema() as { $defs: Record<string, { allOf?: unknown[] }> };
    for (const action of SCHEMA_ACTIONS) expect(schema.$defs[action], action).toBeDefined();
    expect(schema.$defs.step!.allOf).toHaveLength(SCHEMA_ACTIONS.length);
  });

  it('covers every action SSM documents, plus Drover\'s own, and every action of the builtin catalog', () => {
    expect(SCHEMA_ACTIONS).toEqual(
      [
        'aws:approve',
        'aws:assertAwsResourceProperty',
        'aws:branch',
        'aws:changeInstanceState',
        'aws:copyImage',
        'aws:createImage',
        'aws:createStack',
        'aws:createTags',
        'aws:deleteImage',
        'aws:deleteStack',
        'aws:executeAutomation',
        'aws:executeAwsApi',
        'aws:executeScript',
        'aws:executeStateMachine',
        'aws:invokeLambdaFunction',
        'aws:invokeWebhook',
        'aws:loop',
        'aws:pause',
        'aws:runCommand',
        'aws:runInstances',
        'aws:sleep',
        'aws:updateVariable',
        'aws:waitForAwsResourceProperty',
        'drover:log',
        'drover:patchCompliance',
      ].sort(),
    );
    for (const action of Object.keys(BUILTIN_CATALOG)) expect(SCHEMA_ACTIONS).toContain(action);
  });

  it('agrees with the builtin catalog on predefined outputs and cancel targets', () => {
    for (const [action, info] of Object.entries(BUILTIN_CATALOG)) {
      const spec = ACTION_SPECS[action]!;
      expect(spec.outputs, action).toEqual(info.outputs);
      expect(Boolean(spec.forbiddenAsCancelTarget), action).toBe(Boolean(info.forbiddenAsCancelTarget));
    }
  });
});
