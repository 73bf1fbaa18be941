// Where the time of a Run Command goes, from Temporal's own timestamps: every event of the
// command's runs and of its invocations' histories, read back once the command ended, and
// cut into the segments an invocation passes through (the parent decides to start it, the
// server starts it, the worker runs its workflow tasks, the agent picks up and runs the
// activity, the end travels back to the command, the command reacts). Also the CPU each
// process used while the command ran, from /proc. Bench only.
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';

type Event = proto.temporal.api.history.v1.IHistoryEvent;
const T = proto.temporal.api.enums.v1.EventType;

function ms(e: Event | undefined): number | undefined {
  const t = e?.eventTime;
  if (!t) return undefined;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

function stats(xs: number[]) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const at = (q: number) => +(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(1);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0;
  return { n: s.length, mean: +mean.toFixed(1), p50: at(0.5), p90: at(0.9), max: at(1) };
}

/** CPU seconds (user + system, with waited-for children such as the shells an agent runs) of a process. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at index 2.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
  return (f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0)) / 100;
}

/**
 * CPU of named processes between two points in time, as seconds and as a share of one core;
 * `others` is what the rest of the machine used meanwhile (other people's work on a shared box).
 */
export class CpuMeter {
  private readonly start = new Map<string, number>();
  private t0 = 0;
  private busy0 = 0;
  constructor(private readonly pids: () => Record<string, number | undefined>) {}
  begin(): void {
    this.t0 = performance.now();
    this.busy0 = machineBusySeconds();
    for (const [name, pid] of Object.entries(this.pids())) this.start.set(name, cpuSeconds(pid) ?? 0);
  }
  end(): Record<string, { cpuSeconds: number; coreShare: number }> {
    const wall = (performance.now() - this.t0) / 1000;
    const out: Record<string, { cpuSeconds: number; coreShare: number }> = {};
    let ours = 0;
    for (const [name, pid] of Object.entries(this.pids())) {
      const now = cpuSeconds(pid);
      if (now === undefined) continue;
      const used = now - (this.start.get(name) ?? 0);
      ours += used;
      out[name] = { cpuSeconds: +used.toFixed(1), coreShare: +(used / wall).toFixed(2) };
    }
    const others = Math.max(0, machineBusySeconds() - this.busy0 - ours);
    out.others = { cpuSeconds: +others.toFixed(1), coreShare: +(others / wall).toFixed(2) };
    return out;
  }
}

async function events(client: Client, workflowId: string, runId?: string): Promise<Event[]> {
  return (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
}

function signalTarget(e: Event): string | undefined {
  const p = e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0];
  if (!p) return undefined;
  try {
    return (defaultPayloadConverter.fromPayload(p) as { target?: string }).target;
  } catch {
    return undefined;
  }
}

/** Workflow tasks of a history: [scheduled, started, completed] times. */
function workflowTasks(h: Event[]): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  let sched: number | undefined;
  let started: number | undefined;
  for (const e of h) {
    if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) sched = ms(e);
    else if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED) started = ms(e);
    else if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && sched !== undefined && started !== undefined) out.push([sched, started, ms(e)!]);
  }
  return out;
}

/**
 * The breakdown of a command's invocations. Segment names say where the time went; all times
 * are the server's event times (one machine, one clock), in milliseconds.
 */
