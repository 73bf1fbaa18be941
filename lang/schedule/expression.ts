// A maintenance window's Schedule: `cron(…)`, `rate(…)` or `at(…)`, as SSM takes them. Pure.
//
//   rate(N unit)              unit minute|minutes|hour|hours|day|days; singular exactly when N is 1
//   at(yyyy-mm-ddThh:mm:ss)   once, at that time in the window's ScheduleTimezone
import { parseCron, shortestGapSeconds, type CronExpression } from './cron';

export type ScheduleExpression =
  | { kind: 'cron'; cron: CronExpression; text: string }
  | { kind: 'rate'; value: number; unit: 'minute' | 'hour' | 'day'; periodMs: number; text: string }
  | { kind: 'at'; local: LocalDateTime; text: string };

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface ExpressionProblem {
  code: 'invalid-schedule' | 'schedule-too-frequent';
  message: string;
  hint?: string;
  /** The piece of the expression to point at. */
  token: string;
}

/** SSM: "Cron expressions that lead to rates faster than five (5) minute are not supported." */
export const MIN_INTERVAL_SECONDS = 300;

const every = (s: number): string => (s % 60 ? `${s} second${s === 1 ? '' : 's'}` : `${s / 60} minute${s === 60 ? '' : 's'}`);

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export function parseScheduleExpression(raw: string): { expression: ScheduleExpression } | { problem: ExpressionProblem } {
  const text = raw.trim();
  const m = /^(cron|rate|at)\((.*)\)$/s.exec(text);
  if (!m) {
    const lower = /^(cron|rate|at)\s*\(/i.exec(text);
    return {
      problem: {
        code: 'invalid-schedule',
        message: lower ? `"${text}" is not a schedule expression: write ${lower[1]!.toLowerCase()}(…) in lower case, with the closing parenthesis.` : `"${text}" is not a schedule expression: SSM takes cron(…), rate(…) or at(…).`,
        hint: 'For example cron(0 2 ? * SUN *) (02:00 every Sunday), rate(12 hours), at(2030-01-31T22:00:00).',
        token: text,
      },
    };
  }
  const [, kind, inside] = m as unknown as [string, 'cron' | 'rate' | 'at', string];
  if (kind === 'cron') {
    const parsed = parseCron(inside);
    if ('problem' in parsed) return { problem: { code: 'invalid-schedule', ...parsed.problem } };
    const gap = shortestGapSeconds(parsed.cron);
    if (gap < MIN_INTERVAL_SECONDS) {
      return {
        problem: {
          code: 'schedule-too-frequent',
          message: `${text} fires ${every(gap)} apart at times; SSM runs maintenance windows at most every 5 minutes.`,
          hint: 'Spread the Minutes (e.g. 0/5) or use rate(5 minutes) or more.',
          token: inside.trim(),
        },
      };
    }
    return { expression: { kind: 'cron', cron: parsed.cron, text } };
  }
  if (kind === 'rate') {
    const r = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(inside);
    if (!r) {
      return { problem: { code: 'invalid-schedule', message: `"${text}" is not a rate: write rate(<number> <unit>).`, hint: 'For example rate(30 minutes), rate(1 hour), rate(7 days).', token: inside.trim() || text } };
    }
    const value = Number(r[1]);
    const word = r[2]!;
    const unit = word.replace(/s$/, '') as keyof typeof UNIT_MS;
    if (!(unit in UNIT_MS)) {
      return { problem: { code: 'invalid-schedule', message: `"${word}" is not a unit of rate(): minute(s), hour(s) or day(s).`, token: word } };
    }
    if (value < 1) return { problem: { code: 'invalid-schedule', message: `A rate must be positive; ${text} is not.`, token: r[1]! } };
    const plural = word.endsWith('s');
    if (plural !== value > 1) {
      return {
        problem: {
          code: 'invalid-schedule',
          message: `${text}: SSM wants the singular unit with 1 and the plural otherwise.`,
          hint: `Write rate(${value} ${value === 1 ? unit : `${unit}s`}).`,
          token: word,
        },
      };
    }
    const periodMs = value * UNIT_MS[unit];
    if (periodMs < MIN_INTERVAL_SECONDS * 1000) {
      return { problem: { code: 'schedule-too-frequent', message: `${text} is more often than SSM runs maintenance windows (every 5 minutes at most).`, hint: 'Use rate(5 minutes) or more.', token: inside.trim() } };
    }
    return { expression: { kind: 'rate', value, unit, periodMs, text } };
  }
  const a = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(inside.trim());
  if (!a) {
    return {
      problem: {
        code: 'invalid-schedule',
        message: `"${text}" is not a time stamp: write at(yyyy-mm-ddThh:mm:ss), without a zone (the window's ScheduleTimezone applies).`,
        hint: 'For example at(2030-01-31T22:00:00).',
        token: inside.trim() || text,
      },
    };
  }
  const [year, month, day, hour, minute, second] = a.slice(1).map(Number) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (month < 1 || month > 12 || check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 59) {
    return { problem: { code: 'invalid-schedule', message: `${inside.trim()} is not a date and time of the calendar.`, token: inside.trim() } };
  }
  return { expression: { kind: 'at', local: { year, month, day, hour, minute, second }, text } };
}
