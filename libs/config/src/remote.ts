import { AssetSyncError, describeValue, redact } from '@asset-sync/errors';
import { checkAssetsRepo } from '@asset-sync/assets-json';
import { DEFAULT_REMOTE_URL_TEMPLATE } from './defaults.js';
import type { AssetSyncConfig, ConfigSource } from './load.js';
import { checkCloneUrl, expandUrlTemplate, sshRemoteOf } from './url.js';

export interface RemoteUrl {
  url: string;
  /** Which rule chose it: an explicit remote, an explicit template, the origin's SSH host, or the default. */
  from: 'remotes' | 'template' | 'origin' | 'default';
  /** Where the remote or template was configured. */
  source: ConfigSource | 'origin';
}

export interface RemoteUrlOptions {
  /** The language repo's `origin` URL: an SSH origin makes the assets repo clone over SSH too. */
  originUrl?: string;
}

function lookup(remotes: Record<string, string>, assetsRepo: string): string | undefined {
  if (Object.hasOwn(remotes, assetsRepo)) return remotes[assetsRepo];
  // GitHub names are case-insensitive; an exact key still wins.
  const key = Object.keys(remotes).find((candidate) => candidate.toLowerCase() === assetsRepo.toLowerCase());
  return key === undefined ? undefined : remotes[key];
}

/**
 * How the clone URL of an assets repo is chosen, and why: `remotes[repo]` wins; then an explicit
 * template (environment, then asset-sync.yaml); then, when the language repo's origin is SSH, the
 * same host over SSH; then `https://github.com/{repo}.git`.
 *
 * @throws AssetSyncError ASSETS_JSON_INVALID for an assets repo that is not `owner/name`,
 *   CONFIG_INVALID when the URL made is not a safe clone URL.
 */
export function resolveRemoteUrl(config: AssetSyncConfig, assetsRepo: string, options: RemoteUrlOptions = {}): RemoteUrl {
  const wrongRepo = checkAssetsRepo(assetsRepo);
  if (wrongRepo !== undefined) {
    throw new AssetSyncError(
      'ASSETS_JSON_INVALID',
      `"AssetsRepo" must be an assets repo as "owner/name", found ${describeValue(assetsRepo)}, ${wrongRepo}`,
      { hint: 'set "AssetsRepo" to the assets repo as "owner/name", e.g. "Azure/azure-sdk-assets"' },
    );
  }

  let chosen: RemoteUrl;
  const remote = lookup(config.remotes, assetsRepo);
  const templateSource = config.sources['remoteUrlTemplate'] ?? 'default';
  const ssh = options.originUrl === undefined ? undefined : sshRemoteOf(options.originUrl);
  if (remote !== undefined) {
    chosen = { url: remote, from: 'remotes', source: 'asset-sync.yaml' };
  } else if (templateSource !== 'default') {
    chosen = { url: expandUrlTemplate(config.remoteUrlTemplate, assetsRepo), from: 'template', source: templateSource };
  } else if (ssh !== undefined) {
    const template = ssh.port === undefined ? `git@${ssh.host}:{repo}.git` : `ssh://git@${ssh.host}:${ssh.port}/{repo}.git`;
    chosen = { url: expandUrlTemplate(template, assetsRepo), from: 'origin', source: 'origin' };
  } else {
    chosen = { url: expandUrlTemplate(DEFAULT_REMOTE_URL_TEMPLATE, assetsRepo), from: 'default', source: 'default' };
  }

  const wrong = checkCloneUrl(chosen.url);
  if (wrong !== undefined) {
    throw new AssetSyncError(
      'CONFIG_INVALID',
      redact(`the clone URL of ${assetsRepo} must be a clone URL, found ${describeValue(chosen.url)}, ${wrong}`),
      { hint: 'fix "remotes" or "remoteUrlTemplate" in asset-sync.yaml, or ASSET_SYNC_REMOTE_URL_TEMPLATE' },
    );
  }
  return chosen;
}

/** The clone URL of an assets repo; see `resolveRemoteUrl` for the rules. */
export function remoteUrlFor(config: AssetSyncConfig, assetsRepo: string, options: RemoteUrlOptions = {}): string {
  return resolveRemoteUrl(config, assetsRepo, options).url;
}
