// Which nodes a command runs on, and how each is reached: a node registered with a Drover
// agent runs it there (its agent's task queue); any other EC2 instance goes through SSM;
// an explicitly named id found nowhere is Undeliverable. Resolved once, before dispatch.
import { DescribeInstancesCommand, EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import { log } from '@temporalio/activity';
import type { NodeInfo } from '../../agent/protocol';
import type { NodeQuery } from '../../agent/registry';
import type { ResolvedTargets, Route, TargetSelection } from '../../workflows/run-command/contract';
import { matchesAll, parseSelection, type TargetCriterion } from '../../workflows/run-command/target-spec';
import type { AwsClients } from '../aws/clients';
import { awsFailure } from '../aws/errors';
import { actionFailed } from '../errors';

/** Where managed nodes are registered: the agent registry (agent/registry.ts) or, in tests, simulated agents. */
export interface NodeDirectory {
  listNodes(query: NodeQuery): Promise<NodeInfo[]>;
}

/** The registry's query for the criteria (it may return more; every node is matched again here). */
export function nodeQuery(criteria: readonly TargetCriterion[]): NodeQuery {
  const tags: Record<string, string[]> = {};
  const tagKeys: string[] = [];
  let nodeIds: string[] | undefined;
  for (const c of criteria) {
    if (c.kind === 'ids') nodeIds ??= c.ids;
    else if (c.kind === 'tag') tags[c.key] ??= c.values;
    // tag-key: any of the keys; the registry's tagKeys wants all of them, so only one key narrows.
    else if (c.keys.length === 1) tagKeys.push(c.keys[0]!);
  }
  return { ...(nodeIds ? { nodeIds } : {}), ...(Object.keys(tags).length ? { tags } : {}), ...(tagKeys.length ? { tagKeys } : {}), liveness: false };
}

/** The worker has no AWS identity or region: an on-premises-only Drover. */
function awsNotConfigured(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'CredentialsProviderError' || /region is missing/i.test(String(e?.message));
}

function ec2Filters(criteria: readonly TargetCriterion[]): Filter[] {
  return criteria.map((c): Filter => {
    if (c.kind === 'ids') return { Name: 'instance-id', Values: c.ids };
    if (c.kind === 'tag-key') return { Name: 'tag-key', Values: c.keys };
    return { Name: `tag:${c.key}`, Values: c.values };
  });
}

async function describeInstances(ec2: EC2Client, criteria: readonly TargetCriterion[]): Promise<Instance[] | undefined> {
  const found: Instance[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await ec2.send(new DescribeInstancesCommand({ Filters: ec2Filters(criteria), MaxResults: 1000, NextToken: token }));
      for (const r of out.Reservations ?? []) found.push(...(r.Instances ?? []));
      token = out.NextToken;
    } while (token);
  } catch (err) {
    if (awsNotConfigured(err)) {
      log.warn('no AWS credentials or region: targeting Drover agent nodes only', { error: String(err) });
      return undefined;
    }
    throw awsFailure(err, 'DescribeInstances (resolving targets)');
  }
  return found;
}

class RouteTable {
  readonly routes: Route[] = [];
  private readonly index = new Map<string, number>();

  of(route: Route): number {
    const key = JSON.stringify(route);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.routes.push(route) - 1;
      this.index.set(key, i);
    }
    return i;
  }
}

export function createResolveTargets(deps: { nodes: NodeDirectory; clients: AwsClients }) {
  return async function resolveTargets({ selection }: { selection: TargetSelection; serviceRoleArn?: string }): Promise<ResolvedTargets> {
    const { criteria, errors } = parseSelection(selection ?? {});
    if (errors.length) throw actionFailed(`invalid targets: ${errors.join('; ')}`);
    const explicit = criteria.length === 1 && criteria[0]!.kind === 'ids' ? criteria[0]!.ids : undefined;
    const table = new RouteTable();
    const chosen = new Map<string, number>();

    // Offline agent nodes are targeted too: their invocations time out undelivered, as in SSM.
    const nodes = await deps.nodes.listNodes(nodeQuery(criteria));
    for (const n of nodes) {
      if (matchesAll(criteria, n.nodeId, n.tags)) chosen.set(n.nodeId, table.of({ kind: 'agent', taskQueue: n.taskQueue }));
    }

    // EC2 instances without an agent go through SSM; skip the call when every named id is an agent node.
    if (!explicit || explicit.some((id) => !chosen.has(id))) {
      const instances = await describeInstances(deps.clients.get(EC2Client), criteria);
      for (const i of instances ?? []) {
        const id = i.InstanceId;
        if (!id || chosen.has(id)) continue;
        const state = i.State?.Name ?? 'unknown';
        if (state === 'running') chosen.set(id, table.of({ kind: 'ssm' }));
        else if (explicit || (state !== 'terminated' && state !== 'shutting-down')) {
          chosen.set(id, table.of({ kind: 'undeliverable', reason: `EC2 instance ${id} is ${state}, not running` }));
        }
      }
    }
    for (const id of explicit ?? []) {
      if (!chosen.has(id)) {
        chosen.set(id, table.of({ kind: 'undeliverable', reason: `${id} is neither a node registered with a Drover agent nor an EC2 instance` }));
      }
    }
    const targets = [...chosen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { routes: table.routes, targets };
  };
}
