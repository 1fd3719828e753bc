import { gc } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import { formatBytes } from '../render/progress.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Lists (and with --delete removes) assets-repo refs that no assets.json references on any language-repo ref. */
export async function gcCommand(globals: GlobalOptions, flags: { languageRefs?: string[]; delete?: boolean }): Promise<CommandResult> {
  const workspace = await workspaceFor(globals);
  const report = await gc({ workspace, ...(flags.languageRefs ? { languageRefs: flags.languageRefs } : {}), delete: flags.delete === true });
  const lines = [`Scanned ${report.scannedRefs} language-repo refs (${report.assetsJsonVersions} distinct assets.json versions).`];
  for (const r of report.repos) {
    lines.push(`${r.assetsRepo}: ${r.unreferenced.length} unreferenced ref${r.unreferenced.length === 1 ? '' : 's'} holding ${r.objects} objects only they reach (${formatBytes(r.bytes)})`);
    for (const u of r.unreferenced) lines.push(`  ${report.dryRun ? 'would delete' : r.deleted.includes(u.ref) ? 'deleted' : 'kept'} ${u.ref} (${shortSha(u.commit)})`);
    for (const k of r.keptForReachability) lines.push(`  kept ${k}: a referenced commit is only reachable through it`);
  }
  if (report.dryRun) lines.push('Nothing was deleted; rerun with --delete to delete them.');
  return { exitCode: 0, json: report, text: lines.join('\n') };
}
