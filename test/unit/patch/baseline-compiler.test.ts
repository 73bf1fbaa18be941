// The patch baseline compiler: exact diagnostics (code, line, column) for what authors get
// wrong, the compiled form, the committed schema, and the checks across baseline files.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { compileBaseline } from '../../../compiler/baseline/index';
import { isBaselineText } from '../../../compiler/baseline/detect';
import { builtinBaselines, loadBaselineSet } from '../../../compiler/baseline/load';
import { renderPatchBaselineSchema } from '../../../schemas/build-patch-baseline-schema';
import { buildPatchBaselineSchema } from '../../../schemas/patch-baseline-schema';
import { OPERATING_SYSTEMS } from '../../../patch/baseline';
import { at, dedent } from '../compiler/helpers';

const compile = (text: string, file = 'web.yaml') => compileBaseline(dedent(text), file);

describe('patch baseline schema', () => {
  it('is committed exactly as the builder produces it', () => {
    const committed = readFileSync(new URL('../../../schemas/patch-baseline.schema.json', import.meta.url), 'utf8');
    // On failure: npx tsx schemas/build-patch-baseline-schema.ts
    expect(committed).toBe(renderPatchBaselineSchema());
  });

  it('compiles with ajv in strict mode as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
    expect(() => ajv.compile(buildPatchBaselineSchema())).not.toThrow();
  });
});

describe('compileBaseline', () => {
  it('compiles a baseline into plain data with defaults and a content hash', () => {
    const { baseline, diagnostics } = compile(`
      OperatingSystem: DEBIAN
      Description: Security updates for the web tier
      PatchGroups: [web]
      ApprovalRules:
        PatchRules:
          - PatchFilterGroup:
              PatchFilters:
                - Key: PRIORITY
                  Values: [Required, important]
            ComplianceLevel: HIGH
            ApproveAfterDays: 7
      ApprovedPatches: [openssl]
      RejectedPatches: ['libfoo=2.0-2']
      RejectedPatchesAction: BLOCK
    `);
    expect(diagnostics).toEqual([]);
    expect(baseline).toMatchObject({
      name: 'web',
      operatingSystem: 'DEBIAN',
      globalFilters: [],
      approvalRules: [{ filters: [{ key: 'PRIORITY', values: ['Required', 'important'] }], complianceLevel: 'HIGH', approveAfterDays: 7, enableNonSecurity: false }],
      approvedPatches: ['openssl'],
      approvedPatchesComplianceLevel: 'UNSPECIFIED',
      approvedPatchesEnableNonSecurity: false,
      rejectedPatches: ['libfoo=2.0-2'],
      rejectedPatchesAction: 'BLOCK',
      patchGroups: ['web'],
      defaultBaseline: false,
      source: { file: 'web.yaml' },
    });
    expect(baseline!.hash).toMatch(/^[0-9a-f]{64}$/);
    // Layout and file do not change the hash; meaning does.
    const json = compileBaseline(JSON.stringify({ OperatingSystem: 'DEBIAN', Description: 'Security updates for the web tier', PatchGroups: ['web'], ApprovalRules: { PatchRules: [{ PatchFilterGroup: { PatchFilters: [{ Key: 'PRIORITY', Values: ['Required', 'important'] }] }, ComplianceLevel: 'HIGH', ApproveAfterDays: 7 }] }, ApprovedPatches: ['openssl'], RejectedPatches: ['libfoo=2.0-2'], RejectedPatchesAction: 'BLOCK' }), 'other/web.json');
    expect(json.baseline!.hash).toBe(baseline!.hash);
  });

  it('reports every problem at its line and column, with corrections', () => {
    const { baseline, diagnostics } = compile(`
      Name: web
      OperatingSystem: DEBIAN
      ApprovalRules:
        PatchRules:
          - PatchFilterGroup:
              PatchFilters:
                - Key: PRIORITY
                  Values: [Requird, Important]
                - Key: SEVERITY
                  Values: [Critical]
                - Key: PRIORITY
                  Values: ['*']
            ComplianceLevel: HIGH
            ApproveAfterDays: 7
            ApproveUntilDate: 2024-02-30
            EnableNonSecurty: true
      ApprovedPatches: [openssl, 'Bad Name']
      RejectedPatches: [openssl]
      RejectedPatchesAction: BLOK
    `);
    expect(baseline).toBeUndefined();
    expect(at(diagnostics)).toEqual([
      'invalid-filter-value@8:22',
      'invalid-filter-key@9:18',
      'duplicate-filter-key@11:18',
      'conflicting-properties@15:7',
      'invalid-value@15:25',
      'unknown-property@16:7',
      'approved-and-rejected@17:19',
      'invalid-patch-name@17:28',
      'invalid-value@19:24',
    ]);
    const messages = diagnostics.map((d) => d.message);
    expect(messages[0]).toBe('"Requird" is not a PRIORITY value. Did you mean "Required"?');
    expect(messages[1]).toBe('SEVERITY is not a patch filter of DEBIAN baselines.');
    expect(diagnostics[1]!.hint).toBe('DEBIAN baselines filter by PRODUCT, SECTION and PRIORITY.');
    expect(messages[5]).toMatch(/has no property "EnableNonSecurty"\. Did you mean "EnableNonSecurity"\?$/);
    expect(messages[8]).toBe('"RejectedPatchesAction" must be one of "ALLOW_AS_DEPENDENCY" or "BLOCK", not the string "BLOK". Did you mean "BLOCK"?');
    expect(diagnostics[6]!.severity).toBe('warning');
  });

  it('takes the Red Hat family keys for Red Hat baselines, and refuses the Debian ones there', () => {
    const { diagnostics } = compile(`
      OperatingSystem: REDHAT_ENTERPRISE_LINUX
      ApprovalRules:
        PatchRules:
          - PatchFilterGroup:
              PatchFilters:
                - Key: CLASSIFICATION
                  Values: [Security]
                - Key: SEVERITY
                  Values: [Critical, Importnt]
                - Key: SECTION
                  Values: [libs]
    `);
    expect(at(diagnostics)).toEqual(['invalid-filter-value@9:32', 'invalid-filter-key@10:18']);
  });

  it('reports a missing OperatingSystem at the top, an unknown one at its value', () => {
    expect(at(compile('ApprovedPatches: [openssl]\n').diagnostics)).toEqual(['missing-property@1:1']);
    const windows = compile('OperatingSystem: WINDOWS\nApprovedPatches: [openssl]\n').diagnostics;
    expect(at(windows)).toEqual(['invalid-value@1:18']);
    expect(windows[0]!.message).toMatch(/^"OperatingSystem" must be one of "DEBIAN", "UBUNTU", /);
  });

  it('warns about a baseline that approves nothing, and reports YAML syntax errors alone', () => {
    expect(at(compile('OperatingSystem: UBUNTU\n').diagnostics)).toEqual(['approves-nothing@1:1']);
    expect(compile('OperatingSystem: UBUNTU\n').baseline).toBeDefined();
    expect(at(compileBaseline('OperatingSystem: UBUNTU\n\tApprovedPatches: []\n', 'tab.yaml').diagnostics)).toEqual(['yaml-syntax@2:1']);
  });

  it('tells baselines from SSM documents by their top-level keys', () => {
    expect(isBaselineText('OperatingSystem: DEBIAN\n')).toBe(true);
    expect(isBaselineText('{"OperatingSystem": "UBUNTU"}')).toBe(true);
    expect(isBaselineText("schemaVersion: '2.2'\nOperatingSystem: x\n")).toBe(false);
    expect(isBaselineText("schemaVersion: '0.3'\nmainSteps: []\n")).toBe(false);
  });
});