export async function profileCommand(client: Client, commandId: string, invocationType: string) {
  const runIds: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${commandId}'` })) runIds.push(wf.runId);
  const parent: Event[] = [];
  const parentWfts: Array<[number, number, number]> = [];
  for (const runId of runIds) {
    const h = await events(client, commandId, runId);
    parent.push(...h);
    parentWfts.push(...workflowTasks(h));
  }
  // The parent's first workflow task started after a time: when it could start the next invocation.
  parentWfts.sort((a, b) => a[1] - b[1]);
  const parentReaction = (t: number) => parentWfts.find((w) => w[1] >= t);
  const seg: Record<string, number[]> = {};
  const add = (name: string, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) (seg[name] ??= []).push(v);
  };
  // Invocations run as activities of the command: their whole life is in the command's runs.
  const scheduledAt = new Map<string, number>();
  const startedAt = new Map<string, number>();
  let activityInvocations = 0;
  for (const e of parent) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityId?.startsWith('invocation:')) scheduledAt.set(String(e.eventId), ms(e)!);
    const st = e.activityTaskStartedEventAttributes;
    if (st && scheduledAt.has(String(st.scheduledEventId))) startedAt.set(String(st.scheduledEventId), ms(e)!);
    const c = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    const sched = c ? scheduledAt.get(String(c.scheduledEventId)) : undefined;
    if (c && sched !== undefined) {
      activityInvocations += 1;
      const done = ms(e)!;
      const start = startedAt.get(String(c.scheduledEventId));
      if (start !== undefined) {
        add('A1 agent activity schedule-to-start', start - sched);
        add('A2 agent activity start-to-complete', done - start);
      }
      const w = parentReaction(done);
      if (w) {
        add('A3 completed -> command task started', w[1] - done);
        add('A4 command task start-to-complete (next start)', w[2] - w[1]);
      }
      if (w) add('cycle: scheduled -> command reacted', w[2] - sched);
    }
  }
  const startInitiated = new Map<string, number>();
  const signaled = new Map<string, number>();
  const childCompleted = new Map<string, number>();
  for (const e of parent) {
    if (e.eventType === T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) startInitiated.set(e.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId!, ms(e)!);
    else if (e.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
      const t = signalTarget(e);
      if (t) signaled.set(`${commandId}/${t}`, ms(e)!);
    } else if (e.eventType === T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) {
      childCompleted.set(e.childWorkflowExecutionCompletedEventAttributes!.workflowExecution!.workflowId!, ms(e)!);
    }
  }

  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${invocationType}' AND DroverCommandId = '${commandId}'`, pageSize: 1000 })) ids.push(wf.workflowId);
  const childEvents: number[] = [];
  const childWftCounts: number[] = [];
  let i = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (i < ids.length) {
        const id = ids[i++]!;
        const h = await events(client, id);
        childEvents.push(h.length);
        const wfts = workflowTasks(h);
        childWftCounts.push(wfts.length);
        const find = (type: number) => h.find((e) => e.eventType === type);
        const started = ms(find(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))!;
        const actSched = ms(find(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED));
        const actStart = ms(find(T.EVENT_TYPE_ACTIVITY_TASK_STARTED));
        const actDone = ms(h.find((e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED || e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_FAILED));
        const sigInit = ms(find(T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED));
        const sigDone = ms(find(T.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED));
        const closed = ms(h[h.length - 1]);
        const decided = startInitiated.get(id);
        add('1 parent decision -> child started (server)', decided !== undefined ? started - decided : undefined);
        const [w1, w2, w3] = wfts;
        if (w1) {
          add('2 child task 1 schedule-to-start', w1[1] - w1[0]);
          add('3 child task 1 start-to-complete', w1[2] - w1[1]);
        }
        if (actSched !== undefined && actStart !== undefined && actDone !== undefined) {
          add('4 agent activity schedule-to-start', actStart - actSched);
          add('5 agent activity start-to-complete', actDone - actStart);
        }
        if (w2) {
          add('6 child task 2 schedule-to-start', w2[1] - w2[0]);
          add('7 child task 2 start-to-complete', w2[2] - w2[1]);
        }
        const sig = signaled.get(id);
        if (sigInit !== undefined && sig !== undefined) add('8 signal initiated -> parent signaled', sig - sigInit);
        if (sig !== undefined) {
          const w = parentReaction(sig);
          if (w) add('9 parent signaled -> parent task completed (next start)', w[2] - sig);
        }
        if (decided !== undefined && sig !== undefined) add('cycle: parent decision -> parent signaled', sig - decided);
        if (w3) add('(off path) child task 3 schedule-to-complete', w3[2] - w3[0]);
        if (sigDone !== undefined && closed !== undefined) add('(off path) signal acknowledged -> child closed', closed - sigDone);
        const cc = childCompleted.get(id);
        if (cc !== undefined && closed !== undefined) add('(off path) child closed -> parent records it', cc - closed);
      }
    }),
  );
  const breakdown = Object.fromEntries(Object.keys(seg).sort().map((k) => [k, stats(seg[k]!)]));
  return {
    invocations: ids.length + activityInvocations,
    asActivities: activityInvocations,
    asChildWorkflows: ids.length,
    breakdownMs: breakdown,
    parent: {
      runs: runIds.length,
      events: parent.length,
      workflowTasks: parentWfts.length,
      taskScheduleToStartMs: stats(parentWfts.map((w) => w[1] - w[0])),
      taskStartToCompleteMs: stats(parentWfts.map((w) => w[2] - w[1])),
    },
    ...(ids.length ? { child: { eventsMedian: stats(childEvents).p50, workflowTasksMedian: stats(childWftCounts).p50 } } : {}),
  };
}
