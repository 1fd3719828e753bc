import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { AssetSyncError, redact } from '@asset-sync/errors';
import { commitTree, withTemporaryIndex, type Identity, type IndexLine } from './tree.js';
import { assertNotOption, gitEnvironment, runGit } from './run.js';
import { assertSafePath, remoteOf, type Store } from './store.js';

/**
 * Bulk writes for `asset-sync migrate`: thousands of files into an assets-repo store as one
 * commit without a checkout, refs pushed in one `git push`, and the few language-repo index
 * updates migrate needs. File names travel NUL-separated on stdin, never on a command line, so
 * spaces, quotes, `%`, non-ASCII and leading dashes are plain bytes to git.
 */

const HEX40 = /^[0-9a-f]{40}$/;

/** One file to store: where its bytes are on disk. */
export interface BlobSource {
  absPath: string;
  /** Size as planned; a file that changed size since is still read whole. */
  size?: number;
}

export interface WriteBlobsOptions {
  /** Parallel fast-import processes; default: CPUs, at most 4, and 1 for small inputs. */
  jobs?: number;
  /** zlib level for contents that compress (0-9); default 1: speed first, the push sends these bytes as they are. */
  compression?: number;
  /**
   * Contents whose sample deflates to at least this share of its size are stored uncompressed
   * (level 0): random payloads (base64 uploads) save a quarter at three times the CPU. Default
   * 0.7; 1 or more compresses everything.
   */
  storeAboveRatio?: number;
  /** Called with the bytes streamed so far. */
  onProgress?: (bytesDone: number) => void;
}

/** Bytes in flight per process: enough read-ahead to keep git busy, bounded for 50 MB files. */
const READ_AHEAD_BYTES = 32 << 20;
const READ_AHEAD_FILES = 16;
/** Files this big or bigger are sampled for compressibility; smaller ones are compressed. */
const SAMPLE_FROM = 64 << 10;
const SAMPLE_BYTES = 32 << 10;

/**
 * Stores the files' contents as blobs and returns their ids, in input order. `jobs` `git
 * fast-import` processes each get a share balanced by the work it costs and write one pack, so
 * objects are compressed once, in parallel, and the push reuses them as they are. Objects the
 * store already has are not written again.
 */
export async function writeBlobs(store: Store, files: BlobSource[], options: WriteBlobsOptions = {}): Promise<string[]> {
  if (files.length === 0) return [];
  const total = files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  const jobs = Math.max(1, Math.min(options.jobs ?? Math.min(4, availableParallelism()), files.length, total < 8 << 20 ? 1 : 64));
  const level = options.compression ?? 1;
  const stored = level > 0 ? await incompressible(files, options.storeAboveRatio ?? 0.7) : new Set<number>();
  // Deflating costs about three times what storing does: processes are shared out by that work.
  const groups = [
    { level, items: files.map((_, i) => i).filter((i) => !stored.has(i)), weight: 3 },
    { level: 0, items: [...stored], weight: 1 },
  ].filter((g) => g.items.length > 0);
  const cost = (g: (typeof groups)[number]): number => g.weight * g.items.reduce((sum, i) => sum + (files[i]!.size ?? 0), 0);
  const allCost = groups.reduce((sum, g) => sum + cost(g), 0) || 1;
  const bins: Array<{ level: number; bytes: number; items: number[] }> = [];
  for (const group of groups) {
    const count = Math.max(1, Math.round((jobs * cost(group)) / allCost));
    const mine = Array.from({ length: Math.min(count, group.items.length) }, () => ({ level: group.level, bytes: 0, items: [] as number[] }));
    // Largest first into the lightest bin: a 50 MB file does not leave one process doing all the work.
    for (const i of [...group.items].sort((a, b) => (files[b]!.size ?? 0) - (files[a]!.size ?? 0))) {
      const bin = mine.reduce((lightest, b) => (b.bytes < lightest.bytes ? b : lightest));
      bin.items.push(i);
      bin.bytes += files[i]!.size ?? 0;
    }
    bins.push(...mine);
  }
  const oids = new Array<string>(files.length);
  let done = 0;
  await Promise.all(
    bins.map(async (bin) => {
      bin.items.sort((a, b) => a - b);
      const ids = await fastImportBlobs(store, bin.items.map((i) => files[i]!), bin.level, (n) => {
        done += n;
        options.onProgress?.(done);
      });
      bin.items.forEach((fileIndex, k) => (oids[fileIndex] = ids[k]!));
    }),
  );
  return oids;
}

