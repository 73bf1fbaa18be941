// The worker's workflow bundle. The interpreter is the default export, so any workflow
// type (a runbook's name) runs on it.
export { default } from './interpreter';
// Run Command: the command (rate-controlled dispatch) and one invocation per target. Their
// types carry a colon, which no runbook name (a file name) has.
export { runCommandWorkflow as 'drover:runCommand' } from './run-command/dispatcher';
export { commandInvocationWorkflow as 'drover:commandInvocation' } from './run-command/invocation';
// The node registry: one long-lived workflow per managed node (drover agent).
export { droverNode as 'drover:node' } from './node-registration';
// Patch compliance: one long-lived workflow per node holding its latest patch state.
export { patchStateWorkflow as 'drover:patchState' } from './patch-state';
// Maintenance windows: one execution per fire time of a window's schedule, and its lock.
export { windowExecutionWorkflow as 'drover:windowExecution' } from './windows/execution';
export { windowLockWorkflow as 'drover:windowLock' } from './windows/lock';
// Events: each rule's log of refused matches; Config remediation per resource, and per rule its ExecutionControls.
export { eventLogWorkflow as 'drover:eventLog' } from './events/event-log';
export { remediationWorkflow as 'drover:remediation' } from './events/remediation';
export { remediationControlWorkflow as 'drover:remediationControl' } from './events/remediation-control';
