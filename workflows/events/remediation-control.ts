// ExecutionControls.SsmControls of one Config rule: its resources' remediation workflows ask
// here for a turn before each attempt. At most ConcurrentExecutionRatePercentage of the
// current batch (the resources asking since the coordinator was last idle) run at once, at
// least one; once more than ErrorPercentage of the batch has failed, the rest of the batch is
// refused (as SSM stops a rate-controlled automation past MaxErrors). When nothing runs or
// waits, the batch ends and the counts start again. Idle, it costs no events.
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { failClearly } from '../fail-clearly';
import {
  configureControlSignal,
  controlStateQuery,
  DEFAULT_ERROR_PERCENT,
  DEFAULT_RATE_PERCENT,
  errorsExceeded,
  releaseTurnSignal,
  REMEDIATION_HISTORY_LIMIT,
  requestTurnSignal,
  turnAnswerSignal,
  turnLimit,
  type ControlInput,
  type ControlState,
  type TurnAnswer,
  type TurnRequest,
} from './remediation-contract';

export function remediationControlWorkflow(input: ControlInput): Promise<void> {
  return failClearly('the remediation controls', () => control(input));
}

async function control(input: ControlInput): Promise<void> {
  let controls = input.controls ?? {};
  const state: ControlState = input.carry ?? { queue: [], running: [], batchSize: 0, batchFailed: 0 };
  const outbox: { to: string; answer: TurnAnswer }[] = [];
  const rate = () => controls.concurrentExecutionRatePercentage ?? DEFAULT_RATE_PERCENT;
  const errorPercent = () => controls.errorPercentage ?? DEFAULT_ERROR_PERCENT;
  const known = (id: string) => state.queue.some((r) => r.requestId === id) || state.running.some((r) => r.requestId === id);

  setHandler(configureControlSignal, (c) => {
    if (c && typeof c === 'object') controls = c;
  });
  setHandler(requestTurnSignal, (r) => {
    if (!r || typeof r.requestId !== 'string' || typeof r.workflowId !== 'string') return log.warn('ignored a malformed turn request');
    if (known(r.requestId)) return;
    state.batchSize += 1;
    if (state.stopped) outbox.push({ to: r.workflowId, answer: { requestId: r.requestId, granted: false, reason: state.stopped } });
    else state.queue.push(r);
  });
  setHandler(releaseTurnSignal, (r) => {
    if (!r || typeof r.requestId !== 'string') return;
    const before = state.running.length;
    state.running = state.running.filter((x) => x.requestId !== r.requestId);
    if (state.running.length === before) return;
    if (r.failed) state.batchFailed += 1;
    if (!state.stopped && errorsExceeded(errorPercent(), state.batchSize, state.batchFailed)) {
      state.stopped = `stopped by ExecutionControls: ${state.batchFailed} of ${state.batchSize} remediations of this batch failed, more than ErrorPercentage ${errorPercent()} % allows`;
      for (const q of state.queue.splice(0)) outbox.push({ to: q.workflowId, answer: { requestId: q.requestId, granted: false, reason: state.stopped } });
    }
  });
  setHandler(controlStateQuery, () => ({ ...state, limit: turnLimit(rate(), state.batchSize) }));

  const historyLimit = REMEDIATION_HISTORY_LIMIT;
  for (;;) {
    const canGrant = () => !state.stopped && state.queue.length > 0 && state.running.length < turnLimit(rate(), state.batchSize);
    const idle = () => state.queue.length === 0 && state.running.length === 0;
    await condition(() => outbox.length > 0 || canGrant() || (idle() && state.batchSize > 0) || (idle() && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit)));
    while (canGrant()) {
      const next = state.queue.shift()!;
      state.running.push(next);
      outbox.push({ to: next.workflowId, answer: { requestId: next.requestId, granted: true } });
    }
    for (const { to, answer } of outbox.splice(0)) {
      try {
        await getExternalWorkflowHandle(to).signal(turnAnswerSignal, answer);
      } catch (err) {
        // The remediation is gone (terminated): its turn is free again.
        log.warn('a remediation that asked for a turn is gone', { workflowId: to, error: (err as Error).message });
        state.running = state.running.filter((r: TurnRequest) => r.requestId !== answer.requestId);
      }
    }
    if (idle() && state.batchSize > 0) {
      state.batchSize = 0;
      state.batchFailed = 0;
      delete state.stopped;
    }
    if (idle() && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof remediationControlWorkflow>({ ...input, controls, carry: state });
    }
  }
}
