import { describe, expect, it } from 'vitest';
import { jsonPathProblem, rootedSelector } from '../../../compiler/jsonpath-syntax';

describe('JSONPath selector syntax', () => {
  it.each([
    '$',
    '$.Payload',
    '$.Reservations[0].Instances[0].State.Name',
    '$..InstanceId',
    '$..[0]',
    '$.Items[*].Id',
    "$['weird key'].x",
    '$.a[0,1]',
    '$.a[1:3]',
    "$.Stacks[0].Outputs[?(@.OutputKey=='InstanceId')].OutputValue",
    '$.Payload.my-key',
  ])('accepts %s', (path) => {
    expect(jsonPathProblem(path)).toBeUndefined();
  });

  it.each([
    ['Payload', 'it must start with $'],
    ['$.a[', 'the "[" at position 4 is not closed'],
    ['$.', '"." at position 2 must be followed by a name or *'],
    ['$.a[x]', '"[x]" is not an index, a quoted name, *, a slice or a filter'],
    ['$ a', 'unexpected " " at position 2; use .name or [index] after $'],
  ])('refuses %s: %s', (path, problem) => {
    expect(jsonPathProblem(path)).toBe(problem);
  });

  it('roots selectors written without $ the way AWS reads them', () => {
    expect(rootedSelector('SnapshotId')).toBe('$.SnapshotId');
    expect(rootedSelector('[0].x')).toBe('$[0].x');
    expect(rootedSelector(' $.a ')).toBe('$.a');
  });
});
