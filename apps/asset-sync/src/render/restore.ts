import { formatBytes, plural } from '@asset-sync/errors';
import { describeChanges, describeRestoreCounts, describeRestoreCheckouts, describeRestoreDuration, describeRestoreFetches, type RestoreReport } from '@asset-sync/executor';

/** `asset-sync restore` as text: the headline, the counts, what was fetched, then what needs attention. */
export function formatRestore(report: RestoreReport, verbose: boolean): string {
  const lines = [headlineOf(report), `  ${describeRestoreCounts(report)}`];
  const fetched = describeRestoreFetches(report);
  if (fetched) lines.push(`  ${fetched}${report.network.bytes ? ` (${formatBytes(report.network.bytes)})` : ''}`);
  else if (!report.dryRun) lines.push('  no network I/O');
  if (report.dryRun || verbose) {
    for (const c of report.checkouts) lines.push(`  ${c.action.padEnd(12)} ${c.dir} (${plural(c.packages, 'package folder')}, ${c.changing} changing)`);
  }
  if (verbose || report.packages.length === 1) {
    for (const p of report.packages) {
      if (p.status === 'failed') continue;
      lines.push(`  ${p.status.padEnd(12)} ${p.id}${p.locate ? ` -> ${p.locate}` : ''}`);
    }
  }
  for (const p of report.packages) {
    if (p.status === 'pending-kept' && p.pending) lines.push(`  pending changes kept in ${p.id}: ${describeChanges(p.pending)}`);
  }
  for (const p of report.packages) {
    if (p.servedBy && p.status !== 'failed') lines.push(`  ${p.id}: ${p.pin} is not on ${p.assetsRepo}; fetched from the fallback remote ${p.servedBy}`);
  }
  const failed = report.packages.filter((p) => p.status === 'failed');
  if (failed.length > 0) lines.push(`failed (${failed.length}):`, ...failureLines(failed));
  // A checkout's error is already each of its packages' error; print it only when none carried it.
  for (const c of report.checkouts) {
    if (c.error && !failed.some((p) => p.error?.message.endsWith(c.error!.message))) lines.push(`checkout ${c.dir}: ${c.error.message}${c.error.hint ? `\n    hint: ${c.error.hint}` : ''}`);
  }
  return lines.join('\n');
}

function headlineOf(report: RestoreReport): string {
  const s = report.summary;
  const total = report.packages.length;
  const where = `${describeRestoreCheckouts(report)}, ${describeRestoreDuration(report)}`;
  if (report.dryRun) return `Would restore ${s.restored} of ${total} assets.json (${where})`;
  if (s.restored > 0) return `Restored ${s.restored} of ${total} assets.json (${where})`;
  if (s.failed === total) return `Restored nothing: ${s.failed} of ${total} assets.json failed (${describeRestoreDuration(report)})`;
  return `${total - s.failed} of ${total} assets.json already up to date (${where})`;
}

/**
 * One block per distinct error: an unreachable assets repo fails every package of it with the
 * same message, which is printed once with the packages it concerns.
 */
function failureLines(failed: RestoreReport['packages']): string[] {
  const groups = new Map<string, { ids: string[]; message: string; full: string; hint?: string }>();
  for (const p of failed) {
    const full = p.error?.message ?? `${p.id}: failed`;
    const message = full.startsWith(`${p.id}: `) ? full.slice(p.id.length + 2) : full;
    const key = `${p.error?.code}\0${message}\0${p.error?.hint ?? ''}`;
    const group = groups.get(key) ?? { ids: [], message, full, ...(p.error?.hint ? { hint: p.error.hint } : {}) };
    group.ids.push(p.id);
    groups.set(key, group);
  }
  const lines: string[] = [];
  for (const g of groups.values()) {
    // One package: its message as it is (it names the package); several: named once, in front.
    const text = g.ids.length === 1 ? g.full : `${g.ids.length} packages (${g.ids.slice(0, 3).join(', ')}${g.ids.length > 3 ? `, and ${g.ids.length - 3} more` : ''}): ${g.message}`;
    lines.push(`  ${text.split('\n').join('\n    ')}`);
    if (g.hint) lines.push(`    hint: ${g.hint}`);
  }
  return lines;
}
