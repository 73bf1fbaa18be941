// A remediation configuration? It has ConfigRuleName at the top and no schemaVersion. A quick
// look at the top-level keys only, so a broken one still goes to the compiler that reports
// its problems.
import { parseDocument } from 'yaml';

export function isRemediationText(text: string): boolean {
  try {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.has('ConfigRuleName')) return !doc.has('schemaVersion');
    if (doc.contents) return false;
  } catch {
    // fall through to the JSON look
  }
  return /"ConfigRuleName"\s*:/.test(text) && !/"schemaVersion"\s*:/.test(text);
}
