// `drover agent`: run this machine as a managed node. `drover nodes`: list the fleet.
import type { Command } from 'commander';
import pc from 'picocolors';
import { runAgent } from '../../agent/agent';
import { parseTagFlag } from '../../agent/config';
import { listNodes } from '../../agent/registry';
import type { NodeInfo } from '../../agent/protocol';
import { connectTemporal } from '../../client/connect';
import { CliError, EXIT } from '../errors';

function collectTag(raw: string, acc: Record<string, string> = {}): Record<string, string> {
  try {
    const [key, value] = parseTagFlag(raw);
    acc[key] = value;
    return acc;
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.usage);
  }
}

function positive(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} takes a whole number from 1 up; got ${JSON.stringify(raw)}`, EXIT.usage);
    return n;
  };
}

export function registerAgentCommands(program: Command): void {
  program
    .command('agent')
    .description('run this machine as a managed node: a Temporal worker on the node\'s own task queue (only dials out)')
    .option('--node-id <id>', 'register under this id (e.g. an EC2 instance id); default: the id kept in the state directory, or a new mi-… one')
    .option('--tag <Key=Value>', 'a tag of the node (repeatable); overrides the config file', collectTag)
    .option('--state-dir <dir>', 'where the node id and the invocation journal live (default ~/.drover/agent, or DROVER_AGENT_STATE_DIR)')
    .option('--config <file>', 'a YAML or JSON file with nodeId, tags and stateDir')
    .option('--allow-reboot', 'reboot the node when a command exits 194 (default: report rebootRequested only; or DROVER_AGENT_ALLOW_REBOOT=1)')
    .option('--concurrency <n>', 'invocations that may run at once (default 16)', positive('--concurrency'))
    .option('--heartbeat <seconds>', 'worker heartbeat interval: how soon the registry sees the node go (default 30)', positive('--heartbeat'))
    .option('--package-root <dir>', 'where AWS-RunPatchBaseline runs apt and dpkg, or dnf and rpm: / (default, or DROVER_PACKAGE_ROOT), or an isolated package root or installroot')
    .action(async (opts: { nodeId?: string; tag?: Record<string, string>; stateDir?: string; config?: string; allowReboot?: boolean; concurrency?: number; heartbeat?: number; packageRoot?: string }) => {
      await runAgent({
        ...(opts.nodeId !== undefined ? { nodeId: opts.nodeId } : {}),
        ...(opts.tag ? { tags: opts.tag } : {}),
        ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
        ...(opts.config ? { configFile: opts.config } : {}),
        ...(opts.allowReboot ? { allowReboot: true } : {}),
        ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
        ...(opts.heartbeat ? { heartbeatSeconds: opts.heartbeat } : {}),
        ...(opts.packageRoot ? { packageRoot: opts.packageRoot } : {}),
      });
    });

  program
    .command('nodes')
    .description('list the managed nodes (drover agents) and who is online')
    .option('--tag <Key=Value>', 'only nodes with this tag (repeatable: all must match)', (raw: string, acc: Record<string, string[]> = {}) => {
      const eq = raw.indexOf('=');
      if (eq <= 0) throw new CliError(`--tag takes Key=Value; got ${JSON.stringify(raw)}`, EXIT.usage);
      const key = raw.slice(0, eq);
      acc[key] = [...(acc[key] ?? []), raw.slice(eq + 1)];
      return acc;
    })
    .option('--node-id <id>', 'only this node (repeatable)', (raw: string, acc: string[] = []) => [...acc, raw])
    .option('--json', 'print the nodes as JSON')
    .action(async (opts: { tag?: Record<string, string[]>; nodeId?: string[]; json?: boolean }) => {
      const client = await connectTemporal();
      try {
        const nodes = await listNodes(client, {
          ...(opts.tag ? { tags: opts.tag } : {}),
          ...(opts.nodeId ? { nodeIds: opts.nodeId } : {}),
        });
        if (opts.json) console.log(JSON.stringify(nodes, null, 2));
        else console.log(formatNodes(nodes));
      } finally {
        await client.connection.close();
      }
    });
}

export function formatNodes(nodes: NodeInfo[]): string {
  if (nodes.length === 0) return 'no managed nodes (start one with `drover agent`)';
  const rows = nodes.map((n) => [
    n.nodeId,
    n.online ? pc.green('online') : pc.red('offline'),
    n.facts.hostname ?? '',
    [n.facts.platformName, n.facts.platformVersion].filter(Boolean).join(' '),
    Object.entries(n.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    n.lastSeen ? `seen ${n.lastSeen}` : '',
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => stripAnsi(r[i]!).length)));
  const online = nodes.filter((n) => n.online).length;
  return [
    ...rows.map((r) => r.map((c, i) => (i < 4 ? c + ' '.repeat(widths[i]! - stripAnsi(c).length) : c)).join('  ').trimEnd()),
    pc.dim(`${nodes.length} node${nodes.length === 1 ? '' : 's'}, ${online} online`),
  ].join('\n');
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');
