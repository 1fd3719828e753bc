import { resolve } from 'node:path';
import { AssetSyncError, plural } from '@asset-sync/errors';
import { restoreBackup, selectPackages, type Workspace } from '@asset-sync/executor';
import { shortSha } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import type { CommandResult, GlobalOptions } from '../result.js';

/** Brings refs gc deleted back into the assets repo from a bundle or a backup remote. */
export interface RestoreBackupFlags {
  assetsRepo?: string;
}

export async function restoreBackupCommand(globals: GlobalOptions, from: string, names: string[], flags: RestoreBackupFlags): Promise<CommandResult> {
  if (names.length === 0) throw new AssetSyncError('USAGE', 'name the tags to bring back: asset-sync restore-backup <bundle|remote> <tag...>');
  const workspace = await workspaceFor(globals);
  const source = from.endsWith('.bundle') ? { kind: 'bundle' as const, file: resolve(globals.cwd, from) } : { kind: 'remote' as const, ...workspace.otherRemote(from) };
  const assetsRepo = flags.assetsRepo ?? (await onlyAssetsRepo(workspace));
  const report = await restoreBackup({ workspace, assetsRepo, source, names });
  const restored = report.refs.filter((r) => r.action === 'restored');
  const lines = [`Brought back ${restored.length} of ${plural(report.refs.length, 'ref')} into ${assetsRepo} from ${report.source}.`];
  for (const r of report.refs) lines.push(`  ${r.action.padEnd(8)} ${r.ref}${r.commit ? ` (${shortSha(r.commit)})` : ''}${r.message ? `: ${r.message}` : ''}`);
  return { exitCode: report.ok ? 0 : 1, json: report, text: lines.join('\n') };
}

/** The assets repo when the command does not name one: the one every assets.json (or defaults.AssetsRepo) names. */
async function onlyAssetsRepo(workspace: Workspace): Promise<string> {
  const repos = new Set((await selectPackages(workspace, { all: true })).entries.flatMap((e) => (e.settings ? [e.settings.assetsRepo] : [])));
  if (repos.size === 1) return [...repos][0]!;
  if (repos.size === 0 && workspace.config.defaults.AssetsRepo) return workspace.config.defaults.AssetsRepo;
  throw new AssetSyncError('USAGE', repos.size === 0 ? 'no assets.json names an assets repo' : `the assets.json files name ${repos.size} assets repos (${[...repos].sort().join(', ')})`, {
    hint: 'Say which: --assets-repo <owner>/<name>.',
  });
}
