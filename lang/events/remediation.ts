// What an AWS Config remediation configuration file (`remediations/*.yaml`) compiles to:
// PutRemediationConfigurations' RemediationConfiguration, for the target type Config has
// (SSM_DOCUMENT: an Automation runbook). Plain data shared by the compiler, the client that
// routes compliance events, and the per-resource remediation workflow. Pure.

export type RemediationParameter = { resourceValue: 'RESOURCE_ID' } | { staticValues: string[] };

export interface SsmControls {
  /** Percent of the resources being remediated at once for this rule that may run at the same time (1-100). */
  concurrentExecutionRatePercentage?: number;
  /** Percent of failed remediations (among those of the current batch) that stops the rest (1-100). */
  errorPercentage?: number;
}

export interface RemediationConfig {
  configRuleName: string;
  targetType: 'SSM_DOCUMENT';
  /** The runbook (by name in Drover's runbook folders). */
  targetId: string;
  targetVersion?: string;
  /** The resource type remediated (e.g. AWS::EC2::Instance); events for other types are ignored. */
  resourceType?: string;
  parameters: Record<string, RemediationParameter>;
  automatic: boolean;
  maximumAutomaticAttempts: number;
  retryAttemptSeconds: number;
  ssmControls?: SsmControls;
  hash: string;
  source?: { file: string };
}

/** Config's defaults and limits (PutRemediationConfigurations). */
export const REMEDIATION_DEFAULTS = { maximumAutomaticAttempts: 5, retryAttemptSeconds: 60 } as const;
export const REMEDIATION_LIMITS = { maximumAutomaticAttempts: 25, retryAttemptSeconds: 2_678_000, staticValues: 25 } as const;
export const CONFIG_RULE_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,128}$';

/** The runbook's parameters for one resource, as StartAutomationExecution takes them (lists of strings). */
export function remediationParameters(config: Pick<RemediationConfig, 'parameters'>, resourceId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, p] of Object.entries(config.parameters)) out[name] = 'resourceValue' in p ? [resourceId] : [...p.staticValues];
  return out;
}

/**
 * Whether a payload is a configuration the remediation workflow can use (anyone who can reach
 * Temporal can signal it; workflow code that trips over a malformed one would fail).
 */
export function isRemediationConfig(x: unknown): x is RemediationConfig {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  const params = c.parameters;
  const validParams =
    typeof params === 'object' &&
    params !== null &&
    Object.values(params).every((p) => {
      if (typeof p !== 'object' || p === null) return false;
      const v = p as Record<string, unknown>;
      return v.resourceValue === 'RESOURCE_ID' || (Array.isArray(v.staticValues) && v.staticValues.every((s) => typeof s === 'string'));
    });
  return (
    typeof c.configRuleName === 'string' &&
    typeof c.targetId === 'string' &&
    typeof c.automatic === 'boolean' &&
    Number.isInteger(c.maximumAutomaticAttempts) &&
    (c.maximumAutomaticAttempts as number) >= 1 &&
    typeof c.retryAttemptSeconds === 'number' &&
    (c.retryAttemptSeconds as number) >= 1 &&
    validParams
  );
}
