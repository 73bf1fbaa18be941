// Command document text → CommandDocumentPlan, or diagnostics: the runbook compiler's
// discipline for what Run Command runs on nodes. Pure: parse with positions → JSON Schema →
// semantic rules → emit. Every problem at once, sorted by position, each with
// file:line:col, a code, a message and a hint.
import type { CommandDocumentPlan } from '../../agent/protocol';
import { checkDocument } from '../check-document';
import { hasErrors, type Diagnostic } from '../diagnostic';
import { error } from '../finding';
import { runbookName } from '../index';
import { emitCommandPlan } from './emit';
import { outlineCommandDocument } from './outline';
import { COMMAND_RULES, type CommandRuleContext } from './rules';
import { validateCommandDocumentSchema } from './schema-validate';

export interface CommandCompileResult {
  /** Present exactly when there is no error-severity diagnostic. */
  plan?: CommandDocumentPlan;
  diagnostics: Diagnostic[];
}

export function compileCommandDocument(text: string, file: string, options: { name?: string } = {}): CommandCompileResult {
  const { ctx, diagnostics } = checkDocument<CommandRuleContext>(text, file, {
    noun: 'document',
    notAMapping: error('invalid-type', '', 'A Command document must be a mapping of schemaVersion, parameters and mainSteps.', "Start from: schemaVersion: '2.2' and mainSteps: [...]."),
    context: (value) => ({ outline: outlineCommandDocument(value) }),
    validateSchema: validateCommandDocumentSchema,
    rules: COMMAND_RULES,
  });
  if (!ctx || hasErrors(diagnostics)) return { diagnostics };
  return { plan: emitCommandPlan(ctx.outline, options.name ?? runbookName(file)), diagnostics };
}
