import { AssetSyncError, describeValue, redact } from '@asset-sync/errors';
import { checkAssetsRepo } from '@asset-sync/assets-json';
import type { AssetSyncConfig } from './load.js';
import { remoteUrlFor, type RemoteUrlOptions } from './remote.js';
import { checkCloneUrl } from './url.js';

/**
 * A remote besides an assets repo's own: a contributor's fork that a push goes to, a fallback
 * that restore reads missing pins from, a backup. It is named either as `owner/name`, whose URL
 * comes from the same rules as an assets repo's (`remotes`, templates, the origin's SSH host), or
 * by a clone URL, which is what a pull-request pipeline knows about the fork it builds.
 */
export interface OtherRemote {
  /** As configured (`owner/name` or the URL), for messages; a URL is redacted. */
  name: string;
  url: string;
}

/** Undefined when `value` is an `owner/name` or a clone URL, otherwise what is wrong with it. */
export function checkOtherRemote(value: string): string | undefined {
  if (looksLikeUrl(value)) return checkCloneUrl(value);
  const wrong = checkAssetsRepo(value);
  return wrong === undefined ? undefined : `${wrong} (nor a clone URL)`;
}

/**
 * The clone URL of a fork, fallback or backup remote.
 *
 * @throws AssetSyncError USAGE when it is neither `owner/name` nor a clone URL.
 */
export function otherRemoteOf(config: AssetSyncConfig, value: string, options: RemoteUrlOptions = {}): OtherRemote {
  const wrong = checkOtherRemote(value);
  if (wrong !== undefined) {
    throw new AssetSyncError('USAGE', redact(`a remote must be "owner/name" or a clone URL, found ${describeValue(value)}, ${wrong}`), {
      hint: 'Name the fork as "owner/name" (its URL comes from remotes / remoteUrlTemplate) or give its clone URL.',
    });
  }
  if (looksLikeUrl(value)) return { name: redact(value), url: value };
  return { name: value, url: remoteUrlFor(config, value, options) };
}

/** URLs, scp-like addresses and absolute paths have a ":" or start with "/"; "owner/name" has neither. */
function looksLikeUrl(value: string): boolean {
  return value.includes(':') || value.startsWith('/') || value.startsWith('\\');
}
