import { availableParallelism } from 'node:os';

/** The optional configuration file, at the root of the language repo. */
export const CONFIG_FILE = 'asset-sync.yaml';

/** Environment variables that override asset-sync.yaml. */
export const ENV_REMOTE_URL_TEMPLATE = 'ASSET_SYNC_REMOTE_URL_TEMPLATE';
export const ENV_ASSETS_DIR = 'ASSET_SYNC_DIR';
/** The fork `push` publishes to (a contributor without write access to the assets repo). */
export const ENV_FORK = 'ASSET_SYNC_FORK';
/** Remotes restore reads pins from when the assets repo lacks them, comma-separated (a PR pipeline sets the contributor's fork). */
export const ENV_FALLBACK_REMOTES = 'ASSET_SYNC_FALLBACK_REMOTES';
export const ENV_STORE_DIR = 'ASSET_SYNC_STORE_DIR';

export const DEFAULT_GLOBS: readonly string[] = ['sdk/**/assets.json'];

/** Never searched for assets.json, whatever the configuration says. */
export const ALWAYS_IGNORED: readonly string[] = ['**/node_modules/**', '**/.assets/**', '**/.git/**'];

export const DEFAULT_ASSETS_DIR = '.assets';

export const DEFAULT_REMOTE_URL_TEMPLATE = 'https://github.com/{repo}.git';

export const DEFAULT_NETWORK_CONCURRENCY = 4;

export function defaultLocalConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/** Where each language's test-proxy recordings live in its language repo. */
export const DEFAULT_RECORDINGS: Readonly<Record<string, readonly string[]>> = {
  python: ['sdk/**/tests/recordings'],
  js: ['sdk/**/recordings'],
  net: ['sdk/**/tests/SessionRecords'],
  java: ['sdk/**/src/test/resources/session-records'],
  go: ['sdk/**/testdata/recordings'],
  cpp: ['sdk/**/test/ut/recordings'],
};
