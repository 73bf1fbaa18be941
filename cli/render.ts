// How the CLI shows executions: a live table on a terminal, plain lines otherwise.
import pc from 'picocolors';
import type { ExecutionState, Status, StepRecord } from '../workflows/definitions';

const COLOR: Record<Status, (s: string) => string> = {
  Pending: pc.dim,
  InProgress: pc.cyan,
  Waiting: pc.yellow,
  Success: pc.green,
  TimedOut: pc.red,
  Cancelling: pc.yellow,
  Cancelled: pc.magenta,
  Failed: pc.red,
};

export function colorStatus(status: Status | string): string {
  const paint = COLOR[status as Status] as ((s: string) => string) | undefined;
  return paint ? paint(status) : status;
}

function value(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function stepLine(r: StepRecord): string {
  const name = r.parent ? `  ${r.name}` : r.name;
  const extra = [
    r.attempts > 1 ? `attempt ${r.attempts}` : '',
    r.runs > 1 ? `run ${r.runs}` : '',
    r.failureMessage && r.status !== 'Success' ? r.failureMessage.split('\n')[0]!.slice(0, 160) : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `  ${colorStatus(r.status).padEnd(20)} ${name.padEnd(28)} ${pc.dim(r.action)}${extra ? `  ${extra}` : ''}`;
}

export function renderState(s: ExecutionState): string {
  const lines = [`${pc.bold(s.executionId)}  ${colorStatus(s.status)}`, ...s.steps.map(stepLine)];
  if (s.waiting) {
    const w = s.waiting;
    lines.push(
      w.kind === 'approve'
        ? pc.yellow(`  waiting for approval at ${w.step} by ${w.approvers?.join(', ')}${w.message ? `: ${w.message}` : ''} — drover approve|reject ${s.executionId}`)
        : pc.yellow(`  paused at ${w.step} — drover resume ${s.executionId}`),
    );
  }
  const outputs = Object.entries(s.outputs);
  if (outputs.length) {
    lines.push('  outputs:');
    for (const [k, v] of outputs) lines.push(`    ${k} = ${value(v)}`);
  }
  if (s.failureMessage) lines.push(pc.red(`  ${s.failureMessage}`));
  return lines.join('\n');
}

/** Plain-text progress: one line per change of a step's status (for logs and pipes). */
export class LineProgress {
  private seen = new Map<string, string>();
  private status = '';

  update(s: ExecutionState, write: (line: string) => void): void {
    const time = new Date().toISOString().slice(11, 19);
    for (const r of s.steps) {
      const key = `${r.status}/${r.runs}/${r.attempts}`;
      if (this.seen.get(r.name) === key || (r.status === 'Pending' && !this.seen.has(r.name) && r.runs === 0)) continue;
      this.seen.set(r.name, key);
      write(`${time} ${r.name} ${r.status}${r.attempts > 1 ? ` (attempt ${r.attempts})` : ''}${r.failureMessage && r.status !== 'Success' && r.status !== 'InProgress' ? `: ${r.failureMessage.split('\n')[0]}` : ''}`);
    }
    if (s.status !== this.status) {
      this.status = s.status;
      write(`${time} execution ${s.executionId} ${s.status}${s.waiting ? ` at ${s.waiting.step}` : ''}`);
    }
  }
}

/** Terminal progress: redraws the step table in place. */
export class LiveProgress {
  private lines = 0;

  update(s: ExecutionState, out: NodeJS.WriteStream): void {
    const text = renderState(s);
    if (this.lines > 0) out.write(`\x1b[${this.lines}A\x1b[0J`);
    out.write(text + '\n');
    this.lines = text.split('\n').length;
  }
}
