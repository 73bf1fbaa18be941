// The events log's contract: what happened to each match of an event rule that did not start
// an execution (the executions it started are findable through visibility, by their
// DroverTrigger `event:<rule>` and memo). One long-lived workflow per rule,
// `drover-events-log/<rule>`, keeps the latest records; the ingress records a refusal with
// signal-with-start before it acknowledges the event. Pure: imported by the workflow and the client.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const EVENT_LOG_WORKFLOW_TYPE = 'drover:eventLog';

export function eventLogWorkflowId(ruleTrigger: string): string {
  return `drover-events-log/${ruleTrigger}`;
}

/** How an event reached Drover. */
export type IngressKind = 'put-events' | 'http' | 'sqs';

export interface EventLogRecord {
  /** When the ingress handled it (ISO 8601). */
  time: string;
  /** `<rule>` on the default bus, else `<bus>/<rule>`. */
  rule: string;
  eventId: string;
  target: string;
  /** Why nothing was started (a bad parameter, no such runbook, an input the target cannot take). */
  reason: string;
  via: IngressKind;
  /** Who delivered it, when the ingress authenticated a caller (`api-key:<id>`). */
  principal?: string;
}

export const recordRefusalSignal = defineSignal<[EventLogRecord]>('drover.events.refused');
export const eventLogQuery = defineQuery<EventLogState>('drover.events.log');

export interface EventLogState {
  rule: string;
  /** Newest last, at most EVENT_LOG_KEEP. */
  records: EventLogRecord[];
  /** Every refusal recorded since the log began (across continue-as-new). */
  total: number;
}

/** Records kept (and carried across continue-as-new). */
export const EVENT_LOG_KEEP = 200;
/** A record costs about three history events: a run holds some 300 before it continues as new. */
export const EVENT_LOG_HISTORY_LIMIT = 1000;

export function isEventLogRecord(x: unknown): x is EventLogRecord {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return ['time', 'rule', 'eventId', 'target', 'reason', 'via'].every((k) => typeof r[k] === 'string');
}
