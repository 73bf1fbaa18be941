// EventBridge's InputTransformer: InputPathsMap names values of the event by JSON path (at
// most 100), and InputTemplate places them with <name>; the reserved variables
// <aws.events.rule-arn>, <aws.events.rule-name>, <aws.events.event> (the event without its
// detail), <aws.events.event.json> (the whole event) and <aws.events.event.ingestion-time>
// need no path. AWS's quoting rules: a template that starts with {, [ or " is JSON, and in it
// a placeholder outside quotes becomes a JSON value (a string gets quotes), one inside quotes
// is replaced by the bare text, unescaped; in any other template every placeholder is bare
// text. A variable whose path matches nothing is not created: its placeholders become
// empty. Validation refuses what PutTargets refuses. Pure.
import { evaluateEventPath, parseEventPath, type EventPath } from './json-path';

export const MAX_INPUT_PATHS = 100;
export const MAX_TEMPLATE_LENGTH = 8192;
export const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;
export const RESERVED_VARIABLES = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event', 'aws.events.event.json', 'aws.events.event.ingestion-time'] as const;
/** Reserved variables whose value is raw JSON, usable only as a JSON value. */
const JSON_ONLY = new Set(['aws.events.event', 'aws.events.event.json']);

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

export interface TransformerProblem {
  /** Where: `InputPathsMap/<name>` (`key` for the name itself) or `InputTemplate`. */
  field: 'InputPathsMap' | 'InputTemplate';
  variable?: string;
  at?: 'key';
  /** A piece of the template to point at. */
  needle?: string;
  message: string;
}

export interface CompiledTransformer {
  paths: Record<string, EventPath>;
  template: string;
}

type Segment = { text: string } | { variable: string; quoted: boolean };

export function compileInputTransformer(pathsMap: unknown, template: unknown): { transformer?: CompiledTransformer; problems: TransformerProblem[] } {
  const problems: TransformerProblem[] = [];
  const paths: Record<string, EventPath> = {};
  const map = typeof pathsMap === 'object' && pathsMap !== null && !Array.isArray(pathsMap) ? (pathsMap as Record<string, unknown>) : {};
  const names = Object.keys(map);
  if (names.length > MAX_INPUT_PATHS) {
    problems.push({ field: 'InputPathsMap', message: `InputPathsMap defines at most ${MAX_INPUT_PATHS} variables; this one has ${names.length}.` });
  }
  for (const name of names) {
    if ((RESERVED_VARIABLES as readonly string[]).includes(name) || name.startsWith('aws.events.')) {
      problems.push({ field: 'InputPathsMap', variable: name, at: 'key', message: `${name} is a reserved variable; it needs no path and cannot be redefined.` });
      continue;
    }
    if (!VARIABLE_NAME.test(name) || name.length > 256) {
      problems.push({ field: 'InputPathsMap', variable: name, at: 'key', message: `"${name}" is not a variable name: use letters, digits, - and _ (at most 256).` });
      continue;
    }
    const text = map[name];
    if (typeof text !== 'string') {
      problems.push({ field: 'InputPathsMap', variable: name, message: `The path of ${name} must be a string such as "$.detail.instance-id".` });
      continue;
    }
    const parsed = parseEventPath(text);
    if ('error' in parsed) problems.push({ field: 'InputPathsMap', variable: name, message: `The path of ${name} is not valid: ${parsed.error}.` });
    else paths[name] = parsed;
  }
  if (typeof template !== 'string' || template.length === 0) {
    problems.push({ field: 'InputTemplate', message: 'InputTemplate is required: the text or JSON the target receives, with <variable> placeholders.' });
    return { problems };
  }
  if (template.length > MAX_TEMPLATE_LENGTH) {
    problems.push({ field: 'InputTemplate', message: `InputTemplate has at most ${MAX_TEMPLATE_LENGTH} characters; this one has ${template.length}.` });
  }
  const json = isJsonTemplate(template);
  const segments = splitTemplate(template, json);
  for (const s of segments) {
    if (!('variable' in s)) continue;
    const reserved = (RESERVED_VARIABLES as readonly string[]).includes(s.variable);
    if (!reserved && !(s.variable in map)) {
      const defined = names.length ? `; InputPathsMap defines ${names.join(', ')}` : '; InputPathsMap defines none';
      problems.push({ field: 'InputTemplate', needle: `<${s.variable}>`, message: `The template uses <${s.variable}>, which is not defined${defined}.` });
    }
    if (json && s.quoted && JSON_ONLY.has(s.variable)) {
      problems.push({ field: 'InputTemplate', needle: `<${s.variable}>`, message: `<${s.variable}> is raw JSON: use it as a JSON value, not inside quotes.` });
    }
  }
  if (json) {
    const keyProblem = placeholderAsKey(template);
    if (keyProblem) problems.push({ field: 'InputTemplate', needle: `<${keyProblem}>`, message: `A placeholder cannot be an object key (<${keyProblem}>).` });
    // The template must be JSON whatever the values are: try it with stand-ins.
    else {
      const probe = segments.map((s) => ('variable' in s ? (s.quoted ? 'x' : 'null') : s.text)).join('');
      try {
        JSON.parse(probe);
      } catch (e) {
        problems.push({ field: 'InputTemplate', message: `InputTemplate starts like JSON but is not valid JSON: ${(e as Error).message}.` });
      }
    }
  }
  return problems.length ? { problems } : { transformer: { paths, template }, problems };
}

