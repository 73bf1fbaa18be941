import type { Command } from 'commander';
import { runDev } from '../../devstack/dev';

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run everything locally: Temporal dev server with its UI, sandbox AWS (moto), a worker')
    .option('--port <n>', 'Temporal frontend port', '7233')
    .option('--ui-port <n>', 'Temporal web UI port', '8233')
    .option('--moto-port <n>', 'sandbox AWS port', '5050')
    .option('--codec-port <n>', 'codec server port for the UI, when DROVER_PAYLOAD_KEYS is set', '8888')
    .option('--ingress-port <n>', 'event ingress port (HTTP on loopback: POST /events)', '8787')
    .action(async (opts: { port: string; uiPort: string; motoPort: string; codecPort: string; ingressPort: string }) => {
      await runDev({ port: Number(opts.port), uiPort: Number(opts.uiPort), motoPort: Number(opts.motoPort), codecPort: Number(opts.codecPort), ingressPort: Number(opts.ingressPort) });
    });
}
