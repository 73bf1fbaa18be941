// Publishes a Run Command notification (SSM's message shape, built by the workflow) to
// SNS, as the command's ServiceRoleArn when it has one (SSM publishes through that role).
import { createHash } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PublishRequest } from '../../workflows/run-command/notifications';
import type { AwsClients } from '../aws/clients';
import { callAws } from '../aws/errors';
import { actionFailed } from '../errors';

const MAX_SUBJECT = 100;

export function createCommandNotify(clients: AwsClients) {
  return async function notifyCommand(req: PublishRequest): Promise<void> {
    if (typeof req?.topicArn !== 'string' || !req.topicArn.startsWith('arn:')) {
      throw actionFailed(`NotificationArn is not an SNS topic ARN: ${JSON.stringify(req?.topicArn)}`);
    }
    // SNS subjects: printable ASCII on one line, at most 100 characters.
    const subject = req.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_SUBJECT);
    const sns = clients.get(SNSClient, req.roleArn);
    await callAws(`publishing to ${req.topicArn}`, () =>
      sns.send(
        new PublishCommand({
          TopicArn: req.topicArn,
          Subject: subject,
          Message: JSON.stringify(req.message),
          MessageAttributes: { status: { DataType: 'String', StringValue: String(req.message.status ?? '') } },
          // FIFO topics keep a command's messages in order and drop a retry's duplicate.
          ...(req.topicArn.endsWith('.fifo')
            ? {
                MessageGroupId: String(req.message.commandId ?? 'drover').slice(0, 128),
                MessageDeduplicationId: createHash('sha256').update(JSON.stringify(req.message)).digest('hex').slice(0, 64),
              }
            : {}),
        }),
      ),
    );
  };
}
