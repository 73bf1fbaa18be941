// Runbook or Command document? Decided by schemaVersion, as SSM does ('0.3' is Automation;
// '1.2', '2.0' and '2.2' are Command documents). A quick look at the top-level key only, so
// a broken document still goes to the compiler that reports its problems.
import { parseDocument } from 'yaml';
import { COMMAND_SCHEMA_VERSIONS } from '../../schemas/command-document-schema';

export function isCommandDocumentText(text: string): boolean {
  let version: unknown;
  try {
    version = parseDocument(text, { uniqueKeys: false }).get('schemaVersion');
  } catch {
    return false;
  }
  if (version === undefined) {
    // Not YAML after all (the runbook compiler reports why), or JSON YAML refused.
    version = /"schemaVersion"\s*:\s*"([^"]*)"/.exec(text)?.[1];
  }
  return COMMAND_SCHEMA_VERSIONS.includes(String(version) as never);
}
