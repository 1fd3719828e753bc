import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { writeFileAtomically, pinTextOf } from '@asset-sync/assets-json';
import { AssetSyncError } from '@asset-sync/errors';
import { Store, composeTree, foldersAt, moveCheckout, pendingChanges, syntheticCommit, type PendingChanges } from '@asset-sync/git-store';
import type { Pin } from '@asset-sync/assets-json';
import { sharedCheckoutDir, type Layout } from '@asset-sync/planner';
import { emptyState, layoutState, readStateFile, stateDir, writeState, type PackageRecord, type RestoreState } from './state.js';
import type { Workspace } from './types.js';
import { storeLocation } from './workspace.js';

/** The previous release's record: one checkout per distinct commit. */
interface StateV1 {
  layout: Layout;
  checkouts: Record<string, { assetsRepo: string; commit: string; paths: string[]; status: string }>;
  requests: Record<string, { assetsRepo: string; pin: Pin; commit: string; path: string; prefix: string; checkout: string; excludes?: string[] }>;
}

/** Pending changes carried over from the old layout, written down before anything moves. */
interface UpgradeJournal {
  carry: Array<{ id: string; from: string; changes: PendingChanges }>;
  /** Where the old checkout folders were moved aside, per assets repo. */
  aside: Record<string, string>;
}

/**
 * The state of the assets dir, upgraded from the previous release's layout on first use, and
 * refused when it belongs to another clone of the language repo (two clones sharing one assets
 * dir would see each other's unpushed recordings as their own).
 */
export async function loadState(workspace: Workspace, options: { dryRun: boolean }): Promise<RestoreState> {
  const read = await readStateFile(workspace.assetsDir);
  if (read.version === 2) {
    assertOwnedBy(read, workspace);
    return read;
  }
  const old = read.raw as StateV1;
  const journalFile = join(stateDir(workspace.assetsDir), 'upgrade.json');
  if (options.dryRun) return convert(old, workspace);
  return upgrade(old, workspace, journalFile);
}

function assertOwnedBy(state: RestoreState, workspace: Workspace): void {
  const owner = state.repoRoot;
  if (!owner || resolve(owner) === resolve(workspace.repoRoot)) return;
  const inside = !relative(workspace.repoRoot, workspace.assetsDir).startsWith('..');
  // A clone that was moved carries its own .assets along; only a dir outside both is shared by accident.
  if (inside || !existsSync(owner)) return;
  throw new AssetSyncError('CONFIG_INVALID', `the assets dir ${workspace.assetsDir} belongs to the language repo ${owner}, not to ${workspace.repoRoot}`, {
    hint: 'Give each clone its own assets dir (ASSET_SYNC_DIR or assetsDir in asset-sync.yaml). To share downloaded recordings between clones, set a shared store instead (storeDir / ASSET_SYNC_STORE_DIR).',
  });
}

async function upgrade(old: StateV1, workspace: Workspace, journalFile: string): Promise<RestoreState> {
  let journal = await readJournal(journalFile);
  if (!journal) {
    journal = { carry: [], aside: {} };
    if (old.layout !== 'test-proxy') {
      journal.carry = await pendingInOldCheckouts(old, workspace);
      for (const repo of new Set(Object.values(old.requests).map((r) => r.assetsRepo))) {
        journal.aside[repo] = join(stateDir(workspace.assetsDir), 'upgrade', ...repo.split('/'));
      }
    }
    await mkdir(dirname(journalFile), { recursive: true });
    await writeFileAtomically(journalFile, JSON.stringify(journal));
  }
  for (const [repo, aside] of Object.entries(journal.aside)) {
    const current = join(workspace.assetsDir, ...sharedCheckoutDir(repo).split('/'));
    if (existsSync(current) && !existsSync(aside)) {
      await mkdir(dirname(aside), { recursive: true });
      await rename(current, aside);
    }
  }
  const state = await convert(old, workspace);
  if (old.layout !== 'test-proxy') await materialize(state, workspace, journal);
  await writeState(workspace.assetsDir, state);
  for (const [repo, aside] of Object.entries(journal.aside)) {
    await rm(aside, { recursive: true, force: true });
    await Store.existing(storeLocation(workspace, repo, ''))?.pruneWorktrees();
  }
  await rm(journalFile, { force: true });
  return state;
}

async function readJournal(file: string): Promise<UpgradeJournal | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as UpgradeJournal;
  } catch {
    return undefined;
  }
}

