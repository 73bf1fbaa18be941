// A maintenance window, a patch baseline, or an SSM document? A window has a Schedule at the
// top and no schemaVersion (every SSM document has one). A quick look at the top-level keys
// only, so that a broken window still goes to the compiler that reports its problems.
import { parseDocument } from 'yaml';

export function isWindowText(text: string): boolean {
  try {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.has('Schedule')) return !doc.has('schemaVersion');
  } catch {
    // fall through to the JSON look
  }
  return /"Schedule"\s*:/.test(text) && !/"schemaVersion"\s*:/.test(text);
}
