// What a Temporal Schedule is told, so that it fires exactly when nextFireTimes says. Pure:
// plain objects shaped like @temporalio/client's ScheduleSpec (this module may not import it).
//
// Temporal's own cron and calendar specs number days from Sunday = 0, have no `? L W #`,
// and in a zone with daylight saving time fire twice at a repeated local time. So an SSM
// cron is never handed over: the next fire times are, each as one fully specified calendar
// entry in UTC (second, minute, hour, day, month and year), a rolling list that every window
// execution, `drover windows apply` and `enable` renew. rate() is an interval (elapsed time
// from its anchor, as SSM counts it), at() a single entry.
import { nextFireTimes, type ScheduleDefinition } from './fire-times';

/** How many upcoming cron fire times the schedule holds. */
export const ROLLING_ENTRIES = 50;

/** Temporal's calendar specs take years 2000 to 2100 (SSM's cron goes to 2199). */
export const LAST_CALENDAR_YEAR = 2100;

/**
 * rate() counts from its anchor; one taken from the clock (a window applied without a
 * StartDate) is the next whole minute, which Temporal's interval phase (whole seconds) keeps.
 */
export function rateAnchor(now: Date): Date {
  return new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
}

export const MONTH_NAMES = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;

export interface CalendarEntry {
  second: number;
  minute: number;
  hour: number;
  dayOfMonth: number;
  month: (typeof MONTH_NAMES)[number];
  year: number;
  comment?: string;
}

export interface IntervalEntry {
  /** Milliseconds. */
  every: number;
  /** Milliseconds after the epoch modulo `every`. */
  offset: number;
}

export interface WindowScheduleSpec {
  calendars?: CalendarEntry[];
  intervals?: IntervalEntry[];
  startAt?: Date;
  endAt?: Date;
  /** Always 0: a window runs at its time. */
  jitter: number;
}

export function calendarEntry(t: Date): CalendarEntry {
  return {
    second: t.getUTCSeconds(),
    minute: t.getUTCMinutes(),
    hour: t.getUTCHours(),
    dayOfMonth: t.getUTCDate(),
    month: MONTH_NAMES[t.getUTCMonth()]!,
    year: t.getUTCFullYear(),
  };
}

/** The instant a fully specified UTC entry stands for. */
export function entryInstant(e: Pick<CalendarEntry, 'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'year'>): Date {
  return new Date(Date.UTC(e.year, MONTH_NAMES.indexOf(e.month), e.dayOfMonth, e.hour, e.minute, e.second));
}

/**
 * The spec for a window's schedule as of `now`. rate() needs the anchor (StartDate, or when
 * the window was first applied: kept in the schedule as its startAt).
 */
export function temporalSpecOf(def: ScheduleDefinition, now: Date, entries = ROLLING_ENTRIES): WindowScheduleSpec {
  const e = def.expression;
  const endAt = def.endDate ? new Date(def.endDate.getTime() - 1000) : undefined;
  if (e.kind === 'rate') {
    const anchor = new Date(Math.floor((def.anchor ?? def.startDate ?? rateAnchor(now)).getTime() / 1000) * 1000);
    const startAt = new Date(Math.max(anchor.getTime(), def.startDate?.getTime() ?? -Infinity));
    return {
      intervals: [{ every: e.periodMs, offset: ((anchor.getTime() % e.periodMs) + e.periodMs) % e.periodMs }],
      startAt,
      ...(endAt ? { endAt } : {}),
      jitter: 0,
    };
  }
  const times = nextFireTimes(def, new Date(now.getTime() - 1), e.kind === 'at' ? 1 : entries).filter((t) => t.getUTCFullYear() <= LAST_CALENDAR_YEAR);
  return {
    calendars: times.map((t) => ({ ...calendarEntry(t), comment: `${e.text}${def.timezone && def.timezone !== 'UTC' ? ` ${def.timezone}` : ''}${def.offsetDays ? ` +${def.offsetDays}d` : ''}` })),
    ...(def.startDate ? { startAt: def.startDate } : {}),
    ...(endAt ? { endAt } : {}),
    jitter: 0,
  };
}
