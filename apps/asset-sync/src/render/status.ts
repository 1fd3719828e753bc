import { describeChanges, type PackageStatusReport } from '@asset-sync/executor';

/** `asset-sync status` as text: one line per package, then its pending changes or its problem. */
export function formatStatus(reports: PackageStatusReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const state = r.error ? 'invalid' : !r.restored ? 'not restored' : r.upToDate ? 'restored' : 'restored at an older pin';
    lines.push(`${r.id}: ${state}${r.pin !== undefined ? ` (pin ${r.pin || 'none: nothing pushed yet'})` : ''}`);
    if (r.pending) lines.push(`  pending changes: ${describeChanges(r.pending)}`);
    if (r.error) lines.push(`  ${r.error.message.split('\n').join('\n  ')}`);
  }
  return lines.join('\n');
}
