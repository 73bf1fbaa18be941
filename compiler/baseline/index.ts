// Patch baseline text → PatchBaseline, or diagnostics: parse with positions (the runbook
// compiler's parser), validate against the baseline schema, run the baseline rules, emit.
// Pure: no I/O. Every problem is reported at once, sorted by position.
import type { ComplianceLevel, FilterKey, PatchBaseline, PatchFilter, PatchRule } from '../../patch/baseline';
import { checkDocument } from '../check-document';
import { hasErrors, type Diagnostic } from '../diagnostic';
import { error } from '../finding';
import { canonicalJson, sha256Hex } from '../hash';
import { runbookName } from '../index';
import { asRecord, asString, type Json } from '../outline';
import { baselineContext, BASELINE_RULES } from './rules';
import { validateBaselineSchema } from './schema-validate';

export interface BaselineCompileResult {
  /** Present exactly when there is no error-severity diagnostic. */
  baseline?: PatchBaseline;
  diagnostics: Diagnostic[];
}

export function compileBaseline(text: string, file: string): BaselineCompileResult {
  const { ctx, diagnostics } = checkDocument(text, file, {
    noun: 'baseline',
    notAMapping: error('invalid-type', '', 'A patch baseline must be a mapping of OperatingSystem, ApprovalRules and the other keys.', 'Start from: OperatingSystem: DEBIAN and ApprovalRules: { PatchRules: [...] }.'),
    context: baselineContext,
    validateSchema: validateBaselineSchema,
    rules: BASELINE_RULES,
  });
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  return { baseline: emitBaseline(ctx.doc, file), diagnostics };
}

/** The baseline of a document that passed the schema and the rules. */
export function emitBaseline(doc: Json, file: string | undefined): PatchBaseline {
  const withoutHash: Omit<PatchBaseline, 'hash' | 'source'> = {
    name: asString(doc.Name) ?? (file ? runbookName(file) : 'baseline'),
    ...(asString(doc.Description) !== undefined ? { description: asString(doc.Description) } : {}),
    operatingSystem: doc.OperatingSystem as PatchBaseline['operatingSystem'],
    globalFilters: filtersOf(doc.GlobalFilters),
    approvalRules: (asRecord(doc.ApprovalRules)?.PatchRules as Json[] | undefined)?.map(ruleOf) ?? [],
    approvedPatches: strings(doc.ApprovedPatches),
    approvedPatchesComplianceLevel: (asString(doc.ApprovedPatchesComplianceLevel) as ComplianceLevel | undefined) ?? 'UNSPECIFIED',
    approvedPatchesEnableNonSecurity: doc.ApprovedPatchesEnableNonSecurity === true,
    rejectedPatches: strings(doc.RejectedPatches),
    rejectedPatchesAction: doc.RejectedPatchesAction === 'BLOCK' ? 'BLOCK' : 'ALLOW_AS_DEPENDENCY',
    patchGroups: strings(doc.PatchGroups),
    defaultBaseline: doc.DefaultBaseline === true,
  };
  return { ...withoutHash, hash: sha256Hex(canonicalJson(withoutHash)), ...(file ? { source: { file } } : {}) };
}

function ruleOf(rule: Json): PatchRule {
  return {
    filters: filtersOf(rule.PatchFilterGroup),
    complianceLevel: (asString(rule.ComplianceLevel) as ComplianceLevel | undefined) ?? 'UNSPECIFIED',
    ...(typeof rule.ApproveAfterDays === 'number' ? { approveAfterDays: rule.ApproveAfterDays } : {}),
    ...(asString(rule.ApproveUntilDate) ? { approveUntilDate: asString(rule.ApproveUntilDate) } : {}),
    enableNonSecurity: rule.EnableNonSecurity === true,
  };
}

function filtersOf(group: unknown): PatchFilter[] {
  const list = asRecord(group)?.PatchFilters;
  return (Array.isArray(list) ? list : []).map((f) => ({ key: (f as Json).Key as FilterKey, values: strings((f as Json).Values) }));
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()) : []);
