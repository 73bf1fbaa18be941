// drover events put|log|test-pattern, drover ingress http|sqs: events start work.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DroverClient } from '../../client';
import { loadEventRouter } from '../../client/events/load-router';
import { putEvents, readDeliveredEvent, type PutEventsResult } from '../../client/events/put-events';
import type { DeliveryReport, EventRouter } from '../../client/events/router';
import { listEventLog } from '../../client/events/events-log';
import { formatDiagnostic } from '../../compiler/diagnostic';
import { compilePattern } from '../../lang/events/event-pattern';
import { matchesPattern } from '../../lang/events/match-pattern';
import type { PutEventsEntry } from '../../lang/events/event';
import { ApiKeyAuthenticator, apiKeysFromEnv } from '../../ingress/auth';
import { startHttpIngress } from '../../ingress/http-server';
import { SqsPoller } from '../../ingress/sqs-poller';
import { CliError, EXIT } from '../errors';
import { registerRemediationCommands } from './remediation';

/** A Drover client and the router over the rule and remediation folders; their problems shown, not fatal. */
async function withRouter<T>(fn: (router: EventRouter, client: DroverClient) => Promise<T>): Promise<T> {
  const client = await DroverClient.connect();
  try {
    const { router, diagnostics } = await loadEventRouter(client);
    for (const d of diagnostics) console.error(formatDiagnostic(d));
    return await fn(router, client);
  } finally {
    await client.close();
  }
}

