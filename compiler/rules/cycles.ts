// AWS refuses a runbook whose nextStep/branch/onFailure/onCancel transitions can go round
// for ever ("infinite loop … circle trace"); repetition is what aws:loop is for. So a cycle
// in the flow graph, ignoring aws:loop's own back edges, is an error that shows the trace.
import { error, joinPointer, type Finding } from '../finding';
import type { FlowGraph } from '../flow-graph';
import type { RuleContext } from './context';

export function checkCycles({ outline, graph }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const component of cyclicComponents(graph)) {
    // Report each cycle once, at its first step in document order.
    const first = outline.steps.find((s) => s.name !== undefined && component.has(s.name));
    if (!first?.name) continue;
    const trace = [...cycleThrough(graph, first.name, component), first.name];
    findings.push(
      error(
        'cycle',
        joinPointer(first.pointer, 'name'),
        `Steps ${trace.join(' → ')} form a cycle; AWS rejects runbooks whose transitions can repeat for ever.`,
        'Repeat steps with aws:loop, or make nextStep, onFailure, onCancel and branch targets point forward.',
      ),
    );
  }
  return findings;
}

const cycleEdges = (graph: FlowGraph, name: string) => (graph.edges.get(name) ?? []).filter((e) => e.kind !== 'loop-again');

/** Strongly connected components that hold a cycle (Tarjan), in discovery order. */
function cyclicComponents(graph: FlowGraph): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: Set<string>[] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of cycleEdges(graph, v)) {
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(v, Math.min(low.get(v)!, index.get(to)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = new Set<string>();
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.add(w);
      } while (w !== v);
      const selfLoop = cycleEdges(graph, v).some((e) => e.to === v);
      if (component.size > 1 || selfLoop) components.push(component);
    }
  };
  for (const name of graph.edges.keys()) if (!index.has(name)) visit(name);
  return components;
}

/** A path start → … → (an edge back to start) inside one component. */
function cycleThrough(graph: FlowGraph, start: string, component: Set<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const v = queue.shift()!;
    for (const { to } of cycleEdges(graph, v)) {
      if (to === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return path;
      }
      if (component.has(to) && !seen.has(to)) {
        seen.add(to);
        parent.set(to, v);
        queue.push(to);
      }
    }
  }
  return [start];
}
