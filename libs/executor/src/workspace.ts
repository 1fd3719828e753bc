import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import { loadConfig, otherRemoteOf, remoteUrlFor } from '@asset-sync/config';
import { originUrlOf, type StoreLocation } from '@asset-sync/git-store';
import { effectiveBranch, pinOf, pinOrFallback, pinTextOf, type AssetsJson, type Pin } from '@asset-sync/assets-json';
import type { Problem } from '@asset-sync/errors';
import type { Layout } from '@asset-sync/planner';
import type { PackageEntry, Workspace } from './types.js';

export interface OpenWorkspaceOptions {
  layout?: Layout;
  env?: NodeJS.ProcessEnv;
  /** Where the command was started; relative paths are read from here. */
  cwd?: string;
}

/**
 * The language repo a command works in, its effective config, and how assets repos map to URLs.
 * In the test-proxy layout, PROXY_ASSETS_FOLDER sets the assets dir, as it does for the proxy.
 */
export async function openWorkspace(repoRoot: string, options: OpenWorkspaceOptions = {}): Promise<Workspace> {
  const env = options.env ?? process.env;
  // Started first, read last: the git process runs while the config files are read and parsed.
  const origin = originUrlOf(repoRoot).catch(() => undefined);
  const config = await loadConfig(repoRoot, env);
  const layout = options.layout ?? 'shared';
  let assetsDir = config.assetsDir;
  const proxyFolder = env['PROXY_ASSETS_FOLDER'];
  if (layout === 'test-proxy' && proxyFolder) {
    assetsDir = isAbsolute(proxyFolder) ? proxyFolder : resolve(repoRoot, proxyFolder);
  }
  if (resolve(assetsDir) === resolve(repoRoot)) {
    throw new AssetSyncError('CONFIG_INVALID', `the assets dir may not be the language repo itself (${assetsDir})`, {
      hint: 'Set assetsDir in asset-sync.yaml (default .assets), ASSET_SYNC_DIR, or PROXY_ASSETS_FOLDER to a folder of its own.',
    });
  }
  const originUrl = await origin;
  const urls = new Map<string, string>();
  const storeDir = config.storeDir ? await realFolder(config.storeDir) : undefined;
  return {
    repoRoot,
    assetsDir,
    ...(storeDir ? { storeDir } : {}),
    layout,
    config,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(originUrl ? { originUrl } : {}),
    concurrency: config.concurrency,
    otherRemote(value) {
      return otherRemoteOf(config, value, originUrl ? { originUrl } : {});
    },
    fallbackRemotes() {
      return config.fallbackRemotes.map((value) => otherRemoteOf(config, value, originUrl ? { originUrl } : {}));
    },
    remoteUrl(assetsRepo) {
      let url = urls.get(assetsRepo);
      if (!url) {
        url = remoteUrlFor(config, assetsRepo, originUrl ? { originUrl } : {});
        urls.set(assetsRepo, url);
      }
      return url;
    },
  };
}

/**
 * The folder with symlinks resolved (as far as it exists): git names a worktree's store by its
 * real path, and a checkout is recognised as the store's by comparing the two.
 */
async function realFolder(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realFolder(parent), basename(path));
  }
}

/** Where the store of an assets repo is for this workspace: in its assets dir, or the shared store. */
export function storeLocation(workspace: Workspace, assetsRepo: string, url: string = workspace.remoteUrl(assetsRepo)): StoreLocation {
  return { assetsDir: workspace.assetsDir, assetsRepo, url, ...(workspace.storeDir ? { storeDir: workspace.storeDir } : {}) };
}

/**
 * What the executor needs from a discovered assets.json. Without `branch` (the file was not read
 * by discovery), a branch-dialect package gets the branch discovery would give it.
 */
export function toPackageEntry(entry: { path: string; absPath?: string; packagePath: string; value?: AssetsJson; branch?: string; problems: Problem[] }): PackageEntry {
  const value = entry.value;
  const base = { path: entry.path, packagePath: entry.packagePath, readAt: Date.now(), ...(entry.absPath ? { absPath: entry.absPath } : {}) };
  if (!value || entry.problems.length > 0) return { ...base, problems: entry.problems };
  const derived = value.dialect === 'branch' && !entry.branch ? effectiveBranch(entry.packagePath, value.branch) : undefined;
  const branch = entry.branch ?? (derived && 'branch' in derived ? derived.branch : undefined);
  return {
    ...base,
    problems: [],
    settings: {
      assetsRepo: value.assetsRepo,
      prefix: value.prefixPath,
      pin: pinRefOf(value),
      dialect: value.dialect,
      pinText: pinTextOf(pinOf(value)),
      fallbackBranch: value.fallbackBranch,
      ...(value.tagPrefix ? { tagPrefix: value.tagPrefix } : {}),
      ...(branch ? { branch } : {}),
    },
  };
}

/** An empty Tag or absent SHA means the head of the fallback branch. */
export function pinRefOf(value: AssetsJson): Pin {
  return pinOrFallback(pinOf(value), value.fallbackBranch);
}
