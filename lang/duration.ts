// `aws:sleep` times: ISO-8601 durations and timestamps. Pure (workflow code): the caller
// passes the current time, and nothing here depends on the worker's time zone.
//
// Decisions:
// - Durations take weeks, days, hours, minutes and seconds (`P1W`, `P1DT2H`, `PT0.5S`),
//   with a decimal fraction on any of them and designators in either case (Java's
//   Duration.parse, which AWS's service likely uses, accepts lower case). Years and months
//   are rejected: their length depends on the calendar, and a sleep must be exact.
// - Timestamps must carry `Z` or an offset: a zone-less time would be read in the
//   worker's local zone, and two workers would then sleep differently on replay.
// - AWS caps aws:sleep at 604799 s; longer sleeps are cut to that, a past Timestamp is 0.
export class DurationError extends Error {
  override name = 'DurationError';
}

/** AWS's limit for one aws:sleep, in seconds (one week minus one second). */
export const MAX_SLEEP_SECONDS = 604_799;

const NUM = String.raw`(\d+(?:[.,]\d+)?)`;
const DURATION = new RegExp(
  `^P(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`,
  'i',
);
// Milliseconds per designator, in the order of DURATION's groups after Y and M.
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000];

const EXAMPLES = 'e.g. PT10M, PT1H30M, P1DT2H, PT0.5S';

/** Milliseconds in an ISO-8601 duration such as `PT10M` or `P1DT2H`. */
export function parseIsoDuration(s: string): number {
  const text = typeof s === 'string' ? s.trim() : s;
  if (typeof text !== 'string') throw new DurationError(`Duration must be a string (${EXAMPLES}), got ${typeof text}`);
  const m = DURATION.exec(text);
  // `P`, `PT` and `P1DT` match the pattern with nothing (after T) in them.
  if (!m || !m.slice(1).some((g) => g !== undefined) || /T$/i.test(text)) {
    throw new DurationError(`not an ISO-8601 duration: ${JSON.stringify(s)} (${EXAMPLES})`);
  }
  if (m[1] !== undefined || m[2] !== undefined) {
    throw new DurationError(
      `${JSON.stringify(s)}: years and months have no fixed length; write the duration in weeks or days (e.g. P30D)`,
    );
  }
  let ms = 0;
  m.slice(3).forEach((g, i) => {
    if (g !== undefined) ms += Number(g.replace(',', '.')) * UNIT_MS[i]!;
  });
  if (!Number.isFinite(ms)) throw new DurationError(`duration too long: ${JSON.stringify(s)}`);
  return Math.round(ms);
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;

/** Epoch milliseconds of an ISO-8601 date-time with a zone, such as `2026-01-01T00:00:00Z`. */
export function parseIsoTimestamp(s: string): number {
  const m = typeof s === 'string' ? TIMESTAMP.exec(s.trim()) : null;
  const bad = (why: string): DurationError =>
    new DurationError(`not an ISO-8601 timestamp: ${JSON.stringify(s)} (${why}; e.g. 2026-01-01T00:00:00Z)`);
  if (!m) throw bad('expected yyyy-MM-ddTHH:mm[:ss[.fff]] followed by Z or an offset such as +02:00');
  const field = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)];
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls over (Feb 30 -> Mar 2, 24:00 -> next day); a round trip catches it.
  const check = new Date(utc);
  const fields = [check.getUTCFullYear(), check.getUTCMonth() + 1, check.getUTCDate(), check.getUTCHours()];
  const same = [year, month, day, hour].every((v, i) => v === fields[i]);
  if (!same || minute > 59 || second > 59) throw bad('a field is out of range');
  const zone = m[8]!.toUpperCase();
  const [offsetH, offsetM] = [field(10), field(11)];
  if (offsetH > 18 || offsetM > 59) throw bad('the offset is out of range');
  const offsetMin = zone === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (offsetH * 60 + offsetM);
  return utc + Math.round(fraction) - offsetMin * 60_000;
}

/**
 * How long an `aws:sleep` with these (interpolated) inputs waits, in milliseconds, when it
 * starts at `nowMs`: exactly one of Duration and Timestamp; capped at MAX_SLEEP_SECONDS.
 */
export function sleepMillis(inputs: { Duration?: string; Timestamp?: string }, nowMs: number): number {
  const hasDuration = inputs.Duration !== undefined;
  const hasTimestamp = inputs.Timestamp !== undefined;
  if (hasDuration && hasTimestamp) throw new DurationError('aws:sleep takes Duration or Timestamp, not both');
  if (!hasDuration && !hasTimestamp) {
    throw new DurationError('aws:sleep needs Duration (e.g. PT10M) or Timestamp (e.g. 2026-01-01T00:00:00Z)');
  }
  const ms = hasDuration
    ? parseIsoDuration(inputs.Duration!)
    : Math.max(0, parseIsoTimestamp(inputs.Timestamp!) - nowMs);
  return Math.min(ms, MAX_SLEEP_SECONDS * 1000);
}
