// A step that no transition can reach never runs: usually a typo in a nextStep or a branch.
// AWS accepts such runbooks, so this is a warning, given once per unreachable region (at
// the step that leads to the rest of it), not once per step.
import { warning, joinPointer, type Finding } from '../finding';
import { reachableFrom } from '../flow-graph';
import type { RuleContext } from './context';

export function checkReachability({ outline, graph }: RuleContext): Finding[] {
  if (graph.entry === undefined) return [];
  const reached = reachableFrom(graph, graph.entry);
  // Unreachable steps in document order (the first of a repeated name only).
  const unreached = outline.steps.filter((s) => s.name !== undefined && outline.byName.get(s.name) === s && !reached.has(s.name));
  const names = new Set(unreached.map((s) => s.name!));
  const hasUnreachedPredecessor = new Set<string>();
  for (const name of names) {
    for (const edge of graph.edges.get(name) ?? []) if (edge.to !== name) hasUnreachedPredecessor.add(edge.to);
  }
  // Heads first (nothing unreachable leads to them), then whatever a cycle left uncovered.
  const ordered = [...unreached.filter((s) => !hasUnreachedPredecessor.has(s.name!)), ...unreached];
  const covered = new Set<string>();
  const findings: Finding[] = [];
  for (const step of ordered) {
    if (covered.has(step.name!)) continue;
    const region = [...reachableFrom(graph, step.name!)].filter((n) => names.has(n) && !covered.has(n));
    for (const n of region) covered.add(n);
    const others = region.length - 1;
    findings.push(
      warning(
        'unreachable-step',
        joinPointer(step.pointer, 'name'),
        `Step "${step.name}" can never run: no step, branch, onFailure or onCancel leads to it${others ? ` (nor to the ${others} step(s) only it leads to)` : ''}.`,
        'Remove it, or point a nextStep, branch choice or onFailure at it.',
      ),
    );
  }
  return findings;
}
