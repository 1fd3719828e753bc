import { AssetSyncError, plural } from '@asset-sync/errors';
import { acquireLock, changedFiles, resetFolders } from '@asset-sync/git-store';
import { isSameOrBelow, type PendingFiles } from '@asset-sync/planner';
import { hasFiles } from './errors.js';
import { restore } from './restore.js';
import { findRestored, ownersIn, pendingOf, readCurrentState } from './status.js';
import type { PackageEntry, RestoreReport, Workspace } from './types.js';

export interface ResetOptions {
  workspace: Workspace;
  entry: PackageEntry;
  context?: PackageEntry[];
  /** Discard without asking. */
  yes?: boolean;
  /** Asked with the list of what would be discarded (a TTY); without it and without `yes`, reset refuses. */
  confirm?: (changes: PendingFiles) => Promise<boolean>;
}

export interface ResetReport {
  id: string;
  discarded: PendingFiles;
  /** The pin the package is at now. */
  pin: string;
  restore: Pick<RestoreReport, 'ok' | 'summary'>;
}

/** Throws away a package's pending changes and returns it to the content its assets.json pins. */
export async function reset(options: ResetOptions): Promise<ResetReport> {
  const { workspace, entry } = options;
  if (!entry.settings) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${entry.path} is not a valid assets.json`, { problems: entry.problems, hint: 'Fix the fields listed first.' });
  }
  const release = await acquireLock(workspace.assetsDir);
  try {
    const state = await readCurrentState(workspace);
    const found = await findRestored(workspace, entry, state);
    let discarded: PendingFiles = { added: [], modified: [], deleted: [] };
    if (found) {
      const owners = ownersIn(state, workspace, found.record.checkout);
      const changes = pendingOf(found.record, owners, await changedFiles(found.checkoutDir));
      if (hasFiles(changes)) {
        const approved = options.yes === true || (options.confirm ? await options.confirm(changes) : false);
        if (!approved) {
          throw new AssetSyncError('CONFIRMATION_REQUIRED', `reset would discard ${plural(count(changes), 'pending change')} in ${entry.packagePath || '.'} and asks first`, {
            hint: `Rerun with --yes to discard them (asset-sync status ${entry.packagePath || '.'} lists them).`,
          });
        }
        const nested = owners.filter((o) => o !== found.record.path && isSameOrBelow(o, found.record.path));
        await resetFolders(found.checkoutDir, [found.record.path], nested);
        discarded = changes;
      }
    }
    const restored = await restore({ workspace, entries: [entry], context: options.context ?? [], complete: false, lockHeld: true, force: true });
    const failure = restored.packages.find((p) => p.status === 'failed');
    if (failure?.error) throw new AssetSyncError(failure.error.code, failure.error.message, failure.error.hint ? { hint: failure.error.hint } : {});
    return { id: entry.path, discarded, pin: entry.settings.pinText, restore: { ok: restored.ok, summary: restored.summary } };
  } finally {
    await release();
  }
}

function count(changes: PendingFiles): number {
  return changes.added.length + changes.modified.length + changes.deleted.length;
}
