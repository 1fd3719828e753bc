import { createHash } from 'node:crypto';
import { pinKey } from '@asset-sync/assets-json';
import type { PackageEntry } from './types.js';

/** Bumped when what the key covers changes, so caches made by an older rule are not reused. */
const KEY_FORMAT = 'asset-sync cache-key 1';

/**
 * A key for a CI cache of the store: a hash of what restore fetches for these assets.json files
 * (per package folder: assets repo, prefix and pin), so it changes exactly when one of those
 * does, and not with the file's formatting, its other fields (TagPrefix), the order of the
 * files, the machine or the checkout path. An invalid assets.json counts as "invalid" at its path.
 */
export function cacheKey(entries: readonly PackageEntry[]): string {
  const lines = entries.map((e) => {
    if (!e.settings || e.problems.length > 0) return `${e.packagePath}\tinvalid`;
    return [e.packagePath, e.settings.assetsRepo, e.settings.prefix, pinKey(e.settings.pin)].join('\t');
  });
  const text = [KEY_FORMAT, ...[...new Set(lines)].sort()].join('\n');
  return createHash('sha256').update(text).digest('hex');
}
