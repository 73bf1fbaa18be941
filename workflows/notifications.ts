// Notifications of an execution to SNS: each status change and step failure to the topic
// the execution was started with, and aws:approve's requests to their NotificationArn.
// Best effort and off the hot path: each message is one drover:notify activity, chained so
// they go out in order while the execution carries on; a publish that fails is logged and
// dropped. The execution waits for the chain only before it ends, so the last status is sent.
import { CancellationScope, log, patched, scheduleActivity, type ActivityOptions } from '@temporalio/workflow';
import { redact } from '../lang/redact';
import { FAILURE_TYPES, SUPPORT_ACTIVITIES, type NotificationMessage, type NotifyRequest, type Status, type WaitingFor } from './definitions';

const NOTIFY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '20s',
  // However busy the workers, a notification never holds the end of an execution for long.
  scheduleToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3, nonRetryableErrorTypes: [FAILURE_TYPES.actionFailed] },
};

/** Executions started by a Drover without notifications replay without them. */
const PATCH_ID = 'drover-notifications';

type Fields = Omit<NotificationMessage, 'seq' | 'runbook' | 'executionId' | 'time' | 'link'>;

export class Notifier {
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  private lastStatus: Status | undefined;

  constructor(
    private readonly who: { runbook: string; executionId: string },
    /** The execution's topic (ExecutionInput.notifyTopicArn); none: no status notifications. */
    private readonly topicArn: string | undefined,
    /** Values of secret parameters, blanked out of every message. */
    private readonly secrets: readonly string[],
  ) {}

  /** What a continue-as-new carries, so the next run numbers on and does not repeat the status. */
  get progress(): { seq: number; lastStatus?: Status } {
    return this.lastStatus ? { seq: this.seq, lastStatus: this.lastStatus } : { seq: this.seq };
  }

  resumeFrom(p: { seq: number; lastStatus?: Status }): void {
    this.seq = p.seq;
    this.lastStatus = p.lastStatus;
  }

  /** The execution's status is now `status` (repeats are ignored). */
  statusChanged(status: Status, failureMessage?: string): void {
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.publish(this.topicArn, { event: 'ExecutionStatusChanged', status, ...(failureMessage ? { failureMessage } : {}) });
  }

  /** A step failed (or timed out) after all its attempts. */
  stepFailed(step: string, status: Status, failureMessage: string): void {
    this.publish(this.topicArn, { event: 'StepFailed', status, step, failureMessage });
  }

  /** aws:approve waits for decisions: ask its NotificationArn for them. */
  approvalRequested(topicArn: string, waiting: WaitingFor): void {
    const fields: Fields = { event: 'ApprovalRequested', status: 'Waiting', step: waiting.step };
    if (waiting.message) fields.message = waiting.message;
    if (waiting.approvers) fields.approvers = [...waiting.approvers];
    if (waiting.minRequiredApprovals) fields.minRequiredApprovals = waiting.minRequiredApprovals;
    this.publish(topicArn, fields);
  }

  /** Settles once every notification asked for so far is published or given up on. */
  flush(): Promise<void> {
    return this.chain;
  }

  private publish(topicArn: string | undefined, fields: Fields): void {
    if (!topicArn || !patched(PATCH_ID)) return;
    const message: NotificationMessage = {
      ...fields,
      seq: ++this.seq,
      runbook: this.who.runbook,
      executionId: this.who.executionId,
      time: new Date().toISOString(),
    };
    if (message.failureMessage) message.failureMessage = redact(message.failureMessage, this.secrets);
    if (message.message) message.message = redact(message.message, this.secrets);
    const request: NotifyRequest = { topicArn, message };
    const what = message.step ? `${message.event} ${message.step}` : `${message.event} ${message.status}`;
    this.chain = this.chain
      .then(() =>
        // Cancelling the execution must not silence its Cancelling and Cancelled messages.
        CancellationScope.nonCancellable(() => scheduleActivity<void>(SUPPORT_ACTIVITIES.notify, [request], { ...NOTIFY_OPTIONS, summary: `notify: ${what}` })),
      )
      .catch((err: unknown) => {
        // An ActivityFailure says only "Activity task failed"; its cause says why.
        const cause = (err as { cause?: unknown }).cause ?? err;
        log.warn('notification not published', { topicArn, event: message.event, seq: message.seq, error: cause instanceof Error ? cause.message : String(cause) });
      });
  }
}
