import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import { excludePathspec, literalPathspec } from './refs.js';
import { runGit } from './run.js';
import { assertSafePath, type Store } from './store.js';

const HEX40 = /^[0-9a-f]{40}$/;

/** Files that differ from the checkout's commit below some paths. */
export interface PendingChanges {
  added: string[];
  modified: string[];
  deleted: string[];
}

export function hasPendingChanges(changes: PendingChanges): boolean {
  return changes.added.length + changes.modified.length + changes.deleted.length > 0;
}

/** The worktree's private git dir, from its `.git` file; undefined when it is not a worktree. */
export async function worktreeGitDir(dir: string): Promise<string | undefined> {
  try {
    const text = await readFile(join(dir, '.git'), 'utf8');
    const match = /^gitdir: (.+)$/m.exec(text);
    if (!match) return undefined;
    const gitDir = match[1]!.trim();
    return isAbsolute(gitDir) ? gitDir : resolve(dir, gitDir);
  } catch {
    return undefined;
  }
}

/** The commit a worktree has checked out, read from its HEAD file (no process). */
export async function readCheckoutHead(dir: string): Promise<string | undefined> {
  const gitDir = await worktreeGitDir(dir);
  return gitDir ? (await readWorktreeHead(gitDir)).commit : undefined;
}

/**
 * What a worktree's HEAD names, without a process: the commit, and the branch when HEAD is on one
 * (the test-proxy's push checks out a branch of its own in the folder). Branches live in the
 * store's refs, loose or packed.
 */
export async function readWorktreeHead(gitDir: string): Promise<{ commit?: string; branch?: string }> {
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  if (HEX40.test(head)) return { commit: head };
  const ref = /^ref: (refs\/heads\/\S+)$/.exec(head)?.[1];
  if (!ref) return {};
  const branch = ref.slice('refs/heads/'.length);
  const common = await commonDirOf(gitDir);
  const loose = (await readFile(join(common, ref), 'utf8').catch(() => '')).trim();
  if (HEX40.test(loose)) return { commit: loose, branch };
  const packed = await readFile(join(common, 'packed-refs'), 'utf8').catch(() => '');
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  const commit = line?.slice(0, 40);
  return commit && HEX40.test(commit) ? { commit, branch } : { branch };
}

