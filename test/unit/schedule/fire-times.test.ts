// The fire times of SSM schedules, as a table whose expectations were worked out by hand from
// the calendar and each zone's published rules (not from the code): Europe/Berlin CET +1 /
// CEST +2, 2026 changes Sun 29 Mar 02:00→03:00 and Sun 25 Oct 03:00→02:00; Europe/London
// 29 Mar 01:00→02:00; America/New_York EST -5 / EDT -4, Sun 8 Mar 02:00→03:00 and Sun 1 Nov
// 02:00→01:00; America/Los_Angeles the same days at -8/-7; Australia/Sydney AEDT +11 / AEST
// +10, Sun 5 Apr 03:00→02:00 and Sun 4 Oct 02:00→03:00; Asia/Kolkata +05:30 all year.
// Then a property test against a brute-force oracle that walks every minute through
// Intl's own zone data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../../../lang/schedule/expression';
import { nextFireTimes, type ScheduleDefinition } from '../../../lang/schedule/fire-times';
import { parseIsoDate } from '../../../lang/schedule/definition';
import { entryInstant, temporalSpecOf } from '../../../lang/schedule/temporal-spec';
import { bruteForceFireTimes, renderCron, type CronShape } from './oracle';

interface Row {
  why: string;
  schedule: string;
  tz?: string;
  offset?: number;
  after: string;
  count: number;
  start?: string;
  end?: string;
  anchor?: string;
  expected: string[];
}

