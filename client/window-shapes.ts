// Maintenance window executions in SSM's API shapes: GetMaintenanceWindowExecution,
// DescribeMaintenanceWindowExecutions' WindowExecutions, DescribeMaintenanceWindowExecutionTasks'
// WindowExecutionTaskIdentities and DescribeMaintenanceWindowExecutionTaskInvocations'
// WindowExecutionTaskInvocationIdentities, for `--json` and users' programs.
import type { InvocationRecord, WindowExecutionState } from '../workflows/window-contract';

/** DescribeMaintenanceWindowExecutions' WindowExecution. */
export interface SsmWindowExecution {
  WindowId: string;
  WindowExecutionId: string;
  Status: string;
  StatusDetails: string;
  StartTime: string;
  EndTime?: string;
}

/** DescribeMaintenanceWindowExecutionTasks' WindowExecutionTaskIdentity. */
export interface SsmTaskIdentity {
  WindowExecutionId: string;
  TaskExecutionId: string;
  Status: string;
  StatusDetails: string;
  StartTime?: string;
  EndTime?: string;
  TaskArn: string;
  TaskType: string;
}

/** DescribeMaintenanceWindowExecutionTaskInvocations' WindowExecutionTaskInvocationIdentity. */
export interface SsmInvocationIdentity {
  WindowExecutionId: string;
  TaskExecutionId: string;
  InvocationId: string;
  ExecutionId?: string;
  TaskType: string;
  Parameters: string;
  Status: string;
  StatusDetails: string;
  StartTime?: string;
  EndTime?: string;
  OwnerInformation?: string;
  WindowTargetId?: string;
}

export interface WindowExecutionReport {
  state: WindowExecutionState;
  /** Every task's invocations: those the window ran itself, and a task command's, one per target. */
  invocations: Map<string, InvocationRecord[]>;
}

/** GetMaintenanceWindowExecution. */
export function ssmWindowExecution(s: WindowExecutionState): { WindowExecutionId: string; TaskIds: string[]; Status: string; StatusDetails: string; StartTime: string; EndTime?: string } {
  return {
    WindowExecutionId: s.windowExecutionId,
    TaskIds: s.tasks.map((t) => t.taskExecutionId),
    Status: s.status,
    StatusDetails: s.statusDetails,
    StartTime: s.startTime,
    ...(s.endTime ? { EndTime: s.endTime } : {}),
  };
}

export function ssmTaskIdentities(s: WindowExecutionState): SsmTaskIdentity[] {
  return s.tasks.map((t) => ({
    WindowExecutionId: s.windowExecutionId,
    TaskExecutionId: t.taskExecutionId,
    Status: t.status,
    StatusDetails: t.statusDetails,
    ...(t.startTime ? { StartTime: t.startTime } : {}),
    ...(t.endTime ? { EndTime: t.endTime } : {}),
    TaskArn: t.taskArn,
    TaskType: t.taskType,
  }));
}

export function ssmInvocationIdentities(r: WindowExecutionReport): SsmInvocationIdentity[] {
  return r.state.tasks.flatMap((t) =>
    (r.invocations.get(t.taskExecutionId) ?? []).map((i) => ({
      WindowExecutionId: r.state.windowExecutionId,
      TaskExecutionId: t.taskExecutionId,
      InvocationId: i.invocationId,
      ...(i.executionId ? { ExecutionId: i.executionId } : {}),
      TaskType: t.taskType,
      Parameters: i.parameters,
      Status: i.status,
      StatusDetails: i.statusDetails,
      ...(i.startTime ? { StartTime: i.startTime } : {}),
      ...(i.endTime ? { EndTime: i.endTime } : {}),
      ...(i.ownerInformation ? { OwnerInformation: i.ownerInformation } : {}),
      ...(i.windowTargetId ? { WindowTargetId: i.windowTargetId } : {}),
    })),
  );
}

