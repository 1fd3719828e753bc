import { join } from 'node:path';
import { AssetSyncError, formatProblem, type ErrorReport } from '@asset-sync/errors';
import { Store, changedFiles, foldersAt, inspectCheckout } from '@asset-sync/git-store';
import { pinKey } from '@asset-sync/assets-json';
import { assetsPathOf, ownerOf, type PendingFiles } from '@asset-sync/planner';
import { hasFiles } from './errors.js';
import { isPinnedHead } from './proxy-checkout.js';
import { layoutState, type PackageRecord, type RestoreState } from './state.js';
import { loadState } from './upgrade.js';
import type { PackageEntry, Workspace } from './types.js';
import { storeLocation } from './workspace.js';

export interface PackageStatusReport {
  id: string;
  /** Tag or SHA as written; '' when nothing was pushed yet. */
  pin?: string;
  assetsRepo?: string;
  /** Its folder is in an intact checkout. */
  restored: boolean;
  /** Restored at the pin assets.json names now (false after a pull that moved the pin). */
  upToDate: boolean;
  /** Files added, modified or deleted relative to the pinned content. */
  pending?: PendingFiles;
  /** Directory to start the test-proxy in. */
  locate?: string;
  /** The restored commit. */
  commit?: string;
  error?: ErrorReport;
}

export interface Restored {
  record: PackageRecord;
  /** Absolute checkout folder. */
  checkoutDir: string;
  locate: string;
  upToDate: boolean;
}

/** The state as it is, without changing anything (a previous release's is read in memory). */
export async function readCurrentState(workspace: Workspace): Promise<RestoreState> {
  return loadState(workspace, { dryRun: true });
}

/**
 * Where a package is restored, verified against the disk: its checkout's metadata intact and at
 * the recorded commit, and no move under way. Undefined when it is not restored.
 */
export async function findRestored(workspace: Workspace, entry: PackageEntry, state?: RestoreState): Promise<Restored | undefined> {
  const current = state ?? (await readCurrentState(workspace));
  const lstate = layoutState(current, workspace.layout);
  let record = lstate.packages[entry.path];
  const checkout = record ? lstate.checkouts[record.checkout] : undefined;
  if (!record || !checkout || checkout.moving) return undefined;
  const checkoutDir = join(workspace.assetsDir, record.checkout);
  const store = Store.existing(storeLocation(workspace, record.assetsRepo, ''));
  if (!store) return undefined;
  const inspected = await inspectCheckout(store, checkoutDir);
  if (inspected.condition !== 'present' || !inspected.head) return undefined;
  const settings = entry.settings;
  if (inspected.head !== checkout.commit) {
    // The test-proxy restored or pushed in its folder: at the pin assets.json names, it is restored there.
    if (workspace.layout !== 'test-proxy' || !settings || settings.assetsRepo !== record.assetsRepo || !(await isPinnedHead(store, settings.pin, inspected.head))) return undefined;
    const [folder] = await foldersAt(store, [{ commit: inspected.head, path: record.path }]);
    record = { ...record, pin: settings.pin, pinText: settings.pinText, commit: inspected.head, tree: folder?.kind === 'tree' ? folder.oid : null };
  }
  const upToDate =
    settings !== undefined &&
    settings.assetsRepo === record.assetsRepo &&
    pinKey(settings.pin) === pinKey(record.pin) &&
    assetsPathOf(settings.prefix, entry.packagePath) === record.path;
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
    throw new AssetSyncError('NOT_RESTORED', `${entry.path} is restored at another pin than the one it names now`, { hint: `Run: asset-sync restore ${dir}` });
  }
  return { id: entry.path, locate: found.locate, recordings: join(found.locate, entry.packagePath), upToDate: true };
}

/**
 * A package's pending changes: the files of its folder that differ from what restore wrote,
 * leaving out nested packages' folders. `changes` is one checkout's `git status`, shared by all
 * packages in it.
 */
export function pendingOf(record: PackageRecord, owners: string[], changes: Array<{ path: string; change: keyof PendingFiles }>): PendingFiles {
  const pending: PendingFiles = { added: [], modified: [], deleted: [] };
  for (const file of changes) if (ownerOf(file.path, owners) === record.path) pending[file.change].push(file.path);
  return pending;
}

/** Every package folder of a checkout: the recorded ones plus the given entries'. */
export function ownersIn(state: RestoreState, workspace: Workspace, checkout: string, entries: PackageEntry[] = []): string[] {
  const lstate = layoutState(state, workspace.layout);
  const paths = Object.values(lstate.packages).filter((p) => p.checkout === checkout).map((p) => p.path);
  for (const e of entries) if (e.settings && lstate.packages[e.path]?.checkout === checkout) paths.push(assetsPathOf(e.settings.prefix, e.packagePath));
  return [...new Set(paths)].sort();
}

/** `asset-sync status`: pin, restored or not, up to date or not, pending local changes. One `git status` per checkout. */
export async function status(workspace: Workspace, entries: PackageEntry[]): Promise<PackageStatusReport[]> {
  const state = await readCurrentState(workspace);
  const scans = new Map<string, Promise<Array<{ path: string; change: keyof PendingFiles }>>>();
  const reports: PackageStatusReport[] = [];
  for (const entry of entries) {
    if (!entry.settings) {
      reports.push({ id: entry.path, restored: false, upToDate: false, error: { code: 'ASSETS_JSON_INVALID', message: entry.problems.map(formatProblem).join('\n') } });
      continue;
    }
    const base = { id: entry.path, pin: entry.settings.pinText, assetsRepo: entry.settings.assetsRepo };
    const found = await findRestored(workspace, entry, state);
    if (!found) {
      reports.push({ ...base, restored: false, upToDate: false });
      continue;
    }
    const dir = found.checkoutDir;
    if (!scans.has(dir)) scans.set(dir, changedFiles(dir, { readOnly: true }));
    const pending = pendingOf(found.record, ownersIn(state, workspace, found.record.checkout, entries), await scans.get(dir)!);
    reports.push({ ...base, restored: true, upToDate: found.upToDate, commit: found.record.commit, locate: found.locate, ...(hasFiles(pending) ? { pending } : {}) });
  }
  return reports;
}