function readJson(file: string): unknown {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not JSON: ${(e as Error).message}`, EXIT.usage);
  }
}

/** PutEvents' request ({Entries}), a list of entries, one entry, or one whole event (with its id). */
function eventsInFile(value: unknown): { entries: PutEventsEntry[] } | { event: unknown } {
  if (Array.isArray(value)) return { entries: value as PutEventsEntry[] };
  const v = value as Record<string, unknown> | null;
  if (v && Array.isArray(v.Entries)) return { entries: v.Entries as PutEventsEntry[] };
  if (v && ('detail-type' in v || 'id' in v)) return { event: v };
  return { entries: [v as PutEventsEntry] };
}

function describeReport(r: DeliveryReport): string[] {
  const lines = r.matched.map((m) =>
    m.status === 'refused' ? `  rule ${m.rule} target ${m.target}: refused: ${m.reason}` : `  rule ${m.rule} target ${m.target}: ${m.status === 'started' ? 'started' : 'already started'} ${m.executionId}`,
  );
  for (const x of r.remediations) lines.push(`  remediation of ${x.resourceId} (Config rule ${x.configRuleName}, ${x.compliance}): ${x.delivered ? x.workflowId : 'no remediation to tell'}`);
  if (!lines.length) lines.push('  no rule matched');
  return lines;
}

export function registerEventCommands(program: Command): void {
  registerRemediationCommands(program);
  const events = program.command('events').description('EventBridge events: put them, see what they started');

  events
    .command('put')
    .description("put events as EventBridge's PutEvents does: each matching rule's targets start (once per event, however often it is put)")
    .requiredOption('--file <file>', 'PutEvents JSON ({"Entries": [...]}), a list of entries, one entry, or a whole event; - for stdin')
    .option('--json', 'print the PutEvents answer (with what each event started) as JSON')
    .action(async (opts: { file: string; json?: boolean }) => {
      const found = eventsInFile(readJson(opts.file));
      await withRouter(async (router) => {
        let result: PutEventsResult;
        if ('event' in found) {
          const read = readDeliveredEvent(found.event);
          if ('problems' in read) throw new CliError(`${opts.file}: not an EventBridge event: ${read.problems.join('; ')}`, EXIT.usage);
          const report = await router.deliver(read.event, { via: 'put-events' });
          result = { FailedEntryCount: 0, Entries: [{ EventId: read.event.id }], deliveries: [report] };
        } else {
          try {
            result = await putEvents(router, found.entries, { via: 'put-events' });
          } catch (e) {
            if (e instanceof RangeError) throw new CliError(e.message, EXIT.usage);
            throw e;
          }
        }
        if (opts.json) console.log(JSON.stringify(result, null, 2));
        else {
          result.Entries.forEach((e, i) => {
            if (e.ErrorCode) console.log(`entry ${i + 1}: ${e.ErrorCode}: ${e.ErrorMessage}`);
            else {
              console.log(`event ${e.EventId}`);
              for (const l of describeReport(result.deliveries[i]!)) console.log(l);
            }
          });
        }
        if (result.FailedEntryCount > 0) process.exitCode = EXIT.failed;
      });
    });

  events
    .command('log')
    .description('what each match of the event rules started (or why it did not), newest first')
    .option('--rule <name>', 'one rule (bus/name for a bus other than default)')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { rule?: string; limit: string; json?: boolean }) => {
      const client = await DroverClient.connect();
      try {
        const { entries, unreadable } = await listEventLog(client.client, { ...(opts.rule ? { rule: opts.rule } : {}), limit: Number(opts.limit) });
        if (opts.json) console.log(JSON.stringify({ entries, unreadable }, null, 2));
        else {
          for (const e of entries) {
            const what = e.outcome === 'started' ? `${e.executionId} ${e.status ?? ''}`.trim() : `refused: ${e.reason}`;
            console.log(`${e.time}  ${e.rule}  ${e.target}  event ${e.eventId}  ${what}${e.principal ? `  (${e.principal})` : ''}`);
          }
          if (!entries.length) console.error('no matches recorded');
          for (const r of unreadable) console.error(`refusals of rule ${r} are unreadable now (no worker answered)`);
        }
      } finally {
        await client.close();
      }
    });

  events
    .command('test-pattern')
    .description("does an event match a pattern (EventBridge's TestEventPattern)? prints true or false, or why the pattern is invalid")
    .requiredOption('--pattern <file>', 'the event pattern (JSON)')
    .requiredOption('--event <file>', 'the event (JSON)')
    .action((opts: { pattern: string; event: string }) => {
      const { pattern, problems } = compilePattern(readJson(opts.pattern));
      if (!pattern) throw new CliError(`the event pattern is not valid:\n  ${problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('\n  ')}`, EXIT.failed);
      const matched = matchesPattern(pattern, readJson(opts.event));
      console.log(String(matched));
      if (!matched) process.exitCode = EXIT.failed;
    });

  const ingress = program.command('ingress').description('receive EventBridge events: over HTTP (API destinations) or from an SQS queue');

  ingress
    .command('http')
    .description('an endpoint for EventBridge API destinations: POST /events, API key (and optionally a signature) required')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port', '8787')
    .option('--api-key-file <file>', 'API keys, one id:secret[:signing-secret] a line (else DROVER_INGRESS_API_KEYS or DROVER_INGRESS_API_KEY_FILE)')
    .option('--header-name <name>', "the API key's header (the connection's ApiKeyName)", 'x-api-key')
    .option('--require-signature', 'refuse requests without a valid x-drover-signature')
    .option('--replay-window <seconds>', 'how old a signed request may be', '300')
    .option('--event-bus <name>', 'the bus these events are on', 'default')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); API destinations need HTTPS')
    .option('--tls-key <file>', 'the PEM key of --tls-cert')
    .action(async (opts: { host: string; port: string; apiKeyFile?: string; headerName: string; requireSignature?: boolean; replayWindow: string; eventBus: string; tlsCert?: string; tlsKey?: string }) => {
      if (!!opts.tlsCert !== !!opts.tlsKey) throw new CliError('--tls-cert and --tls-key go together', EXIT.usage);
      const keys = apiKeysFromEnv(opts.apiKeyFile);
      if (!keys.length) throw new CliError('no API keys: give --api-key-file, DROVER_INGRESS_API_KEY_FILE or DROVER_INGRESS_API_KEYS (id:secret,…)', EXIT.usage);
      const authenticator = new ApiKeyAuthenticator({ keys, headerName: opts.headerName, requireSignature: !!opts.requireSignature, replayWindowSeconds: Number(opts.replayWindow) });
      await withRouter(async (router) => {
        const tls = opts.tlsCert && opts.tlsKey ? { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) } : undefined;
        const server = await startHttpIngress({ router, authenticator, host: opts.host, port: Number(opts.port), eventBusName: opts.eventBus, ...(tls ? { tls } : {}) });
        console.error(`drover ingress http: ${server.url} (${router.ruleCount} rules, ${keys.length} API key${keys.length === 1 ? '' : 's'}${opts.requireSignature ? ', signatures required' : ''})`);
        await untilSignal();
        await server.close();
      });
    });

  ingress
    .command('sqs')
    .description('poll an SQS queue that an EventBridge rule targets; poison messages go to the dead-letter queue with a reason')
    .requiredOption('--queue-url <url>', 'the queue')
    .option('--dlq-url <url>', "the dead-letter queue (default: the queue's RedrivePolicy)")
    .option('--allowed-sender <id>', 'take only messages from this SenderId (repeat for several)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--event-bus <name>', 'the bus these events are on', 'default')
    .option('--wait-seconds <n>', 'long-poll wait', '20')
    .action(async (opts: { queueUrl: string; dlqUrl?: string; allowedSender?: string[]; eventBus: string; waitSeconds: string }) => {
      await withRouter(async (router) => {
        const sqs = new SQSClient({});
        const poller = new SqsPoller({
          sqs,
          queueUrl: opts.queueUrl,
          router,
          ...(opts.dlqUrl ? { dlqUrl: opts.dlqUrl } : {}),
          ...(opts.allowedSender ? { allowedSenders: opts.allowedSender } : {}),
          eventBusName: opts.eventBus,
          waitTimeSeconds: Number(opts.waitSeconds),
          log: (l) => console.error(l),
        });
        const dlq = await poller.init().catch((e: Error) => {
          throw new CliError(e.message, EXIT.usage);
        });
        console.error(`drover ingress sqs: polling ${opts.queueUrl} (${router.ruleCount} rules; dead letters to ${dlq})`);
        const stop = new AbortController();
        const stopped = untilSignal().then(() => stop.abort());
        await Promise.race([poller.run(stop.signal), stopped]);
        sqs.destroy();
      });
    });
}

/** Resolves on SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