/** Which files look like random data: a sample of each big file deflated at level 1 barely shrinks. */
async function incompressible(files: BlobSource[], ratio: number): Promise<Set<number>> {
  const found = new Set<number>();
  if (ratio >= 1) return found;
  const sample = Buffer.alloc(SAMPLE_BYTES);
  for (const [i, file] of files.entries()) {
    if ((file.size ?? 0) < SAMPLE_FROM) continue;
    const handle = await open(file.absPath, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
    if (!handle) continue;
    try {
      const { bytesRead } = await handle.read(sample, 0, SAMPLE_BYTES, 0);
      if (bytesRead > 0 && deflateRawSync(sample.subarray(0, bytesRead), { level: 1 }).length >= bytesRead * ratio) found.add(i);
    } finally {
      await handle.close();
    }
  }
  return found;
}

async function fastImportBlobs(store: Store, files: BlobSource[], compression: number, onBytes: (n: number) => void): Promise<string[]> {
  const marks = join(store.gitDir, `asset-sync-marks-${process.pid}-${randomBytes(4).toString('hex')}`);
  const args = ['-c', `pack.compression=${compression}`, '-c', 'core.bigFileThreshold=2g', 'fast-import', '--quiet', '--done', '--depth=0', `--export-marks=${marks}`];
  const child = spawn('git', args, { cwd: store.gitDir, env: gitEnvironment(), stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let streamError: Error | undefined;
  child.stdin.on('error', (error) => (streamError ??= error));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new AssetSyncError('GIT_MISSING', 'git was not found on PATH', { hint: 'Install git 2.36 or newer.' }) : error),
    );
    child.on('close', (code) => resolve(code ?? 128));
  });
  exited.catch(() => undefined);
  const failure = (code: number | string): AssetSyncError =>
    new AssetSyncError('GIT_FAILED', `git fast-import in ${store.gitDir} failed (${code}):\n${redact(stderr.trim()).split('\n').slice(-6).join('\n')}`);

  try {
    // Reads run ahead of the pipe so that disk and git work at the same time.
    const reads: Array<Promise<Buffer> | undefined> = [];
    let inFlight = 0;
    for (let i = 0; i < files.length; i++) {
      while (reads.length < files.length && (reads.length <= i || (inFlight < READ_AHEAD_BYTES && reads.length - i < READ_AHEAD_FILES))) {
        const file = files[reads.length]!;
        inFlight += file.size ?? 0;
        const read = readSource(file.absPath);
        // Awaited in order below; until then a failure must not count as unhandled.
        read.catch(() => undefined);
        reads.push(read);
      }
      const data = await (reads[i] as Promise<Buffer>);
      reads[i] = undefined;
      inFlight -= files[i]!.size ?? 0;
      if (streamError || child.exitCode !== null) throw failure(child.exitCode ?? String(streamError));
      child.stdin.write(`blob\nmark :${i + 1}\ndata ${data.length}\n`);
      child.stdin.write(data);
      if (!child.stdin.write('\n') && child.stdin.writableLength > 8 << 20) {
        await new Promise<void>((resolve) => {
          const go = (): void => {
            child.stdin.off('drain', go);
            child.stdin.off('close', go);
            resolve();
          };
          child.stdin.once('drain', go);
          child.stdin.once('close', go);
        });
      }
      onBytes(data.length);
    }
    child.stdin.end('done\n');
    const code = await exited;
    if (code !== 0) throw failure(code);
    const ids = new Array<string>(files.length);
    for (const line of (await readFile(marks, 'utf8')).split('\n')) {
      const match = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
      if (match) ids[Number(match[1]) - 1] = match[2]!;
    }
    const missing = ids.findIndex((id) => id === undefined);
    if (missing >= 0 || ids.length !== files.length) throw failure(`no id for ${files[Math.max(0, missing)]?.absPath}`);
    return ids;
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited.catch(() => undefined);
    throw error;
  } finally {
    await rm(marks, { force: true });
  }
}

async function readSource(path: string): Promise<Buffer> {
  // O_NOFOLLOW: a file replaced by a symbolic link since planning is refused, not followed.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
    throw new AssetSyncError('MIGRATION_FAILED', `cannot read ${path}: ${error.code ?? error.message}`, {
      hint: 'The file changed or disappeared since the plan was made; run asset-sync migrate again.',
    });
  });
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
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

export interface RemoteRefQuery {
  tags?: boolean;
  heads?: boolean;
  /** Tail-matched patterns (`ls-remote` semantics), e.g. `refs/tags/python/*`. */
  patterns?: string[];
  /** Ask this URL instead of the store's origin (a fork, a backup). */
  url?: string;
}

/** Refs the server has (`ls-remote`), full name -> commit id. Annotated tags resolve to their commit. */
export async function listRemoteRefs(store: Store, query: RemoteRefQuery = {}): Promise<Map<string, string>> {
  for (const pattern of query.patterns ?? []) assertNotOption(pattern, 'the ref pattern');
  const remote = remoteOf(query.url);
  const args = ['ls-remote', ...(query.tags ? ['--tags'] : []), ...(query.heads ? ['--heads'] : []), remote.name, ...(query.patterns ?? [])];
  const result = await store.git(args, { network: true, config: remote.settings });
  const refs = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const [oid, ref] = line.split('\t');
    if (!oid || !ref) continue;
    if (ref.endsWith('^{}')) refs.set(ref.slice(0, -3), oid);
    else if (!refs.has(ref)) refs.set(ref, oid);
  }
  return refs;
}

