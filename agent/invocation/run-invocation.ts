// The `drover:agent.runInvocation` activity: one command invocation on this node. Checks
// the parameters against the document again, then runs each plugin in order as SSM Agent
// does (preconditions, onFailure/onSuccess exits, finallyStep, per-plugin and whole-command
// timeouts), and answers with SSM's statuses and truncated output; the whole output goes to
// S3 or CloudWatch Logs when asked. Never throws for anything a command does: every outcome
// is an InvocationResult. A command is not idempotent, so the journal makes sure an
// invocation runs at most once on this node, whatever the dispatcher or a restart does.
// SecureString references (`{{ ssm-secure:name }}`, in parameter values or in the document)
// are read here, on the node, with the agent's own AWS credentials: the dispatcher only
// ever sees the reference, and every value read is blanked out of the output files (before
// any upload) and of the result.
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cancellationSignal, heartbeat, log } from '@temporalio/activity';
import type { AwsClients } from '../../activities/aws/clients';
import { secretScope, type SecretScope } from '../../activities/secrets';
import { COMMAND_PLUGINS, DEFAULT_EXECUTION_TIMEOUT_SECONDS, MAX_EXECUTION_TIMEOUT_SECONDS, type PlatformType } from '../../lang/command-plugins';
import type { InvocationJournal } from '../journal';
import type { CommandPluginPlan, InvocationRequest, InvocationResult, InvocationStatus, PluginResult } from '../protocol';
import { MAX_STDERR_CHARS, MAX_STDOUT_CHARS, pluginOutput, readHead, truncate } from './output';
import { checkInvocationParameters, parameterEnvironment, scriptOf, substituteParameters } from './parameters';
import { notRunnable, runInProcessPlugin, type InProcessPlugin } from './in-process';
import { runShellScript, type ShellOutcome } from './shell';
import { uploadOutput } from './upload';

/** Exit code with which a Linux or macOS script asks for a reboot (SSM's convention). */
export const REBOOT_EXIT_CODE = 194;

export interface InvocationDeps {
  nodeId: string;
  stateDir: string;
  journal: InvocationJournal;
  aws: AwsClients;
  platformType: PlatformType;
  /** Accept invocations addressed to other node ids (simulated fleets sharing one agent). */
  anyNode?: boolean;
  /** Called after an invocation whose script exited 194, when the operator allows reboots. */
  onRebootRequested?: () => void;
  /** Plugins run in the agent's process, by action (drover:runPatchBaseline). */
  inProcessPlugins?: Record<string, InProcessPlugin>;
}

type Exit = { kind: 'none' } | { kind: 'exit'; success: boolean } | { kind: 'reboot' } | { kind: 'timeout' } | { kind: 'cancel' };

export function createRunInvocation(deps: InvocationDeps) {
  return async function runInvocation(req: InvocationRequest): Promise<InvocationResult> {
    const startTime = new Date().toISOString();
    const problem = malformed(req);
    if (problem) return failed(req, `the invocation request is malformed: ${problem}`, startTime);
    if (req.nodeId !== deps.nodeId && !deps.anyNode) {
      return failed(req, `this agent is node ${deps.nodeId}, but the invocation is for ${req.nodeId}; it was not run`, startTime);
    }
    const key = `${req.commandId}/${req.nodeId}`;
    const seen = deps.journal.lookup(key);
    if (seen) {
      return failed(
        req,
        seen.endedAt
          ? `this command already ran on this node (it ended ${seen.status}, exit code ${seen.responseCode}); Drover never runs a command twice`
          : 'the agent restarted while the command ran; Drover never runs a command twice, so it was not run again',
        startTime,
      );
    }
    const { values: given, problems } = checkInvocationParameters(req.document, req.parameters);
    if (problems.length) return failed(req, `invalid parameters, nothing was run:\n${problems.join('\n')}`, startTime);
    const secrets = secretScope(deps.aws);
    let values: Record<string, unknown>;
    let document: InvocationRequest['document'];
    try {
      values = await secrets.resolve(given);
      const inputs = await secrets.resolve(req.document.plugins.map((p) => p.inputs));
      document = { ...req.document, plugins: req.document.plugins.map((p, i) => ({ ...p, inputs: inputs[i]! })) };
    } catch (e) {
      return secrets.value(failed(req, `${secrets.text((e as Error).message)}; nothing was run`, startTime));
    }

    try {
      deps.journal.start(key);
    } catch (e) {
      return failed(req, `the agent cannot write its journal (${(e as Error).message}), so it does not run commands`, startTime);
    }
    // Per command AND node: one agent may serve several node ids (simulated fleets) at once.
    const dir = join(deps.stateDir, 'orchestration', safeName(req.commandId), safeName(req.nodeId));
    let result: InvocationResult;
    try {
      result = secrets.value(await runPlugins(deps, { ...req, document }, values, dir, startTime, secrets));
    } catch (e) {
      const message = secrets.text((e as Error).message);
      log.error('invocation failed inside the agent', { commandId: req.commandId, error: message });
      result = failed(req, `the agent failed while running the command: ${message}`, startTime);
    }
    try {
      deps.journal.end(key, result.status, result.responseCode);
    } catch (e) {
      log.error('cannot record the end of an invocation', { commandId: req.commandId, error: (e as Error).message });
    }
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    // The command's folder goes too once its last node is done (rmdir refuses while others run).
    await rmdir(dirname(dir)).catch(() => {});
    if (result.rebootRequested && deps.onRebootRequested) setTimeout(deps.onRebootRequested, 1000).unref();
    return result;
  };
}

