// The nodes a window task runs on: its registered window targets (by tag or id, resolved
// like Run Command's: Drover agent nodes, then running EC2 instances) and, with
// AllowUnassociatedTargets, node ids named on the task. Each window target is resolved once
// per window execution, when a task first needs it.
import { scheduleActivity, type ActivityOptions } from '@temporalio/workflow';
import type { WindowPlan, WindowTaskPlan } from '../../lang/windows/plan';
import { FAILURE_TYPES } from '../definitions';
import { RUN_COMMAND_ACTIVITIES, type ResolvedTargets, type Route, type TargetSelection } from '../run-command/contract';

/** One node of a task, with where it came from. */
export interface TaskTarget {
  nodeId: string;
  route: Route;
  windowTargetId?: string;
  ownerInformation?: string;
}

const RESOLVE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: [FAILURE_TYPES.actionFailed] },
};

export class TargetResolver {
  private readonly resolved = new Map<string, Promise<ResolvedTargets>>();

  constructor(private readonly window: WindowPlan) {}

  private resolve(key: string, selection: TargetSelection, summary: string): Promise<ResolvedTargets> {
    let p = this.resolved.get(key);
    if (!p) {
      p = scheduleActivity<ResolvedTargets>(RUN_COMMAND_ACTIVITIES.resolveTargets, [{ selection }], { ...RESOLVE_OPTIONS, summary });
      this.resolved.set(key, p);
    }
    return p;
  }

  /** The task's nodes, each once, in a stable order (window targets first, as registered). */
  async targetsOf(task: WindowTaskPlan): Promise<TaskTarget[]> {
    const out = new Map<string, TaskTarget>();
    for (const id of task.targets?.windowTargetIds ?? []) {
      const wt = this.window.targets.find((t) => t.windowTargetId === id);
      if (!wt) throw new Error(`the window has no target ${id}`);
      const r = await this.resolve(`target:${id}`, { targets: wt.targets }, `resolve target ${wt.name}`);
      for (const [nodeId, routeIndex] of r.targets) {
        if (out.has(nodeId)) continue;
        out.set(nodeId, { nodeId, route: r.routes[routeIndex]!, windowTargetId: id, ...(wt.ownerInformation ? { ownerInformation: wt.ownerInformation } : {}) });
      }
    }
    const ids = task.targets?.instanceIds ?? [];
    if (ids.length) {
      const r = await this.resolve(`ids:${task.windowTaskId}`, { instanceIds: ids }, `resolve the nodes of ${task.name}`);
      for (const [nodeId, routeIndex] of r.targets) if (!out.has(nodeId)) out.set(nodeId, { nodeId, route: r.routes[routeIndex]! });
    }
    return [...out.values()];
  }
}

/** The targets as Run Command takes them, already resolved: the distinct routes once. */
export function asResolved(targets: readonly TaskTarget[]): ResolvedTargets {
  const routes: Route[] = [];
  const index = new Map<string, number>();
  const list: Array<[string, number]> = targets.map((t) => {
    const key = JSON.stringify(t.route);
    let i = index.get(key);
    if (i === undefined) {
      i = routes.push(t.route) - 1;
      index.set(key, i);
    }
    return [t.nodeId, i];
  });
  return { routes, targets: list };
}
