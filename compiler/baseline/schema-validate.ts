// Validates a patch baseline against schemas/patch-baseline.schema.json (built in memory from
// the same builder), with the runbook compiler's mapping of ajv errors to findings.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { buildPatchBaselineSchema } from '../../schemas/patch-baseline-schema';
import type { Finding } from '../finding';
import { schemaFindings } from '../schema-validate';

let compiled: ValidateFunction | undefined;

function baselineValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
    buildPatchBaselineSchema(),
  );
  return compiled;
}

export function validateBaselineSchema(value: unknown): Finding[] {
  // The shared wording names the root "the runbook"; here it is a baseline.
  return schemaFindings(baselineValidator(), value).map((f) => ({
    ...f,
    message: f.message.replace(/^The runbook\b/, 'The baseline').replace(/\bthe runbook\b/g, 'the baseline'),
  }));
}
