// The semantic checks, in the order they are documented. Each is a small named function
// (see its file for the why); all run on every document so that every problem is reported
// at once.
import { checkActions } from './actions';
import { checkAwsApi } from './aws-api';
import { checkCancelTargets } from './cancel-targets';
import type { Rule } from './context';
import { checkCycles } from './cycles';
import { checkDuplicateStepNames } from './duplicate-steps';
import { checkParameterDefaults } from './parameter-defaults';
import { checkReachability } from './reachability';
import { checkReferenceOrder } from './reference-order';
import { checkReferences } from './references';
import { checkRunbookOutputs } from './runbook-outputs';
import { checkScriptRuntime } from './script-runtime';
import { checkSelectors } from './selectors';
import { checkStepOutputs } from './step-outputs';
import { checkStepTargets } from './step-targets';
import { checkTimeouts } from './timeouts';
import { checkUpdateVariable } from './update-variable';

export { ruleContext, type Rule, type RuleContext } from './context';

export const SEMANTIC_RULES: readonly Rule[] = [
  checkActions,
  checkDuplicateStepNames,
  checkStepTargets,
  checkCycles,
  checkReachability,
  checkReferences,
  checkReferenceOrder,
  checkParameterDefaults,
  checkCancelTargets,
  checkUpdateVariable,
  checkRunbookOutputs,
  checkStepOutputs,
  checkSelectors,
  checkScriptRuntime,
  checkAwsApi,
  checkTimeouts,
];
