import { log } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../workflows/definitions';
import { actionFailed } from './errors';

/** drover:log — a Drover addition: writes Message to the worker's log and the step's outputs. */
export async function logMessage(req: ActionRequest): Promise<ActionResult> {
  const message = req.inputs.Message;
  if (message === undefined) throw actionFailed('Message is required');
  const text = typeof message === 'string' ? message : JSON.stringify(message);
  log.info(text, { execution: req.executionId, step: req.step });
  return { outputs: { Message: text } };
}