/** Each package's unpushed changes in the old per-commit checkouts. */
async function pendingInOldCheckouts(old: StateV1, workspace: Workspace): Promise<UpgradeJournal['carry']> {
  const carry: UpgradeJournal['carry'] = [];
  for (const [id, r] of Object.entries(old.requests)) {
    const dir = join(workspace.assetsDir, r.checkout);
    if (!existsSync(join(dir, '.git'))) continue;
    const changes = await pendingChanges(dir, r.path, r.excludes ?? []).catch(() => undefined);
    if (changes && changes.added.length + changes.modified.length + changes.deleted.length > 0) carry.push({ id, from: r.checkout, changes });
  }
  return carry;
}

/** The old record in the new shape: every package at the commit and folder it had. */
async function convert(old: StateV1, workspace: Workspace): Promise<RestoreState> {
  const state = emptyState();
  const layout: Layout = old.layout === 'test-proxy' ? 'test-proxy' : 'shared';
  const lstate = layoutState(state, layout);
  const byRepo = new Map<string, Array<[string, StateV1['requests'][string]]>>();
  for (const entry of Object.entries(old.requests ?? {})) byRepo.set(entry[1].assetsRepo, [...(byRepo.get(entry[1].assetsRepo) ?? []), entry]);
  for (const [repo, list] of byRepo) {
    const store = Store.existing(storeLocation(workspace, repo, ''));
    if (!store) continue;
    const folders = await foldersAt(store, list.map(([, r]) => ({ commit: r.commit, path: r.path })));
    list.forEach(([id, r], i) => {
      const folder = folders[i]!;
      const tree = folder.kind === 'tree' ? folder.oid : null;
      const checkout = layout === 'shared' ? sharedCheckoutDir(repo) : r.checkout;
      const pinText = pinTextOf(r.pin);
      const record: PackageRecord = { id, assetsRepo: repo, path: r.path, prefix: r.prefix, pin: r.pin, pinText, commit: r.commit, tree, checkout };
      lstate.packages[id] = record;
    });
    if (layout === 'test-proxy') {
      for (const [dir, c] of Object.entries(old.checkouts ?? {})) {
        if (c.assetsRepo !== repo) continue;
        const tree = await store.findTreeOf(c.commit);
        if (tree) lstate.checkouts[dir] = { assetsRepo: repo, commit: c.commit, tree };
      }
    }
  }
  return state;
}

/** Builds the new single checkout at the old content, then puts the carried changes back on top. */
async function materialize(state: RestoreState, workspace: Workspace, journal: UpgradeJournal): Promise<void> {
  const lstate = layoutState(state, 'shared');
  for (const repo of new Set(Object.values(lstate.packages).map((p) => p.assetsRepo))) {
    const store = await Store.open(storeLocation(workspace, repo));
    const packages = Object.values(lstate.packages).filter((p) => p.assetsRepo === repo);
    const tree = await composeTree(store, packages.map((p) => ({ path: p.path, tree: p.tree })));
    const commit = await syntheticCommit(store, tree);
    const missing = await store.missingObjects([tree]);
    if (missing.length > 0) await store.fetchObjects(missing);
    const dir = sharedCheckoutDir(repo);
    const abs = join(workspace.assetsDir, ...dir.split('/'));
    await moveCheckout(store, { dir: abs, tree, commit });
    lstate.checkouts[dir] = { assetsRepo: repo, tree, commit };
    await carryChanges(journal, repo, abs);
  }
}

async function carryChanges(journal: UpgradeJournal, repo: string, checkout: string): Promise<void> {
  const aside = journal.aside[repo];
  if (!aside) return;
  for (const item of journal.carry) {
    // Old checkouts sat at <owner>/<name>/<hash>, which is now <aside>/<hash>.
    const from = join(aside, relative(sharedCheckoutDir(repo), item.from));
    if (!item.from.startsWith(`${sharedCheckoutDir(repo)}/`)) continue;
    for (const file of [...item.changes.added, ...item.changes.modified]) {
      const source = join(from, file);
      if (!existsSync(source)) {
        throw new AssetSyncError('PENDING_CHANGES', `${item.id}: the upgrade could not carry ${file} into ${checkout}: it is gone from ${from}`, {
          hint: `Nothing was deleted: the old folders are kept in ${aside}. Copy the file yourself, then run restore again.`,
        });
      }
      await mkdir(dirname(join(checkout, file)), { recursive: true });
      await copyFile(source, join(checkout, file));
    }
    for (const file of item.changes.deleted) await rm(join(checkout, file), { force: true });
  }
}
