// aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty:
// any operation of an installed AWS client, by boto3's names, with the rest of the inputs
// as its request. SecureString references in the request are read just before the call,
// and blanked out of everything that comes back (activities/secrets.ts).
import { activityInfo, heartbeat, log, sleep } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { selectOutputs, selectValue, type Selection } from '../../outputs';
import type { ResolvedAwsDeps } from '../deps';
import { withSecrets, type SecretScope } from '../../secrets';
import { callAwsApi, splitInputs } from './call';
import { describeSelection, desiredValues, matchesDesired } from './desired-values';

/** Polls of aws:waitForAwsResourceProperty: 1 s, growing by half each time, at most 15 s. */
export const POLL_START_MS = 1000;
export const POLL_MAX_MS = 15_000;
const POLL_GROWTH = 1.5;

/** DROVER_POLL_INTERVAL_MS fixes the interval (tests poll fast). */
export function pollInterval(previous?: number): number {
  const fixed = Number(process.env.DROVER_POLL_INTERVAL_MS);
  if (Number.isFinite(fixed) && fixed > 0) return fixed;
  return previous === undefined ? POLL_START_MS : Math.min(POLL_MAX_MS, Math.round(previous * POLL_GROWTH));
}

/** What a waiting activity checkpoints, so that a retry after a crash carries on. */
export interface WaitProgress {
  polls: number;
  intervalMs: number;
  /** The value seen at the last poll, as text. */
  last: string;
}

const PROPERTY_INPUTS = ['Service', 'Api', 'PropertySelector', 'DesiredValues'] as const;

async function propertyCheck(req: ActionRequest, secrets: SecretScope) {
  const { own, params } = splitInputs(req.inputs, PROPERTY_INPUTS);
  const selector = own.PropertySelector;
  if (typeof selector !== 'string' || !selector.trim()) throw actionFailed(`PropertySelector must be a JSONPath such as $.Reservations[0].Instances[0].State.Name; got ${JSON.stringify(selector)}`);
  const desired = desiredValues(own.DesiredValues);
  const call = { service: own.Service, api: own.Api, params: await secrets.resolve(params) };
  const select = (response: unknown): Selection => {
    try {
      return selectValue(response, selector);
    } catch (e) {
      throw actionFailed(`PropertySelector ${selector}: ${(e as Error).message}`);
    }
  };
  return { call, selector, desired, select };
}

export function createAwsApiActivities(deps: ResolvedAwsDeps) {
  return {
    'aws:executeAwsApi': withSecrets(deps.clients, async (req: ActionRequest, secrets): Promise<ActionResult> => {
      const { own, params } = splitInputs(req.inputs, ['Service', 'Api'] as const);
      const response = await callAwsApi(deps, req, { service: own.Service, api: own.Api, params: await secrets.resolve(params) });
      const { outputs, problems } = selectOutputs(response, req.outputs);
      for (const p of problems) log.warn('output not set', { step: req.step, problem: secrets.text(p) });
      return { outputs };
    }),

    'aws:assertAwsResourceProperty': withSecrets(deps.clients, async (req: ActionRequest, secrets): Promise<ActionResult> => {
      const { call, selector, desired, select } = await propertyCheck(req, secrets);
      const selection = select(await callAwsApi(deps, req, call));
      if (!matchesDesired(selection, desired)) {
        throw actionFailed(`${selector} is ${describeSelection(selection)}, not one of the desired values ${desired.join(', ')}`, {
          selected: describeSelection(selection),
          desiredValues: desired,
        });
      }
      return { outputs: {} };
    }),

    // Polls until the property has a desired value. The step's timeoutSeconds is the
    // activity's schedule-to-close timeout, so Temporal ends the wait (TimedOut); a crash
    // or a transient AWS error makes Temporal run the activity again, which carries on from
    // its last heartbeat (poll count and interval).
    'aws:waitForAwsResourceProperty': withSecrets(deps.clients, async (req: ActionRequest, secrets): Promise<ActionResult> => {
      const { call, desired, select } = await propertyCheck(req, secrets);
      const resumed = activityInfo().heartbeatDetails as WaitProgress | undefined;
      let polls = resumed?.polls ?? 0;
      let intervalMs = resumed?.intervalMs ?? pollInterval();
      for (;;) {
        const selection = select(await callAwsApi(deps, req, call));
        polls++;
        if (matchesDesired(selection, desired)) return { outputs: {} };
        // Heartbeat details reach the history when the wait times out.
        heartbeat({ polls, intervalMs, last: secrets.text(describeSelection(selection)) } satisfies WaitProgress);
        await sleep(intervalMs);
        intervalMs = pollInterval(intervalMs);
      }
    }),
  };
}
