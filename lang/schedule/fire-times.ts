// When a maintenance window runs: the fire times of its Schedule in its ScheduleTimezone,
// moved by ScheduleOffset, within StartDate/EndDate. Pure (luxon only reads the zone rules).
//
// Daylight saving time, as EventBridge Scheduler documents it for cron schedules in a zone:
// - a local time that does not exist (spring forward: 02:30 on the night clocks jump from
//   02:00 to 03:00) is skipped, not moved;
// - a local time that happens twice (fall back: 02:30 on the night clocks go from 03:00 back
//   to 02:00) fires once, at its first occurrence (the earlier instant).
// The offset moves the cron's date by whole calendar days in the zone and keeps its local
// time; the rules above then apply to the moved date and time. rate() is elapsed time
// (rate(1 day) is 24 hours, whatever the clocks do); at() is a local time in the zone.
import { FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { daysInMonth, matchesDate, MAX_YEAR, timesOfDay, type CronExpression } from './cron';
import type { LocalDateTime, ScheduleExpression } from './expression';

export interface ScheduleDefinition {
  expression: ScheduleExpression;
  /** IANA name; default UTC. */
  timezone?: string;
  /** ScheduleOffset: days after the cron's date (cron only). */
  offsetDays?: number;
  /** StartDate: no fire before it (inclusive). */
  startDate?: Date;
  /** EndDate: no fire at or after it. */
  endDate?: Date;
  /**
   * rate(): the first fire time (the StartDate, else when the window was first applied);
   * the others follow every period. Without one, rate() has no fire times.
   */
  anchor?: Date;
}

const DAY_MS = 86_400_000;

export function zoneOf(name: string | undefined): Zone {
  if (!name || name === 'UTC') return FixedOffsetZone.utcInstance;
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new Error(`unknown time zone ${name}`);
  return zone;
}

export function isValidTimezone(name: string): boolean {
  return name === 'UTC' || IANAZone.isValidZone(name);
}

/**
 * The instant a local date and time stands for in the zone: undefined when the clocks skip
 * it, the earlier instant when they pass it twice.
 */
export function localToInstant(zone: Zone, t: LocalDateTime): number | undefined {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  // A zone's offset changes at most once within a day or so around a wall time: trying the
  // offsets of a day before and a day after finds every instant that shows this wall time.
  const offsets = new Set([zone.offset(wall - DAY_MS), zone.offset(wall), zone.offset(wall + DAY_MS)]);
  let best: number | undefined;
  for (const minutes of offsets) {
    const instant = wall - minutes * 60_000;
    if (zone.offset(instant) === minutes && (best === undefined || instant < best)) best = instant;
  }
  return best;
}

/** The local date and time of an instant in the zone. */
export function instantToLocal(zone: Zone, instant: number): LocalDateTime {
  const d = new Date(instant + zone.offset(instant) * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** A calendar date moved by whole days. */
function addDays(year: number, month: number, day: number, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The next `count` fire times strictly after `after`, ascending. Stops early at EndDate, at
 * the last year a cron can name (2199), or when there are no more (at(), a finished range).
 */
export function nextFireTimes(def: ScheduleDefinition, after: Date, count: number): Date[] {
  if (count <= 0) return [];
  const from = Math.max(after.getTime() + 1, def.startDate?.getTime() ?? -Infinity);
  const end = def.endDate?.getTime() ?? Infinity;
  const zone = zoneOf(def.timezone);
  const e = def.expression;
  const out: number[] = [];
  if (e.kind === 'at') {
    const t = localToInstant(zone, e.local);
    if (t !== undefined && t >= from && t < end) out.push(t);
  } else if (e.kind === 'rate') {
    const anchor = def.anchor?.getTime() ?? def.startDate?.getTime();
    if (anchor === undefined) return [];
    const k = from <= anchor ? 0 : Math.ceil((from - anchor) / e.periodMs);
    for (let t = anchor + k * e.periodMs; out.length < count && t < end; t += e.periodMs) out.push(t);
  } else {
    cronTimes(e.cron, zone, def.offsetDays ?? 0, from, end, count, out);
  }
  return out.map((t) => new Date(t));
}

function cronTimes(cron: CronExpression, zone: Zone, offsetDays: number, from: number, end: number, count: number, out: number[]): void {
  const times = timesOfDay(cron);
  // The cron date whose (moved) fire times could be the first at or after `from`: the local
  // date of `from`, less the offset, less a day for the odd zone whose clock jumped back.
  const start = instantToLocal(zone, from);
  let { year, month, day } = addDays(start.year, start.month, start.day, -offsetDays - 1);
  const lastYear = Math.min(MAX_YEAR, cron.years ? Math.max(...cron.years) : MAX_YEAR);
  while (year <= lastYear) {
    if (cron.years && !cron.years.includes(year)) {
      year += 1;
      month = 1;
      day = 1;
      continue;
    }
    if (!cron.months.includes(month)) {
      ({ year, month, day } = addDays(year, month, daysInMonth(year, month), 1));
      continue;
    }
    if (matchesDate(cron, year, month, day)) {
      const fire = addDays(year, month, day, offsetDays);
      for (const secs of times) {
        const t = localToInstant(zone, { ...fire, hour: Math.floor(secs / 3600), minute: Math.floor(secs / 60) % 60, second: secs % 60 });
        if (t === undefined || t < from) continue;
        if (t >= end) return;
        out.push(t);
        if (out.length >= count) return;
      }
    }
    ({ year, month, day } = addDays(year, month, day, 1));
  }
}

/** Fire times in [from, to), ascending, at most `max`. */
export function fireTimesBetween(def: ScheduleDefinition, from: Date, to: Date, max = 10_000): Date[] {
  return nextFireTimes({ ...def, endDate: new Date(Math.min(to.getTime(), def.endDate?.getTime() ?? Infinity)) }, new Date(from.getTime() - 1), max);
}

/** The most recent fire time at or before `at`, if any within `lookbackMs`. */
export function previousFireTime(def: ScheduleDefinition, at: Date, lookbackMs: number): Date | undefined {
  const all = fireTimesBetween(def, new Date(at.getTime() - lookbackMs), new Date(at.getTime() + 1));
  return all.at(-1);
}
