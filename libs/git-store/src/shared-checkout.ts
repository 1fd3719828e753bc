import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AssetSyncError, faultPoint } from '@asset-sync/errors';
import { excludePathspec, literalPathspec } from './refs.js';
import { runGit } from './run.js';
import { assertSafePath, chunkByLength, type Store } from './store.js';
import { readWorktreeHead, worktreeGitDir } from './checkout.js';

/**
 * The shared checkout of an assets repo: a worktree of the store whose index and HEAD hold a
 * tree composed from every restored package's pinned folder (see composeTree). Git moves it from
 * one such tree to the next (`read-tree -m -u`), so only files that differ are written, nothing
 * else is touched, and git's index is the record of what restore wrote: one `git status` checks
 * every file against it by stat, and hashes only what changed.
 */

export type CheckoutCondition = 'present' | 'broken' | 'absent';

export interface CheckoutInspection {
  condition: CheckoutCondition;
  /** The commit HEAD names, when readable. */
  head?: string;
  /** The branch HEAD is on, when someone checked one out (the test-proxy's push does). */
  branch?: string;
}

/** A file that differs from the checkout's index (what restore wrote). */
export interface ChangedFile {
  path: string;
  change: 'added' | 'modified' | 'deleted';
}

/** Reads the checkout's git metadata without a process: usable, broken (files but no metadata), or gone. */
export async function inspectCheckout(store: Store, dir: string): Promise<CheckoutInspection> {
  if (!existsSync(dir)) return { condition: 'absent' };
  const gitDir = await worktreeGitDir(dir);
  if (!gitDir || resolve(dirname(gitDir)) !== resolve(store.gitDir, 'worktrees')) return { condition: 'broken' };
  try {
    const back = (await readFile(join(gitDir, 'gitdir'), 'utf8')).trim();
    const { commit: head, branch } = await readWorktreeHead(gitDir);
    if (resolve(back) !== resolve(dir, '.git') || !head || !existsSync(join(gitDir, 'index'))) return { condition: 'broken' };
    return { condition: 'present', head, ...(branch ? { branch } : {}) };
  } catch {
    return { condition: 'broken' };
  }
}

/**
 * Every file that differs from what restore wrote, in one `git status`: modified, deleted, and
 * added files, including those an ignore rule matches (the assets repo's `.gitignore`, the user's
 * global excludes, `info/exclude`): every file under a package folder is a recording, so no
 * ignore rule may hide one from status, push, reset or the no-op check.
 */
