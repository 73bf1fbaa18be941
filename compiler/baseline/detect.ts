// Patch baseline or runbook/Command document? A baseline has OperatingSystem at the top and
// no schemaVersion (every SSM document has one). A quick look at the top-level keys only, so
// a broken baseline still goes to the compiler that reports its problems.
import { parseDocument } from 'yaml';

export function isBaselineText(text: string): boolean {
  try {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.has('OperatingSystem')) return !doc.has('schemaVersion');
  } catch {
    // fall through to the JSON look
  }
  return /"OperatingSystem"\s*:/.test(text) && !/"schemaVersion"\s*:/.test(text);
}
