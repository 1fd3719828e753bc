import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { AssetSyncError } from '@asset-sync/errors';
import { discoverAll, discoverOne, findGoverningAssetsJson } from '@asset-sync/discovery';
import { inShard, type Shard } from './shard.js';
import { stateDir } from './state.js';
import type { PackageEntry, Workspace } from './types.js';
import { toPackageEntry } from './workspace.js';

export interface SelectOptions {
  /** Every discovered assets.json. */
  all?: boolean;
  /** Directories or assets.json files; each selects the assets.json governing it. */
  paths?: string[];
  /** Globs on the assets.json path or its folder (relative to the repo root), e.g. `sdk/storage/**`. */
  filter?: string[];
  /** With `all` or `filter`: only the packages of this shard (see shardOf). */
  shard?: Shard;
  /**
   * The command creates the assets dir anyway (restore): the record of the repo walk may create
   * it first. Otherwise the record is written only where the assets dir already has its state folder.
   */
  createsAssetsDir?: boolean;
}

export interface Selection {
  entries: PackageEntry[];
  /** Every assets.json discovered (for --all), or the ones nested below the selected ones. */
  context: PackageEntry[];
  /** True when `entries` is every assets.json of the repo. */
  complete: boolean;
}

/** Where the record of the last walk of the language repo is kept (see discoverAll). */
export function walkRecordPath(assetsDir: string): string {
  return join(stateDir(assetsDir), 'walk.json');
}

/** Which assets.json files a command works on. */
export async function selectPackages(workspace: Workspace, options: SelectOptions): Promise<Selection> {
  const filters = options.filter?.filter(Boolean) ?? [];
  if (options.shard && !options.all && filters.length === 0) {
    throw new AssetSyncError('USAGE', '--shard splits the packages of --all (or --filter) between machines; it needs one of them', {
      hint: 'Run: asset-sync restore --all --shard <i>/<n>',
    });
  }
  if (options.all || filters.length > 0) {
    const cache = { file: walkRecordPath(workspace.assetsDir), create: options.createsAssetsDir === true };
    const discovered = (await discoverAll(workspace.repoRoot, workspace.config, { cache })).map(toPackageEntry);
    const matchers = filters.map((glob) => picomatch(glob.replace(/\/+$/, ''), { dot: true }));
    const matches = (e: PackageEntry): boolean =>
      matchers.some((m) => m(e.path) || m(e.packagePath) || m(`${e.packagePath}/`) || isBelowGlobBase(e.packagePath, filters));
    const entries = filters.length > 0 ? discovered.filter(matches) : discovered;
    if (filters.length > 0 && entries.length === 0) {
      throw new AssetSyncError('USAGE', `--filter ${filters.join(' ')} matches none of the ${discovered.length} assets.json files`, {
        hint: 'Filters match the assets.json path or its folder relative to the repo root, e.g. --filter "sdk/storage/**".',
      });
    }
    const sharded = entries.filter((e) => inShard(e.packagePath, options.shard));
    return { entries: sharded, context: discovered, complete: filters.length === 0 && options.shard === undefined };
  }
  const paths = options.paths?.length ? options.paths : ['.'];
  const entries: PackageEntry[] = [];
  for (const path of paths) {
    const absolute = resolve(workspace.cwd ?? workspace.repoRoot, path);
    const rel = relative(workspace.repoRoot, absolute);
    if (rel.startsWith('..') || resolve(rel) === rel) {
      throw new AssetSyncError('USAGE', `${path} is outside the language repo ${workspace.repoRoot}`, {
        hint: 'Run asset-sync inside the language repo, or pass -C <repo>.',
      });
    }
    const file = await findGoverningAssetsJson(absolute, workspace.repoRoot);
    entries.push(toPackageEntry(await discoverOne(file, workspace.repoRoot)));
  }
  const unique = [...new Map(entries.map((e) => [e.path, e])).values()];
  return { entries: unique, context: await nestedPackages(workspace, unique), complete: false };
}

/**
 * The assets.json files at and below the selected packages (the CLI's paths, the Nx executor's
 * projects): a nested package's folder is left out of the package above it.
 */
export async function nestedPackages(workspace: Pick<Workspace, 'repoRoot' | 'config'>, entries: readonly PackageEntry[]): Promise<PackageEntry[]> {
  const globs = [...new Set(entries.map((e) => (e.packagePath ? `${globEscape(e.packagePath)}/**/assets.json` : '**/assets.json')))];
  if (globs.length === 0) return [];
  const found = await discoverAll(workspace.repoRoot, { ...workspace.config, discovery: { ...workspace.config.discovery, globs } });
  return found.map(toPackageEntry);
}

function isBelowGlobBase(packagePath: string, filters: string[]): boolean {
  // A plain folder given as a filter (`sdk/storage`) selects everything below it.
  return filters.some((f) => !/[*?[\]{}()!]/.test(f) && (packagePath === f.replace(/\/+$/, '') || packagePath.startsWith(f.replace(/\/+$/, '') + '/')));
}

function globEscape(path: string): string {
  return path.split(sep).join('/').replace(/[*?[\]{}()!]/g, (c) => `\\${c}`);
}
