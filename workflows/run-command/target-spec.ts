// Which nodes a command is for, checked and normalised as SendCommand does: `InstanceIds`,
// or `Targets` whose keys are `tag:<key>`, `tag-key` or `InstanceIds` (AWS's examples also
// write `instanceids`). Several keys must all match; the values of one key are
// alternatives. At most 5 keys, 5 values per tag key, 50 instance ids. Pure.
import type { TargetSelection, TargetSpec } from './contract';

/** One normalised criterion. */
export type TargetCriterion =
  | { kind: 'tag'; key: string; values: string[] }
  | { kind: 'tag-key'; keys: string[] }
  | { kind: 'ids'; ids: string[] };

const MAX_KEYS = 5;
const MAX_TAG_VALUES = 5;
const MAX_IDS = 50;

export function parseSelection(selection: TargetSelection): { criteria: TargetCriterion[]; errors: string[] } {
  const errors: string[] = [];
  const criteria: TargetCriterion[] = [];
  const ids = selection.instanceIds?.filter((s) => s !== '');
  const targets = selection.targets ?? [];
  if (ids?.length && targets.length) errors.push('give InstanceIds or Targets, not both');
  if (!ids?.length && !targets.length) errors.push('no targets: give InstanceIds, or Targets such as Key=tag:role,Values=web');
  if (ids?.length) {
    if (ids.length > MAX_IDS) errors.push(`InstanceIds takes at most ${MAX_IDS} ids; got ${ids.length} (use Targets with tags for more)`);
    criteria.push({ kind: 'ids', ids: [...new Set(ids)] });
  }
  if (targets.length > MAX_KEYS) errors.push(`Targets takes at most ${MAX_KEYS} keys; got ${targets.length}`);
  for (const t of targets) {
    const c = parseTarget(t);
    if ('error' in c) errors.push(c.error);
    else criteria.push(c);
  }
  return { criteria, errors };
}

function parseTarget(t: TargetSpec): TargetCriterion | { error: string } {
  const key = typeof t?.Key === 'string' ? t.Key.trim() : '';
  const values = Array.isArray(t?.Values) ? t.Values.filter((v): v is string => typeof v === 'string') : [];
  if (!key) return { error: 'a target needs a Key (tag:<name>, tag-key or InstanceIds)' };
  if (values.length === 0) return { error: `target ${key} needs at least one value` };
  if (key.toLowerCase() === 'instanceids') {
    if (values.length > MAX_IDS) return { error: `target InstanceIds takes at most ${MAX_IDS} values; got ${values.length}` };
    return { kind: 'ids', ids: [...new Set(values)] };
  }
  if (key === 'tag-key') {
    if (values.length > MAX_TAG_VALUES) return { error: `target tag-key takes at most ${MAX_TAG_VALUES} values; got ${values.length}` };
    return { kind: 'tag-key', keys: values };
  }
  if (key.startsWith('tag:') && key.length > 4) {
    if (values.length > MAX_TAG_VALUES) return { error: `target ${key} takes at most ${MAX_TAG_VALUES} values; got ${values.length}` };
    return { kind: 'tag', key: key.slice(4), values };
  }
  if (key.startsWith('resource-groups:')) return { error: `target ${key}: resource groups are not supported by Drover; use tag:<name> or InstanceIds` };
  return { error: `target key ${JSON.stringify(key)} is not one of tag:<name>, tag-key, InstanceIds` };
}

/** Whether a node with these tags and id meets every criterion. */
export function matchesAll(criteria: readonly TargetCriterion[], id: string, tags: Record<string, string>): boolean {
  return criteria.every((c) => {
    if (c.kind === 'ids') return c.ids.includes(id);
    if (c.kind === 'tag-key') return c.keys.some((k) => k in tags);
    const v = tags[c.key];
    return v !== undefined && c.values.includes(v);
  });
}

/** Parses the AWS CLI's `Key=tag:role,Values=web,db` shorthand. */
export function parseTargetShorthand(text: string): TargetSpec | { error: string } {
  const m = /^Key=([^,]+),Values=(.*)$/.exec(text.trim());
  if (!m) return { error: `a target is Key=<key>,Values=<v1>[,<v2>…] (e.g. Key=tag:role,Values=web); got ${JSON.stringify(text)}` };
  const values = m[2]!.split(',').map((v) => v.trim().replace(/^"(.*)"$/, '$1')).filter((v) => v !== '');
  return { Key: m[1]!.trim().replace(/^"(.*)"$/, '$1'), Values: values };
}
