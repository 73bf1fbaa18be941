// The plugins of SSM Command documents, and which of them a Drover agent runs. Pure: the
// command-document schema, the compiler and the agent read it.

export type PlatformType = 'Linux' | 'MacOS' | 'Windows';

export const PLATFORM_TYPES: readonly PlatformType[] = ['Linux', 'MacOS', 'Windows'];

/** Platforms a Drover agent runs on (Node runs elsewhere too, but only the shell plugin exists). */
export const AGENT_PLATFORMS: readonly PlatformType[] = ['Linux', 'MacOS'];

export interface CommandPluginInfo {
  /** What it does, for messages and the schema. */
  summary: string;
  /** True when a Drover agent runs it. */
  runs: boolean;
  /** Takes runCommand/workingDirectory/timeoutSeconds (the script plugins). */
  script?: boolean;
}

/** Every plugin of AWS's Command document plugin reference. */
export const COMMAND_PLUGINS: Record<string, CommandPluginInfo> = {
  'aws:runShellScript': { summary: 'Runs shell commands or a script (Linux, macOS).', runs: true, script: true },
  'aws:runPowerShellScript': { summary: 'Runs PowerShell commands or a script.', runs: false, script: true },
  'aws:applications': { summary: 'Installs, repairs or uninstalls MSI applications (Windows).', runs: false },
  'aws:cloudWatch': { summary: 'Exports Windows data to CloudWatch (Windows).', runs: false },
  'aws:configureDocker': { summary: 'Installs or uninstalls Docker.', runs: false },
  'aws:configurePackage': { summary: 'Installs or uninstalls a Distributor package.', runs: false },
  'aws:domainJoin': { summary: 'Joins a node to a domain.', runs: false },
  'aws:downloadContent': { summary: 'Downloads documents and scripts from remote locations.', runs: false },
  'aws:psModule': { summary: 'Installs PowerShell modules (Windows).', runs: false },
  'aws:refreshAssociation': { summary: 'Refreshes State Manager associations on demand.', runs: false },
  'aws:runDockerAction': { summary: 'Runs Docker actions on containers.', runs: false },
  'aws:runDocument': { summary: 'Runs another SSM document.', runs: false },
  'aws:softwareInventory': { summary: 'Collects inventory metadata.', runs: false },
  'aws:updateAgent': { summary: 'Updates the EC2Config service (Windows).', runs: false },
  'aws:updateSsmAgent': { summary: 'Updates SSM Agent.', runs: false },
  // Drover's own, run inside the agent: the plugin of Drover's AWS-RunPatchBaseline (patch/plugin/).
  'drover:runPatchBaseline': { summary: "Scans or patches the node against its patch baseline (Drover's AWS-RunPatchBaseline).", runs: true },
};

export const COMMAND_PLUGIN_NAMES = Object.keys(COMMAND_PLUGINS);

/** SSM's limit for a plugin's timeoutSeconds and an execution timeout: 48 hours. */
export const MAX_EXECUTION_TIMEOUT_SECONDS = 172_800;
/** SSM's default for both. */
export const DEFAULT_EXECUTION_TIMEOUT_SECONDS = 3600;

/** `aws:runShellScript` → `awsrunShellScript`: how SSM names a plugin in output paths. */
export function pluginPathName(name: string): string {
  return name.replace(/:/g, '');
}
