// What every semantic rule receives. A rule is a small named function from this context to
// findings; it never throws and never assumes the schema passed (fields of the wrong type
// read as absent in the outline).
import type { ActionCatalog } from '../../lang/catalog';
import type { Finding } from '../finding';
import { buildFlowGraph, type FlowGraph } from '../flow-graph';
import { outlineRunbook, type RunbookOutline } from '../outline';

export interface RuleContext {
  outline: RunbookOutline;
  catalog: ActionCatalog;
  graph: FlowGraph;
}

export type Rule = (ctx: RuleContext) => Finding[];

export function ruleContext(value: unknown, catalog: ActionCatalog): RuleContext {
  const outline = outlineRunbook(value);
  return { outline, catalog, graph: buildFlowGraph(outline) };
}

/** `step "x"`, or its position when it has no name. */
export const stepLabel = (step: { name?: string; index: number }): string =>
  step.name !== undefined ? `step "${step.name}"` : `step ${step.index + 1}`;
