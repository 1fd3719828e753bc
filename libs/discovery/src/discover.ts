import { dirname, posix, relative, resolve } from 'node:path';
import fastGlob from 'fast-glob';
import { effectiveBranch, pinOf, readAssetsJson, type AssetsJson, type Dialect, type WrittenPin } from '@asset-sync/assets-json';
import type { AssetSyncConfig } from '@asset-sync/config';
import type { Problem } from '@asset-sync/errors';
import { ASSETS_JSON, findRepoRoot, isInside, toPosixPath } from './repo.js';
import { recordedMatches, recordingFs, type WalkCacheOptions } from './walk-cache.js';

/** One assets.json of a language repo. A broken file is an entry with problems. */
export interface AssetsJsonEntry {
  /** Relative to the repo root, with forward slashes: `sdk/tables/azure-data-tables/assets.json`. */
  path: string;
  absPath: string;
  /** The folder the assets.json governs, relative to the repo root; '' at the root. */
  packagePath: string;
  dialect?: Dialect;
  assetsRepo?: string;
  prefixPath?: string;
  pin?: WrittenPin;
  /** Branch dialect: `AssetsRepoBranch` as written, or `auto/<service>`. */
  branch?: string;
  value?: AssetsJson;
  /** The file's text as read, for in-place edits. */
  text?: string;
  problems: Problem[];
}

export type DiscoveryConfig = Pick<AssetSyncConfig, 'discovery' | 'assetsDir' | 'concurrency'>;

/**
 * Reads one assets.json the way `discoverAll` does. `path` is absolute or relative to the
 * current directory; without `repoRoot` the enclosing git repository is found.
 */
export async function discoverOne(path: string, repoRoot?: string): Promise<AssetsJsonEntry> {
  const absPath = resolve(path);
  const root = repoRoot === undefined ? await findRepoRoot(dirname(absPath)) : resolve(repoRoot);
  const rel = toPosixPath(relative(root, absPath));
  const packageDir = posix.dirname(rel);
  const entry: AssetsJsonEntry = { path: rel, absPath, packagePath: packageDir === '.' ? '' : packageDir, problems: [] };

  const result = await readAssetsJson(absPath, rel);
  if (result.text !== undefined) entry.text = result.text;
  if (!result.ok) {
    entry.problems = result.problems;
    return entry;
  }
  const value = result.value;
  if (value.dialect === 'branch') {
    const branch = effectiveBranch(entry.packagePath, value.branch);
    if ('wrong' in branch) {
      entry.problems.push({
        file: rel,
        field: 'AssetsRepoBranch',
        message: `"AssetsRepoBranch" must be a git branch name, found nothing (${branch.wrong})`,
        hint: 'set "AssetsRepoBranch" to a branch such as "auto/tables"',
      });
      return entry;
    }
    entry.branch = branch.branch;
  }
  entry.value = value;
  entry.dialect = value.dialect;
  entry.assetsRepo = value.assetsRepo;
  entry.prefixPath = value.prefixPath;
  entry.pin = pinOf(value);
  return entry;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Every assets.json of a language repo matched by `config.discovery.globs`, nested ones
 * included, sorted by path (plain string order) so runs are deterministic. node_modules, .git,
 * .assets and the configured assets dir are never searched, and symbolic links are not followed.
 * With `cache`, the walk is recorded there and the next call checks that record against the disk
 * (a stat of each folder) instead of walking again.
 */
export async function discoverAll(repoRoot: string, config: DiscoveryConfig, options: { cache?: WalkCacheOptions } = {}): Promise<AssetsJsonEntry[]> {
  const root = resolve(repoRoot);
  const ignore = [...config.discovery.ignore];
  const assetsDir = resolve(root, config.assetsDir);
  if (isInside(root, assetsDir) && assetsDir !== root) {
    ignore.push(`${fastGlob.escapePath(toPosixPath(relative(root, assetsDir)))}/**`);
  }
  const { paths, written } = walk(root, config.discovery.globs, ignore, options.cache);
  // Only files named exactly assets.json are assets.json files, whatever a glob matched.
  const matches = paths.filter((path) => posix.basename(path) === ASSETS_JSON).sort();
  // Reading is I/O: many reads in flight hide the latency; parsing is cheap next to it.
  const entries = await mapLimit(matches, Math.max(32, config.concurrency.local), (path) =>
    discoverOne(resolve(root, ...path.split('/')), root),
  );
  await written;
  return entries.sort(byPath);
}

/** The paths the globs match, from the recorded walk when the disk agrees with it, else by walking (and recording). */
function walk(root: string, globs: string[], ignore: string[], cache: WalkCacheOptions | undefined): { paths: string[]; written: Promise<void> } {
  const key = JSON.stringify({ root, globs, ignore });
  const recorded = cache ? recordedMatches(cache, root, key) : undefined;
  if (recorded) return { paths: recorded.matches, written: recorded.written };
  const recording = cache ? recordingFs(cache, root, key) : undefined;
  // The synchronous walk, on purpose: the async one queues a promise and a thread-pool trip per
  // folder, and took 90–160 ms where this takes 35 ms on a repo of 1,700 folders. Nothing else
  // runs while discovery does, so blocking the event loop costs nothing.
  const paths = fastGlob.sync(globs, {
    cwd: root,
    ignore,
    // Directories, links and pipes named assets.json are found too, so each is reported as a problem.
    onlyFiles: false,
    followSymbolicLinks: false,
    caseSensitiveMatch: true,
    unique: true,
    // An unreadable folder is skipped rather than stopping discovery of all the others.
    suppressErrors: true,
    ...(recording ? { fs: recording.fs as never } : {}),
  });
  return { paths, written: recording ? recording.save(paths) : Promise.resolve() };
}

function isBelow(packagePath: string, ancestor: string): boolean {
  return ancestor === '' ? packagePath !== '' : packagePath.startsWith(`${ancestor}/`);
}

/**
 * For each entry (by `path`), the package paths of the assets.json files below it. A recording
 * belongs to its nearest assets.json, so push and status leave these folders out.
 */
export function nestedPackagePaths(entries: readonly AssetsJsonEntry[]): Map<string, string[]> {
  const nested = new Map<string, string[]>();
  for (const entry of entries) {
    nested.set(
      entry.path,
      entries
        .filter((other) => other !== entry && isBelow(other.packagePath, entry.packagePath))
        .map((other) => other.packagePath)
        .sort(),
    );
  }
  return nested;
}

/** The entry a repo-relative path belongs to: the nearest assets.json at or above it. */
export function owningEntry(entries: readonly AssetsJsonEntry[], path: string): AssetsJsonEntry | undefined {
  const target = toPosixPath(path).replace(/\/+$/, '');
  let owner: AssetsJsonEntry | undefined;
  for (const entry of entries) {
    const owns = entry.packagePath === '' || target === entry.packagePath || target.startsWith(`${entry.packagePath}/`);
    if (owns && (owner === undefined || entry.packagePath.length > owner.packagePath.length)) owner = entry;
  }
  return owner;
}