export interface PushRefsOptions {
  /** Every ref or none (when the server supports it). Default true. */
  atomic?: boolean;
  /** Smaller packs at the cost of time; default false: objects go as the store holds them. */
  deltas?: boolean;
  onProgress?: (text: string) => void;
  /** Push to this URL instead of the store's origin (a backup, or upstream from a copy). */
  url?: string;
}

export interface PushedRef {
  ref: string;
  oid: string;
  status: 'created' | 'updated' | 'up-to-date' | 'rejected';
  reason?: string;
}

const PUSH_NAMESPACE = 'refs/asset-sync/push';

/**
 * Pushes many refs in one `git push`: they are written under a private namespace of the store
 * (`update-ref --stdin`, no argument list to overflow) and sent with two glob refspecs, one for
 * tags and one for branches. Nothing is forced: an existing tag or a branch that would not fast-
 * forward is rejected by the server, never overwritten.
 */
export async function pushRefs(store: Store, refs: Array<{ ref: string; oid: string }>, options: PushRefsOptions = {}): Promise<PushedRef[]> {
  if (refs.length === 0) return [];
  const kinds = new Set<string>();
  const local: string[] = [];
  for (const { ref, oid } of refs) {
    if (!HEX40.test(oid)) throw new AssetSyncError('GIT_FAILED', `not a commit id: ${oid}`);
    const match = /^refs\/(tags|heads)\/(.+)$/.exec(ref);
    if (!match || /[\0\n]/.test(ref)) throw new AssetSyncError('GIT_FAILED', `refusing to push ${JSON.stringify(ref)}: only refs/tags/* and refs/heads/* are pushed`);
    kinds.add(match[1]!);
    local.push(`create ${PUSH_NAMESPACE}/${match[1]}/${match[2]}\0${oid}\0`);
  }
  await clearPushNamespace(store);
  try {
    await store.git(['update-ref', '-z', '--stdin'], { input: local.join('') });
    const refspecs = [...kinds].sort().map((kind) => `${PUSH_NAMESPACE}/${kind}/*:refs/${kind}/*`);
    const config = options.deltas ? [] : ['-c', 'pack.window=0'];
    const push = async (atomic: boolean) =>
      store.git([...config, 'push', '--porcelain', '--progress', ...(atomic ? ['--atomic'] : []), options.url ?? 'origin', ...refspecs], {
        network: true,
        okExitCodes: [1],
        ...(options.onProgress ? { onStderr: options.onProgress } : {}),
      });
    let result = await push(options.atomic !== false);
    if (result.exitCode !== 0 && /does not support --atomic/i.test(result.stderr)) result = await push(false);
    const pushed = parsePorcelain(result.stdout);
    const wanted = new Map(refs.map((r) => [r.ref, r.oid]));
    const outcomes: PushedRef[] = [];
    for (const [ref, oid] of wanted) {
      const line = pushed.get(ref);
      if (line) outcomes.push({ ref, oid, ...line });
      else outcomes.push({ ref, oid, status: 'rejected', reason: result.exitCode === 0 ? 'not reported by git push' : lastLines(result.stderr) });
    }
    if (result.exitCode !== 0 && outcomes.every((o) => o.status !== 'rejected')) {
      throw new AssetSyncError('PUSH_REJECTED', `git push to ${redact(options.url ?? store.url)} failed:\n${redact(lastLines(result.stderr))}`);
    }
    return outcomes;
  } finally {
    await clearPushNamespace(store);
  }
}

async function clearPushNamespace(store: Store): Promise<void> {
  const listed = await store.git(['for-each-ref', '--format=%(refname)', `${PUSH_NAMESPACE}/`]);
  const stale = listed.stdout.split('\n').filter(Boolean);
  if (stale.length > 0) await store.git(['update-ref', '-z', '--stdin'], { input: stale.map((ref) => `delete ${ref}\0\0`).join('') });
}

function parsePorcelain(stdout: string): Map<string, { status: PushedRef['status']; reason?: string }> {
  const result = new Map<string, { status: PushedRef['status']; reason?: string }>();
  for (const line of stdout.split('\n')) {
    const match = /^([ +\-*=!])\t([^\t]*):([^\t]*)\t(.*)$/.exec(line);
    if (!match) continue;
    const [, flag, , to, summary] = match;
    const status: PushedRef['status'] = flag === '=' ? 'up-to-date' : flag === '!' ? 'rejected' : flag === '*' ? 'created' : 'updated';
    result.set(to!, status === 'rejected' ? { status, reason: summary!.replace(/^\[rejected\]\s*/, '') } : { status });
  }
  return result;
}

