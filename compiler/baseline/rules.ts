// The checks of a patch baseline that a schema cannot express, each a small named rule over
// the document as written (lenient: a field of the wrong type reads as absent, the schema
// reports it). None throws.
import { listWords, didYouMean } from '../../lang/suggest';
import { ALL_FILTER_KEYS, APT_OPERATING_SYSTEMS, FILTER_KEYS, filterValuesFor, OPERATING_SYSTEMS, RPM_OPERATING_SYSTEMS, type FilterKey, type OperatingSystem } from '../../patch/baseline';
import { isAdvisoryReference, isRpmPackagePattern } from '../../patch/rpm/patch-names';
import { error, joinPointer, warning, type Finding } from '../finding';
import { asRecord, asString, type Json } from '../outline';

export interface BaselineContext {
  doc: Json;
  /** The operating system when it is one Drover models. */
  os?: OperatingSystem;
}

export type BaselineRule = (ctx: BaselineContext) => Finding[];

export function baselineContext(value: unknown): BaselineContext {
  const doc = asRecord(value) ?? {};
  const os = asString(doc.OperatingSystem);
  return { doc, ...(OPERATING_SYSTEMS.includes(os as OperatingSystem) ? { os: os as OperatingSystem } : {}) };
}

interface FilterSite {
  key?: string;
  values: unknown[];
  pointer: string;
}

/** Every filter group: the global one and each rule's, with where they are. */
function filterGroups(doc: Json): { pointer: string; filters: FilterSite[] }[] {
  const groups: { pointer: string; filters: FilterSite[] }[] = [];
  const read = (group: unknown, pointer: string) => {
    const list = asRecord(group)?.PatchFilters;
    if (!Array.isArray(list)) return;
    const filters = list.flatMap((item, index) => {
      const f = asRecord(item);
      if (!f) return [];
      return [{ key: asString(f.Key), values: Array.isArray(f.Values) ? f.Values : [], pointer: joinPointer(pointer, 'PatchFilters', index) }];
    });
    groups.push({ pointer, filters });
  };
  read(doc.GlobalFilters, '/GlobalFilters');
  rules(doc).forEach(({ rule, pointer }) => read(rule.PatchFilterGroup, joinPointer(pointer, 'PatchFilterGroup')));
  return groups;
}

function rules(doc: Json): { rule: Json; pointer: string }[] {
  const list = asRecord(doc.ApprovalRules)?.PatchRules;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index) => {
    const rule = asRecord(item);
    return rule ? [{ rule, pointer: joinPointer('/ApprovalRules/PatchRules', index) }] : [];
  });
}

/** A filter key the operating system does not have (SSM rejects the baseline). */
export const filterKeysForOs: BaselineRule = ({ doc, os }) => {
  if (!os) return [];
  const allowed = FILTER_KEYS[os];
  return filterGroups(doc).flatMap((g) =>
    g.filters
      .filter((f) => f.key !== undefined && (ALL_FILTER_KEYS as readonly string[]).includes(f.key) && !allowed.includes(f.key))
      .map((f) =>
        error(
          'invalid-filter-key',
          joinPointer(f.pointer, 'Key'),
          `${f.key} is not a patch filter of ${os} baselines.`,
          `${os} baselines filter by ${listWords([...allowed], 'and')}.`,
        ),
      ),
  );
};

/** SSM accepts each key once per filter group. */
export const duplicateFilterKeys: BaselineRule = ({ doc }) =>
  filterGroups(doc).flatMap((g) => {
    const seen = new Set<string>();
    return g.filters.flatMap((f) => {
      if (f.key === undefined) return [];
      if (!seen.has(f.key)) {
        seen.add(f.key);
        return [];
      }
      return [error('duplicate-filter-key', joinPointer(f.pointer, 'Key'), `The filter key ${f.key} appears more than once in this filter group.`, 'Put all its values in one filter: Values: [a, b].')];
    });
  });

/** PRIORITY, CLASSIFICATION and SEVERITY take a closed set of values. */
export const filterValues: BaselineRule = ({ doc, os }) =>
  filterGroups(doc).flatMap((g) =>
    g.filters.flatMap((f) => {
      const known = f.key ? filterValuesFor(f.key as FilterKey, os) : undefined;
      if (!known) return [];
      return f.values.flatMap((v, index) => {
        if (typeof v !== 'string' || v === '*' || known.some((k) => k.toLowerCase() === v.toLowerCase())) return [];
        return [
          error(
            'invalid-filter-value',
            joinPointer(f.pointer, 'Values', index),
            `"${v}" is not a ${f.key} value.${didYouMean(v, [...known])}`,
            `${f.key} is one of ${listWords([...known])}, or *.`,
          ),
        ];
      });
    }),
  );

