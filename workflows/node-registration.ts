// The registry entry of one managed node: waits for new registrations (an agent starting
// with other tags or facts), keeps its memo and search attributes up to date, and starts
// afresh (continue-as-new) long before its history could grow large. It records nothing
// periodic: an idle node costs no events at all.
import { ApplicationFailure, continueAsNew } from '@temporalio/workflow';
import {
  deregisterNodeSignal,
  isNodeRegistration,
  NODE_HISTORY_LIMIT,
  NODE_MEMO_KEY,
  nodeRegistrationQuery,
  nodeSearchAttributes,
  registerNodeSignal,
  type NodeRegistration,
} from './node-contract';
import { failClearly } from './fail-clearly';
import { holdLatest } from './latest-record';

export function droverNode(registration: NodeRegistration): Promise<void> {
  return failClearly('the node registration', () => keepRegistration(registration));
}

async function keepRegistration(registration: NodeRegistration): Promise<void> {
  if (!isNodeRegistration(registration)) {
    throw ApplicationFailure.nonRetryable('a node registration needs nodeId, taskQueue, hash, tags (strings) and facts', 'DroverInvalidRegistration');
  }
  const latest = await holdLatest<NodeRegistration>(registration, {
    what: 'registration',
    isRecord: isNodeRegistration,
    // An agent restarting unchanged re-signals the same registration: nothing to write.
    replaces: (next, current) => next.hash !== current.hash,
    update: registerNodeSignal,
    forget: deregisterNodeSignal,
    query: nodeRegistrationQuery,
    memoKey: NODE_MEMO_KEY,
    searchAttributes: nodeSearchAttributes,
    historyLimit: NODE_HISTORY_LIMIT,
  });
  if (latest) await continueAsNew<typeof droverNode>(latest);
}
