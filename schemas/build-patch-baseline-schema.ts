// Writes schemas/patch-baseline.schema.json from the builder:
// `npx tsx schemas/build-patch-baseline-schema.ts`. test/unit/patch/baseline-schema.test.ts
// fails when the committed file differs from the builder's output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPatchBaselineSchema, PATCH_BASELINE_SCHEMA_FILE } from './patch-baseline-schema';

/** The exact text of the committed schema file. */
export function renderPatchBaselineSchema(): string {
  return `${JSON.stringify(buildPatchBaselineSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../${PATCH_BASELINE_SCHEMA_FILE}`, import.meta.url));
  writeFileSync(target, renderPatchBaselineSchema());
  console.log(`wrote ${PATCH_BASELINE_SCHEMA_FILE}`);
}
