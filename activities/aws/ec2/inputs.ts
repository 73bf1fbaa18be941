// Reading an EC2 action's inputs as AWS's runbooks write them: booleans and integers may
// arrive as text ("true", "8") because parameters and YAML strings interpolate to text,
// and a single id may stand where a list is expected. Bad input fails the step at once
// with a sentence naming the action, the input and what was given.
import { describeValue, parseBoolean } from '../../../lang/types';
import { actionFailed } from '../../errors';

export type Inputs = Record<string, unknown>;

export class InputReader {
  constructor(
    private readonly action: string,
    private readonly inputs: Inputs,
  ) {}

  private fail(name: string, expected: string): never {
    throw actionFailed(`${this.action} input ${name} must be ${expected}; got ${describeValue(this.inputs[name])}`);
  }

  has(name: string): boolean {
    const v = this.inputs[name];
    return v !== undefined && v !== null && v !== '';
  }

  string(name: string): string {
    const v = this.optionalString(name);
    if (v === undefined) this.fail(name, 'a non-empty string');
    return v;
  }

  optionalString(name: string): string | undefined {
    let v = this.inputs[name];
    // A one-item list stands for its item: AWS-UpdateLinuxAmi passes the StringList output
    // `{{ launchInstance.InstanceIds }}` as aws:createImage's InstanceId.
    if (Array.isArray(v) && v.length === 1) v = v[0];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(name, 'a string');
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.string(name);
    if (!(values as readonly string[]).includes(v)) this.fail(name, `one of ${values.join(', ')}`);
    return v as T;
  }

  optionalBool(name: string): boolean | undefined {
    const v = this.inputs[name];
    if (v === undefined || v === null || v === '') return undefined;
    const b = parseBoolean(v);
    if (b === undefined) this.fail(name, 'true or false');
    return b;
  }

  optionalInt(name: string, min = 0): number | undefined {
    const v = this.inputs[name];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min) this.fail(name, `an integer of at least ${min}`);
    return n;
  }

  /** A list of non-empty strings; one string counts as a list of one. */
  stringList(name: string, opts: { required?: boolean } = {}): string[] {
    const v = this.inputs[name];
    if (v === undefined || v === null || v === '') {
      if (opts.required) this.fail(name, 'a list of strings');
      return [];
    }
    const list = Array.isArray(v) ? v : [v];
    const out = list.map((item) => (typeof item === 'number' ? String(item) : item));
    if (!out.every((item): item is string => typeof item === 'string' && item.trim() !== '')) this.fail(name, 'a list of non-empty strings');
    if (opts.required && out.length === 0) this.fail(name, 'a non-empty list');
    return out.map((s) => s.trim());
  }

  /** A map (JSON object); a JSON string holding one is accepted, as AWS accepts it. */
  optionalMap(name: string): Record<string, unknown> | undefined {
    const v = this.parsedJson(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(name, 'a map');
    return v as Record<string, unknown>;
  }

  /** A list of maps; one map counts as a list of one. */
  optionalMapList(name: string): Record<string, unknown>[] | undefined {
    const v = this.parsedJson(name);
    if (v === undefined) return undefined;
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m))) this.fail(name, 'a list of maps');
    return list as Record<string, unknown>[];
  }

  private parsedJson(name: string): unknown {
    const v = this.inputs[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      return this.fail(name, 'a map or list, or JSON text of one');
    }
  }
}

/** `[{Key, Value}]` tags, checked. */
export function readTags(reader: InputReader, name: string, required = false): { Key: string; Value: string }[] {
  const list = reader.optionalMapList(name);
  if (!list) {
    if (required) throw actionFailed(`input ${name} must be a list of {Key, Value} tags; got nothing`);
    return [];
  }
  return list.map((t, i) => {
    const key = t.Key;
    const value = t.Value ?? '';
    if (typeof key !== 'string' || !key || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')) {
      throw actionFailed(`input ${name}[${i}] must be a tag {Key: text, Value: text}; got ${JSON.stringify(t)}`);
    }
    return { Key: key, Value: String(value) };
  });
}
