// SSM's NotificationConfig for Run Command: status changes of the command (type Command)
// or of each invocation (type Invocation) published to an SNS topic, for the events asked
// (All, InProgress, Success, TimedOut, Cancelled, Failed). Best effort: a notification
// that cannot be published is logged and never fails the command.
import { isCancellation, log, scheduleActivity, workflowInfo } from '@temporalio/workflow';
import type { CommandStatus, InvocationStatus } from '../../agent/protocol';
import { RUN_COMMAND_ACTIVITIES, type CommandOptions, type NotificationConfig } from './contract';

export interface PublishRequest {
  topicArn: string;
  subject: string;
  /** Published as JSON. */
  message: Record<string, unknown>;
  /** SSM publishes as the command's ServiceRoleArn. */
  roleArn?: string;
}

/** Which notification event a status is: Undeliverable counts as Failed, Terminated (cancelled by the system) as Cancelled. */
function eventOf(status: InvocationStatus | CommandStatus): string | undefined {
  switch (status) {
    case 'InProgress':
    case 'Success':
    case 'TimedOut':
    case 'Cancelled':
    case 'Failed':
      return status;
    case 'Undeliverable':
      return 'Failed';
    case 'Terminated':
      return 'Cancelled';
    default:
      return undefined;
  }
}

export function wantsEvent(cfg: NotificationConfig, type: 'Command' | 'Invocation', status: InvocationStatus | CommandStatus): boolean {
  if (!cfg.NotificationArn || (cfg.NotificationType ?? 'Command') !== type) return false;
  const event = eventOf(status);
  const events = cfg.NotificationEvents?.length ? cfg.NotificationEvents : ['All'];
  return event !== undefined && (events.includes('All') || events.includes(event));
}

async function publish(request: PublishRequest): Promise<void> {
  try {
    await scheduleActivity(RUN_COMMAND_ACTIVITIES.notify, [request], {
      taskQueue: workflowInfo().taskQueue,
      startToCloseTimeout: '30s',
      retry: { maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2 },
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('could not publish a Run Command notification', { topic: request.topicArn, error: String(err) });
  }
}

export async function notifyInvocation(input: CommandOptions & { target: string }, status: InvocationStatus, detailedStatus: string): Promise<void> {
  const cfg = input.notificationConfig;
  if (!cfg || !wantsEvent(cfg, 'Invocation', status)) return;
  await publish({
    topicArn: cfg.NotificationArn,
    ...(input.serviceRoleArn ? { roleArn: input.serviceRoleArn } : {}),
    subject: `Run Command ${input.commandId} on ${input.target}: ${status}`,
    message: {
      commandId: input.commandId,
      documentName: input.documentName,
      instanceId: input.target,
      requestedDateTime: input.requestedDateTime,
      status,
      detailedStatus,
      eventTime: new Date().toISOString(),
    },
  });
}

export async function notifyCommand(
  cfg: NotificationConfig | undefined,
  command: { commandId: string; documentName: string; requestedDateTime: string; outputS3BucketName?: string; outputS3KeyPrefix?: string; serviceRoleArn?: string },
  status: CommandStatus,
  targetCount: number,
): Promise<void> {
  if (!cfg || !wantsEvent(cfg, 'Command', status)) return;
  await publish({
    topicArn: cfg.NotificationArn,
    ...(command.serviceRoleArn ? { roleArn: command.serviceRoleArn } : {}),
    subject: `Run Command ${command.commandId}: ${status}`,
    message: {
      commandId: command.commandId,
      documentName: command.documentName,
      requestedDateTime: command.requestedDateTime,
      outputS3BucketName: command.outputS3BucketName ?? '',
      outputS3KeyPrefix: command.outputS3KeyPrefix ?? '',
      status,
      targetCount,
      eventTime: new Date().toISOString(),
    },
  });
}
