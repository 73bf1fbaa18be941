// The matcher's semantics that the recorded corpus covers thinly, and where its problems point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, type CompiledPattern } from '../../../lang/events/event-pattern';
import { flattenEvent, matchesPattern } from '../../../lang/events/match-pattern';
import { inCidr, parseCidr, type CidrBlock } from '../../../lang/events/cidr';

const compiled = (p: unknown): CompiledPattern => {
  const r = compilePattern(p);
  expect(r.problems).toEqual([]);
  return r.pattern!;
};
const matches = (p: unknown, e: unknown) => matchesPattern(compiled(p), e);

describe('event patterns: where problems point', () => {
  it('an unknown operator points at its key, with the lower-case spelling', () => {
    const { problems } = compilePattern({ detail: { state: [{ PREFIX: 'x' }] } });
    expect(problems).toEqual([{ pointer: '/detail/state/0/PREFIX', at: 'key', message: expect.stringContaining('(operators are lower-case: prefix)') }]);
  });

  it('a bad numeric operand points at that term', () => {
    expect(compilePattern({ n: [{ numeric: ['>', 0, '<', 'x'] }] }).problems).toEqual([{ pointer: '/n/0/numeric/3', message: expect.stringContaining('must be a number') }]);
    expect(compilePattern({ n: [{ numeric: ['>', 0, '>', 1] }] }).problems).toEqual([{ pointer: '/n/0/numeric/2', message: expect.stringContaining('"<" or "<="') }]);
    expect(compilePattern({ n: [{ numeric: ['>', 5, '<', 1] }] }).problems[0]!.message).toContain('lower bound (5) must be below the upper bound (1)');
  });

  it('every problem at once', () => {
    const { problems } = compilePattern({ a: 'x', b: [], c: [{ cidr: '10.0.0.0' }], d: [{ exists: 'yes' }], $or: [{ e: ['1'] }] });
    expect(problems.map((p) => p.pointer)).toEqual(['/a', '/b', '/c/0/cidr', '/d/0/exists', '/$or']);
  });

  it('an empty pattern, an empty object, a pattern that is not an object', () => {
    expect(compilePattern({}).problems[0]!.message).toContain('Empty objects');
    expect(compilePattern({ detail: {} }).problems[0]!.pointer).toBe('/detail');
    expect(compilePattern([]).problems[0]!.message).toContain('must be a JSON object');
  });

  it('CIDR masks as EventBridge limits them', () => {
    expect(compilePattern({ ip: [{ cidr: '10.0.0.1/32' }] }).problems[0]!.message).toContain('below 32');
    expect(compilePattern({ ip: [{ cidr: '::/128' }] }).problems[0]!.message).toContain('below 128');
  });
});

