// SecureString references (`{{ ssm-secure:name }}`) resolved just in time, and their values
// kept out of everything that goes back to the workflow or into a log.
//
// A workflow only ever holds the reference text. The activity (or the agent, on its node)
// that hands a value out of Drover reads it here, with SSM GetParameter WithDecryption as
// the runbook's role, right before use; from then on this call's SecretScope knows the
// value and blanks it out (`***`) of the result, of the failure (message, details, stack,
// causes) and of every line the activity logs. Values are read once per call, never cached
// across calls (a rotated secret is read anew), and never written anywhere by this module.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { log } from '@temporalio/activity';
import { redact, redactValue, secretForms, streamRedactor } from '../lang/redact';
import { secureNamesIn, substituteSecureReferences } from '../lang/secure-references';
import type { AwsClients } from './aws/clients';
import { callAws } from './aws/errors';
import { actionFailed } from './errors';

export class SecretScope {
  private readonly values = new Map<string, string>();
  private forms: string[] = [];

  constructor(private readonly ssm: () => SSMClient) {}

  /**
   * `value` with every SecureString reference replaced by the plaintext. A parameter that
   * cannot be read fails the call the way every AWS error does (callAws): not found or
   * access denied fail the step with AWS's code and the parameter's name.
   */
  async resolve<T>(value: T): Promise<T> {
    const names = secureNamesIn(value);
    if (names.length === 0) return value;
    for (const name of names) await this.read(name);
    return substituteSecureReferences(value, this.values) as T;
  }

  /**
   * Reads the values `value` refers to only to blank them out of what comes back (the
   * output of a command SSM runs with the reference itself). Never fails the call: where
   * this role may not read a parameter, its value stays in what SSM returns, as in AWS.
   */
  async learn(value: unknown): Promise<void> {
    for (const name of secureNamesIn(value)) {
      try {
        await this.read(name);
      } catch (err) {
        log.warn('cannot read a SecureString to blank it out of the command output', { parameter: name, error: (err as Error).message });
      }
    }
  }

  /** `text` with every known secret replaced by `***`. */
  text(text: string): string {
    return this.forms.length ? redact(text, this.forms) : text;
  }

  /** A JSON-like value with every known secret blanked out of its strings. */
  value<T>(value: T): T {
    return redactValue(value, this.forms);
  }

  /** The error, its details, stack and causes blanked out in place (its type and class stay, so Temporal sees the same failure). */
  failure(err: unknown): unknown {
    if (!this.forms.length) return err;
    const seen = new Set<unknown>();
    for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
      seen.add(e);
      e.message = this.text(e.message);
      if (e.stack) e.stack = this.text(e.stack);
      const withDetails = e as Error & { details?: unknown };
      if (Array.isArray(withDetails.details)) withDetails.details = this.value(withDetails.details);
    }
    return err;
  }

  /** Rewrites a text file (a script's stdout) with every known secret blanked out, streaming, so its size does not matter. */
  async file(path: string): Promise<void> {
    if (!this.forms.length) return;
    const redactor = streamRedactor(this.forms);
    async function* blankOut(source: AsyncIterable<string>): AsyncGenerator<string> {
      for await (const chunk of source) yield redactor.push(chunk);
      yield redactor.end();
    }
    const tmp = `${path}.redacted`;
    try {
      await pipeline(createReadStream(path, { encoding: 'utf8' }), blankOut, createWriteStream(tmp, { mode: 0o600 }));
    } catch (err) {
      await rm(tmp, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await rename(tmp, path);
  }

  private async read(name: string): Promise<void> {
    if (this.values.has(name)) return;
    const out = await callAws(`reading SecureString parameter ${name}`, () => this.ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true })));
    const value = out.Parameter?.Value;
    if (value === undefined) throw actionFailed(`reading SecureString parameter ${name}: SSM returned no value`);
    this.values.set(name, value);
    this.forms = secretForms(this.values.values());
  }
}

/** A scope whose SSM calls act as `roleArn` (the runbook's assumeRole), or as the process itself. */
export function secretScope(clients: AwsClients, roleArn?: string): SecretScope {
  return new SecretScope(() => clients.get(SSMClient, roleArn));
}

/**
 * An activity with a SecretScope of its own for each call: whatever it returns or throws
 * has the secrets it read blanked out. The activity decides what it resolves (`resolve`),
 * what it only learns (`learn`), and blanks out its own log lines (`text`).
 */
export function withSecrets<A extends { assumeRole?: string }, R>(
  clients: AwsClients,
  run: (req: A, secrets: SecretScope) => Promise<R>,
): (req: A) => Promise<R> {
  return async (req: A): Promise<R> => {
    const secrets = secretScope(clients, req.assumeRole);
    try {
      return secrets.value(await run(req, secrets));
    } catch (err) {
      throw secrets.failure(err);
    }
  };
}
