// `drover dev`: the embedded default. A real Temporal (the CLI's dev server, state in
// .drover/dev, web UI on), the sandbox AWS (moto, seeded with a demo fleet) and a Drover
// worker in this process, until Ctrl-C.
import { join } from 'node:path';
import { ensureTools } from './tools';
import { startDevServer } from './temporal-dev-server';
import { sandboxAwsEnv, startMoto } from './moto';
import { seedSandbox } from './sandbox';
import { stateDir } from './paths';
import { isPortOpen } from './ports';
import { describePayloadEncryption, droverPayloadCodec } from '../client/codec/data-converter';
import { DEFAULT_CODEC_PORT, startCodecServer, type CodecServer } from '../client/codec/codec-server';

export interface DevOptions {
  port: number;
  uiPort: number;
  motoPort: number;
  /** The codec server's port, when payloads are encrypted (DROVER_PAYLOAD_KEYS). */
  codecPort?: number;
  /** The event ingress's port (HTTP, loopback; default 8787). */
  ingressPort?: number;
}

export async function runDev(opts: DevOptions): Promise<void> {
  // With payload keys, the UI decrypts through a codec server of ours (bad keys fail here, first).
  const codec = droverPayloadCodec();
  const codecPort = opts.codecPort ?? DEFAULT_CODEC_PORT;
  const ports: Array<readonly [string, number]> = [['Temporal', opts.port], ['the Temporal UI', opts.uiPort], ['moto', opts.motoPort]];
  if (codec) ports.push(['the codec server', codecPort]);
  const ingressPort = opts.ingressPort ?? 8787;
  ports.push(['the event ingress', ingressPort]);
  for (const [what, port] of ports) {
    if (await isPortOpen(port)) {
      throw new Error(`port ${port} (for ${what}) is in use: is another \`drover dev\` running? Choose other ports with --port/--ui-port/--moto-port/--codec-port`);
    }
  }
  ensureTools();
  const dir = join(stateDir, 'dev');
  console.error('drover dev: starting Temporal, the sandbox AWS and a worker …');
  let codecServer: CodecServer | undefined;
  if (codec) {
    codecServer = await startCodecServer({ codec, port: codecPort, corsOrigins: [`http://127.0.0.1:${opts.uiPort}`, `http://localhost:${opts.uiPort}`] });
  }
  const [server, moto] = await Promise.all([
    startDevServer({
      port: opts.port,
      uiPort: opts.uiPort,
      dbFile: join(dir, 'temporal.db'),
      logFile: join(dir, 'temporal.log'),
      ...(codecServer ? { uiCodecEndpoint: codecServer.url } : {}),
    }),
    startMoto({ port: opts.motoPort, logFile: join(dir, 'moto.log') }),
  ]).catch(async (e: unknown) => {
    await codecServer?.close();
    throw e;
  });
  const stopAll = async () => {
    await Promise.allSettled([moto.stop(), server.stop(), codecServer?.close()]);
  };
  try {
    const fleet = await seedSandbox(moto.endpoint);
    Object.assign(process.env, sandboxAwsEnv(moto.endpoint), { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: server.namespace });
    // Notification links point at this UI, whatever port it got.
    if (server.uiUrl) process.env.DROVER_UI_URL ??= server.uiUrl;
    const { createDroverWorker } = await import('../worker');
    const { createAgent } = await import('../agent/agent');
    const { installAgentRuntime } = await import('../agent/runtime');
    // Before the first connection: the local agent's worker heartbeats every 10 s, so
    // `drover nodes` soon notices when it stops.
    installAgentRuntime(10);
    const { worker, close } = await createDroverWorker();
    // The maintenance windows of ./windows (DROVER_WINDOWS) become Temporal Schedules.
    const { applyWindowsAtStart } = await import('./windows');
    const windowsLine = await applyWindowsAtStart();
    // This machine as a managed node, so the quick start can run a command on a real node.
    const agent = await createAgent({ stateDir: join(dir, 'agent') }).catch((e: Error) => {
      console.error(`drover dev: no local agent (${e.message})`);
      return undefined;
    });
    // Events start work: the repository's rules and remediations, over HTTP on loopback.
    const { startDevIngress } = await import('./dev-ingress');
    const ingress = await startDevIngress(ingressPort, join(dir, 'ingress-api-keys')).catch((e: Error) => {
      console.error(`drover dev: no event ingress (${e.message})`);
      return undefined;
    });
    const addressHint = server.address === '127.0.0.1:7233' ? '' : `TEMPORAL_ADDRESS=${server.address} `;
    console.error(
      [
        '',
        `  Temporal     ${server.address}  (namespace ${server.namespace})`,
        `  Temporal UI  ${server.uiUrl}`,
        `  sandbox AWS  ${moto.endpoint}  (moto; demo fleet: ${fleet.join(', ')})`,
        `  worker       task queue ${worker.options.taskQueue}`,
        agent ? `  agent        node ${agent.nodeId}  (this machine; task queue ${agent.taskQueue})` : '  agent        none',
        `  windows      ${windowsLine}`,
        ...(codecServer ? [`  payloads     ${describePayloadEncryption()}; the UI decrypts them through ${codecServer.url}`] : []),
        ingress ? `  events       ${ingress.url}  (${ingress.rules} rule${ingress.rules === 1 ? '' : 's'}; API key ${ingress.keyFile ? `in ${ingress.keyFile}` : 'from DROVER_INGRESS_API_KEYS'})` : '  events       no ingress',
        '',
        '  Next, in another terminal:',
        `    ${addressHint}npx drover run runbooks/hello.yaml -p Name=world --wait`,
        `    ${addressHint}npx drover validate runbooks/`,
        `    ${addressHint}npx drover nodes`,
        `    ${addressHint}npx drover events put --file examples/events/put-events-ec2-stopped.json`,
        '',
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
    try {
      await Promise.all([worker.run(), agent?.run()]);
    } finally {
      await ingress?.close();
      await close();
    }
  } finally {
    console.error('drover dev: stopping …');
    await stopAll();
  }
}
