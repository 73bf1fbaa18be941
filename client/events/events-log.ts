// `drover events log`: every match of the event rules, newest first. What a match started is
// found through visibility (the executions' DroverTrigger `event:<rule>` and their memo);
// what it refused to start is kept by the rule's events-log workflow (a query).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SA_STATUS, SA_TRIGGER } from '../../workflows/definitions';
import { EVENT_LOG_WORKFLOW_TYPE, eventLogQuery, eventLogWorkflowId, type EventLogRecord, type IngressKind } from '../../workflows/events/event-log-contract';
import { visibilityLiteral } from '../visibility';
import { EVENT_MEMO_KEY, type EventMemo } from './router';

export interface EventLogEntry {
  time: string;
  rule: string;
  eventId: string;
  target: string;
  outcome: 'started' | 'refused';
  /** The execution (or command) it started. */
  executionId?: string;
  /** That execution's status now (Drover's, else Temporal's). */
  status?: string;
  workflowType?: string;
  /** Why nothing was started. */
  reason?: string;
  via?: IngressKind;
  principal?: string;
}

export interface EventLogListing {
  entries: EventLogEntry[];
  /** Rules whose refusals could not be read (no worker answered the query). */
  unreadable: string[];
}

export async function listEventLog(client: Client, opts: { rule?: string; limit?: number } = {}): Promise<EventLogListing> {
  const limit = opts.limit ?? 50;
  const started: EventLogEntry[] = [];
  const trigger = opts.rule ? `${SA_TRIGGER.name} = ${visibilityLiteral(`event:${opts.rule}`)}` : `${SA_TRIGGER.name} STARTS_WITH 'event:'`;
  for await (const wf of client.workflow.list({ query: trigger, pageSize: Math.min(limit, 1000) })) {
    const memo = wf.memo?.[EVENT_MEMO_KEY] as EventMemo | undefined;
    if (!memo) continue;
    started.push({
      time: memo.receivedAt,
      rule: memo.rule,
      eventId: memo.eventId,
      target: memo.target,
      outcome: 'started',
      executionId: wf.workflowId,
      status: String(wf.typedSearchAttributes.get(SA_STATUS) ?? wf.status.name),
      workflowType: wf.type,
      via: memo.via,
      ...(memo.principal ? { principal: memo.principal } : {}),
    });
    if (started.length >= limit) break;
  }
  const logs: string[] = [];
  if (opts.rule) logs.push(eventLogWorkflowId(opts.rule));
  else for await (const wf of client.workflow.list({ query: `WorkflowType = '${EVENT_LOG_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'` })) logs.push(wf.workflowId);
  const refused: EventLogEntry[] = [];
  const unreadable: string[] = [];
  await Promise.all(
    logs.map(async (id) => {
      try {
        const state = await client.workflow.getHandle(id).query(eventLogQuery);
        refused.push(...state.records.map(refusal));
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) unreadable.push(id.replace(/^drover-events-log\//, ''));
      }
    }),
  );
  const entries = [...started, ...refused].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, limit);
  return { entries, unreadable };
}

function refusal(r: EventLogRecord): EventLogEntry {
  return { time: r.time, rule: r.rule, eventId: r.eventId, target: r.target, outcome: 'refused', reason: r.reason, via: r.via, ...(r.principal ? { principal: r.principal } : {}) };
}
