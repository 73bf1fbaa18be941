import type { PlanStep } from '../../lang/plan';
import { interpolate } from '../../lang/interpolate';
import { evaluateCondition, ConditionError } from '../../lang/conditions';
import type { Interpreter, SequenceEnd } from '../interpreter';
import { StepError } from '../failures';
import type { StepOutcome } from './outcome';

/** AWS runs a loop at most 100 times. */
const MAX_ITERATIONS = 100;

function iteratorValue(value: unknown, dataType: unknown): unknown {
  switch (dataType) {
    case 'Integer': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isInteger(n)) throw new StepError(`iterator value ${JSON.stringify(value)} is not an Integer`, 'InvalidInput');
      return n;
    }
    case 'Boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      throw new StepError(`iterator value ${JSON.stringify(value)} is not a Boolean`, 'InvalidInput');
    default:
      return value;
  }
}

/**
 * aws:loop: the body runs once per iterator value, or (LoopCondition) again while the
 * condition holds after a pass. A transition from the body to an outer step leaves the loop.
 */
export async function runLoop(ip: Interpreter, step: PlanStep): Promise<StepOutcome> {
  if (!step.bodyEntry) throw new StepError('the loop has no Steps', 'InvalidInput');
  const inputs = ip.inputsOf(step);
  const maxRaw = inputs.MaxIterations;
  const max = maxRaw === undefined ? MAX_ITERATIONS : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > MAX_ITERATIONS) {
    throw new StepError(`MaxIterations must be an integer from 1 to ${MAX_ITERATIONS}; got ${JSON.stringify(maxRaw)}`, 'InvalidInput');
  }
  const pass = async (iteration: number, value: unknown): Promise<SequenceEnd> => {
    ip.stepOutputs[step.name] = { CurrentIteration: iteration, CurrentIteratorValue: value };
    return ip.runSequence(step.bodyEntry!, step.name);
  };
  const settle = (end: SequenceEnd): StepOutcome | undefined => {
    if (end.kind === 'abort') return end;
    if (end.kind === 'jump') return { kind: 'success', outputs: { ...ip.stepOutputs[step.name] }, jump: end.to };
    return undefined;
  };

  if (inputs.Iterators !== undefined) {
    const items = inputs.Iterators;
    if (!Array.isArray(items)) throw new StepError(`Iterators must be a list; got ${JSON.stringify(items)}`, 'InvalidInput');
    for (let i = 0; i < Math.min(items.length, max); i++) {
      const done = settle(await pass(i + 1, iteratorValue(items[i], inputs.IteratorDataType)));
      if (done) return done;
    }
  } else if (step.inputs.LoopCondition !== undefined) {
    let iteration = 0;
    for (;;) {
      iteration += 1;
      const done = settle(await pass(iteration, undefined));
      if (done) return done;
      if (iteration >= max) break;
      try {
        if (!evaluateCondition(interpolate(step.inputs.LoopCondition, ip.scope()))) break;
      } catch (err) {
        if (err instanceof ConditionError) throw new StepError(`LoopCondition: ${err.message}`, 'InvalidCondition');
        throw err;
      }
    }
  } else {
    throw new StepError('a loop needs Iterators or a LoopCondition', 'InvalidInput');
  }
  return { kind: 'success', outputs: { ...ip.stepOutputs[step.name] } };
}
