// Source text → plain data plus positions. YAML and JSON both go through the `yaml`
// package's document API (a JSON document is YAML flow), so every later diagnostic can
// point at its exact line and column.
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { error, type Finding } from './finding';
import { SourcePositions } from './positions';

export interface ParsedSource {
  /** The document as plain data (undefined when the text does not parse). */
  value: unknown;
  positions: SourcePositions;
  /**
   * `yaml-syntax` errors (then `value` is undefined and not worth checking further), or
   * `json-as-yaml` warnings for valid JSON that YAML refuses (then `value` is the JSON).
   */
  findings: Finding[];
}

export function parseSource(text: string): ParsedSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const positions = new SourcePositions(text, doc, lines);
  const findings: Finding[] = [];
  for (const e of doc.errors) {
    const position = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    findings.push(error('yaml-syntax', '', syntaxMessage(e), syntaxHint(e), { position }));
  }
  if (!findings.length) return { value: doc.toJS({ maxAliasCount: 1000 }), positions, findings };
  const json = readAsJson(text);
  if (json) {
    // Valid JSON that the YAML reader refuses (a repeated key is the case seen: JSON readers,
    // AWS's included, keep the last value). Use the JSON value; the positions of the YAML
    // document are still right wherever it parsed.
    const relaxed = findings.map((f) => ({ ...f, severity: 'warning' as const, code: 'json-as-yaml', hint: 'Drover read the file as plain JSON, which allows this.' }));
    return { value: json.value, positions, findings: relaxed };
  }
  return { value: undefined, positions, findings };
}

/** The value of a JSON document, or undefined when the text is not JSON. */
function readAsJson(text: string): { value: unknown } | undefined {
  if (!/^\s*[{[]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** The yaml package's message without its "at line N, column M:" and source excerpt (we have positions). */
function syntaxMessage(e: YAMLError): string {
  const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return `${first.replace(/\.$/, '')}.`;
}

function syntaxHint(e: YAMLError): string | undefined {
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return 'Indent YAML with spaces, not tabs.';
    case 'DUPLICATE_KEY':
      return 'Each key may appear once per mapping; remove or rename the repeated one.';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'Check the indentation and the brackets and quotes around this point.';
    default:
      return undefined;
  }
}
