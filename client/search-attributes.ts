// Drover needs its search attributes on the namespace. The worker adds missing ones at
// start; where it may not (Temporal Cloud, restricted operators) it says which command does.
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions';

const { temporal } = proto;

const INDEXED: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', BOOL: 'Bool', DATETIME: 'Datetime', DOUBLE: 'Double', KEYWORD_LIST: 'KeywordList' };

export class SearchAttributesMissingError extends Error {
  constructor(missing: string[], namespace: string, cause: unknown) {
    const cmd = `temporal operator search-attribute create --namespace ${namespace} ${missing
      .map((n) => `--name ${n} --type ${CLI_TYPE[SEARCH_ATTRIBUTES.find((k) => k.name === n)!.type]}`)
      .join(' ')}`;
    super(`Drover's search attributes ${missing.join(', ')} are missing and this worker may not add them (${String(cause)}); run once:\n  ${cmd}`);
    this.name = 'SearchAttributesMissingError';
  }
}

/** Adds Drover's missing search attributes; returns the names it added. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  const missing = SEARCH_ATTRIBUTES.filter((k) => !have.has(k.name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED[k.type]!])),
    });
  } catch (err) {
    // Another worker may have added them meanwhile.
    const again = await connection.operatorService.listSearchAttributes({ namespace });
    const still = missing.filter((k) => !(k.name in (again.customAttributes ?? {})));
    if (still.length > 0) throw new SearchAttributesMissingError(still.map((k) => k.name), namespace, err);
  }
  return missing.map((k) => k.name);
}
