// Validates a Command document against schemas/command-document.schema.json (built in
// memory from the same builder), with the runbook compiler's mapping of ajv errors to
// findings (exact nodes, valid values, "did you mean").
import { buildCommandDocumentSchema } from '../../schemas/command-document-schema';
import type { Finding } from '../finding';
import { lazyValidator, renameRoot, schemaFindings } from '../schema-validate';

const commandValidator = lazyValidator(buildCommandDocumentSchema);

export function validateCommandDocumentSchema(value: unknown): Finding[] {
  // A wrong schemaVersion has a rule of its own with a better hint.
  return renameRoot(
    schemaFindings(commandValidator(), value).filter((f) => f.pointer !== '/schemaVersion'),
    'document',
  );
}
