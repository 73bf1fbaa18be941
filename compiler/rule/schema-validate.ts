// Validates a rule file against schemas/event-rule.schema.json (built in memory from the same
// builder), with the runbook compiler's mapping of ajv errors to findings.
import { buildEventRuleSchema } from '../../schemas/event-rule-schema';
import type { Finding } from '../finding';
import { lazyValidator, renameRoot, schemaFindings } from '../schema-validate';

const ruleValidator = lazyValidator(buildEventRuleSchema);

export function validateRuleSchema(value: unknown): Finding[] {
  return renameRoot(schemaFindings(ruleValidator(), value), 'rule');
}
