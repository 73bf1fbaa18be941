// The control-flow graph of a runbook: which step may run right after which. Reachability,
// cycle and reference-order checks all read it.
//
// An aws:loop step L has an edge to the first step of its body and edges to what follows
// L (a loop may make zero passes). Where a pass ends (the body's last step, an inner
// `isEnd`), there is a `loop-again` edge back to L and `loop-exit` edges to what follows L.
// `loop-again` edges are the only legitimate cycles, so the cycle check ignores them.
import { asString, flag, stepReferences, stepTarget, type RunbookOutline, type StepOutline } from './outline';

export type EdgeKind = 'next' | 'branch' | 'failure' | 'cancel' | 'loop-body' | 'loop-exit' | 'loop-again';

export interface FlowEdge {
  to: string;
  kind: EdgeKind;
}

export interface FlowGraph {
  /** The first step of mainSteps. */
  entry?: string;
  /** Outgoing edges by step name; only to steps that exist. */
  edges: Map<string, FlowEdge[]>;
}

export function buildFlowGraph(outline: RunbookOutline): FlowGraph {
  const edges = new Map<string, FlowEdge[]>();
  for (const step of outline.steps) {
    if (step.name === undefined || edges.has(step.name)) continue;
    const out = outgoingEdges(step).filter((e) => outline.byName.has(e.to));
    edges.set(step.name, dedupe(out));
  }
  return { entry: outline.mainSteps[0]?.name, edges };
}

function outgoingEdges(step: StepOutline): FlowEdge[] {
  const edges: FlowEdge[] = [];
  if (step.action === 'aws:branch') {
    const targets = [...stepReferences(step)].filter((r) => r.via === 'NextStep' || r.via === 'Default');
    edges.push(...targets.map((r) => ({ to: r.target, kind: 'branch' as const })));
    // Without a Default, no matching choice continues with the next step.
    if (!targets.some((r) => r.via === 'Default')) edges.push(...continuation(step));
  } else if (step.action === 'aws:loop' && step.body?.[0]?.name !== undefined) {
    edges.push({ to: step.body[0].name, kind: 'loop-body' });
    edges.push(...continuation(step).map((e) => ({ ...e, kind: exitKind(e.kind) })));
  } else {
    edges.push(...continuation(step));
  }

  const onFailure = step.raw.onFailure;
  const failureTarget = stepTarget(onFailure);
  if (failureTarget !== undefined) edges.push({ to: failureTarget, kind: 'failure' });
  else if (onFailure === 'Continue') edges.push(...continuation(step).map((e) => ({ ...e, kind: failureKind(e.kind) })));

  const cancelTarget = stepTarget(step.raw.onCancel);
  if (cancelTarget !== undefined) edges.push({ to: cancelTarget, kind: 'cancel' });
  return edges;
}

/** Where the run goes after `step` completes normally (branch and loop specifics aside). */
function continuation(step: StepOutline): FlowEdge[] {
  if (flag(step.raw.isEnd) === true) return endOfPass(step);
  const explicit = asString(step.raw.nextStep);
  if (explicit !== undefined) return [{ to: explicit, kind: 'next' }];
  const following = step.siblings[step.index + 1];
  if (following?.name !== undefined) return [{ to: following.name, kind: 'next' }];
  return endOfPass(step);
}

/** The end of the runbook (no edge), or of one pass of the enclosing loop. */
function endOfPass(step: StepOutline): FlowEdge[] {
  const loop = step.parent;
  if (!loop?.name) return [];
  return [{ to: loop.name, kind: 'loop-again' }, ...continuation(loop).map((e) => ({ ...e, kind: exitKind(e.kind) }))];
}

const exitKind = (kind: EdgeKind): EdgeKind => (kind === 'loop-again' ? kind : 'loop-exit');
const failureKind = (kind: EdgeKind): EdgeKind => (kind === 'loop-again' ? kind : 'failure');

function dedupe(edges: FlowEdge[]): FlowEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.kind}>${e.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every step reachable from `from` through edges for which `follow` holds (`from` included). */
export function reachableFrom(graph: FlowGraph, from: string, follow: (e: FlowEdge) => boolean = () => true): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length) {
    for (const edge of graph.edges.get(queue.shift()!) ?? []) {
      if (follow(edge) && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}
