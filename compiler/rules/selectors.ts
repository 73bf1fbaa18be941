// Output selectors (`outputs[].Selector`) and the PropertySelector of
// aws:assertAwsResourceProperty / aws:waitForAwsResourceProperty must be JSONPath; a broken
// one would only fail when the step runs. AWS documents them as starting with `$`, but its
// own published runbooks also use `SnapshotId` and `Payload.KeyName`, which it reads from
// the root: that form is a warning, and the plan carries the `$.` form.
import { error, warning, joinPointer, type Finding } from '../finding';
import { jsonPathProblem, rootedSelector } from '../jsonpath-syntax';
import { asString } from '../outline';
import { declaredOutputs } from '../step-outputs';
import { stepLabel, type RuleContext } from './context';

const PROPERTY_SELECTOR_ACTIONS = new Set(['aws:assertAwsResourceProperty', 'aws:waitForAwsResourceProperty']);

export function checkSelectors({ outline }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const check = (selector: string, pointer: string, owner: string) => {
    const what = `${owner.startsWith('output') ? 'Selector' : 'PropertySelector'} "${selector}" of ${owner}`;
    const rooted = rootedSelector(selector);
    const problem = jsonPathProblem(rooted);
    if (problem) {
      findings.push(
        error('invalid-selector', pointer, `${what} is not a valid JSONPath: ${problem}.`, 'Selectors look like $.Reservations[0].Instances[0].State.Name or $.Payload.id.'),
      );
    } else if (rooted !== selector.trim()) {
      findings.push(warning('selector-without-root', pointer, `${what} does not start with $; it is read as ${rooted}.`, `Write ${rooted}.`));
    }
  };
  for (const step of outline.steps) {
    for (const output of declaredOutputs(step)) {
      if (output.selector !== undefined) {
        check(output.selector, joinPointer(step.pointer, 'outputs', output.index, 'Selector'), `output "${output.name ?? output.index}" of ${stepLabel(step)}`);
      }
    }
    const property = asString(step.inputs.PropertySelector);
    if (step.action !== undefined && PROPERTY_SELECTOR_ACTIONS.has(step.action) && property !== undefined && !property.includes('{{')) {
      check(property, joinPointer(step.pointer, 'inputs', 'PropertySelector'), stepLabel(step));
    }
  }
  return findings;
}
