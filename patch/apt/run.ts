// Runs one apt/dpkg tool call (built and checked by PackageRoot) and returns its output.
// A tool that fails is a PatchEngineError carrying the tool's own last words.
import { execFile } from 'node:child_process';
import type { PackageRoot, PackageTool, ToolCall } from './package-root';

export class PatchEngineError extends Error {
  constructor(
    message: string,
    readonly output = '',
  ) {
    super(message);
    this.name = 'PatchEngineError';
  }
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Default 30 minutes: an install of many packages takes a while. */
  timeoutMs?: number;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  /** Stops the tool (SIGTERM) when aborted: a timed-out or cancelled command. */
  signal?: AbortSignal;
}

export function runTool(root: PackageRoot, tool: PackageTool, args: string[], options: RunOptions = {}): Promise<ToolResult> {
  return runCall(root.call(tool, args), tool, args, options);
}

/** Runs a call already built and checked by its root's guard (apt's PackageRoot, rpm's RpmRoot). */
export function runCall(call: ToolCall, tool: string, args: string[], options: RunOptions = {}, family = 'apt-based systems (Debian, Ubuntu)'): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new PatchEngineError(`${tool} was not started: the operation was stopped`));
      return;
    }
    execFile(call.command, call.args, { env: call.env, maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 30 * 60_000, encoding: 'utf8', ...(options.signal ? { signal: options.signal } : {}) }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : -1) : 0;
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new PatchEngineError(`${tool} is not installed on this node: Drover patches ${family} with it`));
        return;
      }
      if (err && options.signal?.aborted) {
        reject(new PatchEngineError(`${tool} was stopped: the operation was cancelled or timed out`, `${stdout}${stderr}`));
        return;
      }
      if (err && (code === -1 || !options.allowFailure)) {
        const why = lastLines(`${stderr}\n${stdout}`) || err.message;
        reject(new PatchEngineError(`${tool} ${args.find((a) => !a.startsWith('-')) ?? ''} failed${code > 0 ? ` (exit ${code})` : ''}: ${why}`, `${stdout}${stderr}`));
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines that say what went wrong (apt's E: lines, dpkg's errors), else the last few. */
export function lastLines(text: string, count = 4): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^(E:|dpkg: error|error:|problem|- |no match for argument)/i.test(l));
  return (errors.length ? errors : lines).slice(-count).join(' | ');
}
