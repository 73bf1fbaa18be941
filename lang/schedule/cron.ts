// SSM's cron dialect for maintenance windows (the Quartz-derived one AWS documents in
// "Reference: Cron and rate expressions for Systems Manager"), parsed into sets. Pure.
//
//   cron(Minutes Hours Day-of-month Month Day-of-week Year)          6 fields
//   cron(Seconds Minutes Hours Day-of-month Month Day-of-week Year)  7 fields (windows only)
//
// Minutes 0-59, Hours 0-23, Day-of-month 1-31 with `? L LW nW`, Month 1-12 or JAN-DEC,
// Day-of-week 1-7 or SUN-SAT (1 = Sunday, unlike Unix cron and Temporal) with `? L nL n#k`,
// Year 1970-2199. `,` lists, `-` ranges (wrapping: FRI-MON), `*` all, `/` steps (`0/15`,
// `*/10`, `10-40/10`). Exactly one of Day-of-month and Day-of-week is `?`.

export type DayOfMonthRule =
  | { kind: 'any' }
  | { kind: 'days'; days: number[] }
  /** L: the last day of the month. */
  | { kind: 'last' }
  /** LW: the last weekday (Monday to Friday) of the month. */
  | { kind: 'lastWeekday' }
  /** 15W: the weekday nearest the 15th, within the month. */
  | { kind: 'nearestWeekday'; day: number };

export type DayOfWeekRule =
  | { kind: 'any' }
  /** 1 = Sunday … 7 = Saturday. */
  | { kind: 'days'; days: number[] }
  /** 6L: the last Friday of the month. */
  | { kind: 'lastOfMonth'; day: number }
  /** FRI#4: the fourth Friday of the month. */
  | { kind: 'nth'; day: number; n: number };

export interface CronExpression {
  seconds: number[];
  minutes: number[];
  hours: number[];
  dayOfMonth: DayOfMonthRule;
  months: number[];
  dayOfWeek: DayOfWeekRule;
  /** Undefined: every year. */
  years?: number[];
}

