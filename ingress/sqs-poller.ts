// `drover ingress sqs`: EventBridge → SQS → Drover, with no open port. Long-polls the queue;
// each message is an event (EventBridge's SQS target sends the event itself; an SNS
// envelope is unwrapped). A message is deleted only once every start it asked for is
// durable. A message that can never be an event (not JSON, not an event, from a sender not
// allowed) goes to the dead-letter queue with the reason in its attributes, then is deleted;
// one that failed for a passing reason (Temporal out of reach) is left for SQS to deliver
// again after its visibility timeout (and, past the queue's maxReceiveCount, to move to the
// dead-letter queue itself). Authentication is the queue's: whoever may send to it (its
// policy) and the poller's own AWS credentials; `allowedSenders` narrows it to SenderIds.
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from '../lang/events/event';
import { readDeliveredEvent, type EventDefaults } from '../client/events/put-events';
import type { EventRouter } from '../client/events/router';

export interface SqsPollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  router: EventRouter;
  /** Where poison messages go; default the queue's RedrivePolicy target. */
  dlqUrl?: string;
  /** Only messages from these SenderIds (an AWS account or principal id) are taken. */
  allowedSenders?: readonly string[];
  eventBusName?: string;
  waitTimeSeconds?: number;
  maxMessages?: number;
  defaults?: EventDefaults;
  log?: (line: string) => void;
}

export interface PollOutcome {
  received: number;
  /** Routed and deleted. */
  delivered: number;
  /** Sent to the dead-letter queue and deleted. */
  poisoned: number;
  /** Left on the queue for a later delivery. */
  retried: number;
}

export const REASON_ATTRIBUTE = 'DroverError';

export class SqsPoller {
  private dlqUrl: string | undefined;

  constructor(private readonly opts: SqsPollerOptions) {
    this.dlqUrl = opts.dlqUrl;
  }

  /** Finds the dead-letter queue (flag, else RedrivePolicy); without one, poison messages cannot be set aside and the poller refuses to start. */
  async init(): Promise<string> {
    if (this.dlqUrl) return this.dlqUrl;
    const attrs = await this.opts.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.opts.queueUrl, AttributeNames: ['RedrivePolicy'] }));
    const policy = attrs.Attributes?.RedrivePolicy;
    const arn = policy ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
    if (!arn) throw new Error(`${this.opts.queueUrl} has no RedrivePolicy: give a dead-letter queue for poison messages (--dlq-url)`);
    const [, , , , account, name] = arn.split(':');
    const found = await this.opts.sqs.send(new GetQueueUrlCommand({ QueueName: name!, QueueOwnerAWSAccountId: account }));
    this.dlqUrl = found.QueueUrl!;
    return this.dlqUrl;
  }

  /** Polls until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await this.init();
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
      } catch (err) {
        if (signal.aborted) return;
        this.opts.log?.(`drover ingress sqs: ${(err as Error).message}; retrying in 5 s`);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  }

  async pollOnce(signal?: AbortSignal): Promise<PollOutcome> {
    const dlq = await this.init();
    const received = await this.opts.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MaxNumberOfMessages: this.opts.maxMessages ?? 10,
        WaitTimeSeconds: this.opts.waitTimeSeconds ?? 20,
        MessageSystemAttributeNames: ['SenderId', 'ApproximateReceiveCount'],
      }),
      signal ? { abortSignal: signal } : {},
    );
    const messages = received.Messages ?? [];
    const outcome: PollOutcome = { received: messages.length, delivered: 0, poisoned: 0, retried: 0 };
    const done: Message[] = [];
    await Promise.all(
      messages.map(async (m) => {
        const read = this.readMessage(m);
        if ('poison' in read) {
          await this.opts.sqs.send(
            new SendMessageCommand({
              QueueUrl: dlq,
              MessageBody: m.Body ?? '',
              MessageAttributes: {
                [REASON_ATTRIBUTE]: { DataType: 'String', StringValue: read.poison.slice(0, 1000) },
                DroverSourceQueue: { DataType: 'String', StringValue: this.opts.queueUrl },
                DroverSourceMessageId: { DataType: 'String', StringValue: m.MessageId ?? '' },
              },
            }),
          );
          this.opts.log?.(`drover ingress sqs: message ${m.MessageId} to the dead-letter queue: ${read.poison}`);
          outcome.poisoned++;
          done.push(m);
          return;
        }
        try {
          const sender = m.Attributes?.SenderId;
          await this.opts.router.deliver(read.event, { via: 'sqs', ...(sender ? { principal: `sqs-sender:${sender}` } : {}), ...(this.opts.eventBusName ? { eventBusName: this.opts.eventBusName } : {}) });
          outcome.delivered++;
          done.push(m);
        } catch (err) {
          this.opts.log?.(`drover ingress sqs: message ${m.MessageId} left for a later delivery: ${(err as Error).message}`);
          outcome.retried++;
        }
      }),
    );
    if (done.length) {
      const deleted = await this.opts.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.opts.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
      );
      // A delete that failed only means the message comes again: its starts are idempotent.
      for (const f of deleted.Failed ?? []) this.opts.log?.(`drover ingress sqs: could not delete a message (${f.Code}: ${f.Message}); it will be delivered again and start nothing twice`);
    }
    return outcome;
  }

  private readMessage(m: Message): { event: EventBridgeEvent } | { poison: string } {
    const sender = m.Attributes?.SenderId;
    if (this.opts.allowedSenders?.length && (!sender || !this.opts.allowedSenders.includes(sender))) {
      return { poison: `the sender ${sender ?? '(unknown)'} is not allowed` };
    }
    let value: unknown;
    try {
      value = JSON.parse(m.Body ?? '');
    } catch (e) {
      return { poison: `the body is not JSON: ${(e as Error).message}` };
    }
    // Through SNS: the event is the notification's Message.
    const envelope = value as { Type?: unknown; Message?: unknown };
    if (envelope && envelope.Type === 'Notification' && typeof envelope.Message === 'string') {
      try {
        value = JSON.parse(envelope.Message);
      } catch (e) {
        return { poison: `the SNS message is not JSON: ${(e as Error).message}` };
      }
    }
    const read = readDeliveredEvent(value, this.opts.defaults);
    return 'problems' in read ? { poison: `not an EventBridge event: ${read.problems.join('; ')}` } : { event: read.event };
  }
}
