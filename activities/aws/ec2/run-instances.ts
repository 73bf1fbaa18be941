// aws:runInstances: launches instances and waits until they run; outputs InstanceIds and
// InstanceStates. A retry never launches twice: AWS returns the same reservation for the
// same ClientToken (derived from the execution, step and run unless the runbook gives
// one), and since emulators ignore the token the instances are also tagged with the step
// run and looked up before launching (both from ../idempotency). Launched ids are heartbeated, so a retry after that
// goes straight back to waiting.
import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  type BlockDeviceMapping,
  type InstanceMetadataOptionsRequest,
  type InstanceNetworkInterfaceSpecification,
  type Placement,
  type RunInstancesCommandInput,
  type ShutdownBehavior,
  type TagSpecification,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { heartbeat } from '@temporalio/activity';
import type { ActionRequest, ActionResult } from '../../../workflows/definitions';
import { actionFailed } from '../../errors';
import { callAws } from '../errors';
import type { ResolvedAwsDeps } from '../deps';
import { callAwsUnless, resumedDetails } from './calls';
import { InputReader, readTags } from './inputs';
import { clientToken, idempotencyFilters, idempotencyKey, withIdempotencyTags } from '../idempotency';
import { pollUntil, type PollResult } from './poll';

const ACTION = 'aws:runInstances';
/** AWS's documented default. */
const DEFAULT_INSTANCE_TYPE = 'm1.small';
/** States a launched instance does not come back from on its own. */
const DEAD_ENDS = ['shutting-down', 'terminated', 'stopping', 'stopped'];

interface Details {
  instanceIds: string[];
}

/** The runbook's TagSpecifications, checked, with the idempotency tags added to the instances'. */
function tagSpecifications(input: InputReader, req: ActionRequest): TagSpecification[] {
  const specs = (input.optionalMapList('TagSpecifications') ?? []).map((spec, i) => {
    const name = `TagSpecifications[${i}]`;
    if (typeof spec.ResourceType !== 'string') throw actionFailed(`${ACTION} input ${name} needs a ResourceType (instance, volume, …)`);
    const tags = readTags(new InputReader(ACTION, { [`${name}.Tags`]: spec.Tags }), `${name}.Tags`);
    return { ResourceType: spec.ResourceType, Tags: tags } as TagSpecification;
  });
  return withIdempotencyTags(specs, 'instance', idempotencyKey(req));
}

function request(input: InputReader, req: ActionRequest): RunInstancesCommandInput {
  const profileArn = input.optionalString('IamInstanceProfileArn');
  const profileName = input.optionalString('IamInstanceProfileName');
  const monitoring = input.optionalBool('Monitoring');
  const min = input.optionalInt('MinInstanceCount', 1) ?? 1;
  const max = input.optionalInt('MaxInstanceCount', 1) ?? min;
  if (max < min) throw actionFailed(`${ACTION}: MaxInstanceCount ${max} is less than MinInstanceCount ${min}`);
  const securityGroupIds = input.stringList('SecurityGroupIds');
  const securityGroups = input.stringList('SecurityGroups');
  return {
    ImageId: input.string('ImageId'),
    InstanceType: (input.optionalString('InstanceType') ?? DEFAULT_INSTANCE_TYPE) as _InstanceType,
    MinCount: min,
    MaxCount: max,
    AdditionalInfo: input.optionalString('AdditionalInfo'),
    BlockDeviceMappings: input.optionalMapList('BlockDeviceMappings') as BlockDeviceMapping[] | undefined,
    ClientToken: input.optionalString('ClientToken') ?? clientToken(idempotencyKey(req)),
    DisableApiTermination: input.optionalBool('DisableApiTermination'),
    EbsOptimized: input.optionalBool('EbsOptimized'),
    IamInstanceProfile: profileArn || profileName ? { Arn: profileArn, Name: profileName } : undefined,
    InstanceInitiatedShutdownBehavior: input.optionalString('InstanceInitiatedShutdownBehavior') as ShutdownBehavior | undefined,
    KernelId: input.optionalString('KernelId'),
    KeyName: input.optionalString('KeyName'),
    MetadataOptions: input.optionalMap('MetadataOptions') as InstanceMetadataOptionsRequest | undefined,
    Monitoring: monitoring === undefined ? undefined : { Enabled: monitoring },
    NetworkInterfaces: input.optionalMapList('NetworkInterfaces') as InstanceNetworkInterfaceSpecification[] | undefined,
    Placement: input.optionalMap('Placement') as Placement | undefined,
    PrivateIpAddress: input.optionalString('PrivateIpAddress'),
    RamdiskId: input.optionalString('RamdiskId'),
    SecurityGroupIds: securityGroupIds.length ? securityGroupIds : undefined,
    SecurityGroups: securityGroups.length ? securityGroups : undefined,
    SubnetId: input.optionalString('SubnetId'),
    TagSpecifications: tagSpecifications(input, req),
    UserData: input.optionalString('UserData'),
  };
}

/** Instances an earlier try of this step run launched (found by their owner tags). */
async function findOwnInstances(ec2: EC2Client, req: ActionRequest): Promise<string[]> {
  const out = await callAws(`looking for the instances of step ${req.step}`, () =>
    ec2.send(new DescribeInstancesCommand({ Filters: idempotencyFilters(idempotencyKey(req)) })),
  );
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
}

async function running(ec2: EC2Client, ids: string[]): Promise<PollResult<string[]>> {
  // Just after RunInstances, AWS may not know the new ids yet (eventual consistency).
  const out = await callAwsUnless(`describing instances ${ids.join(', ')}`, ['InvalidInstanceID.NotFound'], () =>
    ec2.send(new DescribeInstancesCommand({ InstanceIds: ids })),
  );
  const states = new Map<string, string>();
  for (const r of out?.Reservations ?? []) for (const i of r.Instances ?? []) states.set(i.InstanceId!, i.State?.Name ?? 'unknown');
  const dead = ids.filter((id) => DEAD_ENDS.includes(states.get(id) ?? ''));
  if (dead.length) return { failed: `launched instance${dead.length > 1 ? 's' : ''} ${dead.map((id) => `${id} is ${states.get(id)}`).join(', ')}` };
  const status = ids.map((id) => `${id} ${states.get(id) ?? 'not listed yet'}`).join(', ');
  if (!ids.every((id) => states.get(id) === 'running')) return { done: false, status };
  return { done: true, value: ids.map((id) => states.get(id)!) };
}

export function createRunInstances(deps: ResolvedAwsDeps) {
  return async function runInstances(req: ActionRequest): Promise<ActionResult> {
    const input = new InputReader(ACTION, req.inputs);
    const params = request(input, req);
    const ec2 = deps.clients.get(EC2Client, req.assumeRole);

    let ids = resumedDetails<Details>().instanceIds;
    if (!ids?.length) ids = await findOwnInstances(ec2, req);
    if (!ids.length) {
      const out = await callAws(`launching instances of ${params.ImageId}`, () => ec2.send(new RunInstancesCommand(params)));
      ids = (out.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : []));
      if (!ids.length) throw new Error(`RunInstances of ${params.ImageId} returned no instances`);
      await deps.afterSideEffect?.({ request: req, service: 'ec2', api: 'RunInstances' });
    }
    const launched = ids;
    heartbeat({ instanceIds: launched } satisfies Details);
    const states = await pollUntil(() => running(ec2, launched), { instanceIds: launched } satisfies Details);
    return { outputs: { InstanceIds: launched, InstanceStates: states } };
  };
}