export interface CronProblem {
  message: string;
  hint?: string;
  /** The piece of the expression that is wrong (the whole inside when no field is to blame). */
  token: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

interface FieldInfo {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Whether ranges may wrap past the end (FRI-MON, 22-2). */
  wraps: boolean;
}

const FIELDS: Record<'seconds' | 'minutes' | 'hours' | 'dayOfMonth' | 'months' | 'dayOfWeek' | 'years', FieldInfo> = {
  seconds: { name: 'Seconds', min: 0, max: 59, wraps: true },
  minutes: { name: 'Minutes', min: 0, max: 59, wraps: true },
  hours: { name: 'Hours', min: 0, max: 23, wraps: true },
  dayOfMonth: { name: 'Day-of-month', min: 1, max: 31, wraps: true },
  months: { name: 'Month', min: 1, max: 12, names: MONTH_NAMES, wraps: true },
  dayOfWeek: { name: 'Day-of-week', min: 1, max: 7, names: DAY_NAMES, wraps: true },
  years: { name: 'Year', min: MIN_YEAR, max: MAX_YEAR, wraps: false },
};

class FieldError extends Error {
  constructor(
    message: string,
    readonly token: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

function valueOf(text: string, f: FieldInfo, token: string): number {
  const upper = text.toUpperCase();
  const named = f.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + f.min;
  if (!/^\d+$/.test(text)) {
    const names = f.names ? ` or ${f.names[0]}-${f.names.at(-1)}` : '';
    throw new FieldError(`${f.name} takes ${f.min}-${f.max}${names}; "${text}" is not one of them.`, token, f.name === 'Day-of-week' ? 'Day-of-week counts from 1 = SUN to 7 = SAT.' : undefined);
  }
  const n = Number(text);
  if (n < f.min || n > f.max) {
    const hint = f.name === 'Day-of-week' && n === 0 ? "SSM numbers the days of the week 1 (SUN) to 7 (SAT); Unix cron's 0 for Sunday is 1 here." : undefined;
    throw new FieldError(`${f.name} ${n} is out of range: ${f.name} takes ${f.min}-${f.max}.`, token, hint);
  }
  return n;
}

function range(start: number, end: number, step: number, f: FieldInfo, token: string): number[] {
  if (step < 1) throw new FieldError(`The step in "${token}" must be at least 1.`, token);
  const out: number[] = [];
  if (start <= end) {
    for (let v = start; v <= end; v += step) out.push(v);
    return out;
  }
  if (!f.wraps) throw new FieldError(`The range "${token}" runs backwards; ${f.name} ranges go from low to high.`, token);
  // A wrapping range: FRI-MON is FRI, SAT, SUN, MON.
  const span = f.max - f.min + 1;
  for (let i = 0; i <= end - start + span; i += step) out.push(((start - f.min + i) % span) + f.min);
  return out;
}

/** A list of plain values: `a`, `a-b`, `*`, with optional `/step` each. */
function parseList(text: string, f: FieldInfo): number[] {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new FieldError(`${f.name} has an empty item in "${text}".`, text);
    const [base, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new FieldError(`"${item}" has more than one /.`, item);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) throw new FieldError(`The step of "${item}" must be a whole number.`, item);
      step = Number(stepText);
      if (step < 1) throw new FieldError(`The step of "${item}" must be at least 1.`, item);
    }
    let start: number;
    let end: number;
    if (base === '*') {
      start = f.min;
      end = f.max;
    } else if (base!.includes('-')) {
      const [a, b, more] = base!.split('-');
      if (more !== undefined || !a || !b) throw new FieldError(`"${item}" is not a range: write low-high, e.g. ${f.names ? `${f.names[1]}-${f.names[5] ?? f.names[2]}` : `${f.min}-${f.min + 5}`}.`, item);
      start = valueOf(a, f, item);
      end = valueOf(b, f, item);
    } else {
      start = valueOf(base!, f, item);
      // `a/step` runs from a to the end of the field.
      end = stepText !== undefined ? f.max : start;
    }
    for (const v of range(start, end, step, f, item)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function parseDayOfMonth(text: string): DayOfMonthRule {
  const upper = text.toUpperCase();
  if (upper === '?' || upper === '*') return { kind: 'any' };
  if (upper === 'L') return { kind: 'last' };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const w = /^(\d+)W$/.exec(upper);
  if (w) return { kind: 'nearestWeekday', day: valueOf(w[1]!, FIELDS.dayOfMonth, text) };
  if (/[LW]/.test(upper)) {
    throw new FieldError(`"${text}" is not a Day-of-month: L and W stand alone (L, LW) or after a day (15W), and not in lists.`, text, 'L is the last day of the month, LW its last weekday, 15W the weekday nearest the 15th.');
  }
  if (text.includes('#')) throw new FieldError(`# belongs in Day-of-week (FRI#2), not in Day-of-month.`, text);
  return { kind: 'days', days: parseList(text, FIELDS.dayOfMonth) };
}

function parseDayOfWeek(text: string): DayOfWeekRule {
  const upper = text.toUpperCase();
  if (upper === '?' || upper === '*') return { kind: 'any' };
  // L alone is the last day of the week: Saturday.
  if (upper === 'L') return { kind: 'days', days: [7] };
  const last = /^([A-Z0-9]+)L$/.exec(upper);
  if (last) return { kind: 'lastOfMonth', day: valueOf(last[1]!, FIELDS.dayOfWeek, text) };
  const nth = /^([A-Z0-9]+)#(\d+)$/.exec(upper);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new FieldError(`"${text}": the number after # counts the weeks of a month, 1 to 5.`, text);
    return { kind: 'nth', day: valueOf(nth[1]!, FIELDS.dayOfWeek, text), n };
  }
  if (upper.includes('#') || upper.includes('L')) {
    throw new FieldError(`"${text}" is not a Day-of-week: # and L take one day (FRI#2, 6L) and no list.`, text, 'FRI#2 is the second Friday of the month, 6L its last Friday, L alone Saturday.');
  }
  // No day name but WED has a W.
  if (upper.replace(/WED/g, '').includes('W')) throw new FieldError(`W belongs in Day-of-month (15W), not in Day-of-week.`, text);
  return { kind: 'days', days: parseList(text, FIELDS.dayOfWeek) };
}

const ORDER6 = ['minutes', 'hours', 'dayOfMonth', 'months', 'dayOfWeek', 'years'] as const;
const ORDER7 = ['seconds', ...ORDER6] as const;

/** Parses the inside of `cron(…)`. */
export function parseCron(inside: string): { cron: CronExpression } | { problem: CronProblem } {
  const fields = inside.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 6 && fields.length !== 7) {
    return {
      problem: {
        message: `A cron expression has 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), or 7 with Seconds first; "${inside.trim()}" has ${fields.length}.`,
        hint: fields.length === 5 ? 'SSM adds a Year field to Unix cron: append * (e.g. cron(0 2 ? * SUN *)).' : 'For example cron(0 2 ? * SUN *): 02:00 every Sunday.',
        token: inside.trim(),
      },
    };
  }
  const order = fields.length === 7 ? ORDER7 : ORDER6;
  const text: Record<string, string> = { seconds: '0' };
  order.forEach((name, i) => (text[name] = fields[i]!));
  try {
    const dom = text.dayOfMonth!;
    const dow = text.dayOfWeek!;
    if ((dom === '?') === (dow === '?')) {
      const both = dom === '?';
      return {
        problem: {
          message: both
            ? 'Day-of-month and Day-of-week are both ?: one of them must say which days.'
            : `Day-of-month "${dom}" and Day-of-week "${dow}" are both given: SSM takes one and wants ? in the other.`,
          hint: 'Write ? in the field you do not use, e.g. cron(0 2 ? * SUN *) or cron(0 2 1 * ? *).',
          token: both ? dom : dow,
        },
      };
    }
    for (const [name, value] of Object.entries(text)) {
      if (value === '?' && name !== 'dayOfMonth' && name !== 'dayOfWeek') {
        throw new FieldError(`? is only for Day-of-month or Day-of-week, not ${FIELDS[name as keyof typeof FIELDS].name}.`, value);
      }
    }
    const cron: CronExpression = {
      seconds: parseList(text.seconds!, FIELDS.seconds),
      minutes: parseList(text.minutes!, FIELDS.minutes),
      hours: parseList(text.hours!, FIELDS.hours),
      dayOfMonth: parseDayOfMonth(dom),
      months: parseList(text.months!, FIELDS.months),
      dayOfWeek: parseDayOfWeek(dow),
    };
    if (text.years !== '*') cron.years = parseList(text.years!, FIELDS.years);
    return { cron };
  } catch (e) {
    if (e instanceof FieldError) return { problem: { message: e.message, token: e.token, ...(e.hint ? { hint: e.hint } : {}) } };
    throw e;
  }
}

/** Seconds since midnight of each time of day the expression fires at, ascending. */
export function timesOfDay(cron: CronExpression): number[] {
  const out: number[] = [];
  for (const h of cron.hours) for (const m of cron.minutes) for (const s of cron.seconds) out.push(h * 3600 + m * 60 + s);
  return out.sort((a, b) => a - b);
}

/**
 * The shortest gap, in seconds, between two fire times on one day or across midnight (a
 * lower bound: the next day may not match). SSM refuses cron expressions firing more often
 * than every five minutes.
 */
export function shortestGapSeconds(cron: CronExpression): number {
  const times = timesOfDay(cron);
  let gap = times.length === 1 ? 86_400 : Infinity;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]! - times[i - 1]!);
  if (times.length > 1) gap = Math.min(gap, times[0]! + 86_400 - times.at(-1)!);
  return gap;
}

