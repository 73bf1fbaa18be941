import { describe, expect, it } from 'vitest';
import { redact, secretValues } from '../../../lang/redact';
import type { ParameterSpec } from '../../../lang/plan';

describe('secret parameter values', () => {
  const specs: Record<string, ParameterSpec> = {
    Password: { type: 'String', secret: true },
    Keys: { type: 'StringList', secret: true },
    Pin: { type: 'String', secret: true },
    Name: { type: 'String' },
  };

  it('collects the values of secret parameters only, longest first, ignoring very short ones', () => {
    const values = { Password: 'hunter22', Keys: ['key-one', 'key-two-long'], Pin: '12', Name: 'web' };
    expect(secretValues(specs, values)).toEqual(['["key-one","key-two-long"]', 'key-two-long', 'hunter22', 'key-one']);
  });

  it('blanks out every occurrence', () => {
    const secrets = secretValues(specs, { Password: 'hunter22', Keys: [] });
    expect(redact('login with hunter22 failed (hunter22)', secrets)).toBe('login with *** failed (***)');
    expect(redact('nothing secret here', secrets)).toBe('nothing secret here');
  });
});
