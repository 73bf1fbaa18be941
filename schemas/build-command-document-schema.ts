// Writes schemas/command-document.schema.json from the builder:
// `npx tsx schemas/build-command-document-schema.ts`. test/unit/compiler/command-schema.test.ts
// fails when the committed file differs from the builder's output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCommandDocumentSchema, COMMAND_DOCUMENT_SCHEMA_FILE } from './command-document-schema';

/** The exact text of the committed schema file. */
export function renderCommandDocumentSchema(): string {
  return `${JSON.stringify(buildCommandDocumentSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../${COMMAND_DOCUMENT_SCHEMA_FILE}`, import.meta.url));
  writeFileSync(target, renderCommandDocumentSchema());
  console.log(`wrote ${COMMAND_DOCUMENT_SCHEMA_FILE}`);
}
