// `{{ ssm-secure:name }}` in the language: recognised as a reference, never resolved by the
// workflow (so only the reference text reaches history), accepted as a parameter value
// without checks, found and substituted by the activities, and its values blanked out.
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG } from '../../../lang/catalog';
import { interpolate, type Scope } from '../../../lang/interpolate';
import { resolveParameters } from '../../../lang/parameters';
import { redact, redactValue, secretForms, streamRedactor } from '../../../lang/redact';
import { acceptsSecureReference, secureNamesIn, substituteSecureReferences } from '../../../lang/secure-references';
import { parseTemplate, soleReference } from '../../../lang/template';

const scope = (parameters: Record<string, unknown>): Scope => ({ parameters, variables: {}, stepOutputs: {}, builtins: {} });

describe('ssm-secure references', () => {
  it('are references in each of AWS spellings: a path, a plain name, a version', () => {
    expect(soleReference('{{ssm-secure:/db/pw}}')).toEqual({ kind: 'ssm-secure', name: '/db/pw', raw: '{{ssm-secure:/db/pw}}' });
    expect(soleReference('{{ ssm-secure:db-password }}')).toEqual({ kind: 'ssm-secure', name: 'db-password', raw: '{{ ssm-secure:db-password }}' });
    expect(soleReference('{{ssm-secure:/db/pw:3}}')).toMatchObject({ kind: 'ssm-secure', name: '/db/pw:3' });
    expect(parseTemplate('user:{{ssm-secure:/db/user}} pw')).toEqual(['user:', { kind: 'ssm-secure', name: '/db/user', raw: '{{ssm-secure:/db/user}}' }, ' pw']);
  });

  it('stay verbatim through interpolation, also when a parameter holds one', () => {
    const s = scope({ Password: '{{ssm-secure:/db/pw}}', List: ['{{ssm-secure:/a}}', 'b'] });
    expect(interpolate('{{ssm-secure:/db/pw}}', s)).toBe('{{ssm-secure:/db/pw}}');
    expect(interpolate({ Value: '{{ Password }}', Cmd: 'login -p {{ Password }}' }, s)).toEqual({
      Value: '{{ssm-secure:/db/pw}}',
      Cmd: 'login -p {{ssm-secure:/db/pw}}',
    });
    expect(interpolate(['{{ List }}'], s)).toEqual(['{{ssm-secure:/a}}', 'b']);
  });

  it('are accepted as parameter values, unchecked: the value they stand for is not known at start', () => {
    const specs = {
      Password: { type: 'String' as const, allowedPattern: '^[a-z]{12}$' },
      Port: { type: 'Integer' as const },
      Token: { type: 'String' as const, default: '{{ssm-secure:/api/token}}', minChars: 40 },
    };
    const { values, errors } = resolveParameters(specs, { Password: '{{ssm-secure:/db/pw}}', Port: ['{{ssm-secure:/db/port}}'] });
    expect(errors).toEqual([]);
    expect(values).toEqual({ Password: '{{ssm-secure:/db/pw}}', Port: '{{ssm-secure:/db/port}}', Token: '{{ssm-secure:/api/token}}' });
    // Text around a reference is an ordinary value, checked as usual.
    expect(resolveParameters(specs, { Password: 'x{{ssm-secure:/db/pw}}', Port: 1 }).errors.map((e) => e.kind)).toEqual(['invalid-value']);
  });

  it('are found once each, in order, and substituted where they are known', () => {
    const request = { Name: '/copy', Value: '{{ ssm-secure:/db/pw }}', Tags: [{ Key: 'k', Value: 'a {{ssm-secure:/db/user}} {{ssm-secure:/db/pw}}' }] };
    expect(secureNamesIn(request)).toEqual(['/db/pw', '/db/user']);
    const values = new Map([['/db/pw', 'p"w'], ['/db/user', 'admin']]);
    expect(substituteSecureReferences(request, values)).toEqual({ Name: '/copy', Value: 'p"w', Tags: [{ Key: 'k', Value: 'a admin p"w' }] });
    expect(substituteSecureReferences({ '{{ssm-secure:/db/pw}}': '{{ssm-secure:/other}}' }, values)).toEqual({ '{{ssm-secure:/db/pw}}': '{{ssm-secure:/other}}' });
  });

  it('are accepted in the inputs the catalog names, and nowhere else', () => {
    expect(acceptsSecureReference(BUILTIN_CATALOG['aws:executeScript'], 'InputPayload')).toBe(true);
    expect(acceptsSecureReference(BUILTIN_CATALOG['aws:executeScript'], 'Script')).toBe(false);
    expect(acceptsSecureReference(BUILTIN_CATALOG['aws:executeAwsApi'], 'Value')).toBe(true);
    expect(acceptsSecureReference(BUILTIN_CATALOG['aws:executeAwsApi'], 'Service')).toBe(false);
    expect(acceptsSecureReference(BUILTIN_CATALOG['aws:waitForAwsResourceProperty'], 'DesiredValues')).toBe(false);
    expect(acceptsSecureReference(BUILTIN_CATALOG['aws:runCommand'], 'Parameters')).toBe(true);
    expect(acceptsSecureReference(BUILTIN_CATALOG['drover:log'], 'Message')).toBe(false);
    expect(acceptsSecureReference(BUILTIN_CATALOG['aws:branch'], 'Choices')).toBe(false);
  });
});

describe('blanking out resolved secrets', () => {
  it('covers each value as written and as JSON text shows it, longest first, however short', () => {
    expect(secretForms(['ab', 'line "one"\nline two', ''])).toEqual(['line \\"one\\"\\nline two', 'line "one"\nline two', 'ab']);
  });

  it('blanks out strings and keys of a JSON-like value, leaving everything else', () => {
    const forms = secretForms(['s3cr3t']);
    const value = { Payload: { raw: 's3cr3t', sha: 'abc', n: 5, list: ['x s3cr3t y'], s3cr3t: true }, when: null };
    expect(redactValue(value, forms)).toEqual({ Payload: { raw: '***', sha: 'abc', n: 5, list: ['x *** y'], '***': true }, when: null });
    expect(redact(JSON.stringify({ v: 'say "hi"' }), secretForms(['say "hi"']))).toBe('{"v":"***"}');
  });

  it('blanks out a stream, also a secret cut in two by the chunks', () => {
    const forms = secretForms(['hunter2-secret', 'pw']);
    const text = `start hunter2-secret middle ${'x'.repeat(50)}hunter2-secret pw end hunter2-secr`;
    for (const size of [1, 2, 3, 5, 7, 13, 64, 1000]) {
      const r = streamRedactor(forms);
      let out = '';
      for (let i = 0; i < text.length; i += size) out += r.push(text.slice(i, i + size));
      out += r.end();
      expect(out, `chunks of ${size}`).toBe(`start *** middle ${'x'.repeat(50)}*** *** end hunter2-secr`);
    }
  });
});
