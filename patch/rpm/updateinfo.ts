// A repository's update notices (updateinfo.xml, the `updateinfo` metadata of repomd.xml):
// each <update> names its type (security, bugfix, enhancement, newpackage), severity,
// issued and updated dates, CVE and Bugzilla references, and the exact packages (NEVRA) it
// ships. Parsed with fast-xml-parser; pure.
import { XMLParser } from 'fast-xml-parser';
import type { Advisory } from '../packages';
import { formatEvr } from './rpm-version';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['update', 'reference', 'collection', 'package', 'data'].includes(name),
});

type Node = Record<string, unknown>;
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() || undefined : typeof v === 'object' && v !== null && typeof (v as Node)['#text'] === 'string' ? ((v as Node)['#text'] as string).trim() || undefined : undefined);
const attr = (v: unknown, name: string): string | undefined => (typeof v === 'object' && v !== null ? text((v as Node)[`@${name}`]) : undefined);
const list = (v: unknown): Node[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Node[]) : []);

/** updateinfo dates: `2024-01-05 00:00:00`, `2024-01-05`, ISO 8601, or seconds since the epoch; UTC unless they say. */
export function parseNoticeDate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const value = raw.trim();
  let t: number;
  if (/^\d{9,}$/.test(value)) t = Number(value) * 1000;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) t = Date.parse(`${value}T00:00:00Z`);
  else {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
    t = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`) : Date.parse(value);
  }
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export interface NoticePackage {
  name: string;
  architecture: string;
  evr: string;
}

export interface Notice {
  advisory: Advisory;
  packages: NoticePackage[];
}

export function parseUpdateinfo(xml: string): Notice[] {
  const doc = parser.parse(xml) as Node;
  const updates = list((doc.updates as Node | undefined)?.update);
  return updates.flatMap((u): Notice[] => {
    const id = text(u.id);
    if (!id) return [];
    const refs = list((u.references as Node | undefined)?.reference);
    const severity = text(u.severity);
    const issued = parseNoticeDate(attr(u.issued, 'date'));
    const updated = parseNoticeDate(attr(u.updated, 'date'));
    const title = text(u.title);
    const advisory: Advisory = {
      id,
      type: attr(u, 'type') ?? 'unknown',
      ...(severity ? { severity } : {}),
      ...(issued ? { issued } : {}),
      ...(updated ? { updated } : {}),
      cves: refs.filter((r) => attr(r, 'type') === 'cve').map((r) => attr(r, 'id')).filter((x): x is string => !!x),
      bugzillas: refs.filter((r) => attr(r, 'type') === 'bugzilla').map((r) => attr(r, 'id')).filter((x): x is string => !!x),
      ...(title ? { title } : {}),
    };
    const packages = list((u.pkglist as Node | undefined)?.collection).flatMap((c) =>
      list(c.package).flatMap((p): NoticePackage[] => {
        const name = attr(p, 'name');
        const version = attr(p, 'version');
        const architecture = attr(p, 'arch');
        if (!name || !version || !architecture) return [];
        return [{ name, architecture, evr: formatEvr({ epoch: Number(attr(p, 'epoch') ?? 0) || 0, version, release: attr(p, 'release') ?? '' }) }];
      }),
    );
    return [{ advisory, packages }];
  });
}

/** repomd.xml → where its updateinfo is (the `location href`), if it has one. */
export function updateinfoLocation(repomd: string): string | undefined {
  const doc = parser.parse(repomd) as Node;
  const data = list((doc.repomd as Node | undefined)?.data);
  const entry = data.find((d) => attr(d, 'type') === 'updateinfo') ?? data.find((d) => attr(d, 'type') === 'updateinfo_zck');
  return entry ? attr(entry.location, 'href') : undefined;
}

/** `name:arch` → EVR → the notices that ship exactly that package. */
export type NoticeIndex = Map<string, Map<string, Advisory[]>>;

export function indexNotices(notices: Iterable<Notice>): NoticeIndex {
  const index: NoticeIndex = new Map();
  for (const { advisory, packages } of notices) {
    for (const p of packages) {
      const key = `${p.name}:${p.architecture}`;
      const byEvr = index.get(key) ?? new Map<string, Advisory[]>();
      index.set(key, byEvr);
      const known = byEvr.get(p.evr) ?? [];
      if (!known.some((a) => a.id === advisory.id)) known.push(advisory);
      byEvr.set(p.evr, known);
    }
  }
  return index;
}
