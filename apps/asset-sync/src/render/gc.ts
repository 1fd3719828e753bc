import { formatBytes, plural } from '@asset-sync/errors';
import type { GcReport, GcRepoReport } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';

/** `asset-sync gc` as text: what was scanned, then per assets repo the unreferenced refs and what became of them. */
export function formatGc(report: GcReport): string {
  const lines = [`Scanned ${report.scannedRefs} language-repo refs (${report.assetsJsonVersions} distinct assets.json versions).`];
  for (const r of report.repos) lines.push(...describeRepo(r, report.dryRun));
  if (report.dryRun) lines.push('Nothing was deleted; rerun with --delete --backup <remote | file.bundle> to delete them after a copy is made.');
  return lines.join('\n');
}

function describeRepo(r: GcRepoReport, dryRun: boolean): string[] {
  const size = r.bytes !== null ? formatBytes(r.bytes) : `${formatBytes(r.knownBytes)} of commits and trees; the size of ${r.unknownObjects} file contents is unknown without downloading them`;
  const lines = [`${r.assetsRepo}: ${plural(r.unreferenced.length, 'unreferenced ref')} holding ${r.objects} objects only they reach (${size})`];
  for (const u of r.unreferenced) lines.push(`  ${dryRun ? 'would delete' : r.deleted.includes(u.ref) ? 'deleted' : 'kept'} ${u.ref} (${shortSha(u.commit)})`);
  for (const k of r.keptForReachability) lines.push(`  kept ${k}: a referenced commit is only reachable through it`);
  if (r.keptTooRecent.length > 0) lines.push(`  kept ${plural(r.keptTooRecent.length, 'unreferenced ref')} newer than --older-than`);
  if (r.backup) {
    const b = r.backup;
    lines.push(`  backup ${b.kind} ${b.target}: ${b.verified ? 'holds' : 'would hold'} ${plural(b.refs.length, 'ref')}, ${b.objects} objects ${b.verified ? 'sent or written, verified' : 'to send or write'}`);
    if (b.conflicts?.length) lines.push(`  the backup remote has ${b.conflicts.join(', ')} at other commits: a backup would be refused`);
  }
  return lines;
}
