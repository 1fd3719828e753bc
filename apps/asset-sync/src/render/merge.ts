import { plural } from '@asset-sync/errors';
import { describeMove, type MergeReport } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';

/** `asset-sync merge` as text: per assets repo the merge commit (or why none), then every repin. */
export function formatMerge(report: MergeReport): string {
  const lines: string[] = [];
  for (const r of report.repos) {
    lines.push(
      r.created
        ? `${r.assetsRepo}: ${report.dryRun ? 'would merge' : 'merged'} into ${r.branch} ${report.dryRun ? `on top of ${shortSha(r.base)}` : `as ${shortSha(r.commit)}`} (${plural(r.parents.length, 'parent')})`
        : `${r.assetsRepo}: no folder differs from ${r.branch} (${shortSha(r.base)}); no commit needed`,
    );
  }
  lines.push(`${report.dryRun ? 'would repin' : 'repinned'} ${report.moved.length}, already merged ${report.unchanged.length}, skipped ${report.skipped.length}`);
  for (const m of report.moved) lines.push(`  ${describeMove(m)}`);
  for (const s of report.skipped) lines.push(`  skipped ${s.id}: ${s.reason}`);
  return lines.join('\n');
}
