// Listing executions through Temporal's visibility, by Drover's search attributes.
import type { Client } from '@temporalio/client';
import { SA_RUNBOOK, SA_STATUS, SA_TRIGGER, type Status } from '../workflows/definitions';
import { visibilityLiteral } from './visibility';

export interface ExecutionSummary {
  executionId: string;
  runbook: string;
  /** Drover's status (AWS's names); Temporal's own while the first status is not indexed yet. */
  status: string;
  trigger?: string;
  startTime: string;
  closeTime?: string;
}

export interface ListFilter {
  runbook?: string;
  status?: Status;
  limit?: number;
}

/** Visibility query text; values are quoted so a runbook name cannot change the query. */
export function executionQuery(filter: ListFilter): string {
  const parts = [filter.runbook ? `${SA_RUNBOOK.name} = ${visibilityLiteral(filter.runbook)}` : `${SA_RUNBOOK.name} IS NOT NULL`];
  if (filter.status) parts.push(`${SA_STATUS.name} = ${visibilityLiteral(filter.status)}`);
  return parts.join(' AND ');
}

/** Newest first, at most `limit` (default 50). */
export async function listExecutions(client: Client, filter: ListFilter = {}): Promise<ExecutionSummary[]> {
  const out: ExecutionSummary[] = [];
  const limit = filter.limit ?? 50;
  for await (const w of client.workflow.list({ query: executionQuery(filter), pageSize: Math.min(limit, 1000) })) {
    const sa = w.typedSearchAttributes;
    const e: ExecutionSummary = {
      executionId: w.workflowId,
      runbook: sa.get(SA_RUNBOOK) ?? w.type,
      status: sa.get(SA_STATUS) ?? w.status.name,
      startTime: w.startTime.toISOString(),
    };
    const trigger = sa.get(SA_TRIGGER);
    if (trigger) e.trigger = trigger;
    if (w.closeTime) e.closeTime = w.closeTime.toISOString();
    out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}
