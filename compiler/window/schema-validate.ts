// Validates a maintenance window against schemas/maintenance-window.schema.json (built in
// memory from the same builder), with the runbook compiler's mapping of ajv errors to
// findings, naming targets and tasks as the author wrote them.
import { buildMaintenanceWindowSchema } from '../../schemas/maintenance-window-schema';
import type { Finding } from '../finding';
import { asRecord, asString } from '../outline';
import { lazyValidator, renameRoot, schemaFindings } from '../schema-validate';

const windowValidator = lazyValidator(buildMaintenanceWindowSchema);

export function validateWindowSchema(value: unknown): Finding[] {
  const doc = asRecord(value) ?? {};
  return renameRoot(schemaFindings(windowValidator(), value), 'window').map((f) => ({ ...f, message: namePhrases(f.message, doc) }));
}

/** `"Tasks[1].Priority"` → `"Priority" of task "patch"`. */
function namePhrases(message: string, doc: Record<string, unknown>): string {
  return message.replace(/"(Targets|Tasks)\[(\d+)\](?:\.([^"]+))?"/g, (whole, list: string, index: string, rest?: string) => {
    const items = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
    const name = asString(asRecord(items[Number(index)])?.Name);
    const noun = list === 'Tasks' ? 'task' : 'target';
    const who = name ? `${noun} "${name}"` : `${noun} ${Number(index) + 1}`;
    return rest ? `"${rest}" of ${who}` : who;
  });
}
