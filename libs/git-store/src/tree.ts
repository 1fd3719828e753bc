import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import { runGit } from './run.js';

const ZERO_OID = '0'.repeat(40);
const HEX40 = /^[0-9a-f]{40}$/;

/** Who a commit is by: from GIT_COMMIT_OWNER / GIT_COMMIT_EMAIL, or git config. */
export interface Identity {
  name: string;
  email: string;
}

/** One line of a temporary index: a blob (or a subtree's blob) at a path, or its removal. */
export interface IndexLine {
  path: string;
  /** null removes the path. */
  blob: { oid: string; mode: string } | null;
}

/** An index file of its own, so building a tree never touches a checkout's index or files. */
export interface TemporaryIndex {
  /** `GIT_INDEX_FILE` for git commands that should use it. */
  env: { GIT_INDEX_FILE: string };
  /** Sets or removes paths (update-index --index-info; ids only, no file contents needed). */
  update(lines: IndexLine[]): Promise<void>;
  /** Paths in the index below a folder ('' for all). */
  list(folder?: string): Promise<string[]>;
  /** Writes the tree. `--missing-ok`: in a blob-less store, checking every blob would fetch them one by one. */
  writeTree(): Promise<string>;
}

/**
 * Runs `work` with a temporary index in `gitDir`, read from `base` (a commit or tree; none for an
 * empty index), and removes it afterwards whatever happens. Every commit asset-sync builds (push,
 * resolve, merge, migrate) starts here.
 */
export async function withTemporaryIndex<T>(gitDir: string, base: string | undefined, work: (index: TemporaryIndex) => Promise<T>, cwd = gitDir): Promise<T> {
  const file = join(gitDir, `asset-sync-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  const env = { GIT_INDEX_FILE: file };
  const git = (args: string[], input?: string) => runGit(args, { cwd, env, ...(input === undefined ? {} : { input }) });
  try {
    if (base !== undefined && !HEX40.test(base)) throw new AssetSyncError('GIT_FAILED', `not an object id: ${base}`);
    await git(base === undefined ? ['read-tree', '--empty'] : ['read-tree', base]);
    return await work({
      env,
      async update(lines) {
        if (lines.length === 0) return;
        const input = lines.map((l) => (l.blob ? `${l.blob.mode} ${l.blob.oid}\t${l.path}` : `0 ${ZERO_OID}\t${l.path}`)).join('\0') + '\0';
        await git(['update-index', '-z', '--index-info'], input);
      },
      async list(folder = '') {
        const listed = await git(['ls-files', '-z', '--cached', '--', folder === '' ? ':(top)' : `:(top,literal)${folder}`]);
        return listed.stdout.split('\0').filter(Boolean);
      },
      async writeTree() {
        return (await git(['write-tree', '--missing-ok'])).stdout.trim();
      },
    });
  } finally {
    await rm(file, { force: true });
    await rm(`${file}.lock`, { force: true });
  }
}

/** A commit of `tree` with these parents, by `identity`, never signed (runGit turns signing off). */
export async function commitTree(
  cwd: string,
  tree: string,
  parents: string[],
  message: string,
  identity?: Identity,
  date?: Date,
): Promise<string> {
  const when = date ? `${Math.floor(date.getTime() / 1000)} +0000` : undefined;
  const env = {
    ...(identity
      ? { GIT_AUTHOR_NAME: identity.name, GIT_AUTHOR_EMAIL: identity.email, GIT_COMMITTER_NAME: identity.name, GIT_COMMITTER_EMAIL: identity.email }
      : {}),
    ...(when ? { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when } : {}),
  };
  const commit = (
    await runGit(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], { cwd, env, input: message.endsWith('\n') ? message : `${message}\n` })
  ).stdout.trim();
  if (!HEX40.test(commit)) throw new AssetSyncError('GIT_FAILED', `git commit-tree printed no commit id: ${commit}`);
  return commit;
}
