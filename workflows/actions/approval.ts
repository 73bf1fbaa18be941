// aws:approve and aws:pause: the execution waits (status Waiting) for decisions that
// arrive as Temporal Updates, so each decision is recorded in history with who made it,
// and a decision that cannot apply is refused to the caller instead of being dropped.
import { condition, patched, setHandler } from '@temporalio/workflow';
import type { PlanStep } from '../../lang/plan';
import type { Interpreter } from '../interpreter';
import {
  approveUpdate,
  rejectUpdate,
  resumeUpdate,
  type ApprovalDecision,
  type DecisionInput,
  type ResumeInput,
  type WaitingFor,
} from '../definitions';
import { StepError, StepTimeoutError } from '../failures';
import { stepTimeoutMs } from './timeout';
import type { StepOutcome } from './outcome';

/** `alice` matches `alice` and `arn:aws:iam::123456789012:user/alice`, in either direction. */
export function approverMatches(allowed: string, who: string): boolean {
  const tail = (s: string) => s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf(':')) + 1);
  const bare = (s: string) => !s.includes(':') && !s.includes('/');
  return allowed === who || (bare(who) && tail(allowed) === who) || (bare(allowed) && tail(who) === allowed);
}

export class ApprovalDesk {
  private waiting: WaitingFor | undefined;
  private resumed = false;
  private resumedBy = '';

  constructor(private readonly ip: Interpreter) {}

  registerHandlers(): void {
    const state = () => this.ip.visibleState();
    setHandler(approveUpdate, (d) => (this.decide(d, 'Approved'), state()), { validator: (d) => this.validateDecision(d) });
    setHandler(rejectUpdate, (d) => (this.decide(d, 'Rejected'), state()), { validator: (d) => this.validateDecision(d) });
    setHandler(
      resumeUpdate,
      (r: ResumeInput) => {
        this.resumed = true;
        this.resumedBy = r.by;
        return state();
      },
      {
        // A validator's error refuses the update; a handler's error would fail workflow tasks.
        validator: (r: ResumeInput) => {
          if (this.waiting?.kind !== 'pause' || this.resumed) throw new Error(`nothing to resume: the execution is ${this.describe()}`);
          if (typeof r?.by !== 'string' || !r.by.trim()) throw new Error('who resumes is required ({ by: <name> })');
        },
      },
    );
  }

  private describe(): string {
    const w = this.waiting;
    if (!w) return `${this.ip.tracker.state.status}, not paused or waiting for approval`;
    return w.kind === 'pause' ? `paused at ${w.step}` : `waiting for approval at ${w.step}`;
  }

  private validateDecision(d: DecisionInput): void {
    const w = this.waiting;
    if (w?.kind !== 'approve') throw new Error(`no approval is pending: the execution is ${this.describe()}`);
    // Two decisions can arrive in one workflow task: once one has decided the step, the
    // rest are refused rather than recorded (a late rejection must not undo an approval).
    if (this.decided(w)) throw new Error(`step ${w.step} is already decided`);
    if (!d || typeof d.approver !== 'string' || !d.approver.trim()) throw new Error('an approver name is required');
    if (d.comment !== undefined && typeof d.comment !== 'string') throw new Error('a comment is text');
    if (!w.approvers!.some((a) => approverMatches(a, d.approver))) {
      throw new Error(`${d.approver} is not an approver of step ${w.step} (approvers: ${w.approvers!.join(', ')})`);
    }
    if (w.decisions!.some((x) => approverMatches(x.approver, d.approver))) throw new Error(`${d.approver} has already decided`);
  }

  private decided(w: WaitingFor): boolean {
    const decisions = w.decisions ?? [];
    return decisions.some((x) => x.decision === 'Rejected') || decisions.filter((x) => x.decision === 'Approved').length >= (w.minRequiredApprovals ?? 1);
  }

  private decide(d: DecisionInput, decision: ApprovalDecision['decision']): void {
    const entry: ApprovalDecision = { approver: d.approver, decision, time: new Date().toISOString() };
    if (d.comment) entry.comment = d.comment;
    this.waiting!.decisions!.push(entry);
    this.ip.publish();
  }

  private enterWaiting(step: PlanStep, waiting: WaitingFor): void {
    this.waiting = waiting;
    this.ip.tracker.setWaiting(waiting);
    this.ip.tracker.setStepStatus(step.name, 'Waiting', new Date());
    this.ip.setStatus('Waiting');
  }

