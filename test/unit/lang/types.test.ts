import { describe, expect, it } from 'vitest';
import type { OutputType } from '../../../lang/plan';
import { convertToType, describeValue, parseBoolean, toStringForm } from '../../../lang/types';

describe('toStringForm', () => {
  it.each([
    ['text', 'text'],
    [42, '42'],
    [2.5, '2.5'],
    [true, 'true'],
    [['a', 'b', 3, false], 'a,b,3,false'],
    [[], ''],
    [[{ k: 1 }], '[{"k":1}]'],
    [[['a']], '[["a"]]'],
    [{ k: 'v', n: [1] }, '{"k":"v","n":[1]}'],
    [null, 'null'],
    [undefined, ''],
  ])('%j -> %j', (value, text) => {
    expect(toStringForm(value)).toBe(text);
  });
});

describe('parseBoolean', () => {
  it('reads booleans and their text in any case', () => {
    expect([true, false, 'true', 'False', ' TRUE '].map(parseBoolean)).toEqual([true, false, true, false, true]);
  });
  it('reads nothing else', () => {
    expect(['yes', 1, 0, '', null, ['true']].map(parseBoolean)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('describeValue', () => {
  it('says what a value is', () => {
    expect(describeValue([1])).toBe('a list of 1 item');
    expect(describeValue([1, 2])).toBe('a list of 2 items');
    expect(describeValue({})).toBe('a map');
    expect(describeValue('x'.repeat(100))).toMatch(/^the string "x{57}\.\.\."$/);
    expect(describeValue(3)).toBe('the number 3');
  });
});

type Case = [OutputType, unknown, unknown];
const ok = (cases: Case[]) =>
  it.each(cases)('%s from %j', (type, value, expected) => {
    expect(convertToType(value, type)).toEqual({ value: expected });
  });
const bad = (cases: [OutputType, unknown, RegExp][]) =>
  it.each(cases)('%s rejects %j', (type, value, message) => {
    const r = convertToType(value, type);
    expect(r).toEqual({ error: expect.stringMatching(message) });
  });

describe('convertToType: String', () => {
  ok([
    ['String', 'i-1', 'i-1'],
    ['String', '', ''],
    ['String', 3000, '3000'],
    ['String', false, 'false'],
    ['String', ['i-1'], 'i-1'], // a one-element filter result
    ['String', [7], '7'],
  ]);
  bad([
    ['String', ['a', 'b'], /expected a String, got a list of 2 items/],
    ['String', [], /expected a String, got a list of 0 items/],
    ['String', { k: 'v' }, /expected a String, got a map/],
    ['String', [{ k: 'v' }], /expected a String, got a list of 1 item/],
    ['String', [['a']], /expected a String/],
    ['String', Number.NaN, /expected a String/],
  ]);
});

describe('convertToType: Integer', () => {
  ok([
    ['Integer', 42, 42],
    ['Integer', 0, 0],
    ['Integer', -3, -3],
    ['Integer', '42', 42],
    ['Integer', ' -7 ', -7],
    ['Integer', ['3'], 3],
    ['Integer', 3.0, 3],
  ]);
  bad([
    ['Integer', 3.5, /expected an Integer, got the number 3.5/],
    ['Integer', '3.5', /expected an Integer/],
    ['Integer', '', /expected an Integer/],
    ['Integer', 'abc', /expected an Integer/],
    ['Integer', true, /expected an Integer/],
    ['Integer', 2 ** 60, /expected an Integer/],
    ['Integer', '99999999999999999999', /expected an Integer/],
    ['Integer', [1, 2], /expected an Integer/],
  ]);
});

describe('convertToType: Boolean', () => {
  ok([
    ['Boolean', true, true],
    ['Boolean', false, false],
    ['Boolean', 'true', true],
    ['Boolean', 'False', false],
    ['Boolean', [true], true],
  ]);
  bad([
    ['Boolean', 'yes', /expected a Boolean/],
    ['Boolean', 1, /expected a Boolean/],
    ['Boolean', [true, false], /expected a Boolean/],
  ]);
});

describe('convertToType: StringList', () => {
  ok([
    ['StringList', ['sg-1', 'sg-2'], ['sg-1', 'sg-2']],
    ['StringList', ['a', 1, true], ['a', '1', 'true']],
    ['StringList', [], []],
    ['StringList', [{ k: 1 }], ['{"k":1}']],
    ['StringList', 'i-1', ['i-1']],
    ['StringList', 5, ['5']],
  ]);
  bad([
    ['StringList', ['a', null], /item 1 is null/],
    ['StringList', { k: 'v' }, /expected a StringList/],
  ]);
});

describe('convertToType: StringMap', () => {
  ok([
    ['StringMap', { HttpTokens: 'required' }, { HttpTokens: 'required' }],
    ['StringMap', { nested: { list: [1] } }, { nested: { list: [1] } }],
    ['StringMap', [{ a: '1' }], { a: '1' }],
    ['StringMap', {}, {}],
  ]);
  bad([
    ['StringMap', [{ a: 1 }, { b: 2 }], /expected a StringMap, got a list of 2 items/],
    ['StringMap', 'a=1', /expected a StringMap/],
    ['StringMap', [], /expected a StringMap/],
  ]);
});

describe('convertToType: MapList', () => {
  ok([
    ['MapList', [{ a: 1 }, { b: 2 }], [{ a: 1 }, { b: 2 }]],
    ['MapList', [], []],
    ['MapList', { a: 1 }, [{ a: 1 }]],
  ]);
  bad([
    ['MapList', ['a'], /expected a MapList/],
    ['MapList', [{ a: 1 }, null], /expected a MapList/],
    ['MapList', [[{ a: 1 }]], /expected a MapList/],
    ['MapList', 'x', /expected a MapList/],
  ]);
});

describe('convertToType: nothing', () => {
  it.each(['String', 'Integer', 'Boolean', 'StringList', 'StringMap', 'MapList'] as OutputType[])('%s rejects null and undefined', (type) => {
    expect(convertToType(null, type)).toEqual({ error: `expected a ${type}, got null` });
    expect(convertToType(undefined, type)).toEqual({ error: `expected a ${type}, got nothing` });
  });

  it('rejects an unknown type', () => {
    expect(convertToType('x', 'Float' as OutputType)).toEqual({ error: 'unknown output type "Float"' });
  });
});
