// A window's schedule as Temporal holds it, and back: the spec to give a Temporal Schedule
// (lang/schedule/temporal-spec computes it) and the fire times a described spec stands for,
// so that `apply`, `enable` and the window's own renewal compare before they write.
import type { ScheduleDescription, ScheduleSpec } from '@temporalio/client';
import { scheduleDefinition, type WindowScheduleFields } from '../../lang/schedule/definition';
import { MONTH_NAMES, temporalSpecOf, type WindowScheduleSpec } from '../../lang/schedule/temporal-spec';

/** The spec of a window's schedule as of `now`; rate() keeps the anchor it was first applied with. */
export function windowSpec(schedule: WindowScheduleFields, now: Date, anchor?: Date): ScheduleSpec {
  const spec: WindowScheduleSpec = temporalSpecOf(scheduleDefinition(schedule, anchor), now);
  return spec satisfies ScheduleSpec;
}

type DescribedSpec = ScheduleDescription['spec'];

/** The one instant a fully specified calendar entry stands for, or undefined for any other entry. */
function entryTime(c: NonNullable<DescribedSpec['calendars']>[number]): number | undefined {
  const one = <T>(ranges: { start: T; end: T }[]): T | undefined => (ranges.length === 1 && ranges[0]!.start === ranges[0]!.end ? ranges[0]!.start : undefined);
  const [second, minute, hour, day, month, year] = [one(c.second), one(c.minute), one(c.hour), one(c.dayOfMonth), one(c.month), one(c.year)];
  if ([second, minute, hour, day, month, year].some((v) => v === undefined)) return undefined;
  return Date.UTC(year as number, MONTH_NAMES.indexOf(month as (typeof MONTH_NAMES)[number]), day as number, hour as number, minute as number, second as number);
}

/** A compact key of what a spec makes fire: the calendar instants, the intervals and the range. */
export function specKey(spec: ScheduleSpec | DescribedSpec): string {
  const calendars = (spec.calendars ?? []).map((c) => ('second' in c && Array.isArray(c.second) ? entryTime(c as never) : fromLoose(c as never)));
  const intervals = (spec.intervals ?? []).map((i) => `${Number(i.every)}/${Number(i.offset ?? 0)}`);
  const range = [spec.startAt?.getTime() ?? '', spec.endAt?.getTime() ?? ''].join('-');
  return JSON.stringify([calendars.sort(), intervals.sort(), range]);
}

function fromLoose(c: { second: number; minute: number; hour: number; dayOfMonth: number; month: (typeof MONTH_NAMES)[number]; year: number }): number {
  return Date.UTC(c.year, MONTH_NAMES.indexOf(c.month), c.dayOfMonth, c.hour, c.minute, c.second);
}

/** rate(): the anchor a deployed schedule keeps (its startAt), to keep its phase when it is updated. */
export function deployedAnchor(spec: DescribedSpec): Date | undefined {
  return spec.intervals?.length ? spec.startAt : undefined;
}
