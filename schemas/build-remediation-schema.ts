// Writes schemas/remediation.schema.json from the builder:
// `npx tsx schemas/build-remediation-schema.ts`. test/unit/events/remediation-compiler.test.ts
// fails when the committed file differs from the builder's output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildRemediationSchema, REMEDIATION_SCHEMA_FILE } from './remediation-schema';

/** The exact text of the committed schema file. */
export function renderRemediationSchema(): string {
  return `${JSON.stringify(buildRemediationSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../${REMEDIATION_SCHEMA_FILE}`, import.meta.url));
  writeFileSync(target, renderRemediationSchema());
  console.log(`wrote ${REMEDIATION_SCHEMA_FILE}`);
}