export interface TransformContext {
  ruleName: string;
  ruleArn: string;
  /** When the ingress received the event (ISO 8601). */
  ingestionTime: string;
}

/** The target's input text, and the variables whose path matched nothing (they became empty). */
export function renderInputTransformer(t: CompiledTransformer, event: Record<string, unknown>, ctx: TransformContext): { text: string; missing: string[] } {
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, path] of Object.entries(t.paths)) {
    const v = evaluateEventPath(path, event);
    if (v === undefined) missing.push(name);
    else values[name] = v;
  }
  const { detail: _detail, ...withoutDetail } = event;
  const reserved: Record<string, unknown> = {
    'aws.events.rule-arn': ctx.ruleArn,
    'aws.events.rule-name': ctx.ruleName,
    'aws.events.event.ingestion-time': ctx.ingestionTime,
  };
  const json = isJsonTemplate(t.template);
  const text = splitTemplate(t.template, json)
    .map((s) => {
      if (!('variable' in s)) return s.text;
      if (s.variable === 'aws.events.event') return JSON.stringify(withoutDetail);
      if (s.variable === 'aws.events.event.json') return JSON.stringify(event);
      const v = s.variable in reserved ? reserved[s.variable] : values[s.variable];
      if (v === undefined) return '';
      if (!json || s.quoted) return typeof v === 'string' ? v : JSON.stringify(v);
      return JSON.stringify(v);
    })
    .join('');
  return { text, missing };
}

/** JSON templates are those that start (after blanks) like a JSON object, array or string. */
export function isJsonTemplate(template: string): boolean {
  return /^\s*[{["]/.test(template);
}

/** Text and placeholders, each placeholder knowing whether it stands inside a JSON string. */
function splitTemplate(template: string, json: boolean): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const at = m.index;
    if (at > last) out.push({ text: template.slice(last, at) });
    out.push({ variable: m[1]!, quoted: json && insideString(template, at) });
    last = at + m[0].length;
  }
  if (last < template.length) out.push({ text: template.slice(last) });
  return out;
}

/** Whether position `at` of a JSON text lies inside a string literal. */
function insideString(text: string, at: number): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    const c = text[i];
    if (inside && c === '\\') i++;
    else if (c === '"') inside = !inside;
  }
  return inside;
}

/** The first placeholder used as an object key (bare or quoted), if any. */
function placeholderAsKey(template: string): string | undefined {
  for (const m of template.matchAll(PLACEHOLDER)) {
    const end = m.index + m[0].length;
    let rest = template.slice(end);
    if (insideString(template, m.index)) {
      // Quoted: the key is the whole string; look after its closing quote.
      const close = closingQuote(rest);
      if (close < 0) continue;
      rest = rest.slice(close + 1);
    }
    if (/^\s*:/.test(rest)) return m[1];
  }
  return undefined;
}

function closingQuote(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