const TABLE: Row[] = [
  {
    why: 'the 4th Friday + 2 days in Berlin: Sun 1 Mar (CET), Sun 29 Mar (the change night; 04:00 CEST exists), Sun 26 Apr',
    schedule: 'cron(0 4 ? * FRI#4 *)', tz: 'Europe/Berlin', offset: 2, after: '2026-02-01T00:00:00Z', count: 3,
    expected: ['2026-03-01T03:00:00Z', '2026-03-29T02:00:00Z', '2026-04-26T02:00:00Z'],
  },
  {
    why: '02:30 daily in Berlin: 29 Mar has no 02:30 (skipped), then CEST',
    schedule: 'cron(30 2 ? * * *)', tz: 'Europe/Berlin', after: '2026-03-27T00:00:00Z', count: 4,
    expected: ['2026-03-27T01:30:00Z', '2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z'],
  },
  {
    why: '02:30 daily in Berlin: 25 Oct has two 02:30s, only the first (CEST) fires',
    schedule: 'cron(30 2 ? * * *)', tz: 'Europe/Berlin', after: '2026-10-24T00:00:00Z', count: 3,
    expected: ['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z'],
  },
  {
    why: 'every 30 minutes in New York on 1 Nov: 01:00 and 01:30 EDT fire, their EST repeats do not',
    schedule: 'cron(0/30 * ? * * *)', tz: 'America/New_York', after: '2026-11-01T04:45:00Z', count: 6,
    expected: ['2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T07:00:00Z', '2026-11-01T07:30:00Z', '2026-11-01T08:00:00Z', '2026-11-01T08:30:00Z'],
  },
  {
    why: 'Sundays 02:00 in New York: 8 Mar has no 02:00',
    schedule: 'cron(0 2 ? * SUN *)', tz: 'America/New_York', after: '2026-03-01T00:00:00Z', count: 3,
    expected: ['2026-03-01T07:00:00Z', '2026-03-15T06:00:00Z', '2026-03-22T06:00:00Z'],
  },
  {
    why: 'day-of-week 1 is Sunday (Thu 1 Jan 2026 → Sun 4 Jan)',
    schedule: 'cron(0 2 ? * 1 *)', after: '2026-01-01T00:00:00Z', count: 2,
    expected: ['2026-01-04T02:00:00Z', '2026-01-11T02:00:00Z'],
  },
  {
    why: 'L: the last day of each month (2026 is not a leap year)',
    schedule: 'cron(0 2 L * ? *)', after: '2026-01-01T00:00:00Z', count: 3,
    expected: ['2026-01-31T02:00:00Z', '2026-02-28T02:00:00Z', '2026-03-31T02:00:00Z'],
  },
  {
    why: 'L in a leap February',
    schedule: 'cron(0 2 L 2 ? *)', after: '2027-03-01T00:00:00Z', count: 1,
    expected: ['2028-02-29T02:00:00Z'],
  },
  {
    why: 'LW: the last weekday (31 Jan and 28 Feb 2026 are Saturdays)',
    schedule: 'cron(0 2 LW * ? *)', after: '2026-01-01T00:00:00Z', count: 3,
    expected: ['2026-01-30T02:00:00Z', '2026-02-27T02:00:00Z', '2026-03-31T02:00:00Z'],
  },
  {
    why: '15W: 15 Feb and 15 Mar 2026 are Sundays → Monday the 16th',
    schedule: 'cron(0 2 15W * ? *)', after: '2026-01-01T00:00:00Z', count: 3,
    expected: ['2026-01-15T02:00:00Z', '2026-02-16T02:00:00Z', '2026-03-16T02:00:00Z'],
  },
  {
    why: '1W: Sat 1 Aug 2026 → Mon 3 Aug (W never leaves the month)',
    schedule: 'cron(0 2 1W * ? *)', after: '2026-07-31T00:00:00Z', count: 2,
    expected: ['2026-08-03T02:00:00Z', '2026-09-01T02:00:00Z'],
  },
  {
    why: '31W: Sun 31 May 2026 → Fri 29 May',
    schedule: 'cron(0 2 31W * ? *)', after: '2026-05-01T00:00:00Z', count: 1,
    expected: ['2026-05-29T02:00:00Z'],
  },
  {
    why: '6L: the last Friday (SSM documentation example)',
    schedule: 'cron(15 10 ? * 6L *)', after: '2026-01-01T00:00:00Z', count: 3,
    expected: ['2026-01-30T10:15:00Z', '2026-02-27T10:15:00Z', '2026-03-27T10:15:00Z'],
  },
  {
    why: 'SUN#5: only months with five Sundays',
    schedule: 'cron(0 2 ? * SUN#5 *)', after: '2026-01-01T00:00:00Z', count: 3,
    expected: ['2026-03-29T02:00:00Z', '2026-05-31T02:00:00Z', '2026-08-30T02:00:00Z'],
  },
  {
    why: 'MON-FRI 09:00 in Los Angeles across 8 Mar: PST then PDT',
    schedule: 'cron(0 9 ? * MON-FRI *)', tz: 'America/Los_Angeles', after: '2026-03-06T00:00:00Z', count: 3,
    expected: ['2026-03-06T17:00:00Z', '2026-03-09T16:00:00Z', '2026-03-10T16:00:00Z'],
  },
  {
    why: 'a wrapping range FRI-MON',
    schedule: 'cron(0 2 ? * FRI-MON *)', after: '2026-01-01T00:00:00Z', count: 5,
    expected: ['2026-01-02T02:00:00Z', '2026-01-03T02:00:00Z', '2026-01-04T02:00:00Z', '2026-01-05T02:00:00Z', '2026-01-09T02:00:00Z'],
  },
  {
    why: 'rate(1 day) is 24 hours of elapsed time: 02:30 CET becomes 03:30 CEST',
    schedule: 'rate(1 day)', tz: 'Europe/Berlin', anchor: '2026-03-28T01:30:00Z', after: '2026-03-28T00:00:00Z', count: 3,
    expected: ['2026-03-28T01:30:00Z', '2026-03-29T01:30:00Z', '2026-03-30T01:30:00Z'],
  },
  {
    why: 'rate(30 minutes) from its anchor, EndDate excluded',
    schedule: 'rate(30 minutes)', anchor: '2026-01-01T00:10:00Z', end: '2026-01-01T01:40:00Z', after: '2026-01-01T00:00:00Z', count: 10,
    expected: ['2026-01-01T00:10:00Z', '2026-01-01T00:40:00Z', '2026-01-01T01:10:00Z'],
  },
  {
    why: 'at() at a repeated local time: its first occurrence',
    schedule: 'at(2026-10-25T02:30:00)', tz: 'Europe/Berlin', after: '2026-01-01T00:00:00Z', count: 2,
    expected: ['2026-10-25T00:30:00Z'],
  },
  {
    why: 'at() at a local time that does not exist: never',
    schedule: 'at(2026-03-29T02:30:00)', tz: 'Europe/Berlin', after: '2026-01-01T00:00:00Z', count: 2,
    expected: [],
  },
  {
    why: 'first Sunday 02:30 in Sydney: 5 Apr repeats 02:30 (first: AEDT); May and June in AEST',
    schedule: 'cron(30 2 ? * SUN#1 *)', tz: 'Australia/Sydney', after: '2026-03-31T00:00:00Z', count: 3,
    expected: ['2026-04-04T15:30:00Z', '2026-05-02T16:30:00Z', '2026-06-06T16:30:00Z'],
  },
  {
    why: 'first Sunday 02:30 in Sydney: 4 Oct has no 02:30',
    schedule: 'cron(30 2 ? * SUN#1 *)', tz: 'Australia/Sydney', after: '2026-09-01T00:00:00Z', count: 2,
    expected: ['2026-09-05T16:30:00Z', '2026-10-31T15:30:00Z'],
  },
  {
    why: 'offset 1 after the last day of the month: 31 Dec 2025 runs on 1 Jan, 31 Jan on 1 Feb',
    schedule: 'cron(0 22 L * ? *)', offset: 1, after: '2026-01-01T00:00:00Z', count: 2,
    expected: ['2026-01-01T22:00:00Z', '2026-02-01T22:00:00Z'],
  },
  {
    why: "SSM's documented example: the third Tuesday 23:30 with offset 2 runs on Thursday",
    schedule: 'cron(30 23 ? * TUE#3 *)', offset: 2, after: '2026-01-01T00:00:00Z', count: 2,
    expected: ['2026-01-22T23:30:00Z', '2026-02-19T23:30:00Z'],
  },
  {
    why: 'an offset landing in the skipped hour: Fri 27 Mar + 2 = Sun 29 Mar 02:30 does not exist',
    schedule: 'cron(30 2 ? * FRI *)', tz: 'Europe/Berlin', offset: 2, after: '2026-03-20T00:00:00Z', count: 2,
    expected: ['2026-03-22T01:30:00Z', '2026-04-05T00:30:00Z'],
  },
  {
    why: 'seven fields: seconds first',
    schedule: 'cron(24 30 09 ? * * *)', after: '2026-01-01T00:00:00Z', count: 2,
    expected: ['2026-01-01T09:30:24Z', '2026-01-02T09:30:24Z'],
  },
  {
    why: 'a year range ends',
    schedule: 'cron(0 12 1 1 ? 2027-2028)', after: '2026-01-01T00:00:00Z', count: 5,
    expected: ['2027-01-01T12:00:00Z', '2028-01-01T12:00:00Z'],
  },
  {
    why: "SSM's StartDate example: not before 1 Jan 2021 00:00 -08:00; Wednesdays 09:00 Los Angeles",
    schedule: 'cron(0 9 ? * WED *)', tz: 'America/Los_Angeles', start: '2021-01-01T00:00:00-08:00', after: '2020-12-01T00:00:00Z', count: 1,
    expected: ['2021-01-06T17:00:00Z'],
  },
  {
    why: 'a half-hour zone without DST',
    schedule: 'cron(0 0 ? * * *)', tz: 'Asia/Kolkata', after: '2026-01-01T00:00:00Z', count: 2,
    expected: ['2026-01-01T18:30:00Z', '2026-01-02T18:30:00Z'],
  },
  {
    why: 'London springs forward at 01:00: no 01:30 on 29 Mar',
    schedule: 'cron(30 1 ? * * *)', tz: 'Europe/London', after: '2026-03-28T00:00:00Z', count: 3,
    expected: ['2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z'],
  },
];

