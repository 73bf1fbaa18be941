// Pieces of Temporal's list-filter (visibility query) language that Drover's listings share:
// executions, the node registry, the patch compliance store.
import { SA_NODE_TAGS } from '../workflows/definitions';
import { tagKeyword } from '../workflows/node-contract';

/** A string literal; quoted so that a value (a runbook name, a tag) cannot change the query. */
export function visibilityLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Nodes tagged `key` with one of `values` (SSM's `tag:<key>` target). */
export function nodeTagClause(key: string, values: readonly string[]): string {
  return `${SA_NODE_TAGS.name} IN (${values.map((v) => visibilityLiteral(tagKeyword(key, v))).join(', ')})`;
}
