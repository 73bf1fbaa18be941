// Command document text → CommandDocumentPlan, or diagnostics: the runbook compiler's
// discipline for what Run Command runs on nodes. Pure: parse with positions → JSON Schema →
// semantic rules → emit. Every problem at once, sorted by position, each with
// file:line:col, a code, a message and a hint.
import type { CommandDocumentPlan } from '../../agent/protocol';
import { hasErrors, type Diagnostic } from '../diagnostic';
import { error, type Finding } from '../finding';
import { byPosition, runbookName, toDiagnostic } from '../index';
import { asRecord } from '../outline';
import { parseSource } from '../parse';
import { emitCommandPlan } from './emit';
import { outlineCommandDocument } from './outline';
import { COMMAND_RULES, type CommandRule, type CommandRuleContext } from './rules';
import { validateCommandDocumentSchema } from './schema-validate';

export interface CommandCompileResult {
  /** Present exactly when there is no error-severity diagnostic. */
  plan?: CommandDocumentPlan;
  diagnostics: Diagnostic[];
}

export function compileCommandDocument(text: string, file: string, options: { name?: string } = {}): CommandCompileResult {
  const parsed = parseSource(text);
  let findings = parsed.findings;
  let ctx: CommandRuleContext | undefined;
  const readable = parsed.value !== undefined || findings.length === 0;
  if (readable && !asRecord(parsed.value)) {
    findings = [error('invalid-type', '', 'A Command document must be a mapping of schemaVersion, parameters and mainSteps.', "Start from: schemaVersion: '2.2' and mainSteps: [...].")];
  } else if (readable) {
    ctx = { outline: outlineCommandDocument(parsed.value) };
    findings = [...findings, ...validateCommandDocumentSchema(parsed.value), ...COMMAND_RULES.flatMap((rule) => runSafely(rule, ctx!))];
  }
  const diagnostics = findings.map((f) => toDiagnostic(f, file, parsed.positions)).sort(byPosition);
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  return { plan: emitCommandPlan(ctx.outline, options.name ?? runbookName(file)), diagnostics };
}

function runSafely(rule: CommandRule, ctx: CommandRuleContext): Finding[] {
  try {
    return rule(ctx);
  } catch (e) {
    return [error('internal-error', '', `The ${rule.name} check failed: ${(e as Error).message}.`, 'This is a Drover bug; please report it with the document.')];
  }
}
