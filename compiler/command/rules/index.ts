// The semantic rules of Command documents, in the order they run. Each is small, pure and
// tested on its own; none throws (compileCommandDocument guards them anyway).
import type { CommandRule } from './context';
import { checkSections } from './sections';
import { checkPlugins, checkSomethingRuns } from './plugins';
import { checkPreconditions } from './preconditions';
import { checkReferences } from './references';
import { checkFinallyStep, checkStepNames, checkTimeouts } from './steps';
import { checkParameters } from './parameters';

export type { CommandRule, CommandRuleContext } from './context';

export const COMMAND_RULES: CommandRule[] = [
  checkSections,
  checkParameters,
  checkPlugins,
  checkSomethingRuns,
  checkPreconditions,
  checkStepNames,
  checkFinallyStep,
  checkTimeouts,
  checkReferences,
];
