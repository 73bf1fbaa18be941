// aws:updateVariable sets `Name: variable:NAME`, which must be declared under `variables`,
// and a literal `Value` must already have the variable's type (AWS does not convert it).
import { baseType } from '../../lang/parameters';
import { describeValue as describe } from '../../lang/types';
import { didYouMean } from '../../lang/suggest';
import { referencesIn } from '../../lang/template';
import { sentence } from '../describe-pointer';
import { error, joinPointer, type Finding } from '../finding';
import { asString } from '../outline';
import { stepLabel, type RuleContext } from './context';

export function checkUpdateVariable({ outline }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const declared = Object.keys(outline.variables);
  for (const step of outline.steps) {
    if (step.action !== 'aws:updateVariable') continue;
    const name = asString(step.inputs.Name);
    if (name === undefined || !name.startsWith('variable:')) continue; // the schema reports the form
    const variable = name.slice('variable:'.length);
    const definition = outline.variables[variable];
    if (!definition) {
      findings.push(
        error(
          'undefined-reference',
          joinPointer(step.pointer, 'inputs', 'Name'),
          `${sentence(stepLabel(step))} sets variable "${variable}", which is not declared under variables.${didYouMean(variable, declared)}`,
          `Declare it: variables: { ${variable}: { type: String } }.`,
        ),
      );
      continue;
    }
    const type = asString(definition.type);
    const value = step.inputs.Value;
    if (type === undefined || !('Value' in step.inputs)) continue;
    if (typeof value === 'string' && referencesIn(value).length) continue; // resolved at run time
    const expected = shapeOf(type);
    if (expected && !expected.test(value)) {
      findings.push(
        error(
          'invalid-value',
          joinPointer(step.pointer, 'inputs', 'Value'),
          `Value of ${stepLabel(step)} must be ${expected.phrase} for the ${type} variable "${variable}", not ${describe(value)}.`,
          'aws:updateVariable does not convert values; write the value in the variable\'s type.',
        ),
      );
    }
  }
  return findings;
}

function shapeOf(type: string): { phrase: string; test: (v: unknown) => boolean } | undefined {
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  switch (baseType(type as never)) {
    case 'String':
      return { phrase: 'a string', test: (v) => typeof v === 'string' };
    case 'Integer':
      return { phrase: 'a whole number', test: (v) => typeof v === 'number' && Number.isInteger(v) };
    case 'Boolean':
      return { phrase: 'true or false', test: (v) => typeof v === 'boolean' };
    case 'StringList':
      return { phrase: 'a list of strings', test: (v) => Array.isArray(v) && v.every((i) => typeof i === 'string') };
    case 'StringMap':
      return { phrase: 'a mapping', test: isMap };
    case 'MapList':
      return { phrase: 'a list of mappings', test: (v) => Array.isArray(v) && v.every(isMap) };
    default:
      return undefined;
  }
}
