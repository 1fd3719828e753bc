import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import type { GlobalOptions } from '../result.js';

/** The Azure test-proxy's options for its asset verbs (restore, push, reset, config show/locate). */
export interface ProxyVerbFlags {
  /** `-a, --assets-json-path`: an assets.json, or the folder holding one (repeatable for restore). */
  assetsJsonPath?: string[];
  /** `-l, --storage-location`: where relative `-a` paths are read from. */
  storageLocation?: string;
  layout?: string;
}

export interface ProxyVerbInput {
  globals: GlobalOptions;
  paths: string[];
  layout: string | undefined;
}

/**
 * Turns the proxy's options into what asset-sync's handlers take, so scripts written for the
 * proxy's CLI can call asset-sync instead. A relative `-a` is read from `-l`, else
 * TEST_PROXY_FOLDER, else the working directory, as the proxy reads it; the command then runs in
 * the language repo of the first assets.json named, in the test-proxy layout (the folders the
 * proxy itself restores and pushes in) unless --layout says otherwise. Without `-a`, `-l` is the
 * directory to run in.
 */
export function applyProxyFlags(globals: GlobalOptions, paths: string[], flags: ProxyVerbFlags, env: NodeJS.ProcessEnv = process.env): ProxyVerbInput {
  const named = flags.assetsJsonPath ?? [];
  if (named.length === 0) {
    return { globals: flags.storageLocation ? { ...globals, cwd: resolve(globals.cwd, flags.storageLocation) } : globals, paths, layout: flags.layout };
  }
  const base = resolve(globals.cwd, flags.storageLocation ?? env['TEST_PROXY_FOLDER'] ?? '.');
  const files = named.map((given) => assetsJsonAt(resolve(base, given), given));
  return {
    globals: { ...globals, cwd: dirname(files[0]!) },
    paths: [...paths.map((p) => resolve(globals.cwd, p)), ...files],
    layout: flags.layout ?? 'test-proxy',
  };
}

/** The one path of a single-package verb (push, reset, locate, config show). */
export function singlePath(verb: string, paths: string[]): string | undefined {
  if (paths.length > 1) {
    throw new AssetSyncError('USAGE', `${verb} works on one assets.json at a time, found ${paths.length}: ${paths.join(', ')}`, { hint: `Run asset-sync ${verb} once per package.` });
  }
  return paths[0];
}

/** As the proxy resolves `-a`: the path is the assets.json, or a folder holding one; nothing is looked for above it. */
function assetsJsonAt(path: string, given: string): string {
  const file = statSync(path, { throwIfNoEntry: false })?.isDirectory() ? join(path, 'assets.json') : path;
  if (statSync(file, { throwIfNoEntry: false })?.isFile() !== true) {
    throw new AssetSyncError('ASSETS_JSON_NOT_FOUND', `-a ${given}: there is no assets.json at ${file}`, {
      hint: 'Pass an assets.json or the folder that holds it; a relative path is read from -l/--storage-location, else TEST_PROXY_FOLDER, else the working directory.',
    });
  }
  return file;
}
