import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance, listWords } from '../../../lang/suggest';

describe('suggestions', () => {
  it('counts insertions, deletions, substitutions and swaps as one edit', () => {
    expect(editDistance('Duration', 'Duraton')).toBe(1);
    expect(editDistance('Count', 'Cuont')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });
  it('suggests plausible typos only', () => {
    expect(closestMatch('nextstep', ['name', 'nextStep'])).toBe('nextStep');
    expect(closestMatch('aws:slep', ['aws:sleep', 'aws:loop'])).toBe('aws:sleep');
    expect(closestMatch('c', ['a', 'b'])).toBeUndefined();
    expect(closestMatch('Timeout', ['Duration'])).toBeUndefined();
    expect(didYouMean('Duraton', ['Duration'])).toBe(' Did you mean "Duration"?');
    expect(didYouMean('zzz', ['Duration'])).toBe('');
  });
  it('lists words readably', () => {
    expect(listWords(['a'])).toBe('a');
    expect(listWords(['a', 'b', 'c'], 'and')).toBe('a, b and c');
  });
});
