// A `{{ step.Output }}` can only hold a value if the producing step can run before the
// consuming one. The rule: there must be a path in the flow graph from the producer to the
// consumer (failure, cancel and loop-pass edges included). That catches references to later
// steps and to steps on a branch that never leads here.
//
// It deliberately does not demand that the producer runs on *every* path (dominance): AWS
// leaves a reference to a skipped step unresolved rather than failing, and published
// runbooks rely on outputs produced on one arm of a branch. A step reading its own output
// is allowed only inside a loop (the previous pass's value); a loop's LoopCondition may read
// the steps of its body, which run before it is evaluated. What it finds are warnings.
import { referencesIn } from '../../lang/template';
import { warning, type Finding } from '../finding';
import { reachableFrom, type FlowGraph } from '../flow-graph';
import { templateSites } from '../template-sites';
import type { RuleContext } from './context';

export function checkReferenceOrder({ outline, graph }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const reach = memoisedSuccessors(graph);
  // An unreachable consumer is reported as such; what it refers to does not matter then.
  const live = graph.entry === undefined ? new Set<string>() : reachableFrom(graph, graph.entry);
  for (const site of templateSites(outline)) {
    if (site.step && (site.step.name === undefined || !live.has(site.step.name))) continue;
    for (const ref of referencesIn(site.text)) {
      if (ref.kind !== 'step' || !outline.byName.has(ref.step)) continue;
      // Warnings only: AWS accepts such runbooks (some of its own have them) and leaves the
      // reference unresolved when the step runs, and so does Drover.
      const report = warning;
      const at = { needle: ref.raw };
      if (!site.step) {
        findings.push(
          report('output-before-run', site.pointer, `${ref.raw} is used in assumeRole, which is resolved before any step runs.`, 'Use a parameter for the role.', at),
        );
      } else if (!reach(ref.step).has(site.step.name!)) {
        findings.push(
          report(
            'output-before-run',
            site.pointer,
            `${ref.raw} in step "${site.step.name}" refers to step "${ref.step}", which cannot have run before it.`,
            `A step can use the outputs of steps that run before it: move "${ref.step}" earlier, or the reference later.`,
            at,
          ),
        );
      }
    }
  }
  return findings;
}

/** Steps reachable from a step by a non-empty path, computed once per producer. */
function memoisedSuccessors(graph: FlowGraph): (from: string) => Set<string> {
  const cache = new Map<string, Set<string>>();
  return (from) => {
    let reached = cache.get(from);
    if (!reached) {
      reached = new Set<string>();
      const queue = (graph.edges.get(from) ?? []).map((e) => e.to);
      while (queue.length) {
        const v = queue.shift()!;
        if (reached.has(v)) continue;
        reached.add(v);
        for (const e of graph.edges.get(v) ?? []) queue.push(e.to);
      }
      cache.set(from, reached);
    }
    return reached;
  };
}
