// How the CLI shows Run Commands: JSON in the AWS CLI's shapes (SendCommand's `Command`,
// ListCommands' `Commands`, ListCommandInvocations' `CommandInvocations`), and plain
// tables for people.
import pc from 'picocolors';
import type { CommandListing, CommandSummary, InvocationListing } from '../client/commands';

const GOOD = new Set(['Success']);
const BAD = new Set(['Failed', 'TimedOut', 'Undeliverable', 'Terminated']);

export function paintStatus(status: string): string {
  if (GOOD.has(status)) return pc.green(status);
  if (BAD.has(status)) return pc.red(status);
  if (status === 'Cancelled' || status === 'Cancelling') return pc.magenta(status);
  return pc.cyan(status);
}

/** SendCommand's `Command` object. */
export function awsCommand(s: CommandSummary, sent?: { parameters?: Record<string, unknown>; instanceIds?: string[]; targets?: unknown[] }): Record<string, unknown> {
  const c: Record<string, unknown> = {
    CommandId: s.commandId,
    DocumentName: s.documentName,
    Comment: s.comment ?? '',
    RequestedDateTime: s.requestedDateTime,
    Status: s.status,
    StatusDetails: s.statusDetails,
    MaxConcurrency: s.maxConcurrency,
    MaxErrors: s.maxErrors,
    TargetCount: s.counts.targetCount,
    CompletedCount: s.counts.completedCount,
    ErrorCount: s.counts.errorCount,
    DeliveryTimedOutCount: s.counts.deliveryTimedOutCount,
    TimeoutSeconds: s.timeoutSeconds,
  };
  if (sent?.parameters) c.Parameters = sent.parameters;
  if (sent?.instanceIds) c.InstanceIds = sent.instanceIds;
  if (sent?.targets) c.Targets = sent.targets;
  return c;
}

/** ListCommands' `Commands[]` item. */
export function awsListedCommand(c: CommandListing): Record<string, unknown> {
  const out: Record<string, unknown> = {
    CommandId: c.commandId,
    DocumentName: c.documentName,
    Comment: c.comment ?? '',
    RequestedDateTime: c.requestedDateTime,
    Status: c.status,
    StatusDetails: c.statusDetails ?? c.status,
  };
  if (c.maxConcurrency) out.MaxConcurrency = c.maxConcurrency;
  if (c.maxErrors) out.MaxErrors = c.maxErrors;
  if (c.targetCount !== undefined) out.TargetCount = c.targetCount;
  if (c.completedCount !== undefined) out.CompletedCount = c.completedCount;
  if (c.errorCount !== undefined) out.ErrorCount = c.errorCount;
  if (c.deliveryTimedOutCount !== undefined) out.DeliveryTimedOutCount = c.deliveryTimedOutCount;
  return out;
}

/** ListCommandInvocations' `CommandInvocations[]` item (with --details: plugins and output). */
export function awsInvocation(i: InvocationListing, details: boolean): Record<string, unknown> {
  const r = i.record;
  const out: Record<string, unknown> = {
    CommandId: i.commandId,
    InstanceId: i.instanceId,
    DocumentName: r?.documentName ?? '',
    RequestedDateTime: r?.requestedDateTime ?? '',
    Status: i.status,
    StatusDetails: i.statusDetails,
    StandardOutputUrl: r?.standardOutputUrl ?? '',
    StandardErrorUrl: r?.standardErrorUrl ?? '',
  };
  if (r?.comment) out.Comment = r.comment;
  if (i.responseCode !== undefined) out.ResponseCode = i.responseCode;
  if (details) {
    out.CommandPlugins = (r?.plugins ?? []).map((p) => ({
      Name: p.name,
      Status: p.status,
      StatusDetails: p.statusDetails ?? p.status,
      ResponseCode: p.responseCode,
      ResponseStartDateTime: p.startTime ?? '',
      ResponseFinishDateTime: p.endTime ?? '',
      Output: p.output,
      StandardOutputUrl: p.standardOutputUrl ?? '',
      StandardErrorUrl: p.standardErrorUrl ?? '',
    }));
    out.StandardOutputContent = r?.standardOutputContent ?? '';
    out.StandardErrorContent = r?.standardErrorContent ?? '';
  }
  return out;
}

function table(rows: string[][]): string {
  // Widths ignore colour codes (ESC [ … m).
  // eslint-disable-next-line no-control-regex
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => plain(r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c]! - plain(cell).length))).join('  ').trimEnd()).join('\n');
}

export function renderCommandLine(s: CommandSummary): string {
  const c = s.counts;
  const line = `${s.commandId}  ${paintStatus(s.status)} (${s.statusDetails})  targets ${c.targetCount}, completed ${c.completedCount}, errors ${c.errorCount}${c.deliveryTimedOutCount ? `, delivery timeouts ${c.deliveryTimedOutCount}` : ''}${s.running?.length ? `, running ${s.running.length}` : ''}`;
  return s.failureMessage ? `${line}\n  ${pc.red(s.failureMessage)}` : line;
}

export function renderCommands(rows: CommandListing[]): string {
  if (rows.length === 0) return 'no commands';
  return table([
    ['COMMAND ID', 'DOCUMENT', 'STATUS', 'DETAILS', 'TARGETS', 'DONE', 'ERRORS', 'REQUESTED', 'COMMENT'].map((h) => pc.bold(h)),
    ...rows.map((c) => [
      c.commandId,
      c.documentName,
      paintStatus(c.status),
      c.statusDetails ?? '',
      String(c.targetCount ?? ''),
      String(c.completedCount ?? ''),
      String(c.errorCount ?? ''),
      c.requestedDateTime.replace(/\.\d+Z$/, 'Z'),
      c.comment ?? '',
    ]),
  ]);
}

export function renderInvocations(rows: InvocationListing[], details: boolean): string {
  if (rows.length === 0) return 'no invocations';
  const head = table([
    ['INSTANCE', 'STATUS', 'DETAILS', 'CODE'].map((h) => pc.bold(h)),
    ...rows.map((i) => [i.instanceId, paintStatus(i.status), i.statusDetails, i.responseCode === undefined || i.responseCode < 0 ? '' : String(i.responseCode)]),
  ]);
  if (!details) return head;
  const blocks = rows
    .filter((i) => i.record)
    .map((i) => {
      const r = i.record!;
      const lines = [pc.bold(`── ${i.instanceId} ${i.status}`)];
      if (r.standardOutputContent) lines.push(r.standardOutputContent.trimEnd());
      if (r.standardErrorContent) lines.push(pc.red(r.standardErrorContent.trimEnd()));
      if (r.standardOutputUrl) lines.push(pc.dim(`whole output: ${r.standardOutputUrl}`));
      return lines.join('\n');
    });
  return [head, '', ...blocks].join('\n');
}