/** ApproveAfterDays and ApproveUntilDate say the same thing two ways: SSM takes one. */
export const approvalDelay: BaselineRule = ({ doc }) =>
  rules(doc).flatMap(({ rule, pointer }) => {
    const findings: Finding[] = [];
    if (rule.ApproveAfterDays !== undefined && rule.ApproveUntilDate !== undefined) {
      findings.push(
        error('conflicting-properties', joinPointer(pointer, 'ApproveUntilDate'), 'A rule may have ApproveAfterDays or ApproveUntilDate, not both.', 'Keep one and remove the other.', { at: 'key' }),
      );
    }
    const until = asString(rule.ApproveUntilDate);
    if (until && /^\d{4}-\d{2}-\d{2}$/.test(until) && !isCalendarDate(until)) {
      findings.push(error('invalid-value', joinPointer(pointer, 'ApproveUntilDate'), `${until} is not a date of the calendar.`));
    }
    return findings;
  });

/** apt's package names: lower-case letters, digits, + - . (and * as a wildcard). */
const APT_PATCH_NAME = /^[a-z0-9*][a-z0-9+.*-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;

export const patchNames: BaselineRule = ({ doc, os }) => {
  if (os && RPM_OPERATING_SYSTEMS.includes(os)) return rpmPatchNames(doc);
  if (!os || !APT_OPERATING_SYSTEMS.includes(os)) return [];
  return (['ApprovedPatches', 'RejectedPatches'] as const).flatMap((list) => {
    const items = doc[list];
    if (!Array.isArray(items)) return [];
    return items.flatMap((item, index) =>
      typeof item === 'string' && !APT_PATCH_NAME.test(item.trim())
        ? [
            error(
              'invalid-patch-name',
              joinPointer(`/${list}`, index),
              `"${item}" is not an apt package name.`,
              'Write name, name:arch or name=version, e.g. openssl, libc6:amd64, openssl=3.0.11-1~deb12u2 (* matches any letters in the name).',
            ),
          ]
        : [],
    );
  });
};

/**
 * The RPM family (SSM's formats for yum and dnf): package names in full or with wildcards
 * (`name`, `name.arch`, `name-version-release.arch`, `name-epoch:version-release.arch`),
 * and in ApprovedPatches also advisory ids (RHSA-2024:0001, ALAS2023-2024-123), CVE ids
 * and Bugzilla ids. RejectedPatches takes package names only.
 */
function rpmPatchNames(doc: Json): Finding[] {
  return (['ApprovedPatches', 'RejectedPatches'] as const).flatMap((list) => {
    const items = doc[list];
    if (!Array.isArray(items)) return [];
    return items.flatMap((item, index): Finding[] => {
      if (typeof item !== 'string') return [];
      const entry = item.trim();
      const pointer = joinPointer(`/${list}`, index);
      if (isAdvisoryReference(entry)) {
        return list === 'RejectedPatches'
          ? [warning('advisory-in-rejected', pointer, `"${item}" looks like an advisory, CVE or Bugzilla id; RejectedPatches takes package names only, so it rejects nothing.`, 'Reject the packages themselves, e.g. openssl-1:3.0.7-25.el9.x86_64 or openssl-3.0.7*.')]
          : [];
      }
      if (isRpmPackagePattern(entry)) return [];
      return [
        error(
          'invalid-patch-name',
          pointer,
          `"${item}" is not an RPM package name${list === 'ApprovedPatches' ? ', advisory, CVE or Bugzilla id' : ''}.`,
          'Write name-[epoch:]version-release.arch (e.g. openssl-1:3.0.7-25.el9.x86_64), a name with * (openssl-3.0.*), or an id such as RHSA-2024:0001 or CVE-2024-1234.',
        ),
      ];
    });
  });
}

/** SSM: the rejected list wins. Say so, since the author probably meant something else. */
export const approvedAndRejected: BaselineRule = ({ doc }) => {
  const rejected = new Set((Array.isArray(doc.RejectedPatches) ? doc.RejectedPatches : []).filter((p): p is string => typeof p === 'string'));
  const approved = Array.isArray(doc.ApprovedPatches) ? doc.ApprovedPatches : [];
  return approved.flatMap((item, index) =>
    typeof item === 'string' && rejected.has(item)
      ? [warning('approved-and-rejected', joinPointer('/ApprovedPatches', index), `${item} is both approved and rejected; rejected wins.`, 'Remove it from one of the lists.')]
      : [],
  );
};

/** A baseline with neither rules nor approved patches approves nothing: every update is InstalledOther. */
export const approvesSomething: BaselineRule = ({ doc }) => {
  const hasRules = rules(doc).length > 0;
  const hasList = Array.isArray(doc.ApprovedPatches) && doc.ApprovedPatches.length > 0;
  if (hasRules || hasList || !asRecord(doc)) return [];
  return [warning('approves-nothing', '', 'This baseline approves no patch: it has no approval rules and no approved patches.', 'Add ApprovalRules or ApprovedPatches.', { at: 'key' })];
};

function isCalendarDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export const BASELINE_RULES: BaselineRule[] = [filterKeysForOs, duplicateFilterKeys, filterValues, approvalDelay, patchNames, approvedAndRejected, approvesSomething];
