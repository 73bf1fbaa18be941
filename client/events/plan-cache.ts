// Runbooks compiled once per file version: an event's target must not pay for compiling its
// runbook on every delivery, and an edited runbook is picked up on the next one.
import { statSync } from 'node:fs';
import type { ActionCatalog } from '../../lang/catalog';
import { BUILTIN_CATALOG } from '../../lang/catalog';
import type { Plan } from '../../lang/plan';
import { findRunbook } from '../../compiler/find-runbook';
import { loadAndCompile } from '../../compiler/load';
import { formatDiagnostic } from '../../compiler/diagnostic';

export class PlanCache {
  private readonly plans = new Map<string, { path: string; mtimeMs: number; plan: Promise<Plan> }>();

  constructor(
    private readonly runbookDirs: readonly string[],
    private readonly catalog: ActionCatalog = BUILTIN_CATALOG,
  ) {}

  /** The runbook's plan; throws an Error saying why there is none (no such runbook, it does not compile). */
  async plan(name: string): Promise<Plan> {
    const path = findRunbook(name, this.runbookDirs);
    if (!path) throw new Error(`no runbook named ${name} in ${this.runbookDirs.join(', ')}`);
    const mtimeMs = statSync(path).mtimeMs;
    const cached = this.plans.get(name);
    if (cached && cached.path === path && cached.mtimeMs === mtimeMs) return cached.plan;
    const plan = loadAndCompile(path, this.catalog).then(({ plan, diagnostics }) => {
      if (plan) return plan;
      throw new Error(`the runbook ${name} does not compile: ${diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('; ')}`);
    });
    this.plans.set(name, { path, mtimeMs, plan });
    void plan.catch(() => this.plans.delete(name));
    return plan;
  }
}
