// Which baseline patches a node: the one whose PatchGroups holds the node's patch group (its
// `Patch Group` tag, or `PatchGroup` where tag keys cannot hold a space), for the node's
// operating system; else the operating system's default. As in SSM. Pure.
import type { OperatingSystem, PatchBaseline } from './baseline';

/** SSM's two spellings of the tag; the first present wins. */
export const PATCH_GROUP_TAGS = ['Patch Group', 'PatchGroup'] as const;

export function patchGroupOf(tags: Record<string, string>): string | undefined {
  for (const key of PATCH_GROUP_TAGS) if (tags[key]) return tags[key];
  return undefined;
}

export interface BaselineChoice {
  baseline: PatchBaseline;
  patchGroup?: string;
  /** Why this one: `patch group web` or `default for DEBIAN`. */
  reason: string;
}

/**
 * `baselines` in precedence order: a set's own baselines before the built-in defaults, so a
 * DefaultBaseline of the repository replaces Drover's.
 */
export function selectBaseline(baselines: readonly PatchBaseline[], os: OperatingSystem, tags: Record<string, string>): BaselineChoice | undefined {
  const ofOs = baselines.filter((b) => b.operatingSystem === os);
  const group = patchGroupOf(tags);
  if (group !== undefined) {
    const claimed = ofOs.find((b) => b.patchGroups.includes(group));
    if (claimed) return { baseline: claimed, patchGroup: group, reason: `patch group ${group}` };
  }
  const fallback = ofOs.find((b) => b.defaultBaseline);
  if (!fallback) return undefined;
  return { baseline: fallback, ...(group !== undefined ? { patchGroup: group } : {}), reason: `default for ${os}` };
}
