// Validates a Command document against schemas/command-document.schema.json (built in
// memory from the same builder), with the runbook compiler's mapping of ajv errors to
// findings (exact nodes, valid values, "did you mean").
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { buildCommandDocumentSchema } from '../../schemas/command-document-schema';
import type { Finding } from '../finding';
import { schemaFindings } from '../schema-validate';

let compiled: ValidateFunction | undefined;

function commandValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
    buildCommandDocumentSchema(),
  );
  return compiled;
}

export function validateCommandDocumentSchema(value: unknown): Finding[] {
  return (
    schemaFindings(commandValidator(), value)
      // The shared wording names the root "the runbook"; here it is a document. A wrong
      // schemaVersion has a rule of its own with a better hint.
      .filter((f) => f.pointer !== '/schemaVersion')
      .map((f) => ({ ...f, message: f.message.replace(/^The runbook\b/, 'The document').replace(/\bthe runbook\b/g, 'the document') }))
  );
}
