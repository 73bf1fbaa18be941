// Writes schemas/event-rule.schema.json from the builder:
// `npx tsx schemas/build-event-rule-schema.ts`. test/unit/events/rule-compiler.test.ts
// fails when the committed file differs from the builder's output.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildEventRuleSchema, EVENT_RULE_SCHEMA_FILE } from './event-rule-schema';

/** The exact text of the committed schema file. */
export function renderEventRuleSchema(): string {
  return `${JSON.stringify(buildEventRuleSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL(`../${EVENT_RULE_SCHEMA_FILE}`, import.meta.url));
  writeFileSync(target, renderEventRuleSchema());
  console.log(`wrote ${EVENT_RULE_SCHEMA_FILE}`);
}
