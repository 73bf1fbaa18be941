import { describe, expect, it } from 'vitest';
import { compileJavaRegex } from '../../../lang/java-regex';

const matches = (pattern: string, text: string) => {
  const compiled = compileJavaRegex(pattern);
  if ('error' in compiled) throw new Error(compiled.error);
  return compiled.regexp.test(text);
};

describe('compileJavaRegex', () => {
  it('keeps ordinary patterns and searches (unanchored) like Go MatchString', () => {
    expect(matches('^arn:aws:iam::\\d{12}:role/[\\w+=,.@-]+$', 'arn:aws:iam::123456789012:role/Admin')).toBe(true);
    expect(matches('b', 'abc')).toBe(true);
  });
  it('moves a leading (?i) into the i flag', () => {
    expect(matches('(?i)^true|false$', 'TRUE')).toBe(true);
  });
  it('needs the u flag for \\p{L} and tolerates Java identity escapes then', () => {
    expect(matches('^[\\p{L}\\p{N}\\_\\@\\-]+$', 'Zoë_1@x-y')).toBe(true);
    expect(matches('^\\p{IsAlphabetic}+$', 'Ωmega')).toBe(true);
  });
  it('translates POSIX classes, \\A and \\z, and possessive quantifiers', () => {
    expect(matches('\\A\\p{Upper}\\p{Digit}++\\z', 'A123')).toBe(true);
    expect(matches('^[\\p{Alnum}-]+$', 'ab-1')).toBe(true);
    expect(matches('^\\P{Digit}+$', 'abc')).toBe(true);
  });
  it('reports what it cannot translate', () => {
    expect(compileJavaRegex('(?x) a # comment')).toEqual({ error: 'the (?x) comments flag is not supported' });
    expect(compileJavaRegex('(unclosed')).toHaveProperty('error');
  });
});
