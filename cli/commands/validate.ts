import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import { loadAndCompileAny } from '../../compiler/command/load';
import { baselineSetDiagnostics } from '../../compiler/baseline/load';
import type { PatchBaseline } from '../../patch/baseline';
import { windowSetDiagnostics } from '../../compiler/window/load';
import type { WindowPlan } from '../../lang/windows/plan';
import { ruleSetDiagnostics } from '../../compiler/rule/load';
import { remediationSetDiagnostics } from '../../compiler/remediation/load';
import type { EventRule } from '../../lang/events/rule';
import type { RemediationConfig } from '../../lang/events/remediation';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../compiler/diagnostic';
import { conformance, formatConformance } from '../../compiler/conformance';
import { DEFAULT_RUN_PARAMETERS } from '../../devstack/conformance-parameters';
import { CliError, EXIT } from '../errors';

const RUNBOOK_FILE = /\.(ya?ml|json)$/i;

/** Files named on the command line, folders expanded to the runbooks they hold. */
function expand(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new CliError(`${p}: no such file or folder`, EXIT.usage);
    }
    if (st.isDirectory()) {
      out.push(...readdirSync(p).filter((f) => RUNBOOK_FILE.test(f)).sort().map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

export function registerValidateCommands(program: Command): void {
  program
    .command('validate')
    .description('check runbooks, Command documents (told apart by schemaVersion), patch baselines, maintenance windows, event rules and remediation configurations; print every problem as file:line:col')
    .argument('<paths...>', 'runbook, Command document, patch baseline, maintenance window, event rule or remediation files, or folders')
    .option('--json', 'print diagnostics as JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const all: Diagnostic[] = [];
      const files = expand(paths);
      const baselines: PatchBaseline[] = [];
      const windows: WindowPlan[] = [];
      const rules: EventRule[] = [];
      const remediations: RemediationConfig[] = [];
      for (const file of files) {
        const compiled = await loadAndCompileAny(file, BUILTIN_CATALOG);
        all.push(...compiled.diagnostics);
        if (compiled.kind === 'baseline' && compiled.plan) baselines.push(compiled.plan);
        if (compiled.kind === 'window' && compiled.plan) windows.push(compiled.plan);
        if (compiled.kind === 'rule' && compiled.plan) rules.push(compiled.plan);
        if (compiled.kind === 'remediation' && compiled.plan) remediations.push(compiled.plan);
      }
      // Windows checked together: one per name.
      all.push(...(await windowSetDiagnostics(windows)));
      // Baselines checked together: one per patch group and OS, one default per OS; rules and remediations: unique names.
      all.push(...(await baselineSetDiagnostics(baselines)), ...(await ruleSetDiagnostics(rules)), ...(await remediationSetDiagnostics(remediations)));
      if (opts.json) console.log(JSON.stringify({ files: files.length, diagnostics: all }, null, 2));
      else {
        for (const d of all) console.error(formatDiagnostic(d));
        const errors = all.filter((d) => d.severity === 'error').length;
        console.error(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${all.length - errors} warning${all.length - errors === 1 ? '' : 's'}`);
      }
      if (hasErrors(all)) process.exitCode = EXIT.failed;
    });

  program
    .command('compile')
    .description('print the plan a runbook or Command document compiles to (canonical JSON)')
    .argument('<file>')
    .action(async (file: string) => {
      const { plan, diagnostics } = await loadAndCompileAny(expand([file])[0]!, BUILTIN_CATALOG);
      for (const d of diagnostics) console.error(formatDiagnostic(d));
      if (!plan) {
        process.exitCode = EXIT.failed;
        return;
      }
      console.log(JSON.stringify(plan, null, 2));
    });

  program
    .command('conformance')
    .description('compile every runbook of a folder and report, per document, what Drover runs')
    .argument('<folder>')
    .option('--json', 'print rows as JSON')
    .option('--run', 'also run every document that compiles clean in a sandbox of its own (Temporal, moto, a worker), with fresh fixtures')
    .option('--parameters <file>', "with --run: YAML or JSON mapping each document to its parameters; ${Fixture} names a sandbox fixture", DEFAULT_RUN_PARAMETERS)
    .option('--timeout <seconds>', 'with --run: how long one document may run', '120')
    .option('--concurrency <n>', 'with --run: documents run at once', '4')
    .option('--runbooks <folders...>', 'with --run: more folders where child runbooks (aws:executeAutomation) are found')
    .action(async (folder: string, opts: { json?: boolean; run?: boolean; parameters?: string; timeout: string; concurrency: string; runbooks?: string[] }) => {
      const rows = await conformance(folder, BUILTIN_CATALOG);
      if (!opts.run) {
        console.log(opts.json ? JSON.stringify(rows, null, 2) : formatConformance(rows));
        return;
      }
      const { runConformance, formatRuns } = await import('../../devstack/conformance-run');
      if (!opts.json) console.log(`${formatConformance(rows).split('\n\n')[0]}\n`);
      const runs = await runConformance(folder, rows, {
        parametersFile: opts.parameters,
        timeoutSeconds: Number(opts.timeout),
        concurrency: Number(opts.concurrency),
        runbookDirs: opts.runbooks,
        onRow: opts.json ? undefined : (r) => console.error(`  ${r.file}: ${r.status}`),
      });
      console.log(opts.json ? JSON.stringify({ compile: rows, runs }, null, 2) : formatRuns(runs));
    });
}
