import { describeChanges, type PackageEntry, type ResetReport } from '@asset-sync/executor';

/** `asset-sync reset` as text: what was discarded, and the pin the package is back at. */
export function formatReset(report: ResetReport, entry: Pick<PackageEntry, 'path' | 'packagePath'>): string {
  const n = report.discarded.added.length + report.discarded.modified.length + report.discarded.deleted.length;
  const at = report.pin || 'the fallback branch head';
  return n > 0 ? `Discarded ${describeChanges(report.discarded)}; ${entry.path} is back at ${at}.` : `No pending changes in ${entry.packagePath || '.'}; it is at ${at}.`;
}