describe('baseline sets', () => {
  it('has a built-in default baseline for every modelled operating system', async () => {
    const builtins = await builtinBaselines();
    expect(builtins.filter((b) => b.defaultBaseline).map((b) => b.operatingSystem).sort()).toEqual([...OPERATING_SYSTEMS].sort());
  });

  it('refuses a patch group claimed twice for one operating system, and two defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baselines-'));
    writeFileSync(join(dir, 'a.yaml'), 'OperatingSystem: DEBIAN\nDefaultBaseline: true\nPatchGroups: [web, db]\nApprovedPatches: [openssl]\n');
    writeFileSync(join(dir, 'b.yaml'), 'OperatingSystem: DEBIAN\nDefaultBaseline: true\nPatchGroups:\n  - db\nApprovedPatches: [openssl]\n');
    writeFileSync(join(dir, 'c.yaml'), 'OperatingSystem: UBUNTU\nPatchGroups: [db]\nApprovedPatches: [openssl]\n');
    const set = await loadBaselineSet([dir]);
    expect(set.diagnostics.map((d) => `${d.code}@${d.file.replace(dir, '')}:${d.line}:${d.col}`)).toEqual(['duplicate-default@/b.yaml:2:1', 'duplicate-patch-group@/b.yaml:4:5']);
    // The folder's baselines come before the built-ins, so its default wins selection.
    expect(set.baselines.map((b) => b.name).slice(0, 3)).toEqual(['a', 'b', 'c']);
  });
});
