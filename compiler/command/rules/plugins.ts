// Every plugin must be one SSM knows, and one a Drover agent runs, unless every Drover node
// skips it anyway: in a 2.2 document a step whose precondition names another platform is
// skipped, as SSM Agent skips it. Skipping a plugin SSM would run on Linux (aws:downloadContent
// before a playbook) would change what the document does, so that is an error.
import { AGENT_PLATFORMS, COMMAND_PLUGIN_NAMES, COMMAND_PLUGINS } from '../../../lang/command-plugins';
import { didYouMean } from '../../../lang/suggest';
import { error, warning, type Finding } from '../../finding';
import type { PluginOutline } from '../outline';
import type { CommandRuleContext } from './context';
import { preconditionPlatform } from './preconditions';

/** True when no Drover node runs the step: its precondition names a platform agents do not run on. */
export function skippedOnEveryNode(plugin: PluginOutline): boolean {
  const platform = preconditionPlatform(plugin.precondition);
  return platform !== undefined && !AGENT_PLATFORMS.some((p) => p.toLowerCase() === platform.toLowerCase());
}

export function checkPlugins({ outline }: CommandRuleContext): Finding[] {
  const findings: Finding[] = [];
  const legacy = outline.schemaVersion === '1.2';
  for (const plugin of outline.plugins) {
    const action = plugin.action;
    if (action === undefined) continue;
    const at = legacy ? { at: 'key' as const } : {};
    const info = COMMAND_PLUGINS[action];
    if (!info) {
      findings.push(
        error('unknown-plugin', plugin.actionPointer, `"${action}" is not a Command document plugin.${didYouMean(action, COMMAND_PLUGIN_NAMES)}`, 'Drover agents run aws:runShellScript.', at),
      );
      continue;
    }
    if (info.runs || skippedOnEveryNode(plugin)) continue;
    findings.push(
      error(
        'unsupported-plugin',
        plugin.actionPointer,
        legacy
          ? `Drover agents do not run ${action}, so this document fails on every Drover node.`
          : `Drover agents do not run ${action}; SSM would run it on Linux nodes, so skipping it would change what the document does.`,
        legacy
          ? 'Drover agents run aws:runShellScript; run this document through SSM (EC2 instances), or rewrite it as a shell script.'
          : action === 'aws:runPowerShellScript'
            ? 'If the step is for Windows only, say so: precondition: { StringEquals: [platformType, Windows] }.'
            : 'Do this step with aws:runShellScript, or send the command to EC2 instances through SSM.',
        at,
      ),
    );
  }
  return findings;
}

/** A warning when no step of a 2.2 document runs on a Linux or macOS node. */
export function checkSomethingRuns({ outline }: CommandRuleContext): Finding[] {
  const plugins = outline.plugins.filter((p) => p.action !== undefined && COMMAND_PLUGINS[p.action]);
  if (plugins.length === 0 || !plugins.every(skippedOnEveryNode)) return [];
  return [
    warning('nothing-runs', '/mainSteps', 'Every step is limited to a platform Drover agents do not run on, so this document does nothing on a Drover node.', undefined, {
      at: 'key',
    }),
  ];
}
