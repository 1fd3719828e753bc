import { AssetSyncError, plural } from '@asset-sync/errors';
import { adopt, selectPackages } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Copies the pinned tags only a fork has into the assets repo (run with write access). */
export interface AdoptFlags {
  all?: boolean;
  filter?: string[];
  from?: string;
}

export async function adoptCommand(globals: GlobalOptions, paths: string[], flags: AdoptFlags): Promise<CommandResult> {
  if (!flags.from) throw new AssetSyncError('USAGE', 'adopt needs the fork the tags were pushed to: --from <owner>/<name>');
  const workspace = await workspaceFor(globals);
  const selection = await selectPackages(workspace, { all: flags.all === true, paths, ...(flags.filter ? { filter: flags.filter } : {}) });
  const report = await adopt({ workspace, entries: selection.entries, from: workspace.otherRemote(flags.from) });
  const copied = report.tags.filter((t) => t.action === 'copied');
  const lines = [`Adopted ${plural(copied.length, 'tag')} from ${report.from}; ${report.tags.filter((t) => t.action === 'upstream').length} already in the assets repo.`];
  for (const t of report.tags) {
    if (t.action === 'copied') lines.push(`  copied ${t.tag} (${shortSha(t.commit ?? '')}) into ${t.assetsRepo}`);
    else if (t.action !== 'upstream') lines.push(`  ${t.action}: ${t.message ?? t.tag} (${t.packages.join(', ')})`);
  }
  for (const s of report.skipped) lines.push(`  skipped ${s.id}: ${s.reason}`);
  if (!report.ok) lines.push('hint: a conflicting tag name needs a new push of that package; a missing one was never pushed, or went to another fork.');
  return { exitCode: report.ok ? 0 : 1, json: report, text: lines.join('\n') };
}
