import { resolve } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import { gc, type GcRepoReport, type Workspace } from '@asset-sync/executor';
import { parseDuration, shortSha } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import { formatBytes } from '../render/progress.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export interface GcFlags {
  languageRefs?: string[];
  delete?: boolean;
  /** A remote, a `.bundle` file, or false for --no-backup. */
  backup?: string | boolean;
  olderThan?: string;
}

/** Lists (and with --delete, after a verified backup, removes) assets-repo refs that no assets.json references on any language-repo ref. */
export async function gcCommand(globals: GlobalOptions, flags: GcFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const olderThanSeconds = flags.olderThan === undefined ? undefined : parseDuration(flags.olderThan);
  if (flags.olderThan !== undefined && olderThanSeconds === undefined) {
    throw new AssetSyncError('USAGE', `--older-than must be a duration such as 30d, 4w or 12h, found "${flags.olderThan}"`);
  }
  const backup = backupOf(workspace, globals.cwd, flags.backup);
  const report = await gc({
    workspace,
    ...(flags.languageRefs ? { languageRefs: flags.languageRefs } : {}),
    delete: flags.delete === true,
    ...(backup ? { backup } : {}),
    noBackup: flags.backup === false,
    ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}),
  });
  const lines = [`Scanned ${report.scannedRefs} language-repo refs (${report.assetsJsonVersions} distinct assets.json versions).`];
  for (const r of report.repos) lines.push(...describeRepo(r, report.dryRun));
  if (report.dryRun) lines.push('Nothing was deleted; rerun with --delete --backup <remote | file.bundle> to delete them after a copy is made.');
  return { exitCode: 0, json: report, text: lines.join('\n') };
}

/** `file.bundle` is a bundle file (relative to where the command runs); anything else a remote. */
function backupOf(workspace: Workspace, cwd: string, value: string | boolean | undefined): { kind: 'bundle'; file: string } | { kind: 'remote'; name: string; url: string } | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.endsWith('.bundle')) return { kind: 'bundle', file: resolve(cwd, value) };
  return { kind: 'remote', ...workspace.otherRemote(value) };
}

function describeRepo(r: GcRepoReport, dryRun: boolean): string[] {
  const size = r.bytes !== null ? formatBytes(r.bytes) : `${formatBytes(r.knownBytes)} of commits and trees; the size of ${r.unknownObjects} file contents is unknown without downloading them`;
  const lines = [`${r.assetsRepo}: ${r.unreferenced.length} unreferenced ref${r.unreferenced.length === 1 ? '' : 's'} holding ${r.objects} objects only they reach (${size})`];
  for (const u of r.unreferenced) lines.push(`  ${dryRun ? 'would delete' : r.deleted.includes(u.ref) ? 'deleted' : 'kept'} ${u.ref} (${shortSha(u.commit)})`);
  for (const k of r.keptForReachability) lines.push(`  kept ${k}: a referenced commit is only reachable through it`);
  if (r.keptTooRecent.length > 0) lines.push(`  kept ${r.keptTooRecent.length} unreferenced ref${r.keptTooRecent.length === 1 ? '' : 's'} newer than --older-than`);
  if (r.backup) {
    const b = r.backup;
    lines.push(`  backup ${b.kind} ${b.target}: ${b.verified ? 'holds' : 'would hold'} ${b.refs.length} ref${b.refs.length === 1 ? '' : 's'}, ${b.objects} objects ${b.verified ? 'sent or written, verified' : 'to send or write'}`);
    if (b.conflicts?.length) lines.push(`  the backup remote has ${b.conflicts.join(', ')} at other commits: a backup would be refused`);
  }
  return lines;
}
