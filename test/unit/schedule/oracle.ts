// A brute-force oracle for cron fire times, written apart from lang/schedule: it walks every
// minute of UTC, asks Intl (not luxon) what the zone's clock shows, and fires where the
// clock matches: a local time the clocks skip is never shown, and one shown twice fires only
// the first time. The day rules are restated naively (L: tomorrow is another month; W: the
// closest weekday inside the month; #n: count the weekdays from the 1st).

export type DayShape =
  | { kind: 'everyDay' }
  | { kind: 'dom'; days: number[] }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number }
  | { kind: 'dow'; days: number[] }
  | { kind: 'nth'; day: number; n: number }
  | { kind: 'lastOfMonth'; day: number };

export interface CronShape {
  minutes: number[];
  hours: number[];
  day: DayShape;
  offset: number;
}

const NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function renderCron(s: CronShape): string {
  const dow = (d: number) => (d % 2 ? NAMES[d - 1]! : String(d));
  const [dom, dw] = ((): [string, string] => {
    switch (s.day.kind) {
      case 'everyDay':
        return ['*', '?'];
      case 'dom':
        return [s.day.days.join(','), '?'];
      case 'last':
        return ['L', '?'];
      case 'lastWeekday':
        return ['LW', '?'];
      case 'nearestWeekday':
        return [`${s.day.day}W`, '?'];
      case 'dow':
        return ['?', s.day.days.map(dow).join(',')];
      case 'nth':
        return ['?', `${dow(s.day.day)}#${s.day.n}`];
      case 'lastOfMonth':
        return ['?', `${s.day.day}L`];
    }
  })();
  return `cron(${s.minutes.join(',')} ${s.hours.join(',')} ${dom} * ${dw} *)`;
}

const sameMonth = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCMonth() === m - 1;
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;
const isWeekday = (y: number, m: number, d: number) => weekday(y, m, d) >= 2 && weekday(y, m, d) <= 6;

function dayMatches(day: DayShape, y: number, m: number, d: number): boolean {
  switch (day.kind) {
    case 'everyDay':
      return true;
    case 'dom':
      return day.days.includes(d);
    case 'last':
      return !sameMonth(y, m, d + 1);
    case 'lastWeekday': {
      if (!isWeekday(y, m, d)) return false;
      for (let k = d + 1; sameMonth(y, m, k); k++) if (isWeekday(y, m, k)) return false;
      return true;
    }
    case 'nearestWeekday': {
      if (!sameMonth(y, m, day.day)) return false;
      let best = -1;
      for (let k = 1; sameMonth(y, m, k); k++) {
        if (isWeekday(y, m, k) && (best < 0 || Math.abs(k - day.day) < Math.abs(best - day.day))) best = k;
      }
      return d === best;
    }
    case 'dow':
      return day.days.includes(weekday(y, m, d));
    case 'nth': {
      if (weekday(y, m, d) !== day.day) return false;
      let count = 0;
      for (let k = 1; k <= d; k++) if (weekday(y, m, k) === day.day) count++;
      return count === day.n;
    }
    case 'lastOfMonth':
      return weekday(y, m, d) === day.day && !sameMonth(y, m, d + 7);
  }
}

/** The zone's UTC offset in minutes at an instant, as Intl reports it. */
function intlOffsetMinutes(format: Intl.DateTimeFormat, t: number): number {
  const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return Math.round((wall - t) / 60_000);
}

export function bruteForceFireTimes(shape: CronShape, zone: string, after: Date, until: Date): Date[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const seen = new Set<string>();
  const out: Date[] = [];
  // Start two days early, so a repeated local time's first showing is seen even before `after`.
  const begin = Math.floor(after.getTime() / 3_600_000) * 3_600_000 - 2 * 86_400_000;
  let offset = 0;
  for (let t = begin; t < until.getTime(); t += 60_000) {
    // The zones here change their offset only on the hour (UTC), so ask Intl once an hour.
    if (t % 3_600_000 === 0) offset = intlOffsetMinutes(format, t);
    const local = new Date(t + offset * 60_000);
    const key = local.toISOString();
    if (seen.has(key)) continue;
    seen.add(key);
    if (t <= after.getTime()) continue;
    if (!shape.hours.includes(local.getUTCHours()) || !shape.minutes.includes(local.getUTCMinutes())) continue;
    const cronDate = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - shape.offset));
    if (dayMatches(shape.day, cronDate.getUTCFullYear(), cronDate.getUTCMonth() + 1, cronDate.getUTCDate())) out.push(new Date(t));
  }
  return out;
}
