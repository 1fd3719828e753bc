import { AssetSyncError } from '@asset-sync/errors';
import { assertNotOption, runGit } from './run.js';
import { assertSafePath, type Store } from './store.js';
import { commitTree, withTemporaryIndex, type Identity, type IndexLine } from './tree.js';

/*
 * Commits in an assets-repo store, built without a checkout: push, resolve and merge build one on
 * a parent's tree (buildCommit), migrate a chain of them from fast-imported blobs (writeCommits).
 * Publishing them is remote.ts.
 */

const HEX40 = /^[0-9a-f]{40}$/;

export type { Identity };

/** One file of a package's new state: its content comes from a worktree file, or it goes away. */
export type FileChange = { path: string; action: 'write' } | { path: string; action: 'delete' };

/** One file set to a known blob (no worktree involved), for merges. */
export type IndexEntry = IndexLine;

export interface BuildCommitOptions {
  /** The commit the new one sits on; its tree is the starting point, so nothing else changes. */
  parent: string;
  /** Extra parents (a merge). */
  otherParents?: string[];
  /** Worktree whose files are read for `write` changes (paths are relative to its root). */
  workTree?: string;
  changes?: FileChange[];
  entries?: IndexEntry[];
  message: string;
  identity: Identity;
}

/**
 * Builds a commit in the store without checking anything out: a temporary index is read from the
 * parent's tree, only the given paths are replaced (file contents hashed from the worktree), and
 * the tree and commit are written. Nothing outside those paths can change, and nothing is
 * published: the result is an object in the store until pushRef() (remote.ts) sends it.
 */
export async function buildCommit(store: Store, options: BuildCommitOptions): Promise<{ commit: string; tree: string }> {
  const changes = options.changes ?? [];
  for (const change of changes) assertSafePath(change.path);
  for (const entry of options.entries ?? []) assertSafePath(entry.path);
  if (changes.length > 0 && !options.workTree) throw new AssetSyncError('GIT_FAILED', 'file changes need a worktree to read the files from');
  const tree = await withTemporaryIndex(store.gitDir, options.parent, async (index) => {
    // update-index hashes each listed file from the worktree, and drops the ones that are gone.
    if (changes.length > 0) await hashWorktreeFiles(options.workTree!, index.env, changes);
    await index.update(options.entries ?? []);
    return index.writeTree();
  });
  const commit = await commitTree(store.gitDir, tree, [options.parent, ...(options.otherParents ?? [])], options.message, options.identity);
  return { commit, tree };
}

async function hashWorktreeFiles(workTree: string, env: { GIT_INDEX_FILE: string }, changes: FileChange[]): Promise<void> {
  await runGit(['update-index', '--add', '--remove', '-z', '--stdin'], { cwd: workTree, env, input: changes.map((c) => c.path).join('\0') + '\0' });
}

/**
 * The tree id at `path` of a worktree's files as they are now (pending changes included), without
 * committing anything: the index of `base` with the changed files hashed in. Restore uses it to
 * see that pending changes are exactly a new pin's content (after a push), so moving is safe.
 */
export async function workingTreeAt(store: Store, workTree: string, base: string, path: string, changes: FileChange[]): Promise<string | null> {
  for (const change of changes) assertSafePath(change.path);
  const tree = await withTemporaryIndex(store.gitDir, base, async (index) => {
    if (changes.length > 0) await hashWorktreeFiles(workTree, index.env, changes);
    return index.writeTree();
  });
  if (path === '') return tree;
  const found = await store.git(['rev-parse', '--verify', '--quiet', `${tree}:${path}`], { okExitCodes: [1] });
  return found.exitCode === 0 ? found.stdout.trim() : null;
}