// Calendar arithmetic on plain dates (the proleptic Gregorian calendar of every zone).

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday … 7 = Saturday. */
export function dayOfWeek(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

const isWeekday = (dow: number) => dow >= 2 && dow <= 6;

/** The weekday nearest the given day, never leaving the month (Quartz's W); undefined when the month is shorter. */
export function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const dow = dayOfWeek(year, month, day);
  if (isWeekday(dow)) return day;
  if (dow === 7) return day > 1 ? day - 1 : day + 2; // Saturday: Friday before, or Monday after the 1st
  return day < last ? day + 1 : day - 2; // Sunday: Monday after, or Friday before the last day
}

export function lastWeekday(year: number, month: number): number {
  let d = daysInMonth(year, month);
  while (!isWeekday(dayOfWeek(year, month, d))) d--;
  return d;
}

/** Whether the expression's date fields match this calendar date. */
export function matchesDate(cron: CronExpression, year: number, month: number, day: number): boolean {
  if (cron.years && !cron.years.includes(year)) return false;
  if (!cron.months.includes(month)) return false;
  const dom = cron.dayOfMonth;
  switch (dom.kind) {
    case 'days':
      if (!dom.days.includes(day)) return false;
      break;
    case 'last':
      if (day !== daysInMonth(year, month)) return false;
      break;
    case 'lastWeekday':
      if (day !== lastWeekday(year, month)) return false;
      break;
    case 'nearestWeekday':
      if (day !== nearestWeekday(year, month, dom.day)) return false;
      break;
  }
  const dw = cron.dayOfWeek;
  const today = dayOfWeek(year, month, day);
  switch (dw.kind) {
    case 'days':
      return dw.days.includes(today);
    case 'lastOfMonth':
      return today === dw.day && day + 7 > daysInMonth(year, month);
    case 'nth':
      return today === dw.day && Math.ceil(day / 7) === dw.n;
    default:
      return true;
  }
}
