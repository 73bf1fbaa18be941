// What SSM refuses in a Schedule, and what the message points at.
import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../../../lang/schedule/expression';

const REFUSED: [string, string, string][] = [
  // [expression, code, the token pointed at]
  ['cron(0 2 * * * *)', 'invalid-schedule', '*'],
  ['cron(0 2 ? * ? *)', 'invalid-schedule', '?'],
  ['cron(0 2 ? * SUN)', 'invalid-schedule', '0 2 ? * SUN'],
  ['cron(0 2 ? * 0 *)', 'invalid-schedule', '0'],
  ['cron(0 2 ? * FRI#6 *)', 'invalid-schedule', 'FRI#6'],
  ['cron(0 24 ? * SUN *)', 'invalid-schedule', '24'],
  ['cron(0 2 32 * ? *)', 'invalid-schedule', '32'],
  ['cron(0 2 ? FOO SUN *)', 'invalid-schedule', 'FOO'],
  ['cron(0 2 1,L * ? *)', 'invalid-schedule', '1,L'],
  ['cron(0 2 ? * MON,2L *)', 'invalid-schedule', 'MON,2L'],
  ['cron(0 2 ? * SUN 1969)', 'invalid-schedule', '1969'],
  ['cron(0 2 ? * SUN 2030-2028)', 'invalid-schedule', '2030-2028'],
  ['cron(0/0 2 ? * SUN *)', 'invalid-schedule', '0/0'],
  ['cron(* 2 ? * SUN *)', 'schedule-too-frequent', '* 2 ? * SUN *'],
  ['cron(0,2 2 ? * SUN *)', 'schedule-too-frequent', '0,2 2 ? * SUN *'],
  ['rate(1 hours)', 'invalid-schedule', 'hours'],
  ['rate(5 hour)', 'invalid-schedule', 'hour'],
  ['rate(2 weeks)', 'invalid-schedule', 'weeks'],
  ['rate(0 minutes)', 'invalid-schedule', '0'],
  ['rate(4 minutes)', 'schedule-too-frequent', '4 minutes'],
  ['at(2030-02-30T10:00:00)', 'invalid-schedule', '2030-02-30T10:00:00'],
  ['at(2030-01-01 10:00)', 'invalid-schedule', '2030-01-01 10:00'],
  ['CRON(0 2 ? * SUN *)', 'invalid-schedule', 'CRON(0 2 ? * SUN *)'],
  ['every sunday', 'invalid-schedule', 'every sunday'],
];

const ACCEPTED = [
  'cron(0 2 ? * SUN *)',
  'cron(0 2 ? * sun *)',
  'cron(0 2 ? * 2-6 *)',
  'cron(0 2 ? * MON-FRI *)',
  'cron(0 2 ? JAN,JUL * *)',
  'cron(0/15 * ? * * *)',
  'cron(*/10 8-17 ? * MON-FRI *)',
  'cron(0 22-2 ? * * *)',
  'cron(0 2 L * ? *)',
  'cron(0 2 LW * ? *)',
  'cron(0 2 15W * ? *)',
  'cron(0 2 ? * L *)',
  'cron(0 2 ? * 6L *)',
  'cron(0 2 ? * FRI#2 2030)',
  'cron(24 30 09 ? * * *)',
  'rate(5 minutes)',
  'rate(1 hour)',
  'rate(25 days)',
  'at(2030-07-07T13:15:30)',
];

describe('schedule expressions', () => {
  it.each(REFUSED)('refuses %s (%s at "%s")', (text, code, token) => {
    const r = parseScheduleExpression(text);
    expect('problem' in r ? { code: r.problem.code, token: r.problem.token } : 'accepted').toEqual({ code, token });
  });

  it.each(ACCEPTED)('accepts %s', (text) => {
    const r = parseScheduleExpression(text);
    expect('problem' in r ? r.problem.message : 'ok').toBe('ok');
  });

  it('tells Unix cron users about Sunday = 1 and the Year field', () => {
    const zero = parseScheduleExpression('cron(0 2 ? * 0 *)');
    expect('problem' in zero && zero.problem.hint).toMatch(/1 \(SUN\)/);
    const five = parseScheduleExpression('cron(0 2 ? * SUN)');
    expect('problem' in five && five.problem.hint).toMatch(/Year field/);
  });
});
