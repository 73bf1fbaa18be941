// Validates a patch baseline against schemas/patch-baseline.schema.json (built in memory from
// the same builder), with the runbook compiler's mapping of ajv errors to findings.
import { buildPatchBaselineSchema } from '../../schemas/patch-baseline-schema';
import type { Finding } from '../finding';
import { lazyValidator, renameRoot, schemaFindings } from '../schema-validate';

const baselineValidator = lazyValidator(buildPatchBaselineSchema);

export function validateBaselineSchema(value: unknown): Finding[] {
  return renameRoot(schemaFindings(baselineValidator(), value), 'baseline');
}