async function runPlugins(
  deps: InvocationDeps,
  req: InvocationRequest,
  values: Record<string, unknown>,
  dir: string,
  startTime: string,
  secrets: SecretScope,
): Promise<InvocationResult> {
  const signal = cancellationSignal();
  const timeoutSeconds = clampTimeout(req.executionTimeoutSeconds);
  const deadline = Date.now() + timeoutSeconds * 1000;
  const legacy = req.document.schemaVersion === '1.2';
  const plugins: PluginResult[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  let urls: { out?: string; err?: string } = {};
  let exit: Exit = { kind: 'none' };
  let overall: { status: InvocationStatus; details: string; code?: number } | undefined;

  for (const [index, plugin] of req.document.plugins.entries()) {
    const pluginStart = new Date().toISOString();
    const finallyStep = plugin.inputs.finallyStep === true;
    const base = { name: plugin.name, action: plugin.action, startTime: pluginStart };
    if (signal.aborted && exit.kind !== 'cancel') exit = { kind: 'cancel' };
    if (exit.kind !== 'none' && !(finallyStep && exit.kind === 'exit')) {
      plugins.push(notRun(base, exit));
      continue;
    }
    const skip = skipReason(plugin, legacy, deps.platformType, values);
    if (skip) {
      plugins.push(skip.fail ? { ...base, status: 'Failed', statusDetails: 'Failed', responseCode: 1, output: skip.message, endTime: pluginStart } : skipped(base, skip.message));
      if (skip.fail) overall ??= { status: 'Failed', details: 'Failed', code: 1 };
      continue;
    }
    heartbeat({ plugin: plugin.name });
    const inputs = substituteParameters(plugin.inputs, values) as Record<string, unknown>;
    const script = scriptOf(inputs.runCommand);
    const pluginDir = join(dir, String(index));
    await mkdir(pluginDir, { recursive: true, mode: 0o700 });
    const remaining = deadline - Date.now();
    const ownTimeout = clampTimeout(inputs.timeoutSeconds) * 1000;
    const inProcess = deps.inProcessPlugins?.[plugin.action];
    const timeoutMs = Math.max(0, Math.min(ownTimeout, remaining));
    const onTick = () => heartbeat({ plugin: plugin.name });
    const outcome: ShellOutcome = inProcess
      ? await runInProcessPlugin({ plugin: inProcess, inputs, dir: pluginDir, nodeId: req.nodeId, commandId: req.commandId, timeoutMs, signal, onTick })
      : !COMMAND_PLUGINS[plugin.action]?.script
        ? await notRunnable(pluginDir, `this agent does not run ${plugin.action}`)
        : await runShellScript({
            script,
            dir: pluginDir,
            workingDirectory: typeof inputs.workingDirectory === 'string' ? inputs.workingDirectory : undefined,
            timeoutMs,
            env: scriptEnvironment(deps, req, values),
            signal,
            onTick,
          });
    const invocationTimedOut = outcome.timedOut && remaining <= ownTimeout;
    // Before anything reads them: the result, S3 and CloudWatch Logs get the blanked-out text.
    await Promise.all([secrets.file(outcome.stdoutPath), secrets.file(outcome.stderrPath)]);
    const [out, err] = await Promise.all([readHead(outcome.stdoutPath, MAX_STDOUT_CHARS), readHead(outcome.stderrPath, MAX_STDERR_CHARS)]);
    const uploaded = await uploadOutput(deps.aws, req, { commandId: req.commandId, nodeId: req.nodeId, documentName: req.document.name }, {
      name: plugin.name,
      action: plugin.action,
      ...(plugin.id ? { id: plugin.id } : {}),
      stdoutPath: outcome.stdoutPath,
      stderrPath: outcome.stderrPath,
    });
    const stderrText = uploaded.problems.length ? truncate(`${err.text}${err.text && !err.text.endsWith('\n') ? '\n' : ''}drover agent: ${uploaded.problems.join('; ')}\n`, MAX_STDERR_CHARS) : err.text;
    const status = pluginStatus(outcome, signal);
    const responseCode = outcome.exitCode ?? (outcome.startError ? 1 : -1);
    const details = status === 'TimedOut' ? 'ExecutionTimedOut' : status;
    plugins.push({
      ...base,
      status,
      statusDetails: details,
      responseCode,
      output: pluginOutput(out.text, stderrText),
      standardOutputContent: out.text,
      standardErrorContent: stderrText,
      ...(uploaded.stdoutUrl ? { standardOutputUrl: uploaded.stdoutUrl } : {}),
      ...(uploaded.stderrUrl ? { standardErrorUrl: uploaded.stderrUrl } : {}),
      endTime: outcome.endTime,
    });
    stdout.push(out.text);
    stderr.push(stderrText);
    if (!urls.out && !urls.err) urls = { out: uploaded.stdoutUrl, err: uploaded.stderrUrl };
    const onFailure = inputs.onFailure;
    if (status === 'Cancelled') {
      exit = { kind: 'cancel' };
      overall = { status: 'Cancelled', details: 'Cancelled', code: responseCode };
    } else if (status === 'Success') {
      if (outcome.exitCode === REBOOT_EXIT_CODE) exit = { kind: 'reboot' };
      else if (inputs.onSuccess === 'exit') exit = { kind: 'exit', success: true };
    } else {
      if (onFailure !== 'successAndExit' && (!overall || overall.status === 'Success')) overall = { status, details, code: responseCode };
      if (invocationTimedOut) exit = { kind: 'timeout' };
      else if (onFailure === 'exit' || onFailure === 'successAndExit') exit = { kind: 'exit', success: onFailure === 'successAndExit' };
    }
  }

  const ran = plugins.filter((p) => p.statusDetails !== 'Skipped' && p.statusDetails !== 'NotRun');
  const final = overall ?? { status: 'Success' as const, details: 'Success', code: ran.at(-1)?.responseCode ?? 0 };
  return {
    commandId: req.commandId,
    nodeId: req.nodeId,
    status: final.status,
    statusDetails: final.details,
    responseCode: final.code ?? 0,
    standardOutputContent: truncate(stdout.join(''), MAX_STDOUT_CHARS),
    standardErrorContent: truncate(stderr.join(''), MAX_STDERR_CHARS),
    ...(urls.out ? { standardOutputUrl: urls.out } : {}),
    ...(urls.err ? { standardErrorUrl: urls.err } : {}),
    startTime,
    endTime: new Date().toISOString(),
    plugins,
    ...(exit.kind === 'reboot' ? { rebootRequested: true } : {}),
  };
}

function pluginStatus(outcome: ShellOutcome, signal: AbortSignal): InvocationStatus {
  if (outcome.cancelled) {
    // A cancellation from the dispatcher is Cancelled; the agent shutting down, or the
    // server no longer knowing the activity, is a failure (SSM: the agent stopped).
    return isUserCancel(signal) ? 'Cancelled' : 'Failed';
  }
  if (outcome.timedOut) return 'TimedOut';
  if (outcome.startError || outcome.exitCode === undefined) return 'Failed';
  return outcome.exitCode === 0 || outcome.exitCode === REBOOT_EXIT_CODE ? 'Success' : 'Failed';
}

function isUserCancel(signal: AbortSignal): boolean {
  const reason = String((signal.reason as Error | undefined)?.message ?? signal.reason ?? '');
  return !/WORKER_SHUTDOWN|NOT_FOUND|TIMED_OUT|HEARTBEAT/i.test(reason);
}

/** Why a plugin does not run on this node, as SSM Agent decides it. */
function skipReason(plugin: CommandPluginPlan, legacy: boolean, platform: PlatformType, values: Record<string, unknown>): { message: string; fail?: boolean } | undefined {
  const info = COMMAND_PLUGINS[plugin.action];
  if (plugin.precondition) {
    if (legacy) return { message: `Precondition is not supported for document schema version prior to 2.2. Step name: ${plugin.name}`, fail: true };
    const [a, b] = plugin.precondition.StringEquals.map((o) => String(substituteParameters(o, values)));
    const holds = a === 'platformType' ? b!.toLowerCase() === platform.toLowerCase() : b === 'platformType' ? a!.toLowerCase() === platform.toLowerCase() : a === b;
    if (!holds) return { message: `Step execution skipped due to unsatisfied preconditions: ${JSON.stringify(plugin.precondition.StringEquals)}. Step name: ${plugin.name}` };
  }
  if (info?.runs) return undefined;
  if (!info) return { message: `Plugin with name ${plugin.action} is not supported by this agent. Step name: ${plugin.name}`, fail: true };
  return legacy
    ? { message: `Plugin with name ${plugin.action} is not supported in current platform. Step name: ${plugin.name}`, fail: true }
    : { message: `Step execution skipped due to incompatible platform. Step name: ${plugin.name}` };
}

function skipped(base: Pick<PluginResult, 'name' | 'action' | 'startTime'>, message: string): PluginResult {
  return { ...base, status: 'Success', statusDetails: 'Skipped', responseCode: 0, output: message, endTime: base.startTime };
}

function notRun(base: Pick<PluginResult, 'name' | 'action' | 'startTime'>, exit: Exit): PluginResult {
  const why = {
    none: '',
    exit: 'an earlier step exited the document',
    reboot: 'an earlier step asked for a reboot (exit 194); Drover does not resume a document after a reboot',
    timeout: "the command's execution timeout was reached",
    cancel: 'the command was cancelled',
  }[exit.kind];
  const status: InvocationStatus = exit.kind === 'cancel' ? 'Cancelled' : exit.kind === 'timeout' ? 'TimedOut' : 'Success';
  return { ...base, status, statusDetails: status === 'Success' ? 'NotRun' : status, responseCode: exit.kind === 'cancel' || exit.kind === 'timeout' ? -1 : 0, output: `Step not run: ${why}.` };
}

/** A final Failed answer without running anything. */
export function failed(req: Partial<InvocationRequest>, message: string, startTime: string): InvocationResult {
  return {
    commandId: String(req?.commandId ?? ''),
    nodeId: String(req?.nodeId ?? ''),
    status: 'Failed',
    statusDetails: 'Failed',
    responseCode: -1,
    standardOutputContent: '',
    standardErrorContent: truncate(`drover agent: ${message}\n`, MAX_STDERR_CHARS),
    startTime,
    endTime: new Date().toISOString(),
    plugins: [],
  };
}

function malformed(req: InvocationRequest): string | undefined {
  if (!req || typeof req !== 'object') return 'expected an InvocationRequest object';
  if (typeof req.commandId !== 'string' || !req.commandId) return 'commandId is missing';
  if (typeof req.nodeId !== 'string' || !req.nodeId) return 'nodeId is missing';
  if (!req.document || !Array.isArray(req.document.plugins)) return 'document (a compiled Command document) is missing';
  if (req.parameters !== undefined && (typeof req.parameters !== 'object' || Array.isArray(req.parameters))) return 'parameters must be a mapping';
  return undefined;
}

/** A timeout in seconds as SSM accepts it; anything else is SSM's default (one hour). */
function clampTimeout(raw: unknown): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_EXECUTION_TIMEOUT_SECONDS) : DEFAULT_EXECUTION_TIMEOUT_SECONDS;
}

const safeName = (id: string): string => id.replace(/[^A-Za-z0-9_.-]/g, '_');

/** The agent's environment without what a command must not see (Temporal's credentials), plus SSM's variables. */
function scriptEnvironment(deps: InvocationDeps, req: InvocationRequest, values: Record<string, unknown>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^TEMPORAL_|^DROVER_AGENT_/.test(k)) env[k] = v;
  return {
    ...env,
    AWS_SSM_INSTANCE_ID: req.nodeId,
    ...(process.env.AWS_REGION ? { AWS_SSM_REGION_NAME: process.env.AWS_REGION } : {}),
    DROVER_COMMAND_ID: req.commandId,
    DROVER_NODE_ID: req.nodeId,
    ...parameterEnvironment(req.document, values),
  };
}
