import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { readCheckoutHead, worktreeGitDir } from './checkout.js';
import type { Store } from './store.js';

/**
 * A clone that switches to a shared store (or back) keeps its checkouts: they are worktrees of
 * the store they were made in, so their objects are copied across once, from disk, and the
 * checkout is then repaired as this store's (its files untouched, pending changes kept).
 */

/** The git dir of the other store `dir` is a checkout of, if it is one and it still exists. */
export async function otherStoreOf(store: Store, dir: string): Promise<string | undefined> {
  const gitDir = await worktreeGitDir(dir);
  if (!gitDir || basename(dirname(gitDir)) !== 'worktrees') return undefined;
  const common = dirname(dirname(gitDir));
  if (resolve(common) === resolve(store.gitDir)) return undefined;
  if (!existsSync(join(common, 'HEAD')) || !existsSync(join(common, 'objects'))) return undefined;
  // The same store reached through a symlink is not another one (git writes real paths).
  const real = async (path: string): Promise<string> => realpath(path).catch(() => resolve(path));
  return (await real(common)) === (await real(store.gitDir)) ? undefined : common;
}

/**
 * Copies what the checkout `dir` of the store at `from` holds (its HEAD: tree and file contents)
 * and the history of `commits` (the pins it serves) into this store, in one pack, then drops the
 * checkout's registration there. The other store is lent as an alternate for the copy only, so
 * the pack is written where it belongs, whatever file system the other store is on, and no
 * object is read twice or fetched.
 */
export async function adoptCheckout(store: Store, from: string, dir: string, commits: string[]): Promise<void> {
  const head = await readCheckoutHead(dir);
  const roots = [...new Set([...(head ? [head] : []), ...commits])].filter((c) => /^[0-9a-f]{40}$/.test(c));
  const packDir = join(store.gitDir, 'objects', 'pack');
  const alternates = join(store.gitDir, 'objects', 'info', 'alternates');
  await store.locked(async () => {
    const before = await readFile(alternates, 'utf8').catch(() => undefined);
    await mkdir(dirname(alternates), { recursive: true });
    await writeFile(alternates, `${before ?? ''}${resolve(from, 'objects')}\n`);
    try {
      const hash = (await store.git(['pack-objects', '--revs', '--missing=allow-any', '--quiet', join(packDir, 'pack')], { input: roots.join('\n') + '\n' })).stdout.trim();
      // Marked as the promisor's, like every fetched pack: the file contents it lacks stay promised.
      if (hash) await writeFile(join(packDir, `pack-${hash}.promisor`), '');
    } finally {
      if (before === undefined) await rm(alternates, { force: true });
      else await writeFile(alternates, before);
    }
  });
  const registration = await worktreeGitDir(dir);
  if (registration && resolve(dirname(dirname(registration))) === resolve(from)) await rm(registration, { recursive: true, force: true });
}
