// `drover codec-server`: decrypts payloads for the Temporal Web UI and CLI with the keys of
// DROVER_PAYLOAD_KEYS (or DROVER_PAYLOAD_KEY_FILE), until Ctrl-C.
import type { Command } from 'commander';
import { describePayloadEncryption, droverPayloadCodec } from '../../client/codec/data-converter';
import { DEFAULT_CODEC_PORT, normalizeOrigin, startCodecServer } from '../../client/codec/codec-server';
import { CliError, EXIT } from '../errors';

/** The dev server's UI, wherever the operator types it. */
export function defaultCorsOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.DROVER_UI_URL ? [env.DROVER_UI_URL] : ['http://localhost:8233', 'http://127.0.0.1:8233'];
}

export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description("decrypt payloads for the Temporal Web UI (its Remote Codec Endpoint) and CLI (--codec-endpoint) with Drover's payload keys")
    .option('--port <n>', 'port to listen on', String(DEFAULT_CODEC_PORT))
    .option('--host <address>', 'address to listen on; whoever reaches it can decrypt', '127.0.0.1')
    .option(
      '--cors-origin <url>',
      'a Web UI origin allowed to call it from the browser (repeatable; default DROVER_UI_URL, else http://localhost:8233 and http://127.0.0.1:8233)',
      (raw: string, acc: string[] = []) => [...acc, raw],
    )
    .action(async (opts: { port: string; host: string; corsOrigin?: string[] }) => {
      const codec = droverPayloadCodec();
      if (!codec) throw new CliError('no payload keys: set DROVER_PAYLOAD_KEYS=id:base64key (make a key with `openssl rand -base64 32`) or DROVER_PAYLOAD_KEY_FILE', EXIT.usage);
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port takes a port number; got ${JSON.stringify(opts.port)}`, EXIT.usage);
      let corsOrigins: string[];
      try {
        corsOrigins = (opts.corsOrigin ?? defaultCorsOrigins()).map(normalizeOrigin);
      } catch (e) {
        throw new CliError(`--cors-origin: ${(e as Error).message}`, EXIT.usage);
      }
      const server = await startCodecServer({ codec, port, host: opts.host, corsOrigins }).catch((e: NodeJS.ErrnoException) => {
        throw new CliError(e.code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --port` : e.message);
      });
      console.error(
        [
          `drover codec-server: ${server.url}  (payloads ${describePayloadEncryption()})`,
          `  browsers allowed from ${corsOrigins.join(', ')}`,
          `  Temporal UI: Remote Codec Endpoint ${server.url} (or start the UI with --ui-codec-endpoint ${server.url})`,
          `  Temporal CLI: temporal --codec-endpoint ${server.url} workflow show -w <id>`,
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