function lastLines(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-6).join('\n');
}

// ---- the language repo ----

/** The absolute git dir of a language repo (worktrees included). */
export async function gitDirOf(repoRoot: string): Promise<string> {
  return (await runGit(['rev-parse', '--absolute-git-dir'], { cwd: repoRoot })).stdout.trim();
}

export interface WorkingTreeChange {
  /** Two-letter `git status --porcelain` code, e.g. ` M`, `D `, `??`. */
  code: string;
  path: string;
}

/** Every uncommitted change of the language repo, untracked files included. */
export async function workingTreeChanges(repoRoot: string): Promise<WorkingTreeChange[]> {
  const result = await runGit(['-c', 'core.quotePath=false', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules'], {
    cwd: repoRoot,
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  const changes: WorkingTreeChange[] = [];
  for (const entry of result.stdout.split('\0')) {
    if (entry.length < 4) continue;
    changes.push({ code: entry.slice(0, 2), path: entry.slice(3) });
  }
  return changes;
}

/** Which of these untracked paths git ignores (.gitignore and friends); tracked files never are. */
export async function ignoredPaths(repoRoot: string, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const result = await runGit(['check-ignore', '-z', '--stdin'], { cwd: repoRoot, input: nulList(paths), okExitCodes: [1] });
  return new Set(result.stdout.split('\0').filter(Boolean));
}

/** Stages the deletion of files that are gone from disk; paths not in the index are ignored. */
export async function stageDeletions(repoRoot: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await runGit(['update-index', '--remove', '-z', '--stdin'], { cwd: repoRoot, input: nulList(paths) });
}

/** Stages files as they are on disk (new or changed), by exact path. */
export async function stageFiles(repoRoot: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await runGit(['update-index', '--add', '-z', '--stdin'], { cwd: repoRoot, input: nulList(paths) });
}

/** The staged content of a file, or undefined when the index has none. */
export async function readStaged(repoRoot: string, path: string): Promise<Buffer | undefined> {
  assertSafePath(path);
  const listed = await runGit(['ls-files', '--stage', '-z', '--', `:(top,literal)${path}`], { cwd: repoRoot });
  const entry = listed.stdout.split('\0').find(Boolean);
  const oid = entry?.split(' ')[1];
  if (!oid || !HEX40.test(oid)) return undefined;
  return (await runGit(['cat-file', 'blob', oid], { cwd: repoRoot })).stdoutBuffer;
}

/** Puts `content` in the index at `path` without touching the file on disk. */
export async function stageContent(repoRoot: string, path: string, content: Buffer): Promise<string> {
  assertSafePath(path);
  const oid = (await runGit(['hash-object', '-w', '--stdin'], { cwd: repoRoot, input: content })).stdout.trim();
  await runGit(['update-index', '--add', '-z', '--index-info'], { cwd: repoRoot, input: `100644 ${oid}\t${path}\0` });
  return oid;
}

/**
 * Commits only the given paths, at their staged state, on top of HEAD: a commit built from a
 * temporary index, so other staged or unstaged work stays exactly where it is.
 */
export async function commitStagedPaths(repoRoot: string, paths: string[], message: string): Promise<string> {
  const gitDir = await gitDirOf(repoRoot);
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: repoRoot, okExitCodes: [1] });
  const parent = head.exitCode === 0 ? head.stdout.trim() : undefined;
  const tree = await withTemporaryIndex(
    gitDir,
    parent,
    async (index) => {
      const wanted = new Set(paths);
      const staged = await runGit(['ls-files', '--stage', '-z'], { cwd: repoRoot });
      const present = new Set<string>();
      const lines: IndexLine[] = [];
      for (const entry of staged.stdout.split('\0')) {
        const tab = entry.indexOf('\t');
        if (tab < 0) continue;
        const path = entry.slice(tab + 1);
        if (!wanted.has(path)) continue;
        const [mode, oid] = entry.slice(0, tab).split(' ');
        present.add(path);
        lines.push({ path, blob: { oid: oid!, mode: mode! } });
      }
      for (const path of wanted) if (!present.has(path)) lines.push({ path, blob: null });
      await index.update(lines);
      return index.writeTree();
    },
    repoRoot,
  );
  const commit = await commitTree(repoRoot, tree, parent ? [parent] : [], message);
  await runGit(['update-ref', '-m', 'asset-sync migrate', 'HEAD', commit, ...(parent ? [parent] : [])], { cwd: repoRoot });
  return commit;
}

function nulList(paths: string[]): string {
  for (const path of paths) assertSafePath(path);
  return paths.map((p) => `${p}\0`).join('');
}
