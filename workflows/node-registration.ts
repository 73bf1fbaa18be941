// The registry entry of one managed node: waits for new registrations (an agent starting
// with other tags or facts), keeps its memo and search attributes up to date, and starts
// afresh (continue-as-new) long before its history could grow large. It records nothing
// periodic: an idle node costs no events at all.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { SA_AGENT_VERSION, SA_NODE_PLATFORM, SA_NODE_TAGS } from './definitions';
import {
  deregisterNodeSignal,
  isNodeRegistration,
  NODE_HISTORY_LIMIT,
  NODE_MEMO_KEY,
  nodeRegistrationQuery,
  registerNodeSignal,
  tagKeyword,
  type NodeRegistration,
} from './node-contract';
import { failClearly } from './fail-clearly';

export function droverNode(registration: NodeRegistration): Promise<void> {
  return failClearly('the node registration', () => keepRegistration(registration));
}

async function keepRegistration(registration: NodeRegistration): Promise<void> {
  if (!isNodeRegistration(registration)) {
    throw ApplicationFailure.nonRetryable('a node registration needs nodeId, taskQueue, hash, tags (strings) and facts', 'DroverInvalidRegistration');
  }
  let current = registration;
  let deregistered = false;
  setHandler(registerNodeSignal, (next) => {
    if (!isNodeRegistration(next)) {
      log.warn('ignored a malformed registration signal', { nodeId: current.nodeId });
      return;
    }
    if (next.hash === current.hash) return;
    current = next;
    upsertSearchAttributes([
      { key: SA_NODE_TAGS, value: Object.entries(next.tags).map(([k, v]) => tagKeyword(k, v)) },
      { key: SA_NODE_PLATFORM, value: next.facts.platformType ?? 'Unknown' },
      { key: SA_AGENT_VERSION, value: next.facts.agentVersion ?? 'unknown' },
    ]);
    upsertMemo({ [NODE_MEMO_KEY]: next });
  });
  setHandler(deregisterNodeSignal, () => {
    deregistered = true;
  });
  setHandler(nodeRegistrationQuery, () => current);
  await condition(() => deregistered || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > NODE_HISTORY_LIMIT);
  await condition(allHandlersFinished);
  if (deregistered) return;
  await continueAsNew<typeof droverNode>(current);
}