function definitionOf(row: Row): ScheduleDefinition {
  const parsed = parseScheduleExpression(row.schedule);
  if ('problem' in parsed) throw new Error(`${row.schedule}: ${parsed.problem.message}`);
  const def: ScheduleDefinition = { expression: parsed.expression };
  if (row.tz) def.timezone = row.tz;
  if (row.offset) def.offsetDays = row.offset;
  if (row.start) def.startDate = parseIsoDate(row.start)!;
  if (row.end) def.endDate = parseIsoDate(row.end)!;
  if (row.anchor) def.anchor = new Date(row.anchor);
  return def;
}

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');

describe('fire times of SSM schedules (hand-computed table)', () => {
  it('has at least 20 rows', () => expect(TABLE.length).toBeGreaterThanOrEqual(20));

  it.each(TABLE.map((r) => [`${r.schedule}${r.tz ? ` ${r.tz}` : ''}${r.offset ? ` +${r.offset}d` : ''}: ${r.why}`, r] as const))('%s', (_, row) => {
    expect(nextFireTimes(definitionOf(row), new Date(row.after), row.count).map(iso)).toEqual(row.expected);
  });

  it('the Temporal spec of a cron is the same times as fully specified UTC calendar entries', () => {
    const row = TABLE[0]!;
    const spec = temporalSpecOf(definitionOf(row), new Date(row.after), 3);
    expect(spec.calendars?.map((c) => iso(entryInstant(c)))).toEqual(row.expected);
    expect(spec.jitter).toBe(0);
  });

  it('the Temporal spec of a rate is an interval whose phase is the anchor', () => {
    const row = TABLE.find((r) => r.schedule === 'rate(30 minutes)')!;
    const spec = temporalSpecOf(definitionOf(row), new Date('2025-12-31T00:00:00Z'));
    expect(spec.intervals).toEqual([{ every: 1_800_000, offset: 600_000 }]);
    expect(spec.startAt?.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(spec.endAt?.toISOString()).toBe('2026-01-01T01:39:59.000Z');
  });
});

// The property: for random cron shapes (including L, W, #, ranges, offsets), zones and
// start times near DST changes, the fire times equal what a minute-by-minute walk through
// Intl's zone data finds.
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC', 'Europe/London'];
const STARTS = ['2026-03-25T00:00:00Z', '2026-10-22T00:00:00Z', '2026-03-05T00:00:00Z', '2026-10-29T00:00:00Z', '2026-04-02T00:00:00Z', '2026-09-30T00:00:00Z', '2026-01-15T00:00:00Z'];

const shapeArb: fc.Arbitrary<CronShape> = fc.record({
  minutes: fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { minLength: 1, maxLength: 2 }).map((a) => a.map((m) => m * 5).sort((x, y) => x - y)),
  hours: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 3 }).map((a) => a.sort((x, y) => x - y)),
  day: fc.oneof(
    fc.constant({ kind: 'everyDay' as const }),
    fc.record({ kind: fc.constant('dom' as const), days: fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 4 }) }),
    fc.constant({ kind: 'last' as const }),
    fc.constant({ kind: 'lastWeekday' as const }),
    fc.record({ kind: fc.constant('nearestWeekday' as const), day: fc.integer({ min: 1, max: 31 }) }),
    fc.record({ kind: fc.constant('dow' as const), days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('nth' as const), day: fc.integer({ min: 1, max: 7 }), n: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ kind: fc.constant('lastOfMonth' as const), day: fc.integer({ min: 1, max: 7 }) }),
  ),
  offset: fc.integer({ min: 0, max: 6 }),
});

describe('fire times against a brute-force oracle', () => {
  it('agree for random expressions, zones and starts around DST changes', () => {
    fc.assert(
      fc.property(shapeArb, fc.constantFrom(...ZONES), fc.constantFrom(...STARTS), (shape, zone, start) => {
        const text = renderCron(shape);
        const parsed = parseScheduleExpression(text);
        if ('problem' in parsed) throw new Error(`${text}: ${parsed.problem.message}`);
        const after = new Date(start);
        const until = new Date(after.getTime() + 40 * 86_400_000);
        const ours = nextFireTimes({ expression: parsed.expression, timezone: zone, offsetDays: shape.offset }, after, 500).filter((t) => t < until).map(iso);
        const oracle = bruteForceFireTimes(shape, zone, after, until).map(iso);
        expect(ours, `${text} ${zone} +${shape.offset}d after ${start}`).toEqual(oracle);
      }),
      { numRuns: 25, seed: 20261025 },
    );
  });
});
