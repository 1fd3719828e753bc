import { restore, selectPackages } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/**
 * The plan only: which checkouts will exist and which checkout serves each assets.json, and why.
 * It may fetch commits and trees into the store (a cache); it never touches a checkout.
 */
export async function planCommand(globals: GlobalOptions, paths: string[], flags: { all?: boolean; filter?: string[]; layout?: string }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals, flags.layout);
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}) });
  const report = await restore({ workspace, entries: selection.entries, context: selection.context, complete: selection.complete, dryRun: true });
  const plan = report.plan;
  const lines = [`Plan: ${plan.assignments.length} assets.json served by ${plan.checkouts.length} checkout${plan.checkouts.length === 1 ? '' : 's'} (${plan.failures.length} failed)`];
  for (const c of plan.checkouts) {
    lines.push(`checkout ${c.dir} (${c.assetsRepo} @ ${shortSha(c.commit)}), ${c.paths.length} folder${c.paths.length === 1 ? '' : 's'}:`);
    for (const a of plan.assignments.filter((x) => x.checkout === c.id)) lines.push(`  ${a.id}: ${a.why}`);
  }
  for (const f of plan.failures) lines.push(`failed ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
  return { exitCode: plan.failures.length > 0 ? 1 : 0, json: plan, text: lines.join('\n') };
}
