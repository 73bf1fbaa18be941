// drover:notify — publishes one notification of an execution to SNS: the message the
// workflow built, plus a link to the execution in the Temporal UI (the worker knows where
// the UI is: DROVER_UI_URL). The workflow treats it as best effort; AWS refusing the
// publish (no such topic, access denied) fails at once instead of being retried.
import { createHash } from 'node:crypto';
import { activityInfo } from '@temporalio/activity';
import { PublishCommand, SNSClient, type MessageAttributeValue } from '@aws-sdk/client-sns';
import type { NotifyRequest } from '../workflows/definitions';
import { actionFailed } from './errors';
import type { ResolvedAwsDeps } from './aws/deps';
import { callAws } from './aws/errors';

export const DEFAULT_UI_URL = 'http://localhost:8233';
const MAX_SUBJECT = 100;

/** The execution's page in the Temporal UI (this run of it: an id may be used again). */
export function executionLink(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const base = uiUrl.replace(/\/+$/, '');
  const path = `/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return `${base}${path}${runId ? `/${encodeURIComponent(runId)}` : ''}`;
}

/** SNS subjects: at most 100 printable ASCII characters on one line. */
export function subjectOf(req: NotifyRequest): string {
  const m = req.message;
  const what = m.event === 'StepFailed' ? `step ${m.step} ${m.status}` : m.event === 'ApprovalRequested' ? `approval requested at ${m.step}` : m.status;
  const subject = `Drover: ${m.runbook} ${what}`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length > MAX_SUBJECT ? `${subject.slice(0, MAX_SUBJECT - 3)}...` : subject;
}

export function createNotify(deps: ResolvedAwsDeps & { uiUrl?: string }) {
  return async function notify(req: NotifyRequest): Promise<void> {
    if (typeof req?.topicArn !== 'string' || !req.topicArn.startsWith('arn:')) {
      throw actionFailed(`not an SNS topic ARN: ${JSON.stringify(req?.topicArn)}`);
    }
    const info = activityInfo();
    const ui = deps.uiUrl ?? process.env.DROVER_UI_URL ?? DEFAULT_UI_URL;
    const run = info.workflowExecution;
    const message = { ...req.message, link: executionLink(ui, info.workflowNamespace ?? 'default', run?.workflowId ?? req.message.executionId, run?.runId) };
    const attributes: Record<string, MessageAttributeValue> = {};
    // Message attributes let subscriptions filter (e.g. only Failed) without parsing the body.
    for (const key of ['event', 'status', 'runbook'] as const) {
      if (message[key]) attributes[key] = { DataType: 'String', StringValue: String(message[key]) };
    }
    const fifo = req.topicArn.endsWith('.fifo');
    const sns = deps.clients.get(SNSClient);
    await callAws(`publishing to ${req.topicArn}`, () =>
      sns.send(
        new PublishCommand({
          TopicArn: req.topicArn,
          Subject: subjectOf(req),
          Message: JSON.stringify(message),
          MessageAttributes: attributes,
          // FIFO topics keep one execution's messages in order, and drop a retry's duplicate.
          ...(fifo
            ? {
                MessageGroupId: message.executionId.slice(0, 128),
                MessageDeduplicationId: createHash('sha256').update(`${message.executionId}#${message.seq}`).digest('hex').slice(0, 64),
              }
            : {}),
        }),
      ),
    );
  };
}
