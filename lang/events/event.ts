// Events as EventBridge delivers them (to an API destination, to an SQS queue), and PutEvents
// entries as a client sends them. The checks here are what makes an event usable by rules:
// what is wrong is said in a sentence so that the ingress can answer 4xx with it. Pure.

export interface EventBridgeEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  [extra: string]: unknown;
}

/** PutEvents' request entry (PutEventsRequestEntry). */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  /** A JSON object, as text. */
  Detail?: string;
  Resources?: string[];
  /** ISO 8601 (or a Date); default: when the ingress receives it. */
  Time?: string | Date;
  EventBusName?: string;
  TraceHeader?: string;
}

/** EventBridge's limit on one event (and one PutEvents entry). */
export const MAX_EVENT_BYTES = 256 * 1024;
/** PutEvents takes at most 10 entries. */
export const MAX_PUT_EVENTS_ENTRIES = 10;
export const DEFAULT_EVENT_BUS = 'default';

/** Problems of a delivered event, each a sentence; empty when the event is usable. */
export function eventProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['the event must be a JSON object'];
  const e = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of ['id', 'source', 'detail-type'] as const) {
    if (typeof e[field] !== 'string' || e[field] === '') problems.push(`"${field}" must be a non-empty string`);
  }
  if (typeof e.id === 'string' && e.id.length > 256) problems.push('"id" has at most 256 characters');
  for (const field of ['account', 'region', 'time', 'version'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string') problems.push(`"${field}" must be a string`);
  }
  if (typeof e.time === 'string' && Number.isNaN(Date.parse(e.time))) problems.push(`"time" must be an ISO 8601 time, not ${JSON.stringify(e.time)}`);
  if (e.resources !== undefined && (!Array.isArray(e.resources) || e.resources.some((r) => typeof r !== 'string'))) problems.push('"resources" must be a list of strings');
  if (e.detail !== undefined && (typeof e.detail !== 'object' || e.detail === null || Array.isArray(e.detail))) problems.push('"detail" must be a JSON object');
  return problems;
}

/** A delivered event with EventBridge's defaults for what it may leave out. */
export function normalizeEvent(e: Record<string, unknown>, defaults: { account: string; region: string; now: string }): EventBridgeEvent {
  return {
    ...e,
    version: typeof e.version === 'string' ? e.version : '0',
    id: e.id as string,
    'detail-type': e['detail-type'] as string,
    source: e.source as string,
    account: typeof e.account === 'string' ? e.account : defaults.account,
    time: typeof e.time === 'string' ? e.time : defaults.now,
    region: typeof e.region === 'string' ? e.region : defaults.region,
    resources: Array.isArray(e.resources) ? (e.resources as string[]) : [],
    detail: (e.detail as Record<string, unknown> | undefined) ?? {},
  };
}

/** Why PutEvents refuses an entry: AWS's error code and message, or undefined when it is fine. */
export function entryProblem(entry: unknown): { code: string; message: string } | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { code: 'InvalidArgument', message: 'An entry must be an object with Source, DetailType and Detail.' };
  const e = entry as Record<string, unknown>;
  const required = (name: string) => ({ code: 'InvalidArgument', message: `Parameter ${name} is not valid. Reason: ${name} is a required argument.` });
  if (typeof e.Source !== 'string' || !e.Source) return required('Source');
  if (typeof e.DetailType !== 'string' || !e.DetailType) return required('DetailType');
  if (typeof e.Detail !== 'string' || !e.Detail) return required('Detail');
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    return { code: 'MalformedDetail', message: 'Detail is malformed: it is not JSON.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { code: 'MalformedDetail', message: 'Detail is malformed: it must be a JSON object.' };
  if (e.Resources !== undefined && (!Array.isArray(e.Resources) || e.Resources.some((r) => typeof r !== 'string'))) {
    return { code: 'InvalidArgument', message: 'Parameter Resources is not valid. Reason: Resources must be a list of strings.' };
  }
  if (e.Time !== undefined && !(e.Time instanceof Date) && (typeof e.Time !== 'string' || Number.isNaN(Date.parse(e.Time)))) {
    return { code: 'InvalidArgument', message: 'Parameter Time is not valid. Reason: Time must be an ISO 8601 time.' };
  }
  if (e.EventBusName !== undefined && (typeof e.EventBusName !== 'string' || !e.EventBusName)) {
    return { code: 'InvalidArgument', message: 'Parameter EventBusName is not valid.' };
  }
  if (utf8Length(JSON.stringify(entry)) > MAX_EVENT_BYTES) return { code: 'InvalidArgument', message: `The entry is larger than ${MAX_EVENT_BYTES} bytes.` };
  return undefined;
}

/** The event EventBridge makes of a valid entry (the id is the caller's). */
export function entryToEvent(entry: PutEventsEntry, ctx: { id: string; account: string; region: string; now: string }): EventBridgeEvent {
  const time = entry.Time instanceof Date ? entry.Time.toISOString() : typeof entry.Time === 'string' ? new Date(entry.Time).toISOString().replace(/\.000Z$/, 'Z') : ctx.now;
  return {
    version: '0',
    id: ctx.id,
    'detail-type': entry.DetailType!,
    source: entry.Source!,
    account: ctx.account,
    time,
    region: ctx.region,
    resources: entry.Resources ?? [],
    detail: JSON.parse(entry.Detail!) as Record<string, unknown>,
  };
}

export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
