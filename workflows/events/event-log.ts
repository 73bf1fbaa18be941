// One rule's log of refused matches: takes each record (a repeated delivery of the same event
// and target is kept once), answers the query, and continues as new long before its history
// grows, carrying the latest records. Idle, it costs no events.
import { allHandlersFinished, condition, continueAsNew, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { failClearly } from '../fail-clearly';
import { EVENT_LOG_HISTORY_LIMIT, EVENT_LOG_KEEP, eventLogQuery, isEventLogRecord, recordRefusalSignal, type EventLogState } from './event-log-contract';

export interface EventLogOptions {
  /** Events after which the workflow continues as new (tests make it small). */
  historyLimit?: number;
}

export function eventLogWorkflow(state: EventLogState, options: EventLogOptions = {}): Promise<void> {
  return failClearly('the events log', () => keepLog(state, options ?? {}));
}

async function keepLog(initial: EventLogState, options: EventLogOptions): Promise<void> {
  const state: EventLogState = { rule: String(initial?.rule ?? ''), records: Array.isArray(initial?.records) ? initial.records.filter(isEventLogRecord) : [], total: Number(initial?.total ?? 0) };
  setHandler(recordRefusalSignal, (record) => {
    if (!isEventLogRecord(record)) {
      log.warn('ignored a malformed events-log record', { rule: state.rule });
      return;
    }
    if (state.records.some((r) => r.eventId === record.eventId && r.target === record.target)) return;
    state.records.push(record);
    state.total += 1;
    if (state.records.length > EVENT_LOG_KEEP) state.records.splice(0, state.records.length - EVENT_LOG_KEEP);
  });
  setHandler(eventLogQuery, () => state);
  const limit = options.historyLimit ?? EVENT_LOG_HISTORY_LIMIT;
  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit);
  await condition(allHandlersFinished);
  await continueAsNew<typeof eventLogWorkflow>(state, options);
}
