// aws:executeStateMachine: starts a Step Functions execution and waits until it ends;
// outputs AWS's lower-camel-case executionArn, input, name, output, startDate,
// stateMachineArn, status and stopDate (and user outputs selected from them). An execution
// that ends other than SUCCEEDED fails the step with its error and cause.
//
// Never started twice: without a `name` from the runbook the execution is named after the
// execution, step and run. Step Functions answers a second StartExecution with the same
// name and input by the running execution, and ExecutionAlreadyExists once it has ended,
// in which case the activity waits for (reads) that execution; the execution ARN is
// heartbeated, so a retry after a crash goes straight to waiting.
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { activityInfo, heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { selectOutputs } from '../../outputs';
import type { ResolvedAwsDeps } from '../deps';
import { callAws } from '../errors';
import { callAwsUnless, resumedDetails } from '../ec2/calls';
import { pollUntil } from '../ec2/poll';
import { clientToken, idempotencyKey } from '../idempotency';
import { InputReader } from '../ec2/inputs';

interface Details {
  executionArn: string;
}

/** arn:…:stateMachine:M → arn:…:execution:M:name (how Step Functions names executions). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

const iso = (d: Date | undefined): string | undefined => (d ? d.toISOString() : undefined);

function outputsOf(e: DescribeExecutionCommandOutput): Record<string, string> {
  const out: Record<string, string | undefined> = {
    executionArn: e.executionArn,
    input: e.input,
    name: e.name,
    output: e.output,
    startDate: iso(e.startDate),
    stateMachineArn: e.stateMachineArn,
    status: e.status,
    stopDate: iso(e.stopDate),
  };
  return Object.fromEntries(Object.entries(out).filter((kv): kv is [string, string] => kv[1] !== undefined));
}

export function createExecuteStateMachine(deps: ResolvedAwsDeps) {
  return async function executeStateMachine(req: ActionRequest): Promise<ActionResult> {
    const inputs = new InputReader('aws:executeStateMachine', req.inputs);
    const stateMachineArn = inputs.string('stateMachineArn');
    const raw = req.inputs.input;
    const input = raw === undefined || raw === null ? undefined : typeof raw === 'string' ? raw : JSON.stringify(raw);
    // Names allow 80 characters of [A-Za-z0-9_-]: a client token fits.
    const given = inputs.optionalString('name');
    const name = given ?? `drover-${clientToken(idempotencyKey(req), 'stepfunctions.StartExecution')}`;
    const sfn = deps.clients.get(SFNClient, req.assumeRole);

    let executionArn = resumedDetails<Details>().executionArn;
    if (!executionArn) {
      const started = await callAwsUnless(`starting ${stateMachineArn}`, ['ExecutionAlreadyExists'], () =>
        sfn.send(new StartExecutionCommand({ stateMachineArn, name, input })),
      );
      // A name the runbook chose may be another's on a first try; on a retry it is ours.
      if (!started && given && activityInfo().attempt === 1) throw actionFailed(`an execution named ${given} of ${stateMachineArn} already exists`, { awsErrorCode: 'ExecutionAlreadyExists' });
      executionArn = started?.executionArn ?? executionArnOf(stateMachineArn, name);
      if (started) await deps.afterSideEffect?.({ request: req, service: 'stepfunctions', api: 'StartExecution' });
    }
    heartbeat({ executionArn } satisfies Details);
    const arn = executionArn;
    const execution = await pollUntil<DescribeExecutionCommandOutput>(async () => {
      const e = await callAws(`describing execution ${arn}`, () => sfn.send(new DescribeExecutionCommand({ executionArn: arn })));
      return e.status === 'RUNNING' || e.status === 'PENDING_REDRIVE' ? { done: false, status: e.status } : { done: true, value: e };
    }, { executionArn });
    const outputs = outputsOf(execution);
    if (execution.status !== 'SUCCEEDED') {
      const why = [execution.error, execution.cause].filter(Boolean).join(': ');
      throw actionFailed(`execution ${execution.name ?? name} of ${stateMachineArn} ended ${execution.status}${why ? `: ${why}` : ''}`, outputs);
    }
    return { outputs: { ...outputs, ...selectOutputs(outputs, req.outputs).outputs } };
  };
}
