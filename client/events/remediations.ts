// AWS Config's remediation API over the per-resource workflows: StartRemediationExecution,
// Put/Delete/DescribeRemediationExceptions and DescribeRemediationExecutionStatus. The
// configurations come from the remediation folders; the state from the workflows (their
// memo through visibility, or a query for the details).
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { RemediationConfig } from '../../lang/events/remediation';
import { visibilityLiteral } from '../visibility';
import { SA_TRIGGER } from '../../workflows/definitions';
import {
  deleteExceptionSignal,
  putExceptionSignal,
  REMEDIATION_MEMO_KEY,
  REMEDIATION_WORKFLOW_TYPE,
  remediationStatusQuery,
  remediationTrigger,
  remediationWorkflowId,
  startRemediationSignal,
  type RemediationAttempt,
  type RemediationStatus,
} from '../../workflows/events/remediation-contract';
import { ensureRemediationControl, remediationStartOptions } from './router';

export class RemediationConfigNotFoundError extends Error {
  constructor(configRuleName: string, known: string[]) {
    super(`no remediation configuration for Config rule ${configRuleName}${known.length ? ` (there are: ${known.join(', ')})` : ' (the remediation folders have none)'}`);
    this.name = 'RemediationConfigNotFoundError';
  }
}

/** One row of the listing: the workflow's memo (no worker needed). */
export type RemediationSummary = Omit<RemediationStatus, 'attempts'> & { lastAttempt?: RemediationAttempt; workflowId: string; running: boolean };

export class RemediationClient {
  constructor(
    readonly client: Client,
    readonly options: { taskQueue: string; remediations: readonly RemediationConfig[]; searchAttributes?: boolean },
  ) {}

  config(configRuleName: string): RemediationConfig {
    const found = this.options.remediations.find((r) => r.configRuleName === configRuleName);
    if (!found) throw new RemediationConfigNotFoundError(configRuleName, this.options.remediations.map((r) => r.configRuleName));
    return found;
  }

  /** StartRemediationExecution: remediate these resources now, whatever their compliance and exceptions. */
  async start(configRuleName: string, resourceIds: readonly string[], opts: { by: string; resourceType?: string }): Promise<string[]> {
    const config = this.config(configRuleName);
    if (config.ssmControls) await ensureRemediationControl(this.client, this.options.taskQueue, config);
    return Promise.all(
      resourceIds.map(async (id) => {
        const base = remediationStartOptions(this.options, config, id, opts.resourceType ?? config.resourceType);
        await this.client.workflow.signalWithStart(REMEDIATION_WORKFLOW_TYPE, {
          ...base,
          signal: startRemediationSignal,
          signalArgs: [{ requestId: randomUUID(), by: opts.by, config, ...(opts.resourceType ? { resourceType: opts.resourceType } : {}) }],
        });
        return base.workflowId;
      }),
    );
  }

  /** PutRemediationExceptions: no automatic remediation for these resources (until the expiration time, if given). */
  async putExceptions(configRuleName: string, resourceIds: readonly string[], opts: { by: string; message?: string; expirationTime?: string; resourceType?: string }): Promise<void> {
    const config = this.config(configRuleName);
    await Promise.all(
      resourceIds.map((id) =>
        this.client.workflow.signalWithStart(REMEDIATION_WORKFLOW_TYPE, {
          ...remediationStartOptions(this.options, config, id, opts.resourceType ?? config.resourceType),
          signal: putExceptionSignal,
          signalArgs: [{ requestId: randomUUID(), by: opts.by, config, ...(opts.message ? { message: opts.message } : {}), ...(opts.expirationTime ? { expirationTime: opts.expirationTime } : {}) }],
        }),
      ),
    );
  }

  /** DeleteRemediationExceptions: automatic remediation resumes (at once, for a resource still NON_COMPLIANT). Returns the ids that had no remediation. */
  async deleteExceptions(configRuleName: string, resourceIds: readonly string[], opts: { by: string }): Promise<string[]> {
    const failed: string[] = [];
    await Promise.all(
      resourceIds.map(async (id) => {
        try {
          await this.client.workflow.getHandle(remediationWorkflowId(configRuleName, id)).signal(deleteExceptionSignal, { requestId: randomUUID(), by: opts.by });
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) failed.push(id);
          else throw err;
        }
      }),
    );
    return failed;
  }

  /** DescribeRemediationExecutionStatus for one resource: the whole state, attempts included (a query). */
  async status(configRuleName: string, resourceId: string): Promise<RemediationStatus> {
    return this.client.workflow.getHandle(remediationWorkflowId(configRuleName, resourceId)).query(remediationStatusQuery);
  }

  /** Every remediated resource (of one Config rule), from the workflows' memo. */
  async list(opts: { configRuleName?: string; limit?: number } = {}): Promise<RemediationSummary[]> {
    const clauses = [`WorkflowType = '${REMEDIATION_WORKFLOW_TYPE}'`];
    if (opts.configRuleName) clauses.push(`${SA_TRIGGER.name} = ${visibilityLiteral(remediationTrigger(opts.configRuleName))}`);
    const rows: RemediationSummary[] = [];
    for await (const wf of this.client.workflow.list({ query: clauses.join(' AND ') })) {
      const memo = wf.memo?.[REMEDIATION_MEMO_KEY] as Omit<RemediationSummary, 'workflowId' | 'running'> | undefined;
      if (!memo) continue;
      rows.push({ ...memo, workflowId: wf.workflowId, running: wf.status.name === 'RUNNING' });
      if (opts.limit && rows.length >= opts.limit) break;
    }
    return rows.sort((a, b) => a.configRuleName.localeCompare(b.configRuleName) || a.resourceId.localeCompare(b.resourceId));
  }
}