export async function changedFiles(dir: string, options: { readOnly?: boolean } = {}): Promise<ChangedFile[]> {
  const result = await runGit(
    ['-c', 'core.excludesFile=', 'status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=traditional', '--no-renames', '--ignore-submodules'],
    // Status refreshes the index's stat data; writing that back keeps the next check cheap, but
    // read-only commands must not take the index lock from under a running restore.
    { cwd: dir, ...(options.readOnly ? { env: { GIT_OPTIONAL_LOCKS: '0' } } : {}) },
  );
  const changes: ChangedFile[] = [];
  for (const record of result.stdout.split('\0')) {
    if (record.length < 2) continue;
    const kind = record[0];
    if (kind === '?' || kind === '!') changes.push({ path: record.slice(2), change: 'added' });
    else if (kind === '1') {
      // "1 XY sub mH mI mW hH hI path": the path is everything after the eighth space.
      const fields = record.split(' ');
      const xy = fields[1] ?? '..';
      const path = fields.slice(8).join(' ');
      const change = xy.includes('D') ? 'deleted' : xy[0] === 'A' ? 'added' : 'modified';
      changes.push({ path, change });
    } else if (kind === 'u') changes.push({ path: record.split(' ').slice(10).join(' '), change: 'modified' });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface MoveOptions {
  dir: string;
  /** The composed tree the checkout must hold, and its synthetic commit. */
  tree: string;
  commit: string;
}

/**
 * Makes the checkout hold `tree`: a new checkout is created and filled; an existing one is moved
 * from its HEAD's tree with `read-tree -m -u`, which writes only the files that differ and refuses
 * (rather than overwrites) a changed file in the way. The caller has discarded or ruled out
 * pending changes in the folders that change.
 */
export async function moveCheckout(store: Store, options: MoveOptions): Promise<'created' | 'updated'> {
  const { dir, tree, commit } = options;
  const inspected = await inspectCheckout(store, dir);
  if (inspected.condition === 'absent' || (await isEmptyDir(dir))) {
    if (inspected.condition !== 'absent') await rm(dir, { recursive: true, force: true });
    await mkdir(dirname(dir), { recursive: true });
    await store.serializeAdmin(() => store.git(['worktree', 'add', '--no-checkout', '--detach', '--force', '--force', dir, commit]));
    await faultPoint('worktree-added');
    await runGit(['read-tree', '-m', '-u', tree], { cwd: dir });
    return 'created';
  }
  if (inspected.condition === 'broken') await repairCheckout(store, dir, tree, commit);
  await runGit(['read-tree', '-m', '-u', 'HEAD', tree], { cwd: dir });
  await runGit(['update-ref', '--no-deref', 'HEAD', commit], { cwd: dir });
  return 'updated';
}

/**
 * Gives files whose git metadata is gone (a deleted `.git`, a store rebuilt) a worktree again,
 * without touching a file: a fresh worktree's `.git` is moved in, and its index is read from the
 * tree restore last wrote, so whatever differs from that tree shows as a pending change.
 */
export async function repairCheckout(store: Store, dir: string, tree: string, commit: string): Promise<void> {
  const scratch = `${dir}.repair-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await forgetWorktreesOf(store, dir);
  // All of it under the store's lock: until gitdir names the folder, the new registration points
  // at a .git that was moved away, and a prune by another process would take it.
  await store.serializeAdmin(async () => {
    await store.git(['worktree', 'add', '--no-checkout', '--detach', '--force', '--force', scratch, commit]);
    const gitDir = await worktreeGitDir(scratch);
    if (!gitDir) throw new AssetSyncError('GIT_FAILED', `git worktree add made no .git file in ${scratch}`);
    await rm(join(dir, '.git'), { recursive: true, force: true });
    await rename(join(scratch, '.git'), join(dir, '.git'));
    await writeFile(join(gitDir, 'gitdir'), `${resolve(dir, '.git')}\n`);
  });
  await rm(scratch, { recursive: true, force: true });
  await resetIndexTo(dir, tree, commit);
}

/**
 * Removes git lock files a killed run left in a checkout's own git metadata (its index, HEAD):
 * called while holding the assets dir's lock, which the checkout belongs to, so nobody else
 * can hold them; lock files elsewhere in a shared store are not touched.
 */
export async function clearCheckoutLocks(store: Store, dir: string): Promise<string[]> {
  const gitDir = await worktreeGitDir(dir);
  if (!gitDir || resolve(dirname(gitDir)) !== resolve(store.gitDir, 'worktrees')) return [];
  return store.clearLocksBelow(gitDir);
}

/**
 * Points index and HEAD back at what restore wrote, leaving every file as it is: whatever differs
 * from that tree then shows as a pending change, never silently lost.
 */
export async function resetIndexTo(dir: string, tree: string, commit: string): Promise<void> {
  await runGit(['read-tree', tree], { cwd: dir });
  await runGit(['update-ref', '--no-deref', 'HEAD', commit], { cwd: dir });
  await runGit(['update-index', '-q', '--refresh'], { cwd: dir, okExitCodes: [1] });
}

/** Checks out a commit in a (sparse) worktree whose files are git's own, keeping its sparse patterns. */
export async function checkoutCommit(dir: string, commit: string): Promise<void> {
  await runGit(['checkout', '--quiet', '--force', '--detach', commit, '--'], { cwd: dir });
}

/**
 * Points a checkout's index and HEAD at a commit whose tree its files already hold (after a push): entries
 * that did not change keep their stat data, the rest are hashed once; no file is written.
 */
export async function adoptCommit(dir: string, commit: string): Promise<void> {
  // A mixed reset keeps sparse-checkout bits (test-proxy layout) where read-tree alone would not.
  await runGit(['reset', '-q', '--no-refresh', commit], { cwd: dir });
  await runGit(['update-index', '-q', '--refresh'], { cwd: dir, okExitCodes: [1] });
}

/**
 * Finishes a move that was interrupted (the process killed while files were being written): the
 * index is set to the new tree, keeping the stat data of entries that did not change, and the
 * folders that were moving are made exactly the new tree's (they had no pending changes when the
 * move began; everything else is left alone).
 */
export async function finishMove(store: Store, options: MoveOptions & { folders: string[]; excludes: string[] }): Promise<void> {
  const { dir, tree, commit } = options;
  const inspected = await inspectCheckout(store, dir);
  if (inspected.condition === 'absent') return void (await moveCheckout(store, options));
  if (inspected.condition === 'broken') await repairCheckout(store, dir, tree, commit);
  // --reset: the moving folders' files are half old, half new; only their stat data is kept where it matches.
  await runGit(['read-tree', '--reset', tree], { cwd: dir });
  await runGit(['update-ref', '--no-deref', 'HEAD', commit], { cwd: dir });
  await resetFolders(dir, options.folders, options.excludes);
}

/**
 * Returns folders of a checkout to exactly what its index holds: changed and deleted files
 * rewritten, added ones (ignored ones too) removed; `excludes` (nested packages' folders) are
 * left alone. Two processes for any number of folders.
 */
export async function resetFolders(dir: string, folders: string[], excludes: string[] = []): Promise<void> {
  if (folders.length === 0) return;
  for (const path of [...folders, ...excludes]) assertSafePath(path);
  // git clean takes pathspecs only as arguments: chunked, so thousands of folders stay below the limit.
  const excluded = excludes.map(excludePathspec);
  for (const chunk of chunkByLength(folders.map(literalPathspec), 60_000)) {
    await runGit(['clean', '-f', '-d', '-x', '-q', '--', ...chunk, ...excluded], { cwd: dir });
  }
  const inFolders = (path: string): boolean =>
    folders.some((f) => f === '' || path.startsWith(`${f}/`)) && !excludes.some((e) => path.startsWith(`${e}/`));
  const listed = await runGit(['ls-files', '-z', '--cached'], { cwd: dir });
  const files = listed.stdout.split('\0').filter((path) => path && inFolders(path));
  if (files.length > 0) await runGit(['checkout-index', '--force', '--index', '-z', '--stdin'], { cwd: dir, input: files.join('\0') + '\0' });
}

/**
 * Drops the store's records of worktrees at `dir` (a `git worktree add` killed half-way leaves
 * one, locked "initializing"), so the folder can be registered afresh. `--force` twice in every
 * `worktree add` covers a record that is locked; this covers one that points at the folder.
 */
async function forgetWorktreesOf(store: Store, dir: string): Promise<void> {
  const admin = join(store.gitDir, 'worktrees');
  for (const name of await readdir(admin).catch(() => [] as string[])) {
    const back = await readFile(join(admin, name, 'gitdir'), 'utf8').catch(() => '');
    if (back !== '' && resolve(back.trim()) === resolve(dir, '.git')) await rm(join(admin, name), { recursive: true, force: true });
  }
}

/** Removes the checkout folder and its worktree metadata in the store. */
export async function removeSharedCheckout(store: Store, dir: string): Promise<void> {
  const gitDir = await worktreeGitDir(dir);
  await rm(dir, { recursive: true, force: true });
  if (gitDir && resolve(dirname(gitDir)) === resolve(store.gitDir, 'worktrees')) await rm(gitDir, { recursive: true, force: true });
  await store.serializeAdmin(() => store.git(['worktree', 'prune']));
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return false;
  }
}