/** Files that differ between two commits below a path: path -> [blob before, blob after] (null = absent). */
export async function changedFiles(
  store: Store,
  from: string,
  to: string,
  path: string,
  excludes: string[] = [],
): Promise<Map<string, { before: { oid: string; mode: string } | null; after: { oid: string; mode: string } | null }>> {
  assertSafePath(path);
  const result = await store.git([
    'diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to, '--',
    path === '' ? ':(top)' : `:(top,literal)${path}`,
    ...excludes.map((e) => `:(top,exclude,literal)${e}`),
  ]);
  const changes = new Map<string, { before: { oid: string; mode: string } | null; after: { oid: string; mode: string } | null }>();
  const parts = result.stdout.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const header = parts[i]!;
    const file = parts[i + 1]!;
    const match = /^:(\d{6}) (\d{6}) ([0-9a-f]{40}) ([0-9a-f]{40}) (\w)/.exec(header);
    if (!match) continue;
    const [, modeBefore, modeAfter, oidBefore, oidAfter] = match;
    const zero = /^0+$/;
    changes.set(file, {
      before: zero.test(oidBefore!) ? null : { oid: oidBefore!, mode: modeBefore! },
      after: zero.test(oidAfter!) ? null : { oid: oidAfter!, mode: modeAfter! },
    });
  }
  return changes;
}

/** Points a local ref at a commit, so later restores resolve it without the network. */
export async function setLocalRef(store: Store, ref: string, commit: string): Promise<void> {
  assertNotOption(ref, 'the ref');
  await store.locked(() => store.git(['update-ref', ref, commit]));
}

/** The merge base of two commits (their history is in the store: commits and trees come with pins). */
export async function mergeBase(store: Store, a: string, b: string): Promise<string | undefined> {
  const result = await store.git(['merge-base', a, b], { okExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export interface TreeChange {
  /** Path inside the assets repo. */
  path: string;
  oid: string;
  mode?: '100644' | '100755';
}

export interface CommitLayer {
  /** Folders whose existing entries are dropped first, so they end up holding exactly `add`. */
  replace: string[];
  add: TreeChange[];
  message: string;
}

export interface WriteCommitsOptions {
  /** The commit the first layer builds on; none for a repo without history. */
  parent?: string;
  layers: CommitLayer[];
  identity: Identity;
  /** Commit date; default now. */
  date?: Date;
}

/**
 * Builds a chain of commits, one per layer, each on top of the previous, from a temporary index
 * read from the parent's tree: no checkout, and no file contents of the parent are needed (the
 * store is blob-less, so `write-tree --missing-ok` skips the existence check that would fetch them).
 */
export async function writeCommits(store: Store, options: WriteCommitsOptions): Promise<Array<{ commit: string; tree: string }>> {
  const date = options.date ?? new Date();
  return withTemporaryIndex(store.gitDir, options.parent, async (index) => {
    const results: Array<{ commit: string; tree: string }> = [];
    let parent = options.parent;
    for (const layer of options.layers) {
      for (const path of [...layer.replace, ...layer.add.map((a) => a.path)]) assertSafePath(path);
      const lines: IndexLine[] = [];
      for (const folder of layer.replace) for (const path of await index.list(folder)) lines.push({ path, blob: null });
      for (const change of layer.add) {
        if (!HEX40.test(change.oid)) throw new AssetSyncError('GIT_FAILED', `not an object id: ${change.oid}`);
        lines.push({ path: change.path, blob: { oid: change.oid, mode: change.mode ?? '100644' } });
      }
      await index.update(lines);
      const tree = await index.writeTree();
      const commit = await commitTree(store.gitDir, tree, parent ? [parent] : [], layer.message, options.identity, date);
      results.push({ commit, tree });
      parent = commit;
    }
    return results;
  });
}

/** True when the store holds this commit (no lazy fetch: `cat-file --batch-check` reports it missing). */
export async function hasCommit(store: Store, oid: string): Promise<boolean> {
  if (!HEX40.test(oid)) return false;
  const result = await store.git(['cat-file', '--batch-check=%(objecttype)'], { input: `${oid}\n` });
  return result.stdout.trim() === 'commit';
}

/** Whether `ancestor` is `descendant` or one of its ancestors (both must be in the store). */
export async function isAncestor(store: Store, ancestor: string, descendant: string): Promise<boolean> {
  const result = await store.git(['merge-base', '--is-ancestor', ancestor, descendant], { okExitCodes: [1] });
  return result.exitCode === 0;
}
