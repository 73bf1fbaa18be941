import type { PlanStep } from '../../lang/plan';
import { interpolate } from '../../lang/interpolate';
import { evaluateCondition, ConditionError } from '../../lang/conditions';
import type { Interpreter, SequenceEnd } from '../interpreter';
import { StepError } from '../failures';
import type { StepOutcome } from './outcome';
import type { LoopFrame } from '../continue-as-new';

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
 * The loop's frame (pass, iterators) is kept on the interpreter, so that a continue-as-new
 * between two steps of the body goes on with the same pass in the next run.
 */
export async function runLoop(ip: Interpreter, step: PlanStep): Promise<StepOutcome> {
  if (!step.bodyEntry) throw new StepError('the loop has no Steps', 'InvalidInput');
  const resumed = ip.resumeLoop(step.name);
  const frame = resumed ? { ...resumed.frame } : startFrame(ip, step);
  /** Where the next pass starts: the body's first step, except where the previous run stopped. */
  let entry: string | undefined = resumed?.entry;
  const pass = async (iteration: number, value: unknown): Promise<SequenceEnd> => {
    frame.iteration = iteration;
    ip.stepOutputs[step.name] = { CurrentIteration: iteration, CurrentIteratorValue: value };
    const from = entry ?? step.bodyEntry!;
    entry = undefined;
    return ip.runSequence(from, step.name);
  };
  const settle = (end: SequenceEnd): StepOutcome | undefined => {
    if (end.kind === 'abort') return end;
    if (end.kind === 'jump') return { kind: 'success', outputs: { ...ip.stepOutputs[step.name] }, jump: end.to };
    return undefined;
  };

  ip.loops.push(frame);
  try {
    if (frame.items) {
      const items = frame.items;
      for (let i = resumed ? frame.iteration - 1 : 0; i < Math.min(items.length, frame.max); i++) {
        const done = settle(await pass(i + 1, iteratorValue(items[i], frame.dataType)));
        if (done) return done;
      }
    } else {
      let iteration = resumed ? frame.iteration - 1 : 0;
      for (;;) {
        iteration += 1;
        const done = settle(await pass(iteration, undefined));
        if (done) return done;
        if (iteration >= frame.max) break;
        try {
          if (!evaluateCondition(interpolate(step.inputs.LoopCondition, ip.scope()))) break;
        } catch (err) {
          if (err instanceof ConditionError) throw new StepError(`LoopCondition: ${err.message}`, 'InvalidCondition');
          throw err;
        }
      }
    }
  } finally {
    ip.loops.pop();
  }
  return { kind: 'success', outputs: { ...ip.stepOutputs[step.name] } };
}

/** A loop's frame as it starts: MaxIterations and the Iterators evaluated once. */
function startFrame(ip: Interpreter, step: PlanStep): LoopFrame {
  const inputs = ip.inputsOf(step);
  const maxRaw = inputs.MaxIterations;
  const max = maxRaw === undefined ? MAX_ITERATIONS : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > MAX_ITERATIONS) {
    throw new StepError(`MaxIterations must be an integer from 1 to ${MAX_ITERATIONS}; got ${JSON.stringify(maxRaw)}`, 'InvalidInput');
  }
  if (inputs.Iterators !== undefined) {
    const items = inputs.Iterators;
    if (!Array.isArray(items)) throw new StepError(`Iterators must be a list; got ${JSON.stringify(items)}`, 'InvalidInput');
    const frame: LoopFrame = { step: step.name, iteration: 0, max, items };
    if (inputs.IteratorDataType !== undefined) frame.dataType = inputs.IteratorDataType;
    return frame;
  }
  if (step.inputs.LoopCondition === undefined) throw new StepError('a loop needs Iterators or a LoopCondition', 'InvalidInput');
  return { step: step.name, iteration: 0, max };
}