describe('event patterns: semantics', () => {
  it('null matches null only, never a missing field', () => {
    expect(matches({ a: [null] }, { a: null })).toBe(true);
    expect(matches({ a: [null] }, {})).toBe(false);
    expect(matches({ a: [{ exists: false }] }, { a: null })).toBe(false);
  });

  it('numbers compare as numbers, never with strings', () => {
    expect(matches({ n: [300] }, { n: 300.0 })).toBe(true);
    expect(matches({ n: [300] }, { n: '300' })).toBe(false);
    expect(matches({ n: ['300'] }, { n: 300 })).toBe(false);
    expect(matches({ n: [{ numeric: ['=', 1e9] }] }, { n: 1_000_000_000 })).toBe(true);
  });

  it('anything-but needs a value; a null or another type is "anything but"', () => {
    expect(matches({ s: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: null })).toBe(true);
    expect(matches({ s: [{ 'anything-but': { prefix: 'x' } }] }, { s: 12 })).toBe(true);
    expect(matches({ s: [{ 'anything-but': ['a', 'b'] }] }, { s: ['a', 'c'] })).toBe(true);
    expect(matches({ s: [{ 'anything-but': ['a', 'b'] }] }, { s: ['a', 'b'] })).toBe(false);
  });

  it('dotted and nested keys name the same path, in patterns and in events', () => {
    expect(matches({ 'a.b': ['x'] }, { a: { b: 'x' } })).toBe(true);
    expect(matches({ a: { b: ['x'] } }, { 'a.b': 'x' })).toBe(true);
    expect(matches({ a: { b: [{ exists: true }] } }, { a: { b: { c: 1 } } })).toBe(false);
  });

  it('array consistency across nested arrays of objects, with $or', () => {
    const event = { users: [{ name: 'a', roles: [{ r: 'admin', scope: 'x' }] }, { name: 'b', roles: [{ r: 'dev', scope: 'y' }] }] };
    expect(matches({ users: { name: ['a'], roles: { r: ['admin'] } } }, event)).toBe(true);
    expect(matches({ users: { name: ['a'], roles: { r: ['dev'] } } }, event)).toBe(false);
    expect(matches({ users: { roles: { r: ['dev'], scope: ['x'] } } }, event)).toBe(false);
    expect(matches({ users: { name: ['b'], $or: [{ roles: { r: ['admin'] } }, { roles: { scope: ['y'] } }] } }, event)).toBe(true);
    expect(matches({ users: { name: ['a'], $or: [{ roles: { r: ['dev'] } }, { roles: { scope: ['y'] } }] } }, event)).toBe(false);
  });

  it('stays fast when no consistent choice exists across many independent arrays', () => {
    const many = (k: string) => Array.from({ length: 300 }, (_, i) => ({ [k]: i, other: i }));
    const event = { a: many('x'), b: many('y'), c: many('z') };
    const started = Date.now();
    expect(matches({ a: { x: [{ exists: true }] }, b: { y: [{ exists: true }] }, c: { z: [{ exists: true }], other: ['none'] } }, event)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('flattening keeps every value of a path with its array positions', () => {
    const flat = flattenEvent({ d: [{ a: 1 }, { a: [2, 3] }], e: {}, f: [] });
    expect(flat.get('d.a')?.map((e) => e.value)).toEqual([1, 2, 3]);
    expect(flat.has('e')).toBe(false);
    expect(flat.has('f')).toBe(false);
  });
});

describe('cidr', () => {
  const block = (t: string) => parseCidr(t) as CidrBlock;
  it('IPv4 and IPv6, written any standard way', () => {
    expect(inCidr(block('10.0.0.0/24'), '10.0.0.255')).toBe(true);
    expect(inCidr(block('10.0.0.0/24'), '10.0.1.0')).toBe(false);
    expect(inCidr(block('2001:db8::/32'), '2001:0DB8:0:0::1')).toBe(true);
    expect(inCidr(block('::ffff:0:0/96'), '::ffff:10.0.0.1')).toBe(true);
    expect(inCidr(block('10.0.0.0/8'), '2001:db8::1')).toBe(false);
    expect(inCidr(block('10.0.0.0/8'), '10.0.0')).toBe(false);
  });
});

// Events and patterns of any shape: compiling and matching never throw.
const key = fc.constantFrom('a', 'b', 'c', 'a.b', 'detail', 'state', '$or', 'numeric', 'x-y');
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null));
const eventArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
})).value;
const operator = fc.oneof(
  fc.record({ prefix: fc.oneof(fc.string({ maxLength: 4 }), fc.record({ 'equals-ignore-case': fc.string({ maxLength: 4 }) })) }),
  fc.record({ suffix: fc.string({ maxLength: 4 }) }),
  fc.record({ 'anything-but': fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.record({ wildcard: fc.string({ maxLength: 6 }) }), fc.record({ prefix: fc.string({ maxLength: 3 }) })) }),
  fc.record({ numeric: fc.array(fc.oneof(fc.constantFrom('>', '>=', '<', '<=', '='), fc.integer({ min: -10, max: 10 })), { maxLength: 5 }) }),
  fc.record({ exists: fc.oneof(fc.boolean(), scalar) }),
  fc.record({ cidr: fc.oneof(fc.constantFrom('10.0.0.0/8', '::/0', '1.2.3.4/33', 'x/1'), fc.string({ maxLength: 6 })) }),
  fc.record({ 'equals-ignore-case': scalar }),
  fc.record({ wildcard: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('*', 'a*b*c', '**', '\\*x', '\\q')) }),
  fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 2 }),
);
const patternArb = fc.letrec((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, fc.array(fc.oneof(scalar, operator), { maxLength: 3 }), tie('node'), fc.array(tie('node'), { maxLength: 3 }), scalar), { maxKeys: 4 }),
})).node;

describe('fuzz: random events × patterns', () => {
  it('compiling any pattern and matching any event never throws', () => {
    fc.assert(
      fc.property(patternArb, eventArb, (pattern, event) => {
        const { pattern: p } = compilePattern(pattern);
        if (p) matchesPattern(p, event);
        matchesPattern(compiled({ a: [{ exists: true }] }), event);
      }),
      { numRuns: 3000 },
    );
  });

  it('exists: true on a path matches exactly when the flattened event has a value there', () => {
    fc.assert(
      fc.property(eventArb, key, (event, k) => {
        const path = k === '$or' ? 'a' : k;
        expect(matchesPattern(compiled({ [path]: [{ exists: true }] }), event)).toBe((flattenEvent(event).get(path)?.length ?? 0) > 0);
      }),
      { numRuns: 2000 },
    );
  });
});
