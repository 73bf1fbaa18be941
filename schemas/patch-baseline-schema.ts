// Builds the JSON Schema (2020-12) of a patch baseline file (`baselines/*.yaml`): SSM's
// CreatePatchBaseline request, plus GetPatchBaseline's `PatchGroups` and DescribePatchBaselines'
// `DefaultBaseline`, so that one file says everything a baseline is.
// `npx tsx schemas/build-patch-baseline-schema.ts` writes schemas/patch-baseline.schema.json;
// a unit test fails when the committed file differs.
//
// The schema checks shapes; what depends on the operating system (which filter keys, which
// values) is checked by the compiler's rules, which can say it better.
import { ALL_FILTER_KEYS, COMPLIANCE_LEVELS, OPERATING_SYSTEMS, REJECTED_PATCHES_ACTIONS } from '../patch/baseline';
import { str, type JsonSchema } from './schema-kit';

export const PATCH_BASELINE_SCHEMA_FILE = 'schemas/patch-baseline.schema.json';

/** SSM's limits (CreatePatchBaseline). */
export const BASELINE_LIMITS = { filters: 4, rules: 10, values: 20, patches: 50, approveAfterDays: 360 } as const;
export const BASELINE_NAME_PATTERN = '^[a-zA-Z0-9_.-]{3,128}$';
export const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

const complianceLevel = (description: string): JsonSchema => ({ type: 'string', enum: [...COMPLIANCE_LEVELS], description });

const patchList = (description: string): JsonSchema => ({
  type: 'array',
  maxItems: BASELINE_LIMITS.patches,
  items: { type: 'string', minLength: 1, maxLength: 100 },
  description,
});

const filterGroup = (description: string): JsonSchema => ({
  type: 'object',
  required: ['PatchFilters'],
  additionalProperties: false,
  description,
  properties: {
    PatchFilters: {
      type: 'array',
      maxItems: BASELINE_LIMITS.filters,
      description: 'Every filter must match; a filter matches when one of its values does.',
      items: { $ref: '#/$defs/filter' },
    },
  },
});

const filterDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['Key', 'Values'],
  additionalProperties: false,
  properties: {
    Key: {
      type: 'string',
      enum: [...ALL_FILTER_KEYS],
      description: 'Debian and Ubuntu: PRODUCT, SECTION, PRIORITY. Red Hat family: PRODUCT, CLASSIFICATION, SEVERITY.',
    },
    Values: {
      type: 'array',
      minItems: 1,
      maxItems: BASELINE_LIMITS.values,
      items: { type: 'string', minLength: 1 },
      description: 'Values to match (case-insensitive); * matches everything.',
    },
  },
});

const ruleDefinition = (): JsonSchema => ({
  type: 'object',
  required: ['PatchFilterGroup'],
  additionalProperties: false,
  properties: {
    PatchFilterGroup: filterGroup('The patches this rule approves.'),
    ComplianceLevel: complianceLevel('The severity a missing patch approved by this rule reports (default UNSPECIFIED).'),
    ApproveAfterDays: {
      type: 'integer',
      minimum: 0,
      maximum: BASELINE_LIMITS.approveAfterDays,
      description: "Days to wait after the patch's publication before approving it (Debian/Ubuntu: the Release Date of its suite).",
    },
    ApproveUntilDate: {
      type: 'string',
      pattern: DATE_PATTERN,
      title: 'a date YYYY-MM-DD',
      description: 'Approve the patches published on or before this date (YYYY-MM-DD).',
    },
    EnableNonSecurity: { type: 'boolean', description: 'Approve non-security updates too (default false: security updates only).' },
  },
});

export function buildPatchBaselineSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Drover patch baseline',
    description:
      "Which patches a node should have, modelled on SSM's CreatePatchBaseline. Add `# yaml-language-server: $schema=<path to this file>` to a baseline for completion in editors.",
    type: 'object',
    required: ['OperatingSystem'],
    additionalProperties: false,
    properties: {
      Name: str('The baseline name (default: the file name without its extension).', { pattern: BASELINE_NAME_PATTERN, title: 'a name of 3 to 128 letters, digits, _, . and -' }),
      Description: str('What the baseline is for.', { maxLength: 1024 }),
      OperatingSystem: { type: 'string', enum: [...OPERATING_SYSTEMS], description: 'The operating system of the nodes the baseline patches.' },
      GlobalFilters: filterGroup('Filters every patch must pass before the rules and lists are considered.'),
      ApprovalRules: {
        type: 'object',
        required: ['PatchRules'],
        additionalProperties: false,
        properties: {
          PatchRules: { type: 'array', maxItems: BASELINE_LIMITS.rules, items: { $ref: '#/$defs/rule' }, description: 'A patch is approved when any rule approves it.' },
        },
      },
      ApprovedPatches: patchList('Patches approved whatever the rules say: name, name:arch or name=version (apt), * in names.'),
      ApprovedPatchesComplianceLevel: complianceLevel('The severity of missing patches from ApprovedPatches (default UNSPECIFIED).'),
      ApprovedPatchesEnableNonSecurity: { type: 'boolean', description: 'ApprovedPatches may come from non-security repositories (default false).' },
      RejectedPatches: patchList('Patches never approved, even by ApprovedPatches: name, name:arch or name=version, * in names.'),
      RejectedPatchesAction: {
        type: 'string',
        enum: [...REJECTED_PATCHES_ACTIONS],
        description: 'ALLOW_AS_DEPENDENCY (default): installed only as another package’s dependency. BLOCK: never installed; installed ones are InstalledRejected.',
      },
      PatchGroups: {
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: 256 },
        description: 'Nodes whose "Patch Group" (or PatchGroup) tag is one of these use this baseline.',
      },
      DefaultBaseline: { type: 'boolean', description: 'The baseline of nodes of this operating system that no patch group claims.' },
    },
    $defs: { filter: filterDefinition(), rule: ruleDefinition() },
  };
}
