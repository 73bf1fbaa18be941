// An EventBridge rule file? It has EventPattern (or Targets with Arns) at the top and no
// schemaVersion (every SSM document has one). A quick look at the top-level keys only, so a
// broken rule still goes to the compiler that reports its problems.
import { parseDocument } from 'yaml';

export function isRuleText(text: string): boolean {
  try {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.has('schemaVersion')) return false;
    if (doc.has('EventPattern') || (doc.has('Targets') && !doc.has('ConfigRuleName'))) return true;
    if (doc.contents) return false;
  } catch {
    // fall through to the JSON look
  }
  return /"EventPattern"\s*:/.test(text) && !/"schemaVersion"\s*:/.test(text);
}
