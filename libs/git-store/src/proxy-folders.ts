import { lstatSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import { setSparsePatterns, worktreeGitDir } from './checkout.js';
import { runGit } from './run.js';
import type { Store } from './store.js';

/**
 * Test-proxy layout folders after the Azure test-proxy itself worked in them: a full clone it
 * made (taken over: its objects and tags go into the store, and the folder becomes a worktree
 * of the store with every file left as it is), a branch its push checked out (HEAD detached
 * again), and the push branches it leaves in the store.
 */

/** True when the folder holds a clone of its own (a `.git` directory), as the proxy makes them. */
export function isStandaloneClone(dir: string): boolean {
  return lstatSync(join(dir, '.git'), { throwIfNoEntry: false })?.isDirectory() === true;
}

export interface CloneHead {
  /** The commit the clone has checked out. */
  head: string;
  /** The nearest commit of HEAD's history a tag names: what its files were restored from. */
  base: string;
  /** That tag (absent when no tag is in HEAD's history; base is then HEAD). */
  tag?: string;
}

/**
 * Copies what a clone holds into the store without a network request: every object it has, in
 * one pack marked as coming from the promisor remote (objects it lacks are fetched on demand,
 * as for the store's own), its tags, and its `main` when the store has none. `prefer` is the tag
 * the folder should be at: when it names HEAD, that is the base.
 */
export async function importClone(store: Store, dir: string, prefer?: string): Promise<CloneHead> {
  const objects = (await runGit(['cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], { cwd: dir })).stdout;
  if (objects.trim()) {
    const pack = (await runGit(['pack-objects', '-q', join(store.gitDir, 'objects', 'pack', 'pack')], { cwd: dir, input: objects })).stdout.trim();
    if (!/^[0-9a-f]{40,64}$/.test(pack)) throw new AssetSyncError('GIT_FAILED', `git pack-objects in ${dir} named no pack: ${JSON.stringify(pack)}`);
    await writeFile(join(store.gitDir, 'objects', 'pack', `pack-${pack}.promisor`), '');
  }
  await copyRefs(store, dir);
  const head = (await runGit(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: dir })).stdout.trim();
  if (prefer) {
    const preferred = await runGit(['rev-parse', '--verify', '--quiet', `refs/tags/${prefer}^{commit}`], { cwd: dir, okExitCodes: [1] });
    if (preferred.stdout.trim() === head) return { head, base: head, tag: prefer };
  }
  const described = await runGit(['describe', '--tags', '--abbrev=0', 'HEAD'], { cwd: dir, okExitCodes: [128] });
  const tag = described.exitCode === 0 ? described.stdout.trim() : '';
  if (!tag) return { head, base: head };
  const base = (await runGit(['rev-parse', '--verify', `refs/tags/${tag}^{commit}`], { cwd: dir })).stdout.trim();
  return { head, base, tag };
}

/** The clone's tags, and its `main`, where the store has no such ref yet. */
async function copyRefs(store: Store, dir: string): Promise<void> {
  const listing = (await runGit(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/tags/', 'refs/heads/main'], { cwd: dir })).stdout;
  const existing = new Set((await store.git(['for-each-ref', '--format=%(refname)', 'refs/tags/', 'refs/heads/main'])).stdout.split('\n').filter(Boolean));
  const updates = listing
    .split('\n')
    .map((line) => line.split(' ') as [string, string])
    .filter(([oid, ref]) => oid && ref && !existing.has(ref))
    .map(([oid, ref]) => `create ${ref} ${oid}\n`);
  if (updates.length > 0) await store.git(['update-ref', '--stdin'], { input: updates.join('') });
}

/**
 * Makes a folder holding a clone a worktree of the store at `commit`, leaving every file as it
 * is: the index is the commit's tree with `patterns` applied, so whatever differs from the
 * commit (recordings not pushed yet) shows as pending changes. The clone's own `.git` goes last.
 */
export async function convertClone(store: Store, dir: string, commit: string, patterns: string[]): Promise<void> {
  const scratch = `${dir}.adopt-${process.pid}`;
  const cloneGit = `${dir}.clone-${process.pid}.git`;
  await rm(scratch, { recursive: true, force: true });
  await store.serializeAdmin(() => store.git(['worktree', 'add', '--no-checkout', '--detach', '--force', scratch, commit]));
  const gitDir = await worktreeGitDir(scratch);
  if (!gitDir) throw new AssetSyncError('GIT_FAILED', `git worktree add made no .git file in ${scratch}`);
  await rename(join(dir, '.git'), cloneGit);
  await rename(join(scratch, '.git'), join(dir, '.git'));
  await writeFile(join(gitDir, 'gitdir'), `${resolve(dir, '.git')}\n`);
  await rm(scratch, { recursive: true, force: true });
  // The tree first, then the patterns: `sparse-checkout set` only flips skip-worktree bits, so
  // the files the patterns keep are not rewritten, edited or deleted ones included.
  await runGit(['read-tree', commit], { cwd: dir });
  await setSparsePatterns(dir, patterns);
  await runGit(['update-index', '-q', '--refresh'], { cwd: dir, okExitCodes: [1] });
  await rm(cloneGit, { recursive: true, force: true });
}

/** Takes HEAD off a branch someone checked out, onto the commit it names; no file is touched. */
export async function detachHead(dir: string, commit: string): Promise<void> {
  await runGit(['update-ref', '--no-deref', 'HEAD', commit], { cwd: dir });
}

/** A local branch of the store and the commit it names. */
export interface LocalBranch {
  name: string;
  commit: string;
}

/**
 * What deciding about the proxy's push branches needs: the branches named as the proxy names
 * them (`isProxyBranch`: the naming rule is the planner's test-proxy knowledge, not the seam's),
 * the branches any folder has checked out, and the commits tags name. Undefined, at the cost of
 * one directory read, when the store has no such branch (the proxy makes loose refs, and the
 * store never packs them).
 */
export async function proxyBranchFacts(
  store: Store,
  isProxyBranch: (name: string) => boolean,
): Promise<{ branches: LocalBranch[]; checkedOut: string[]; published: string[] } | undefined> {
  const heads = join(store.gitDir, 'refs', 'heads');
  const names = (await readdir(heads).catch(() => [] as string[])).filter(isProxyBranch);
  if (names.length === 0) return undefined;
  const branches: LocalBranch[] = [];
  for (const name of names) {
    const commit = (await readFile(join(heads, name), 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f]{40}$/.test(commit)) branches.push({ name, commit });
  }
  const headFiles = [join(store.gitDir, 'HEAD')];
  for (const worktree of await readdir(join(store.gitDir, 'worktrees')).catch(() => [] as string[])) headFiles.push(join(store.gitDir, 'worktrees', worktree, 'HEAD'));
  const checkedOut: string[] = [];
  for (const file of headFiles) {
    const ref = /^ref: refs\/heads\/(\S+)$/.exec((await readFile(file, 'utf8').catch(() => '')).trim())?.[1];
    if (ref) checkedOut.push(ref);
  }
  const tags = (await store.git(['for-each-ref', '--format=%(objectname) %(*objectname)', 'refs/tags/'])).stdout;
  const published = tags.split('\n').flatMap((line) => line.trim().split(' ').slice(-1)).filter(Boolean);
  return { branches, checkedOut, published };
}

/** Deletes branches, each only if it still names the commit it was seen at. */
export async function deleteBranches(store: Store, branches: LocalBranch[]): Promise<void> {
  if (branches.length === 0) return;
  await store.git(['update-ref', '--stdin'], { input: branches.map((b) => `delete refs/heads/${b.name} ${b.commit}\n`).join('') });
}
