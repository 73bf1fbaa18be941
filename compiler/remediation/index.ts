// Remediation configuration text → RemediationConfig, or diagnostics: parse with positions,
// validate against the remediation schema, run the checks, emit with Config's defaults.
// Pure: no I/O. Every problem is reported at once, sorted by position.
import { REMEDIATION_DEFAULTS, type RemediationConfig, type RemediationParameter, type SsmControls } from '../../lang/events/remediation';
import { checkDocument } from '../check-document';
import { hasErrors, type Diagnostic } from '../diagnostic';
import { error } from '../finding';
import { canonicalJson, sha256Hex } from '../hash';
import { asRecord, asString, type Json } from '../outline';
import { REMEDIATION_CHECKS, remediationContext } from './rules';
import { validateRemediationSchema } from './schema-validate';

export interface RemediationCompileResult {
  /** Present exactly when there is no error-severity diagnostic. */
  remediation?: RemediationConfig;
  diagnostics: Diagnostic[];
}

export function compileRemediation(text: string, file: string): RemediationCompileResult {
  const { ctx, diagnostics } = checkDocument(text, file, {
    noun: 'remediation configuration',
    notAMapping: error('invalid-type', '', 'A remediation configuration must be a mapping of ConfigRuleName, TargetType, TargetId and the other keys.', 'Start from: ConfigRuleName, TargetType: SSM_DOCUMENT, TargetId: <runbook>.'),
    context: remediationContext,
    validateSchema: validateRemediationSchema,
    rules: REMEDIATION_CHECKS,
  });
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  return { remediation: emitRemediation(ctx.doc, file), diagnostics };
}

function emitRemediation(doc: Json, file: string | undefined): RemediationConfig {
  const parameters: Record<string, RemediationParameter> = {};
  for (const [name, v] of Object.entries(asRecord(doc.Parameters) ?? {})) {
    const rec = asRecord(v)!;
    parameters[name] = rec.ResourceValue !== undefined ? { resourceValue: 'RESOURCE_ID' } : { staticValues: [...((asRecord(rec.StaticValue)?.Values as string[] | undefined) ?? [])] };
  }
  const ssm = asRecord(asRecord(doc.ExecutionControls)?.SsmControls);
  const controls: SsmControls = {};
  if (typeof ssm?.ConcurrentExecutionRatePercentage === 'number') controls.concurrentExecutionRatePercentage = ssm.ConcurrentExecutionRatePercentage;
  if (typeof ssm?.ErrorPercentage === 'number') controls.errorPercentage = ssm.ErrorPercentage;
  const withoutHash: Omit<RemediationConfig, 'hash' | 'source'> = {
    configRuleName: doc.ConfigRuleName as string,
    targetType: 'SSM_DOCUMENT',
    targetId: doc.TargetId as string,
    ...(asString(doc.TargetVersion) !== undefined ? { targetVersion: asString(doc.TargetVersion) } : {}),
    ...(asString(doc.ResourceType) !== undefined ? { resourceType: asString(doc.ResourceType) } : {}),
    parameters,
    automatic: doc.Automatic === true,
    maximumAutomaticAttempts: typeof doc.MaximumAutomaticAttempts === 'number' ? doc.MaximumAutomaticAttempts : REMEDIATION_DEFAULTS.maximumAutomaticAttempts,
    retryAttemptSeconds: typeof doc.RetryAttemptSeconds === 'number' ? doc.RetryAttemptSeconds : REMEDIATION_DEFAULTS.retryAttemptSeconds,
    ...(ssm ? { ssmControls: controls } : {}),
  };
  return { ...withoutHash, hash: sha256Hex(canonicalJson(withoutHash)), ...(file ? { source: { file } } : {}) };
}
