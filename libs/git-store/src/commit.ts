import { AssetSyncError, isAssetSyncError } from '@asset-sync/errors';
import { assertNotOption, runGit, splitCredentials } from './run.js';
import { assertSafePath, remoteOf, type Store } from './store.js';
import { commitTree, withTemporaryIndex, type Identity, type IndexLine } from './tree.js';

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
 * published: the result is an object in the store until pushRef() sends it.
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

/**
 * The commit a ref points at on the server (one ls-remote), or undefined when it does not exist.
 * `url` asks another remote than the store's origin (a fork).
 */
export async function remoteRef(store: Store, ref: string, url?: string): Promise<string | undefined> {
  assertNotOption(ref, 'the ref');
  const remote = remoteOf(url);
  const result = await store.git(['ls-remote', remote.name, ref], { network: true, config: remote.settings });
  for (const line of result.stdout.split('\n')) {
    const [oid, name] = line.split('\t');
    if (name === ref && oid) return oid;
  }
  return undefined;
}

export interface PushRefResult {
  /** The server already had the ref at this commit: nothing was sent. */
  alreadyThere: boolean;
}

/**
 * Publishes a commit under a ref (a tag, or a branch that must fast-forward). A branch that moved
 * meanwhile is reported as PUSH_REJECTED, so the caller can rebuild on the new head and retry.
 */
export async function pushRef(store: Store, commit: string, ref: string, options: { url?: string } = {}): Promise<PushRefResult> {
  assertNotOption(ref, 'the ref');
  if (options.url !== undefined) assertNotOption(options.url, 'the remote URL');
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new AssetSyncError('GIT_FAILED', `not a commit id: ${commit}`);
  // simple-git parses the push result: which refs were updated, rejected, or already up to date.
  const { simpleGitIn } = await import('./simple.js');
  // Another remote's credentials travel as a header scoped to it, like origin's: never in argv.
  const other = options.url === undefined ? undefined : splitCredentials(options.url);
  const git = simpleGitIn(store.gitDir, {}, [...store.credentials, ...(other?.config ?? [])]);
  try {
    const result = await git.push(other?.url ?? 'origin', `${commit}:${ref}`, ['--porcelain']);
    const update = result.update ?? result.pushed?.find((p) => p.remote === ref);
    return { alreadyThere: Boolean(update && 'alreadyUpdated' in update && update.alreadyUpdated) };
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (/\[rejected\]|non-fast-forward|fetch first|stale info|already exists/.test(message)) {
      throw new AssetSyncError('PUSH_REJECTED', `the assets repo rejected ${ref}: it moved since it was read`, { cause: error });
    }
    if (isAssetSyncError(error)) throw error;
    throw new AssetSyncError(/unable to connect|Connection refused|Could not read from remote|unable to access/i.test(message) ? 'REMOTE_UNREACHABLE' : 'GIT_FAILED', `git push of ${ref} failed: ${message.trim().split('\n').slice(-4).join('\n')}`, {
      hint: 'Check that you may push to the assets repo (GIT_TOKEN for https remotes), then run push again: it picks up where it stopped.',
      cause: error,
    });
  }
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
