// The execution's observable state: one record per step, the execution status, what it
// waits for. Status changes go through the transition table below, so an impossible
// change (Success -> InProgress of the same run) is a bug we see, not a silent overwrite.
import type { Plan } from '../lang/plan';
import type { ExecutionState, Status, StepRecord, WaitingFor } from './definitions';

/** Which status may follow which, for a step run and for the execution. */
const ALLOWED: Record<Status, readonly Status[]> = {
  Pending: ['InProgress', 'Cancelled'],
  InProgress: ['Waiting', 'Success', 'Failed', 'TimedOut', 'Cancelling', 'Cancelled', 'InProgress'],
  Waiting: ['InProgress', 'Success', 'Failed', 'TimedOut', 'Cancelling', 'Cancelled'],
  Cancelling: ['Cancelled', 'Failed', 'TimedOut', 'Success'],
  Success: [],
  Failed: [],
  TimedOut: [],
  Cancelled: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return ALLOWED[from].includes(to);
}

export class ExecutionTracker {
  readonly state: ExecutionState;
  private readonly records = new Map<string, StepRecord>();

  constructor(plan: Plan, executionId: string, startTime: Date) {
    const steps = Object.values(plan.steps).map((s): StepRecord => {
      const r: StepRecord = { name: s.name, action: s.action, status: 'Pending', attempts: 0, runs: 0 };
      if (s.parent) r.parent = s.parent;
      return r;
    });
    for (const r of steps) this.records.set(r.name, r);
    this.state = {
      executionId,
      runbook: plan.name,
      planHash: plan.hash,
      status: 'InProgress',
      startTime: startTime.toISOString(),
      steps,
      outputs: {},
    };
  }

  /** The tracker of a run that continues an execution: its state as carried over. */
  static restore(plan: Plan, state: ExecutionState): ExecutionTracker {
    const t = new ExecutionTracker(plan, state.executionId, new Date(state.startTime));
    Object.assign(t.state, state);
    t.records.clear();
    for (const r of state.steps) t.records.set(r.name, r);
    return t;
  }

  record(step: string): StepRecord {
    const r = this.records.get(step);
    if (!r) throw new Error(`no step named ${step} in this plan`);
    return r;
  }

  /** A new run of a step (loops run inner steps again): its record starts over. */
  beginStep(step: string, now: Date): StepRecord {
    const r = this.record(step);
    r.status = 'InProgress';
    r.runs += 1;
    r.attempts = 0;
    r.startTime = now.toISOString();
    delete r.endTime;
    delete r.failureMessage;
    delete r.failureType;
    delete r.outputs;
    this.state.currentStep = step;
    return r;
  }

  setStepStatus(step: string, to: Status, now: Date): void {
    const r = this.record(step);
    if (!canTransition(r.status, to)) throw new Error(`step ${step}: status ${r.status} cannot become ${to}`);
    r.status = to;
    if (to === 'Success' || to === 'Failed' || to === 'TimedOut' || to === 'Cancelled') r.endTime = now.toISOString();
  }

  setStatus(to: Status, now: Date): boolean {
    const from = this.state.status;
    if (from === to) return false;
    if (!canTransition(from, to)) throw new Error(`execution: status ${from} cannot become ${to}`);
    this.state.status = to;
    if (to === 'Success' || to === 'Failed' || to === 'TimedOut' || to === 'Cancelled') {
      this.state.endTime = now.toISOString();
      delete this.state.currentStep;
    }
    return true;
  }

  setWaiting(waiting: WaitingFor | undefined): void {
    if (waiting) this.state.waiting = waiting;
    else delete this.state.waiting;
  }

  /** Markdown for the Temporal UI's "current details". */
  details(): string {
    const icon: Record<Status, string> = {
      Pending: '·',
      InProgress: '▶',
      Waiting: '⏸',
      Success: '✔',
      TimedOut: '⏱',
      Cancelling: '…',
      Cancelled: '✖',
      Failed: '✘',
    };
    const lines = [
      `**${this.state.runbook}** — ${this.state.status}`,
      '',
      '| | step | action | attempts | note |',
      '|---|---|---|---|---|',
    ];
    for (const r of this.state.steps) {
      const name = r.parent ? `↳ ${r.name}` : r.name;
      const note = (r.failureMessage ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 120);
      lines.push(`| ${icon[r.status]} | ${name} | ${r.action} | ${r.attempts} | ${note} |`);
    }
    if (this.state.waiting) {
      const w = this.state.waiting;
      lines.push('', w.kind === 'approve' ? `Waiting for approval at **${w.step}**: ${w.message ?? ''}` : `Paused at **${w.step}**: resume to go on.`);
    }
    return lines.join('\n');
  }
}
