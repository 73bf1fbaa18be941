// The worker's workflow bundle. The interpreter is the default export, so any workflow
// type (a runbook's name) runs on it.
export { default } from './interpreter';
