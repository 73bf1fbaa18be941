// Exit codes of the drover command, and how errors reach the terminal.
import { formatDiagnostic } from '../compiler/diagnostic';
import { InvalidParametersError, RunbookInvalidError, RunbookNotFoundError } from '../client';
import { PayloadKeyConfigError } from '../client/codec/keys';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error that ends the command with a given exit code and message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** Prints an error as the user should see it and returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof RunbookInvalidError) {
    for (const d of err.diagnostics) console.error(formatDiagnostic(d));
    return EXIT.failed;
  }
  if (err instanceof InvalidParametersError) {
    console.error(`error: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof RunbookNotFoundError || err instanceof PayloadKeyConfigError) {
    console.error(`error: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    if (err.message) console.error(`error: ${err.message}`);
    return err.exitCode;
  }
  const e = err as { code?: string; message?: string; details?: string };
  if (/Unknown encoding: binary\/encrypted/.test(String(e?.message))) {
    console.error('error: these payloads are encrypted; set DROVER_PAYLOAD_KEYS (or DROVER_PAYLOAD_KEY_FILE) to the keys they were written with');
    return EXIT.failed;
  }
  if (e?.code === 'ECONNREFUSED' || /connect|UNAVAILABLE|transport/i.test(String(e?.message))) {
    console.error(`error: cannot reach Temporal (${e.message}); start it with \`drover dev\` or set TEMPORAL_ADDRESS`);
    return EXIT.failed;
  }
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.failed;
}
