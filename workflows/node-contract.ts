// The node registry's contract: one long-lived workflow per managed node, `drover-node/<id>`,
// whose memo holds the node's registration (task queue, tags, facts) and whose search
// attributes make it findable by tag. Liveness is not in it: it is read from Temporal's
// own worker heartbeats, which never touch a workflow history. Pure; imported by the
// registration workflow, the agent and the client.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { NodeInfo } from '../agent/protocol';
import { SA_AGENT_VERSION, SA_NODE_PLATFORM, SA_NODE_TAGS } from './definitions';

/** The workflow type (a named export of the worker's bundle; the colon keeps it apart from runbook names). */
export const NODE_WORKFLOW_TYPE = 'drover:node';

export function nodeWorkflowId(nodeId: string): string {
  return `drover-node/${nodeId}`;
}

/** What an agent says about itself when it starts. */
export interface NodeRegistration {
  nodeId: string;
  taskQueue: string;
  tags: Record<string, string>;
  facts: NodeInfo['facts'];
  /** How often the agent's worker heartbeats (seconds): liveness allows a few missed beats. */
  heartbeatSeconds: number;
  registeredAt: string;
  /** Hash of everything above but registeredAt: an unchanged node registers without a signal. */
  hash: string;
}

/** The memo key of the registration. */
export const NODE_MEMO_KEY = 'node';

export const registerNodeSignal = defineSignal<[NodeRegistration]>('drover.node.register');
export const deregisterNodeSignal = defineSignal('drover.node.deregister');
export const nodeRegistrationQuery = defineQuery<NodeRegistration>('drover.node.registration');

/** `role=web`: how a tag is kept in the DroverNodeTags keyword list. */
export const tagKeyword = (key: string, value: string): string => `${key}=${value}`;

/** A node's tags as the DroverNodeTags keyword list. */
export const tagKeywords = (tags: Record<string, string>): string[] => Object.entries(tags).map(([k, v]) => tagKeyword(k, v));

/** The registry workflow's search attributes: set by the agent at start, kept by the workflow. */
export function nodeSearchAttributes(r: Pick<NodeRegistration, 'tags' | 'facts'>): SearchAttributePair[] {
  return [
    { key: SA_NODE_TAGS, value: tagKeywords(r.tags) },
    { key: SA_NODE_PLATFORM, value: r.facts.platformType ?? 'Unknown' },
    { key: SA_AGENT_VERSION, value: r.facts.agentVersion ?? 'unknown' },
  ];
}

/** Continue-as-new well before Temporal's warnings (10,240 events): a registration costs ~6 events. */
export const NODE_HISTORY_LIMIT = 1000;

export const isStringRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * Whether a payload is a registration the registry can keep. Anyone who can reach Temporal
 * can signal the registry, and a handler that throws on a bad payload would fail the
 * workflow's tasks for good: bad payloads are recognised and ignored instead.
 */
export function isNodeRegistration(x: unknown): x is NodeRegistration {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  const facts = r.facts as Record<string, unknown> | null | undefined;
  return (
    typeof r.nodeId === 'string' &&
    typeof r.taskQueue === 'string' &&
    typeof r.hash === 'string' &&
    isStringRecord(r.tags) &&
    typeof facts === 'object' &&
    facts !== null &&
    Object.values(facts).every((v) => v === undefined || typeof v === 'string')
  );
}
