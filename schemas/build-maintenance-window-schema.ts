// Writes schemas/maintenance-window.schema.json from the builder:
// `npx tsx schemas/build-maintenance-window-schema.ts`. test/unit/windows/window-compiler.test.ts
// fails when the committed file differs from the builder's output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildMaintenanceWindowSchema, MAINTENANCE_WINDOW_SCHEMA_FILE } from './maintenance-window-schema';

/** The exact text of the committed schema file. */
export function renderMaintenanceWindowSchema(): string {
  return `${JSON.stringify(buildMaintenanceWindowSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../${MAINTENANCE_WINDOW_SCHEMA_FILE}`, import.meta.url));
  writeFileSync(target, renderMaintenanceWindowSchema());
  console.log(`wrote ${MAINTENANCE_WINDOW_SCHEMA_FILE}`);
}
