// Validates a remediation configuration against schemas/remediation.schema.json (built in
// memory from the same builder), with the runbook compiler's mapping of ajv errors to findings.
import { buildRemediationSchema } from '../../schemas/remediation-schema';
import type { Finding } from '../finding';
import { lazyValidator, renameRoot, schemaFindings } from '../schema-validate';

const remediationValidator = lazyValidator(buildRemediationSchema);

export function validateRemediationSchema(value: unknown): Finding[] {
  return renameRoot(schemaFindings(remediationValidator(), value), 'remediation configuration');
}
