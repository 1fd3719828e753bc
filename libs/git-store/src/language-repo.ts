import { runGit } from './run.js';
import { simpleGitIn } from './simple.js';
import { assertSafePath } from './store.js';
import { commitTree, withTemporaryIndex, type IndexLine } from './tree.js';

/*
 * The language repo's own git: its settings (identity, origin URL), its working tree's status,
 * staging by exact path, and one commit of only the given paths (migrate). Paths travel
 * NUL-separated on stdin, never on a command line, so spaces, quotes, `%`, non-ASCII and leading
 * dashes are plain bytes to git, and thousands of them overflow nothing.
 */

const HEX40 = /^[0-9a-f]{40}$/;

/** A setting of the language repo's git config (its own, the user's, the system's), or undefined when unset. */
export async function readGitConfig(repoRoot: string, key: string): Promise<string | undefined> {
  const result = await runGit(['config', '--get', key], { cwd: repoRoot, okExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

/** The language repo's `origin` URL (assets repo URLs can be derived from it), or undefined. */
export async function originUrlOf(repoRoot: string): Promise<string | undefined> {
  return readGitConfig(repoRoot, 'remote.origin.url');
}

/** The absolute git dir of a language repo (worktrees included). */
export async function gitDirOf(repoRoot: string): Promise<string> {
  return (await runGit(['rev-parse', '--absolute-git-dir'], { cwd: repoRoot })).stdout.trim();
}

export interface WorkingTreeChange {
  /** Two-letter `git status --porcelain` code, e.g. ` M`, `D `, `??`. */
  code: string;
  path: string;
}

/** Every uncommitted change of the language repo, untracked files included (simple-git's status parser). */
export async function workingTreeChanges(repoRoot: string): Promise<WorkingTreeChange[]> {
  const git = await simpleGitIn(repoRoot, { GIT_OPTIONAL_LOCKS: '0' });
  // simple-git runs `status --porcelain -b -u --null`: NUL-separated, so no path is quoted.
  const status = await git.status(['--untracked-files=all', '--no-renames', '--ignore-submodules']);
  return status.files.map((file) => ({ code: `${file.index}${file.working_dir}`, path: file.path }));
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
