import { plural } from '@asset-sync/errors';
import { parseShard, restore, selectPackages } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/**
 * The plan only: what the checkout of each assets repo will hold, what each assets.json's
 * package does (unchanged, add, update, remove, blocked, failed) and why. It may fetch commits
 * and trees into the store (a cache); it never touches a checkout.
 */
export async function planCommand(globals: GlobalOptions, paths: string[], flags: { all?: boolean; filter?: string[]; shard?: string; layout?: string }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals, flags.layout);
  const shard = flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {};
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}), ...shard });
  const report = await restore({ workspace, entries: selection.entries, context: selection.context, complete: selection.complete, dryRun: true });
  const plan = report.plan;
  const s = plan.summary;
  const lines = [`Plan: ${plural(s.requests, 'assets.json')} in ${plural(s.checkouts, 'checkout')}; ${s.changing} to write, ${s.blocked} blocked, ${s.failed} failed`];
  for (const c of plan.checkouts) {
    lines.push(`checkout ${c.dir} (${c.assetsRepo}): ${c.action}, ${plural(c.grafts.length, 'package folder')}${c.commit ? ` at ${shortSha(c.commit)}` : ''}`);
    for (const p of plan.packages.filter((x) => x.checkout === c.dir)) lines.push(`  ${p.action.padEnd(9)} ${p.id}: ${p.why}`);
  }
  for (const p of plan.packages.filter((x) => !x.checkout)) lines.push(`  ${p.action.padEnd(9)} ${p.id}: ${p.why}`);
  for (const f of plan.failures) lines.push(`failed ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
  return { exitCode: plan.failures.length > 0 ? 1 : 0, json: plan, text: lines.join('\n') };
}
