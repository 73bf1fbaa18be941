import { describe, expect, it } from 'vitest';
import { DurationError, MAX_SLEEP_SECONDS, parseIsoDuration, parseIsoTimestamp, sleepMillis } from '../../../lang/duration';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseIsoDuration', () => {
  it.each([
    // durations used by published runbooks (AWS-ConfigureS3BucketLogging, AWS-PatchInstanceWithRollback, ...)
    ['PT1S', S],
    ['PT1M', M], // minutes after T, not months
    ['PT2M', 2 * M],
    ['PT10M', 10 * M],
    ['PT1H30M', H + 30 * M],
    ['P3D', 3 * D],
    ['P1DT2H', D + 2 * H],
    ['P1W', 7 * D],
    ['P1W2D', 9 * D],
    ['PT0.5S', 500],
    ['PT1,5S', 1500],
    ['P1.5D', 36 * H],
    ['PT1H2M3.004S', H + 2 * M + 3 * S + 4],
    ['PT0S', 0],
    ['pt10m', 10 * M],
    [' PT5M\n', 5 * M],
  ])('%j is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each([['P1Y'], ['P2M'], ['P1Y2M3D'], ['P1MT1M']])('rejects years and months: %j', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(DurationError);
    expect(() => parseIsoDuration(text)).toThrow(/years and months have no fixed length/);
  });

  it.each([
    ['P'],
    ['PT'],
    ['P1DT'],
    [''],
    ['10M'],
    ['PT-5S'],
    ['-PT5S'],
    ['PT1H 30M'],
    ['PT1M1H'],
    ['PT.5S'],
    ['10'],
    ['{{ WaitForReboot }}'],
  ])('rejects %j', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(DurationError);
    expect(() => parseIsoDuration(text)).toThrow(`not an ISO-8601 duration: ${JSON.stringify(text)}`);
  });

  it('rejects a non-string', () => {
    expect(() => parseIsoDuration(600 as never)).toThrow(/Duration must be a string .* got number/);
  });

  it('rejects a number too large to represent', () => {
    expect(() => parseIsoDuration(`PT${'9'.repeat(400)}S`)).toThrow(/too long/);
  });
});

describe('parseIsoTimestamp', () => {
  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01t00:00:00z', Date.UTC(2026, 0, 1)],
    ['2026-01-01 00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T02:00:00+02:00', Date.UTC(2026, 0, 1)],
    ['2025-12-31T18:30:00-0530', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00.250Z', Date.UTC(2026, 0, 1, 0, 0, 0, 250)],
    ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
  ])('%s', (text, ms) => {
    expect(parseIsoTimestamp(text)).toBe(ms);
  });

  it('requires a zone, so the result does not depend on the worker', () => {
    expect(() => parseIsoTimestamp('2026-01-01T00:00:00')).toThrow(/followed by Z or an offset/);
  });

  it.each([['2023-02-29T00:00:00Z'], ['2026-13-01T00:00:00Z'], ['2026-01-01T24:00:00Z'], ['2026-01-01T00:60:00Z'], ['2026-01-01T00:00:60Z']])(
    'rejects impossible fields: %s',
    (text) => {
      expect(() => parseIsoTimestamp(text)).toThrow(/out of range/);
    },
  );

  it.each([['2026-01-01'], ['tomorrow'], ['1767225600'], ['2026-01-01T00:00:00+25:00']])('rejects %j', (text) => {
    expect(() => parseIsoTimestamp(text)).toThrow(DurationError);
  });
});

describe('sleepMillis', () => {
  const now = Date.UTC(2026, 0, 1, 12);

  it('waits for a Duration', () => {
    expect(sleepMillis({ Duration: 'PT10M' }, now)).toBe(10 * M);
  });

  it('waits until a Timestamp', () => {
    expect(sleepMillis({ Timestamp: '2026-01-01T13:30:00Z' }, now)).toBe(90 * M);
    expect(sleepMillis({ Timestamp: '2026-01-01T14:00:00+02:00' }, now)).toBe(0);
  });

  it('continues at once when the Timestamp is past', () => {
    expect(sleepMillis({ Timestamp: '2025-06-01T00:00:00Z' }, now)).toBe(0);
  });

  it(`caps a sleep at ${MAX_SLEEP_SECONDS} s, as AWS does`, () => {
    expect(sleepMillis({ Duration: 'P8D' }, now)).toBe(MAX_SLEEP_SECONDS * S);
    expect(sleepMillis({ Duration: 'P7D' }, now)).toBe(MAX_SLEEP_SECONDS * S);
    expect(sleepMillis({ Duration: 'PT604799S' }, now)).toBe(MAX_SLEEP_SECONDS * S);
    expect(sleepMillis({ Duration: 'PT604798S' }, now)).toBe((MAX_SLEEP_SECONDS - 1) * S);
    expect(sleepMillis({ Timestamp: '2026-02-01T00:00:00Z' }, now)).toBe(MAX_SLEEP_SECONDS * S);
  });

  it('needs exactly one of Duration and Timestamp', () => {
    expect(() => sleepMillis({}, now)).toThrow(/needs Duration .* or Timestamp/);
    expect(() => sleepMillis({ Duration: 'PT1M', Timestamp: '2026-01-01T13:00:00Z' }, now)).toThrow(/not both/);
  });

  it('reports a bad value with the value', () => {
    expect(() => sleepMillis({ Duration: '{{ SleepWait }}' }, now)).toThrow(/"\{\{ SleepWait \}\}"/);
    expect(() => sleepMillis({ Timestamp: 'soon' }, now)).toThrow(DurationError);
  });
});
