// aws:changeInstanceState: start, stop or terminate instances and wait until every one is
// in the desired state; for `running` also until its instance and system status checks
// are ok, as AWS documents. CheckStateOnly only waits. A retry after the change was made
// (heartbeat details say so) goes straight back to waiting: asking an instance that is
// `stopping` to start again would fail.
import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { callAws } from '../errors';
import type { ResolvedAwsDeps } from '../deps';
import { resumedDetails } from './calls';
import { InputReader } from './inputs';
import { pollUntil, type PollResult } from './poll';

const ACTION = 'aws:changeInstanceState';
const DESIRED_STATES = ['running', 'stopped', 'terminated'] as const;
type DesiredState = (typeof DESIRED_STATES)[number];

/** States from which an instance never reaches the desired one. */
const DEAD_ENDS: Record<DesiredState, readonly string[]> = {
  running: ['shutting-down', 'terminated'],
  stopped: ['shutting-down', 'terminated'],
  terminated: [],
};

interface Details {
  changed: boolean;
}

/** Current state name per instance id; a missing instance fails with AWS's NotFound. */
async function describeStates(ec2: EC2Client, ids: string[]): Promise<Map<string, string>> {
  const out = await callAws(`describing instances ${ids.join(', ')}`, () => ec2.send(new DescribeInstancesCommand({ InstanceIds: ids })));
  const states = new Map<string, string>();
  for (const r of out.Reservations ?? []) for (const i of r.Instances ?? []) states.set(i.InstanceId!, i.State?.Name ?? 'unknown');
  const missing = ids.filter((id) => !states.has(id));
  if (missing.length) throw new Error(`DescribeInstances did not list ${missing.join(', ')}`);
  return states;
}

async function statusChecksOk(ec2: EC2Client, ids: string[]): Promise<string[]> {
  const out = await callAws(`describing the status of instances ${ids.join(', ')}`, () =>
    ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true })),
  );
  const notOk: string[] = [];
  for (const id of ids) {
    const s = (out.InstanceStatuses ?? []).find((x) => x.InstanceId === id);
    const instance = s?.InstanceStatus?.Status ?? 'unknown';
    const system = s?.SystemStatus?.Status ?? 'unknown';
    if (instance !== 'ok' || system !== 'ok') notOk.push(`${id} (instance status ${instance}, system status ${system})`);
  }
  return notOk;
}

function summary(states: Map<string, string>): string {
  return [...states].map(([id, s]) => `${id} ${s}`).join(', ');
}

async function reached(ec2: EC2Client, ids: string[], desired: DesiredState): Promise<PollResult<void>> {
  const states = await describeStates(ec2, ids);
  const dead = ids.filter((id) => DEAD_ENDS[desired].includes(states.get(id)!));
  if (dead.length) {
    return { failed: `${dead.map((id) => `${id} is ${states.get(id)}`).join(', ')}: it can never become ${desired}` };
  }
  if (!ids.every((id) => states.get(id) === desired)) return { done: false, status: summary(states) };
  if (desired !== 'running') return { done: true, value: undefined };
  const notOk = await statusChecksOk(ec2, ids);
  return notOk.length ? { done: false, status: `running; waiting for status checks of ${notOk.join(', ')}` } : { done: true, value: undefined };
}

export function createChangeInstanceState(deps: ResolvedAwsDeps) {
  return async function changeInstanceState(req: ActionRequest): Promise<ActionResult> {
    const input = new InputReader(ACTION, req.inputs);
    const ids = [...new Set(input.stringList('InstanceIds', { required: true }))];
    const desired = input.oneOf('DesiredState', DESIRED_STATES);
    const checkOnly = input.optionalBool('CheckStateOnly') ?? false;
    const force = input.optionalBool('Force');
    const additionalInfo = input.optionalString('AdditionalInfo');
    const ec2 = deps.clients.get(EC2Client, req.assumeRole);

    if (!checkOnly && !resumedDetails<Details>().changed) {
      const states = await describeStates(ec2, ids);
      const dead = ids.filter((id) => DEAD_ENDS[desired].includes(states.get(id)!));
      if (dead.length) {
        throw actionFailed(`${dead.map((id) => `${id} is ${states.get(id)}`).join(', ')}: it cannot be made ${desired}`);
      }
      const toChange = ids.filter((id) => states.get(id) !== desired);
      if (toChange.length) {
        const doing = `changing instances ${toChange.join(', ')} to ${desired}`;
        let api: string;
        if (desired === 'running') {
          api = 'StartInstances';
          await callAws(doing, () => ec2.send(new StartInstancesCommand({ InstanceIds: toChange, AdditionalInfo: additionalInfo })));
        } else if (desired === 'stopped') {
          api = 'StopInstances';
          await callAws(doing, () => ec2.send(new StopInstancesCommand({ InstanceIds: toChange, Force: force })));
        } else {
          api = 'TerminateInstances';
          await callAws(doing, () => ec2.send(new TerminateInstancesCommand({ InstanceIds: toChange })));
        }
        await deps.afterSideEffect?.({ request: req, service: 'ec2', api });
      }
      heartbeat({ changed: true } satisfies Details);
    }
    await pollUntil(() => reached(ec2, ids, desired), { changed: !checkOnly } satisfies Details);
    return { outputs: {} };
  };
}
