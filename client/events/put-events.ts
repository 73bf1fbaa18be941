// PutEvents, as EventBridge takes it: up to ten entries (Source, DetailType, Detail, …), each
// made an event and routed, each answered with its EventId or an ErrorCode. The event id
// derives from the entry's content (with its Time), so putting the same entry again — a
// retried call — is the same event and starts nothing twice; entries meant as distinct events
// differ in Time or Detail. A full event (as EventBridge delivers one, with its id) can be put
// as it is.
import { DEFAULT_EVENT_BUS, entryProblem, entryToEvent, eventProblems, MAX_PUT_EVENTS_ENTRIES, normalizeEvent, type EventBridgeEvent, type PutEventsEntry } from '../../lang/events/event';
import { canonicalJson } from '../../compiler/hash';
import type { DeliveryContext, DeliveryReport, EventRouter } from './router';
import { uuidFrom } from './event-ids';

export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
  /** Drover's: what each delivered entry matched and started. */
  deliveries: (DeliveryReport | undefined)[];
}

export interface EventDefaults {
  account: string;
  region: string;
}

export function eventDefaults(env: NodeJS.ProcessEnv = process.env): EventDefaults {
  return { account: env.DROVER_EVENTS_ACCOUNT ?? '000000000000', region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' };
}

/** The id PutEvents gives an entry: a UUID of its content. */
export function entryEventId(entry: PutEventsEntry): string {
  const time = entry.Time instanceof Date ? entry.Time.toISOString() : entry.Time;
  return uuidFrom(`put-events:${canonicalJson({ ...entry, Time: time })}`);
}

export async function putEvents(router: EventRouter, entries: readonly PutEventsEntry[], ctx: Omit<DeliveryContext, 'eventBusName'> & { defaults?: EventDefaults }): Promise<PutEventsResult> {
  if (entries.length === 0 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
    throw new RangeError(`PutEvents takes 1 to ${MAX_PUT_EVENTS_ENTRIES} entries; got ${entries.length}`);
  }
  const defaults = ctx.defaults ?? eventDefaults();
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const results = await Promise.all(
    entries.map(async (entry): Promise<{ entry: PutEventsResultEntry; report?: DeliveryReport }> => {
      const problem = entryProblem(entry);
      if (problem) return { entry: { ErrorCode: problem.code, ErrorMessage: problem.message } };
      const event = entryToEvent(entry, { id: entryEventId(entry), ...defaults, now });
      try {
        const report = await router.deliver(event, { ...ctx, eventBusName: entry.EventBusName ?? DEFAULT_EVENT_BUS });
        return { entry: { EventId: event.id }, report };
      } catch (err) {
        // Retryable: nothing was lost, and putting the entry again starts nothing twice.
        return { entry: { ErrorCode: 'InternalFailure', ErrorMessage: (err as Error).message } };
      }
    }),
  );
  return { FailedEntryCount: results.filter((r) => r.entry.ErrorCode).length, Entries: results.map((r) => r.entry), deliveries: results.map((r) => r.report) };
}

/** A full event (as EventBridge delivers it), checked and completed with EventBridge's defaults. */
export function readDeliveredEvent(value: unknown, defaults: EventDefaults = eventDefaults()): { event: EventBridgeEvent } | { problems: string[] } {
  const problems = eventProblems(value);
  if (problems.length) return { problems };
  return { event: normalizeEvent(value as Record<string, unknown>, { ...defaults, now: new Date().toISOString() }) };
}
