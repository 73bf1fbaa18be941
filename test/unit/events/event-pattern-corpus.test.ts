// The matcher against cases recorded from AWS EventBridge (LocalStack's, checked against
// AWS's TestEventPattern) and aws/event-ruler's array-consistency and $or cases (the library
// EventBridge is built on). Vendored with their licences under test/fixtures/event-patterns.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../../lang/events/event-pattern';
import { matchesPattern } from '../../../lang/events/match-pattern';

const DIR = fileURLToPath(new URL('../../fixtures/event-patterns', import.meta.url));
const LOCALSTACK = join(DIR, 'localstack');
const RULER = join(DIR, 'event-ruler');

type Outcome = 'match' | 'no-match' | 'invalid' | 'valid';

/** What the pattern does with the event: invalid, or whether it matches. */
function outcome(pattern: unknown, event?: unknown): Outcome {
  const compiled = compilePattern(pattern);
  if (!compiled.pattern) return 'invalid';
  if (event === undefined) return 'valid';
  return matchesPattern(compiled.pattern, event) ? 'match' : 'no-match';
}

const localstack = readdirSync(LOCALSTACK)
  .filter((f) => f.endsWith('.json5'))
  .sort()
  .map((file) => {
    const name = file.replace(/\.json5$/, '');
    const expected: Outcome = name.endsWith('_EXC') ? 'invalid' : name.endsWith('_NEG') ? 'no-match' : 'match';
    return { name, file, expected };
  });

interface RulerCase {
  name: string;
  source: string;
  expected: Outcome;
  pattern?: unknown;
  event?: unknown;
  patternFile?: string;
  patternIndex?: number;
  eventFile?: string;
  caseIndex?: number;
}

const readRuler = (file: string): unknown => JSON.parse(readFileSync(join(RULER, file), 'utf8'));
const rulerCases = (JSON.parse(readFileSync(join(RULER, 'cases.json'), 'utf8')) as RulerCase[]).map((c) => {
  let pattern = c.pattern;
  let event = c.event;
  if (c.caseIndex !== undefined) {
    const entry = (readRuler(c.patternFile!) as { rule: unknown; event: unknown }[])[c.caseIndex]!;
    pattern = entry.rule;
    event = entry.event;
  } else if (c.patternFile) {
    const loaded = readRuler(c.patternFile);
    pattern = c.patternIndex !== undefined ? (loaded as unknown[])[c.patternIndex] : loaded;
    if (c.eventFile) event = readRuler(c.eventFile);
  }
  return { ...c, pattern, event };
});

describe('AWS-recorded event pattern cases (LocalStack)', () => {
  it('has the whole corpus', () => {
    expect(localstack.length).toBeGreaterThanOrEqual(150);
  });

  it.each(localstack)('$name', ({ file, expected }) => {
    const { Event, EventPattern } = JSON5.parse(readFileSync(join(LOCALSTACK, file), 'utf8')) as { Event: unknown; EventPattern: unknown };
    expect(outcome(EventPattern, Event)).toBe(expected);
  });

  it('complex_multi_key: a repeated key in the pattern text (the later one wins) matches', () => {
    // JSON.parse keeps the last of a repeated key, as EventBridge does.
    const pattern = JSON.parse(readFileSync(join(LOCALSTACK, 'complex_multi_key_event_pattern.json'), 'utf8')) as unknown;
    const event = JSON.parse(readFileSync(join(LOCALSTACK, 'complex_multi_key_event.json'), 'utf8')) as unknown;
    expect(outcome(pattern, event)).toBe('match');
  });

  it('escape characters: \\* and \\\\ are literal characters in exact matches', () => {
    const event = { id: '1', source: 'test-source', 'detail-type': 'test-detail-type', detail: { escape_star: '*', escape_backslash: '\\' } };
    expect(outcome({ detail: { escape_star: ['*'], escape_backslash: ['\\'] } }, event)).toBe('match');
  });
});

describe('aws/event-ruler array consistency and $or cases', () => {
  it.each(rulerCases)('$name', ({ pattern, event, expected }) => {
    expect(outcome(pattern, expected === 'valid' || expected === 'invalid' ? undefined : event)).toBe(expected);
  });
});
