// Writes schemas/runbook.schema.json from the builder: `npx tsx schemas/build-runbook-schema.ts`.
// The committed JSON is what editors load; test/unit/compiler/schema.test.ts fails when it
// differs from the builder's output, so run this after changing the builder.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildRunbookSchema, RUNBOOK_SCHEMA_FILE } from './runbook-schema';

/** The exact text of the committed schema file. */
export function renderRunbookSchema(): string {
  return `${JSON.stringify(buildRunbookSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../${RUNBOOK_SCHEMA_FILE}`, import.meta.url));
  writeFileSync(target, renderRunbookSchema());
  console.log(`wrote ${RUNBOOK_SCHEMA_FILE}`);
}
