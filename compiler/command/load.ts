// Reads a file and compiles it as what its content says it is: a patch baseline
// (OperatingSystem), an AWS Config remediation configuration (ConfigRuleName), an EventBridge
// rule (EventPattern), or by its schemaVersion a Command document ('1.2', '2.0', '2.2') or an
// Automation runbook (anything else). For `drover validate` and `drover compile`.
import type { ActionCatalog } from '../../lang/catalog';
import type { Plan } from '../../lang/plan';
import type { CommandDocumentPlan } from '../../agent/protocol';
import type { Diagnostic } from '../diagnostic';
import { compileRunbook } from '../index';
import { readSource } from '../read-source';
import { isCommandDocumentText } from './detect';
import { compileCommandDocument } from './index';
import type { PatchBaseline } from '../../patch/baseline';
import { isBaselineText } from '../baseline/detect';
import { compileBaseline } from '../baseline/index';
import type { WindowPlan } from '../../lang/windows/plan';
import { isWindowText } from '../window/detect';
import { loadWindowText } from '../window/load';
import type { EventRule } from '../../lang/events/rule';
import type { RemediationConfig } from '../../lang/events/remediation';
import { isRuleText } from '../rule/detect';
import { compileRule } from '../rule/index';
import { ruleReferenceDiagnostics } from '../rule/load';
import { isRemediationText } from '../remediation/detect';
import { compileRemediation } from '../remediation/index';
import { remediationReferenceDiagnostics } from '../remediation/load';

export type AnyCompileResult =
  | { kind: 'runbook'; plan?: Plan; diagnostics: Diagnostic[] }
  | { kind: 'command'; plan?: CommandDocumentPlan; diagnostics: Diagnostic[] }
  | { kind: 'baseline'; plan?: PatchBaseline; diagnostics: Diagnostic[] }
  | { kind: 'window'; plan?: WindowPlan; diagnostics: Diagnostic[] }
  | { kind: 'rule'; plan?: EventRule; diagnostics: Diagnostic[] }
  | { kind: 'remediation'; plan?: RemediationConfig; diagnostics: Diagnostic[] };

export async function loadAndCompileAny(path: string, catalog: ActionCatalog): Promise<AnyCompileResult> {
  const source = await readSource(path, 'the file');
  if ('diagnostic' in source) return { kind: 'runbook', diagnostics: [source.diagnostic] };
  const { text } = source;
  if (isBaselineText(text)) {
    const { baseline, diagnostics } = compileBaseline(text, path);
    return { kind: 'baseline', ...(baseline ? { plan: baseline } : {}), diagnostics };
  }
  if (isWindowText(text)) return { kind: 'window', ...(await loadWindowText(text, path)) };
  // Event rules and remediation configurations are also checked against the runbooks they name.
  if (isRemediationText(text)) {
    const { remediation, diagnostics } = compileRemediation(text, path);
    if (!remediation) return { kind: 'remediation', diagnostics };
    return { kind: 'remediation', plan: remediation, diagnostics: [...diagnostics, ...(await remediationReferenceDiagnostics(remediation, { catalog }))] };
  }
  if (isRuleText(text)) {
    const { rule, diagnostics } = compileRule(text, path);
    if (!rule) return { kind: 'rule', diagnostics };
    return { kind: 'rule', plan: rule, diagnostics: [...diagnostics, ...(await ruleReferenceDiagnostics(rule, { catalog }))] };
  }
  return isCommandDocumentText(text) ? { kind: 'command', ...compileCommandDocument(text, path) } : { kind: 'runbook', ...compileRunbook(text, path, catalog) };
}