  private leaveWaiting(step: PlanStep): void {
    this.waiting = undefined;
    this.ip.tracker.setWaiting(undefined);
    if (this.ip.tracker.record(step.name).status === 'Waiting') this.ip.tracker.setStepStatus(step.name, 'InProgress', new Date());
    if (this.ip.tracker.state.status === 'Waiting') this.ip.setStatus('InProgress');
  }

  async pause(step: PlanStep): Promise<StepOutcome> {
    this.resumed = false;
    this.enterWaiting(step, { step: step.name, kind: 'pause' });
    try {
      const ms = stepTimeoutMs(this.ip, step);
      const ok = ms === undefined ? (await condition(() => this.resumed), true) : await condition(() => this.resumed, ms);
      if (!ok) throw new StepTimeoutError(`nobody resumed the execution within ${ms! / 1000} s`);
    } finally {
      this.leaveWaiting(step);
    }
    return { kind: 'success', outputs: { ResumedBy: this.resumedBy } };
  }

  async approve(step: PlanStep): Promise<StepOutcome> {
    const inputs = this.ip.inputsOf(step) as { Approvers?: unknown; MinRequiredApprovals?: unknown; Message?: unknown; NotificationArn?: unknown; EnhancedApprovals?: unknown };
    // Change Manager's form (AWS-HelloWorldChangeTemplate): EnhancedApprovals with
    // {approver, type, minRequiredApprovals} entries and its own NotificationArn. Each
    // entry is one approver whose approval is needed. Before this patch the step failed.
    if (inputs.Approvers === undefined && inputs.EnhancedApprovals !== undefined && patched('drover-enhanced-approvals')) {
      const enhanced = (typeof inputs.EnhancedApprovals === 'object' && inputs.EnhancedApprovals !== null ? inputs.EnhancedApprovals : {}) as { Approvers?: unknown; NotificationArn?: unknown };
      const entries = Array.isArray(enhanced.Approvers) ? (enhanced.Approvers as unknown[]) : [];
      inputs.Approvers = entries.map((e) => (typeof e === 'object' && e !== null ? (e as { approver?: unknown }).approver : e));
      inputs.MinRequiredApprovals ??= entries.length || undefined;
      inputs.NotificationArn ??= enhanced.NotificationArn;
    }
    const approvers = (Array.isArray(inputs.Approvers) ? inputs.Approvers : [inputs.Approvers]).filter(
      (a): a is string => typeof a === 'string' && a.length > 0,
    );
    if (approvers.length === 0) throw new StepError('Approvers must name at least one approver', 'InvalidInput');
    const min = inputs.MinRequiredApprovals === undefined ? 1 : Number(inputs.MinRequiredApprovals);
    if (!Number.isInteger(min) || min < 1 || min > approvers.length) {
      throw new StepError(`MinRequiredApprovals must be from 1 to ${approvers.length}; got ${JSON.stringify(inputs.MinRequiredApprovals)}`, 'InvalidInput');
    }
    const waiting: WaitingFor = { step: step.name, kind: 'approve', approvers, minRequiredApprovals: min, decisions: [] };
    if (typeof inputs.Message === 'string') waiting.message = inputs.Message;
    const decisions = waiting.decisions!;
    const approved = () => decisions.filter((d) => d.decision === 'Approved').length >= min;
    const rejected = () => decisions.some((d) => d.decision === 'Rejected');
    this.enterWaiting(step, waiting);
    if (typeof inputs.NotificationArn === 'string' && inputs.NotificationArn) this.ip.notifier.approvalRequested(inputs.NotificationArn, waiting);
    const ms = stepTimeoutMs(this.ip, step)!;
    let decided: boolean;
    try {
      decided = await condition(() => approved() || rejected(), ms);
    } finally {
      this.leaveWaiting(step);
    }
    const outputs = {
      ApprovalStatus: !decided ? 'Waiting' : rejected() ? 'Rejected' : 'Approved',
      ApproverDecisions: decisions.map((d) => ({ ...d })),
    };
    this.ip.stepOutputs[step.name] = outputs;
    if (!decided) throw new StepTimeoutError(`no decision within ${ms / 1000} s (${decisions.length} of ${min} approvals)`);
    if (rejected()) {
      const r = decisions.find((d) => d.decision === 'Rejected')!;
      throw new StepError(`rejected by ${r.approver}${r.comment ? `: ${r.comment}` : ''}`, 'Rejected');
    }
    return { kind: 'success', outputs };
  }
}
