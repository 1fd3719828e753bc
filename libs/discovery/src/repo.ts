import { readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';

export const ASSETS_JSON = 'assets.json';

/** `a/b` on every platform: paths in entries and messages use forward slashes. */
export function toPosixPath(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Whether `path` is `root` or inside it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A path for messages: relative to the repo root when inside it, absolute otherwise. */
function display(repoRoot: string, path: string): string {
  if (!isInside(repoRoot, path)) return path;
  const rel = toPosixPath(relative(repoRoot, path));
  return rel === '' ? 'the repository root' : rel;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * The root of the git repository holding `dir`: the nearest folder, `dir` included, that has a
 * `.git` folder or file (worktrees and submodules have a file).
 *
 * @throws AssetSyncError NOT_A_REPO when there is none up to the filesystem root.
 */
export async function findRepoRoot(dir: string): Promise<string> {
  const start = resolve(dir);
  for (let current = start; ; current = dirname(current)) {
    if (await exists(join(current, '.git'))) return current;
    if (dirname(current) === current) break;
  }
  throw new AssetSyncError('NOT_A_REPO', `${start} is not inside a git repository: no .git in it or any folder above`, {
    hint: 'run asset-sync inside a clone of a language repo, e.g. azure-sdk-for-python',
  });
}

/** Whether a folder holds a regular file named exactly `assets.json` (case-sensitive, on any file system). */
async function hasAssetsJson(dir: string): Promise<boolean> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.some((entry) => entry.name === ASSETS_JSON && entry.isFile());
  } catch {
    // A folder that does not exist yet (recordings not restored) has none; its parents may.
    return false;
  }
}

/**
 * The assets.json governing `dir`: the nearest one in `dir` or a folder above it, stopping at
 * the repository root (inclusive) or the filesystem root. `dir` may be a file, or a folder that
 * does not exist yet. Returns the absolute path.
 *
 * @throws AssetSyncError ASSETS_JSON_NOT_FOUND naming where it looked.
 */
export async function findGoverningAssetsJson(dir: string, repoRoot: string): Promise<string> {
  const root = resolve(repoRoot);
  let start = resolve(dir);
  const info = await stat(start).catch(() => undefined);
  if (info?.isFile()) {
    if (start.endsWith(`${sep}${ASSETS_JSON}`) && (await hasAssetsJson(dirname(start)))) return start;
    start = dirname(start);
  }
  const stopsAtRoot = isInside(root, start);
  for (let current = start; ; current = dirname(current)) {
    if (await hasAssetsJson(current)) return join(current, ASSETS_JSON);
    if ((stopsAtRoot && current === root) || dirname(current) === current) break;
  }
  const upTo = stopsAtRoot ? `up to the repository root ${root}` : 'up to the filesystem root';
  throw new AssetSyncError(
    'ASSETS_JSON_NOT_FOUND',
    `no ${ASSETS_JSON} in ${display(root, start)} or any folder above it, ${upTo}`,
    { hint: `run asset-sync init in the package folder to create one` },
  );
}
