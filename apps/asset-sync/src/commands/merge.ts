import { describeMove, merge, selectPackages } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Folds every pin into one commit on the assets repo's fallback branch and repins where sound. */
export async function mergeCommand(globals: GlobalOptions, flags: { dryRun?: boolean }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, { all: true });
  const report = await merge({ workspace, entries: selection.entries, dryRun: flags.dryRun === true });
  const lines: string[] = [];
  for (const r of report.repos) {
    lines.push(
      r.created
        ? `${r.assetsRepo}: ${report.dryRun ? 'would merge' : 'merged'} into ${r.branch} ${report.dryRun ? `on top of ${shortSha(r.base)}` : `as ${shortSha(r.commit)}`} (${r.parents.length} parent${r.parents.length === 1 ? '' : 's'})`
        : `${r.assetsRepo}: no folder differs from ${r.branch} (${shortSha(r.base)}); no commit needed`,
    );
  }
  lines.push(`${report.dryRun ? 'would repin' : 'repinned'} ${report.moved.length}, already merged ${report.unchanged.length}, skipped ${report.skipped.length}`);
  for (const m of report.moved) lines.push(`  ${describeMove(m)}`);
  for (const s of report.skipped) lines.push(`  skipped ${s.id}: ${s.reason}`);
  return { exitCode: 0, json: report, text: lines.join('\n') };
}
