// Arguments of `drover send-command` in the AWS CLI's forms: `--targets
// Key=tag:role,Values=web,db` (repeatable), `--parameters commands="uptime"` (repeatable;
// a repeated name adds a line) or the JSON object, `--notification-config
// NotificationArn=…,NotificationEvents=Failed,TimedOut,NotificationType=Command` or JSON.
import type { NotificationConfig, TargetSpec } from '../workflows/run-command/contract';
import { parseTargetShorthand } from '../workflows/run-command/target-spec';
import { CliError, EXIT } from './errors';

export function collectTarget(raw: string, acc: TargetSpec[] = []): TargetSpec[] {
  const t = parseTargetShorthand(raw);
  if ('error' in t) throw new CliError(t.error, EXIT.usage);
  return [...acc, t];
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what}: not valid JSON (${(err as Error).message})`, EXIT.usage);
  }
}

/**
 * `name=value` adds value to the parameter (a JSON list `name=["a","b"]` adds each item);
 * a JSON object gives several at once. Values are not split at commas: shell commands
 * have commas.
 */
export function collectParameter(raw: string, acc: Record<string, string[]> = {}): Record<string, string[]> {
  const text = raw.trim();
  const out = { ...acc };
  const add = (name: string, values: unknown) => {
    const list = Array.isArray(values) ? values : [values];
    if (list.some((v) => typeof v !== 'string')) throw new CliError(`--parameters ${name}: values are strings; got ${JSON.stringify(values)}`, EXIT.usage);
    out[name] = [...(out[name] ?? []), ...(list as string[])];
  };
  if (text.startsWith('{')) {
    const obj = parseJson(text, '--parameters');
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new CliError('--parameters: a JSON object of name -> value or list', EXIT.usage);
    for (const [k, v] of Object.entries(obj)) add(k, v);
    return out;
  }
  const eq = text.indexOf('=');
  if (eq <= 0) throw new CliError(`--parameters takes name=value (e.g. commands="uptime") or a JSON object; got ${JSON.stringify(raw)}`, EXIT.usage);
  const name = text.slice(0, eq);
  const value = text.slice(eq + 1);
  add(name, value.startsWith('[') ? parseJson(value, `--parameters ${name}`) : value);
  return out;
}

export function parseNotificationConfig(raw: string): NotificationConfig {
  const text = raw.trim();
  let fields: Record<string, unknown>;
  if (text.startsWith('{')) {
    fields = parseJson(text, '--notification-config') as Record<string, unknown>;
  } else {
    // Shorthand: a piece without `=` continues the list of the key before it.
    fields = {};
    let key: string | undefined;
    for (const piece of text.split(',')) {
      const eq = piece.indexOf('=');
      if (eq > 0) {
        key = piece.slice(0, eq).trim();
        fields[key] = piece.slice(eq + 1).trim();
      } else if (key) {
        const prev = fields[key];
        fields[key] = [...(Array.isArray(prev) ? prev : [prev]), piece.trim()];
      } else {
        throw new CliError(`--notification-config: expected Key=Value pieces; got ${JSON.stringify(raw)}`, EXIT.usage);
      }
    }
  }
  const arn = fields.NotificationArn;
  if (typeof arn !== 'string') throw new CliError('--notification-config needs NotificationArn=<SNS topic ARN>', EXIT.usage);
  const config: NotificationConfig = { NotificationArn: arn };
  const events = fields.NotificationEvents;
  if (events !== undefined) config.NotificationEvents = (Array.isArray(events) ? events : [events]).map(String);
  if (fields.NotificationType !== undefined) config.NotificationType = String(fields.NotificationType) as NotificationConfig['NotificationType'];
  return config;
}

export function parseWholeSeconds(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} takes a whole number of seconds; got ${JSON.stringify(raw)}`, EXIT.usage);
    return n;
  };
}
