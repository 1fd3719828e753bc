import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { FastImportWriter } from './fast-import.js';
import { git, runGit, TEST_IDENTITY } from './git.js';

/** Config every fixture repository gets: no signing, no background work that races a test. */
const QUIET_CONFIG: ReadonlyArray<readonly [string, string]> = [
  ['commit.gpgsign', 'false'],
  ['tag.gpgsign', 'false'],
  ['maintenance.auto', 'false'],
  ['gc.auto', '0'],
  ['core.autocrlf', 'false'],
];

/** What a server repository needs to serve partial clones and accept pushes from them. */
const SERVER_CONFIG: ReadonlyArray<readonly [string, string]> = [
  // `--filter=blob:none` and lazy fetches of single blobs by id.
  ['uploadpack.allowFilter', 'true'],
  ['uploadpack.allowAnySHA1InWant', 'true'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
  ['uploadpack.allowTipSHA1InWant', 'true'],
  ['uploadpack.allowRefInWant', 'true'],
  // Pushes: options (`git push -o`), over git:// through the daemon.
  ['receive.advertisePushOptions', 'true'],
  ['receive.advertiseAtomic', 'true'],
  ['daemon.receivepack', 'true'],
  ['daemon.uploadpack', 'true'],
  // A pushed pack is kept as a pack, like a hosted server, instead of being exploded into loose objects.
  ['receive.unpackLimit', '1'],
  ['transfer.unpackLimit', '1'],
  ['core.logAllRefUpdates', 'false'],
];

async function configure(gitDir: string, entries: ReadonlyArray<readonly [string, string]>): Promise<void> {
  for (const [key, value] of entries) await git(['--git-dir', gitDir, 'config', key, value]);
}

export type FileContent = string | Buffer;
/** Files to write: path (with `/`) → content; `null` deletes the file. */
export type FileMap = Record<string, FileContent | null> | Map<string, FileContent | null>;

function entriesOf(files: FileMap): Array<[string, FileContent | null]> {
  return files instanceof Map ? [...files] : Object.entries(files);
}

export interface MakeLanguageRepoOptions {
  /** Files to write and commit. Without files, the repository is left with no commit. */
  files?: FileMap;
  message?: string;
  /** A remote to add as `origin`. */
  origin?: string;
}

export interface LanguageRepo {
  dir: string;
  /** The commit made from `files`, or undefined when no files were given. */
  head: string | undefined;
}

/** `git init -b main` with a local identity and signing and background maintenance off. */
export async function makeLanguageRepo(dir: string, options: MakeLanguageRepoOptions = {}): Promise<LanguageRepo> {
  await mkdir(dir, { recursive: true });
  await git(['init', '--quiet', '-b', 'main', dir]);
  const gitDir = join(dir, '.git');
  await configure(gitDir, [
    ['user.name', TEST_IDENTITY.name],
    ['user.email', TEST_IDENTITY.email],
    ...QUIET_CONFIG,
  ]);
  if (options.origin !== undefined) await git(['remote', 'add', 'origin', options.origin], { cwd: dir });
  if (options.files === undefined) return { dir, head: undefined };
  // fast-import writes one pack instead of a loose object per file and tree, which is most of the
  // time on slow disks; checkout then writes the working tree and a fully stat'ed index.
  const head = await commitFiles(gitDir, options.files, { message: options.message ?? 'Initial commit' });
  await git(['reset', '--hard', '--quiet', head], { cwd: dir });
  return { dir, head };
}

/** Writes files into a working tree, stages exactly those paths and commits them. */
export async function commitWorkingFiles(dir: string, files: FileMap, message: string): Promise<string> {
  const paths: string[] = [];
  for (const [path, content] of entriesOf(files)) {
    const target = join(dir, path);
    if (content === null) {
      await git(['rm', '--quiet', '--cached', '--ignore-unmatch', '--', path], { cwd: dir, env: { GIT_LITERAL_PATHSPECS: '1' } });
      await rm(target, { force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
      paths.push(path);
    }
  }
  // Paths go through stdin so thousands of them never hit the argument-length limit.
  if (paths.length > 0) {
    await git(['add', '--pathspec-from-file=-', '--pathspec-file-nul'], {
      cwd: dir,
      input: paths.join('\0'),
      env: { GIT_LITERAL_PATHSPECS: '1' },
    });
  }
  await git(['commit', '--quiet', '--allow-empty', '--no-verify', '-m', message], { cwd: dir });
  return git(['rev-parse', 'HEAD'], { cwd: dir });
}

/** `<serverRoot>/<name>.git` for a repository name such as `Azure/azure-sdk-assets`. */
export function bareRepoPath(serverRoot: string, name: string): string {
  return join(serverRoot, ...name.split('/')) + '.git';
}

/**
 * Creates `<serverRoot>/<name>.git`, bare, configured like a server that serves partial clones
 * (`--filter=blob:none`, blobs fetched by id later) and accepts pushes from them.
 */
export async function makeBareAssetsRepo(serverRoot: string, name = 'Azure/azure-sdk-assets'): Promise<string> {
  const path = bareRepoPath(serverRoot, name);
  await mkdir(dirname(path), { recursive: true });
  await git(['init', '--quiet', '--bare', '-b', 'main', path]);
  await configure(path, [
    ['user.name', TEST_IDENTITY.name],
    ['user.email', TEST_IDENTITY.email],
    ...QUIET_CONFIG,
    ...SERVER_CONFIG,
  ]);
  return path;
}

export interface CommitFilesOptions {
  /** Branch to commit on (created if missing). Default `main`. */
  branch?: string;
  /** Parent commit; default the branch tip, if the branch exists. */
  parent?: string;
  /** Start from an empty tree instead of the parent's. */
  replace?: boolean;
  message?: string;
  /** Seconds since the epoch; a fixed default keeps commit ids reproducible. */
  date?: number;
  /** Also create this lightweight tag on the new commit. */
  tag?: string;
}

/** 2024-01-01T00:00:00Z: the default date of fixture commits. */
export const FIXTURE_EPOCH = 1_704_067_200;

/**
 * Commits files straight into a (bare) repository with `git fast-import`: no clone, no working
 * tree. Paths are relative to the repository root. Returns the new commit id.
 */
export async function commitFiles(gitDir: string, files: FileMap, options: CommitFilesOptions = {}): Promise<string> {
  const branch = options.branch ?? 'main';
  const ref = `refs/heads/${branch}`;
  const parent = options.parent ?? (await resolveCommit(gitDir, ref));
  const writer = await FastImportWriter.start(gitDir);
  try {
    await writer.commit({
      ref,
      mark: 1,
      ...(parent === undefined ? {} : { from: parent }),
      message: options.message ?? 'Automatic asset update from test-proxy.',
      date: options.date ?? FIXTURE_EPOCH,
      deleteAll: options.replace ?? false,
    });
    for (const [path, content] of entriesOf(files)) {
      if (content === null) await writer.delete(path);
      else await writer.modify(path, content);
    }
    if (options.tag !== undefined) await writer.reset(`refs/tags/${options.tag}`, ':1');
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const marks = await writer.finish();
  const commit = marks.get(1);
  if (commit === undefined) throw new Error(`fast-import into ${gitDir} reported no commit`);
  return commit;
}

/** The commit id `commitish` names, or undefined when it does not exist. */
export async function resolveCommit(gitDir: string, commitish: string): Promise<string | undefined> {
  const { stdout, exitCode } = await runGit(['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${commitish}^{commit}`], {
    allowFailure: true,
  });
  return exitCode === 0 ? stdout.toString('utf8').trim() : undefined;
}

export interface TagOptions {
  /** Annotated tag with this message instead of a lightweight one. */
  message?: string;
  /** Move an existing tag. */
  force?: boolean;
}

/** Tags `commitish` in a bare or non-bare repository (`gitDir` is the .git dir or the bare repo). */
export async function tagCommit(gitDir: string, tag: string, commitish: string, options: TagOptions = {}): Promise<void> {
  const args = ['--git-dir', gitDir, 'tag'];
  if (options.force) args.push('--force');
  if (options.message !== undefined) args.push('--annotate', '--message', options.message);
  await git([...args, tag, commitish]);
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  id: string;
  /** Bytes, for blobs. */
  size: number;
}

function treeish(commitish: string, path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  return clean === '' ? `${commitish}^{tree}` : `${commitish}:${clean}`;
}

/**
 * Every file under `path` at `commitish`, recursively, keyed by path relative to `path`.
 * Read from the object database; nothing is checked out. Empty when the path does not exist.
 */
export async function listTreeAt(gitDir: string, commitish: string, path = ''): Promise<Map<string, TreeEntry>> {
  const { stdout, exitCode } = await runGit(['--git-dir', gitDir, 'ls-tree', '-r', '-l', '-z', treeish(commitish, path)], {
    allowFailure: true,
  });
  const entries = new Map<string, TreeEntry>();
  if (exitCode !== 0) {
    if ((await resolveCommit(gitDir, commitish)) === undefined) {
      throw new Error(`${commitish} is not a commit in ${gitDir}`);
    }
    return entries;
  }
  for (const record of stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, id, size] = record.slice(0, tab).split(/\s+/);
    entries.set(record.slice(tab + 1), {
      mode: mode as string,
      type: type as TreeEntry['type'],
      id: id as string,
      size: size === '-' ? 0 : Number(size),
    });
  }
  return entries;
}

/** Contents of every file under `path` at `commitish`, keyed by path relative to `path`. */
export async function listFilesAt(gitDir: string, commitish: string, path = ''): Promise<Map<string, Buffer>> {
  const tree = await listTreeAt(gitDir, commitish, path);
  const blobs = [...tree].filter(([, entry]) => entry.type === 'blob');
  const files = new Map<string, Buffer>();
  if (blobs.length === 0) return files;
  const { stdout } = await runGit(['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: blobs.map(([, entry]) => `${entry.id}\n`).join(''),
  });
  let offset = 0;
  for (const [relPath] of blobs) {
    const newline = stdout.indexOf(0x0a, offset);
    const header = stdout.subarray(offset, newline).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (!Number.isInteger(size)) throw new Error(`unexpected cat-file output: ${header}`);
    files.set(relPath, stdout.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return files;
}

/**
 * Every regular file under `dir` on disk, keyed by `/`-separated path relative to `dir`, for
 * byte comparison with listFilesAt. Directories named in `exclude` (e.g. `.git`) are skipped.
 */
export async function readFilesInDir(dir: string, options: { exclude?: string[] } = {}): Promise<Map<string, Buffer>> {
  const exclude = new Set(options.exclude ?? ['.git']);
  const files = new Map<string, Buffer>();
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      if (exclude.has(entry.name)) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.set(relative(dir, full).split(sep).join('/'), await readFile(full));
    }
  };
  await walk(dir);
  return files;
}
