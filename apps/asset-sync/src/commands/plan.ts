import { parseShard, restore, selectPackages } from '@asset-sync/executor';
import { workspaceFor } from '../context.js';
import { formatPlan } from '../render/plan.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export interface PlanFlags {
  all?: boolean;
  filter?: string[];
  shard?: string;
  layout?: string;
}

/**
 * The plan only: what the checkout of each assets repo will hold, what each assets.json's
 * package does (unchanged, add, update, remove, blocked, failed) and why. It may fetch commits
 * and trees into the store (a cache); it never touches a checkout.
 */
export async function planCommand(globals: GlobalOptions, paths: string[], flags: PlanFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals, flags.layout);
  const shard = flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {};
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}), ...shard });
  const report = await restore({ workspace, entries: selection.entries, context: selection.context, complete: selection.complete, dryRun: true });
  return { exitCode: report.plan.failures.length > 0 ? 1 : 0, json: report.plan, text: formatPlan(report.plan) };
}
