// Runbooks written inline in tests: compiled with the builtin catalog, started the way the
// client starts them (or with the interpreter's continue-as-new knob), and read step by step.
import type { Client } from '@temporalio/client';
import type { DroverClient } from '../../client';
import { compileRunbook } from '../../compiler';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import type { Plan } from '../../lang/plan';
import { SA_PLAN_HASH, SA_RUNBOOK, SA_TRIGGER, type ExecutionInput, type ExecutionResult, type StepRecord } from '../../workflows/definitions';

/** The plan of runbook `text` named `name`; a runbook with errors fails the test, listing them. */
export function compilePlan(name: string, text: string): Plan {
  const { plan, diagnostics } = compileRunbook(text, `${name}.yaml`, BUILTIN_CATALOG);
  if (!plan) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return plan;
}

/** The record of step `name` (of a state, a result, or their steps); fails when there is none. */
export function step(of: StepRecord[] | { steps: StepRecord[] }, name: string): StepRecord {
  const r = (Array.isArray(of) ? of : of.steps).find((s) => s.name === name);
  if (!r) throw new Error(`no step ${name}`);
  return r;
}

/** Starts `runbook` and waits for its end. */
export async function runToEnd(client: DroverClient, runbook: string, parameters: Record<string, unknown>): Promise<{ executionId: string; result: ExecutionResult }> {
  const { executionId } = await client.start(runbook, { parameters });
  return { executionId, result: await client.result(executionId) };
}

/** Starts `plan` as the client does, with the interpreter's tuning knob for continue-as-new. */
export async function startWithEventBudget(
  temporal: Client,
  opts: { workflowId: string; taskQueue: string; plan: Plan; parameters?: Record<string, unknown>; trigger: string; continueAsNewAfterEvents: number },
): Promise<void> {
  const { plan, trigger } = opts;
  const parameters = opts.parameters ?? {};
  const input: ExecutionInput = { plan, parameters, trigger, continueAsNewAfterEvents: opts.continueAsNewAfterEvents };
  await temporal.workflow.start(plan.name, {
    workflowId: opts.workflowId,
    taskQueue: opts.taskQueue,
    args: [input],
    memo: { parameters },
    typedSearchAttributes: [
      { key: SA_RUNBOOK, value: plan.name },
      { key: SA_PLAN_HASH, value: plan.hash },
      { key: SA_TRIGGER, value: trigger },
    ],
  });
}

/** Nested loops of drover:log steps: with a small event budget the execution continues as new inside both loops. */
export const NESTED_LOOPS = `schemaVersion: '0.3'
variables:
  Seen: { type: String, default: '' }
mainSteps:
  - name: outer
    action: aws:loop
    inputs:
      Iterators: [a, b, c]
      Steps:
        - name: inner
          action: aws:loop
          inputs:
            LoopCondition: { Variable: '{{ inner.CurrentIteration }}', NumericLesser: 2 }
            Steps:
              - name: say
                action: drover:log
                inputs: { Message: '{{ outer.CurrentIteratorValue }}{{ inner.CurrentIteration }}' }
              - name: remember
                action: aws:updateVariable
                inputs: { Name: 'variable:Seen', Value: '{{ variable:Seen }}{{ say.Message }},' }
  - name: report
    action: drover:log
    inputs: { Message: 'seen {{ variable:Seen }} last {{ say.Message }}' }
outputs:
  - report.Message
`;

/** A step inside a loop whose onCancel path jumps out of the loop. */
export const CANCEL_LEAVES_LOOP = `schemaVersion: '0.3'
mainSteps:
  - name: loop
    action: aws:loop
    inputs:
      Iterators: [a, b]
      Steps:
        - name: work
          action: aws:sleep
          onCancel: step:undo
          inputs: { Duration: PT6H }
        - name: again
          action: drover:log
          isEnd: true
          inputs: { Message: again }
        - name: undo
          action: drover:log
          nextStep: report
          inputs: { Message: 'undo {{ loop.CurrentIteratorValue }}' }
  - name: done
    action: drover:log
    isEnd: true
    inputs: { Message: done }
  - name: report
    action: drover:log
    inputs: { Message: 'reported after {{ undo.Message }}' }
outputs:
  - report.Message
`;