/** The repository a worktree's git dir belongs to (its `commondir` file), or the git dir itself. */
async function commonDirOf(gitDir: string): Promise<string> {
  const common = (await readFile(join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
  return common ? resolve(gitDir, common) : gitDir;
}

/** True when `dir` is a worktree of this store whose metadata is intact. */
export async function isCheckoutOf(store: Store, dir: string): Promise<boolean> {
  const gitDir = await worktreeGitDir(dir);
  if (!gitDir || !gitDir.startsWith(join(store.gitDir, 'worktrees'))) return false;
  try {
    const back = (await readFile(join(gitDir, 'gitdir'), 'utf8')).trim();
    return resolve(back) === resolve(dir, '.git') && existsSync(join(gitDir, 'HEAD'));
  } catch {
    return false;
  }
}

export interface SyncCheckoutOptions {
  dir: string;
  commit: string;
  /** The package folders (assets-repo paths) the checkout is for: made when empty, cleaned with force. */
  paths: string[];
  /** What of the commit is written to the folder: non-cone sparse-checkout patterns. */
  patterns: string[];
  /** Discard local changes that stand in the way (only after the caller's dirty checks or --force). */
  force?: boolean;
}

/**
 * Makes `dir` a checkout of `commit` holding what `patterns` select. Creates the worktree when
 * it is missing or broken. Without `force`, git refuses to overwrite local changes, and that
 * refusal is the error: nothing is discarded silently.
 */
export async function syncCheckout(store: Store, options: SyncCheckoutOptions): Promise<void> {
  const { dir, commit, paths } = options;
  for (const path of paths) assertSafePath(path);
  if (!(await isCheckoutOf(store, dir))) {
    await removeCheckoutDir(store, dir);
    await mkdir(dir, { recursive: true });
    await store.serializeAdmin(() => store.git(['worktree', 'add', '--no-checkout', '--detach', '--force', '--force', dir, commit]));
  }
  const gitDir = (await worktreeGitDir(dir)) as string;
  const head = await readCheckoutHead(dir);
  const hasIndex = existsSync(join(gitDir, 'index'));
  await setSparsePatterns(dir, options.patterns);
  if (!hasIndex) {
    await runGit(['update-ref', '--no-deref', 'HEAD', commit], { cwd: dir });
    await runGit(['read-tree', '-m', '-u', 'HEAD'], { cwd: dir });
  } else if (head !== commit) {
    await runGit(['checkout', '--quiet', '--detach', ...(options.force ? ['--force'] : []), commit, '--'], { cwd: dir });
  } else if (options.force) {
    // Same commit: `sparse-checkout set` applied the patterns; --force puts changed files back too.
    await runGit(['read-tree', '-m', '-u', '--reset', 'HEAD'], { cwd: dir });
  }
  if (options.force) await runGit(['clean', '-f', '-d', '-x', '-q', '--', ...paths.map(literalPathspec)], { cwd: dir });
  // A package with no recordings yet still gets its folder, so recording can start there.
  for (const path of paths) await mkdir(join(dir, path), { recursive: true });
}

/**
 * Sets a worktree's sparse-checkout patterns (non-cone) and applies them to its index: entries
 * outside them are marked skip-worktree, so git (and the test-proxy's `git status`, `git add -A`)
 * never takes their absence for a deletion; files the patterns keep are not rewritten, edited or
 * deleted ones included. The patterns live in the worktree's own config (the store has
 * extensions.worktreeConfig), so they never reach another folder; the few of one folder are
 * cheap to match, and are the ones the test-proxy sets.
 */
export async function setSparsePatterns(dir: string, patterns: string[]): Promise<void> {
  for (const pattern of patterns) if (pattern.includes('\n')) throw new AssetSyncError('UNSAFE_INPUT', `refusing a sparse pattern with a newline: ${JSON.stringify(pattern)}`);
  await runGit(['sparse-checkout', 'set', '--no-cone', '--no-sparse-index', '--stdin'], { cwd: dir, input: patterns.join('\n') + '\n' });
}

/**
 * Pending changes below `path` of a checkout (added, modified, deleted files), leaving out the
 * folders of nested packages, which belong to their own assets.json.
 */
export async function pendingChanges(dir: string, path: string, excludes: string[] = []): Promise<PendingChanges> {
  assertSafePath(path);
  const result = await runGit(
    ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules', '--', literalPathspec(path), ...excludes.map(excludePathspec)],
    { cwd: dir, env: { GIT_OPTIONAL_LOCKS: '0' } },
  );
  const changes: PendingChanges = { added: [], modified: [], deleted: [] };
  for (const entry of result.stdout.split('\0')) {
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    const file = entry.slice(3);
    if (code === '??' || code.includes('A')) changes.added.push(file);
    else if (code.includes('D')) changes.deleted.push(file);
    else changes.modified.push(file);
  }
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

/** Returns `path` of a checkout to its commit: modified and deleted files restored, added ones removed. */
export async function discardChanges(dir: string, path: string, excludes: string[] = []): Promise<void> {
  assertSafePath(path);
  const specs = ['--', literalPathspec(path), ...excludes.map(excludePathspec)];
  await runGit(['checkout', '--quiet', '--force', 'HEAD', ...specs], { cwd: dir, okExitCodes: [1] });
  await runGit(['clean', '-f', '-d', '-x', '-q', ...specs], { cwd: dir });
}

/** Removes a checkout folder and its worktree metadata in the store. */
export async function removeCheckoutDir(store: Store, dir: string): Promise<void> {
  const gitDir = await worktreeGitDir(dir);
  await rm(dir, { recursive: true, force: true });
  if (gitDir && gitDir.startsWith(join(store.gitDir, 'worktrees'))) await rm(gitDir, { recursive: true, force: true });
  await store.serializeAdmin(() => store.git(['worktree', 'prune']));
}

export function assertInside(parent: string, child: string): void {
  const rel = resolve(child);
  if (!rel.startsWith(resolve(parent) + '/')) {
    throw new AssetSyncError('GIT_FAILED', `refusing to touch ${child}: it is outside ${parent}`);
  }
}
