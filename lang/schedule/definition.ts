// A window's schedule fields (Schedule, ScheduleTimezone, ScheduleOffset, StartDate, EndDate)
// read into a ScheduleDefinition, with SSM's rules between them. Pure. The compiler reports
// the problems at their fields; the client and the activities read plans that passed.
import { DateTime } from 'luxon';
import { parseScheduleExpression, type ExpressionProblem } from './expression';
import { isValidTimezone, type ScheduleDefinition } from './fire-times';

/** A window's schedule as its file says it (the plan keeps these strings). */
export interface WindowScheduleFields {
  expression: string;
  timezone?: string;
  offsetDays?: number;
  startDate?: string;
  endDate?: string;
}

export interface ScheduleFieldProblem {
  field: 'Schedule' | 'ScheduleTimezone' | 'ScheduleOffset' | 'StartDate' | 'EndDate';
  code: string;
  message: string;
  hint?: string;
  /** Inside the Schedule: the piece to point at. */
  token?: string;
}

/** An ISO-8601 date and time; one without an offset is UTC (SSM: StartDate and ScheduleTimezone do not influence each other). */
export function parseIsoDate(text: string): Date | undefined {
  const dt = DateTime.fromISO(text, { zone: 'utc', setZone: true });
  return dt.isValid ? dt.toJSDate() : undefined;
}

export function readSchedule(fields: WindowScheduleFields): { definition?: ScheduleDefinition; problems: ScheduleFieldProblem[] } {
  const problems: ScheduleFieldProblem[] = [];
  const parsed = parseScheduleExpression(fields.expression);
  if ('problem' in parsed) problems.push(fromExpression(parsed.problem));
  if (fields.timezone !== undefined && !isValidTimezone(fields.timezone)) {
    problems.push({ field: 'ScheduleTimezone', code: 'invalid-timezone', message: `${fields.timezone} is not a time zone of the IANA database.`, hint: 'Write an IANA name such as Europe/Berlin, America/Los_Angeles or UTC.' });
  }
  if (fields.offsetDays !== undefined && 'expression' in parsed && parsed.expression.kind !== 'cron') {
    problems.push({ field: 'ScheduleOffset', code: 'offset-needs-cron', message: `ScheduleOffset moves the days of a cron expression; ${parsed.expression.kind}() has none.`, hint: 'Remove ScheduleOffset, or write the Schedule as cron(…).' });
  }
  const start = fields.startDate !== undefined ? parseIsoDate(fields.startDate) : undefined;
  const end = fields.endDate !== undefined ? parseIsoDate(fields.endDate) : undefined;
  for (const [field, text, date] of [['StartDate', fields.startDate, start], ['EndDate', fields.endDate, end]] as const) {
    if (text !== undefined && !date) problems.push({ field, code: 'invalid-date', message: `${field} "${text}" is not an ISO-8601 date and time.`, hint: 'For example 2030-01-01T00:00:00-08:00 (without an offset it is UTC).' });
  }
  if (start && end && end.getTime() <= start.getTime()) {
    problems.push({ field: 'EndDate', code: 'invalid-date', message: `EndDate ${fields.endDate} is not after StartDate ${fields.startDate}.` });
  }
  if (problems.length || !('expression' in parsed)) return { problems };
  const definition: ScheduleDefinition = { expression: parsed.expression };
  if (fields.timezone !== undefined) definition.timezone = fields.timezone;
  if (fields.offsetDays !== undefined) definition.offsetDays = fields.offsetDays;
  if (start) definition.startDate = start;
  if (end) definition.endDate = end;
  return { definition, problems };
}

function fromExpression(p: ExpressionProblem): ScheduleFieldProblem {
  return { field: 'Schedule', code: p.code, message: p.message, ...(p.hint ? { hint: p.hint } : {}), token: p.token };
}

/** The definition of a plan's schedule that passed the compiler; throws otherwise (a bug). */
export function scheduleDefinition(fields: WindowScheduleFields, anchor?: Date): ScheduleDefinition {
  const { definition, problems } = readSchedule(fields);
  if (!definition) throw new Error(`invalid schedule ${fields.expression}: ${problems.map((p) => p.message).join('; ')}`);
  return anchor ? { ...definition, anchor } : definition;
}
