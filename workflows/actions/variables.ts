import type { PlanStep } from '../../lang/plan';
import { convertToType } from '../../lang/types';
import type { Interpreter } from '../interpreter';
import { StepError } from '../failures';
import { success, type StepOutcome } from './outcome';

/** aws:updateVariable: `Name: variable:X`, `Value` of X's type (AWS converts nothing; neither do we, beyond string forms). */
export async function runUpdateVariable(ip: Interpreter, step: PlanStep): Promise<StepOutcome> {
  const inputs = ip.inputsOf(step) as { Name?: unknown; Value?: unknown };
  const name = typeof inputs.Name === 'string' ? inputs.Name.replace(/^variable:/, '') : '';
  const spec = ip.plan.variables[name];
  if (!spec) throw new StepError(`Name must be variable:<a declared variable>; got ${JSON.stringify(inputs.Name)}`, 'InvalidInput');
  const type = spec.type.startsWith('List<') ? 'StringList' : spec.type.startsWith('AWS::') ? 'String' : spec.type;
  const converted = convertToType(inputs.Value, type as Parameters<typeof convertToType>[1]);
  if ('error' in converted) throw new StepError(`variable ${name} is a ${spec.type}: ${converted.error}`, 'InvalidInput');
  ip.variables[name] = converted.value;
  return success();
}
