import { resolve } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import { gc, type Workspace } from '@asset-sync/executor';
import { parseDuration } from '@asset-sync/planner';
import { workspaceFor } from '../context.js';
import { formatGc } from '../render/gc.js';
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
  return { exitCode: 0, json: report, text: formatGc(report) };
}

/** `file.bundle` is a bundle file (relative to where the command runs); anything else a remote. */
function backupOf(workspace: Workspace, cwd: string, value: string | boolean | undefined): { kind: 'bundle'; file: string } | { kind: 'remote'; name: string; url: string } | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.endsWith('.bundle')) return { kind: 'bundle', file: resolve(cwd, value) };
  return { kind: 'remote', ...workspace.otherRemote(value) };
}
