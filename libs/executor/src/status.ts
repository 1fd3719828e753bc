import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AssetSyncError, formatProblem } from '@asset-sync/errors';
import { assetsPathOf, pinKey } from '@asset-sync/planner';
import { Store, hasPendingChanges, isCheckoutOf, pendingChanges, readCheckoutHead, type PendingChanges } from '@asset-sync/git-store';
import { readState, type RequestRecord, type RestoreState } from './state.js';
import type { ErrorInfo, PackageEntry, Workspace } from './types.js';

export interface PackageStatusReport {
  id: string;
  /** Tag or SHA as written; '' when nothing was pushed yet. */
  pin?: string;
  assetsRepo?: string;
  /** A checkout serves it and is intact on disk. */
  restored: boolean;
  /** Restored at the pin assets.json names now (false after a pull that moved the pin). */
  upToDate: boolean;
  /** Files added, modified or deleted relative to the pinned content. */
  pending?: PendingChanges;
  /** Directory to start the test-proxy in. */
  locate?: string;
  /** The restored commit. */
  commit?: string;
  error?: ErrorInfo;
}

/** Where a package is restored, verified against the disk; undefined when it is not. */
export async function findRestored(
  workspace: Workspace,
  entry: PackageEntry,
  state?: RestoreState,
): Promise<{ record: RequestRecord; checkoutDir: string; locate: string; upToDate: boolean } | undefined> {
  const current = state ?? (await readState(workspace.assetsDir));
  const record = current.requests[entry.path];
  if (!record) return undefined;
  const checkout = current.checkouts[record.checkout];
  const checkoutDir = join(workspace.assetsDir, record.checkout);
  if (!checkout || checkout.status !== 'complete' || !existsSync(checkoutDir)) return undefined;
  if ((await readCheckoutHead(checkoutDir)) !== checkout.commit) return undefined;
  const store = Store.existing({ assetsDir: workspace.assetsDir, assetsRepo: record.assetsRepo, url: '' });
  if (!store || !(await isCheckoutOf(store, checkoutDir))) return undefined;
  const target = entry.target;
  const upToDate =
    target !== undefined &&
    target.assetsRepo === record.assetsRepo &&
    pinKey(target.pin) === pinKey(record.pin) &&
    assetsPathOf(target.prefix, entry.packagePath) === record.path;
  return { record, checkoutDir, locate: record.prefix ? join(checkoutDir, record.prefix) : checkoutDir, upToDate };
}

/** `asset-sync locate`: the directory to start the test-proxy in, or a clear error. */
export async function locate(workspace: Workspace, entry: PackageEntry): Promise<{ id: string; locate: string; recordings: string; upToDate: boolean }> {
  const found = await findRestored(workspace, entry);
  const dir = entry.packagePath || '.';
  if (!found) {
    throw new AssetSyncError('NOT_RESTORED', `${entry.path} is not restored in ${workspace.assetsDir}`, { hint: `Run: asset-sync restore ${dir}` });
  }
  if (!found.upToDate) {
    throw new AssetSyncError('NOT_RESTORED', `${entry.path} is restored at an older pin than the one it names now`, { hint: `Run: asset-sync restore ${dir}` });
  }
  return { id: entry.path, locate: found.locate, recordings: join(found.locate, entry.packagePath), upToDate: true };
}

/** `asset-sync status`: pin, restored or not, up to date or not, pending local changes. */
export async function status(workspace: Workspace, entries: PackageEntry[]): Promise<PackageStatusReport[]> {
  const state = await readState(workspace.assetsDir);
  const reports: PackageStatusReport[] = [];
  for (const entry of entries) {
    if (!entry.target) {
      reports.push({
        id: entry.path,
        restored: false,
        upToDate: false,
        error: { code: 'ASSETS_JSON_INVALID', message: entry.problems.map(formatProblem).join('\n') },
      });
      continue;
    }
    const base = { id: entry.path, pin: entry.target.pinText, assetsRepo: entry.target.assetsRepo };
    const found = await findRestored(workspace, entry, state);
    if (!found) {
      reports.push({ ...base, restored: false, upToDate: false });
      continue;
    }
    const pending = await pendingChanges(found.checkoutDir, found.record.path, found.record.excludes);
    reports.push({
      ...base,
      restored: true,
      upToDate: found.upToDate,
      commit: found.record.commit,
      locate: found.locate,
      ...(hasPendingChanges(pending) ? { pending } : {}),
    });
  }
  return reports;
}
