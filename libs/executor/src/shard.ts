import { createHash } from 'node:crypto';
import { AssetSyncError } from '@asset-sync/errors';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `<i>/<n>` (1 <= i <= n), as `--shard` takes it. */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new AssetSyncError('USAGE', `--shard must be <i>/<n> with 1 <= i <= n, found "${value}"`, {
      hint: 'For the second of four CI machines: --shard 2/4. Every package is in exactly one shard.',
    });
  }
  return { index, count };
}

/**
 * The shard a package belongs to, from a hash of its folder path: the same on every machine and
 * in every run, whatever else the repo holds, so each of n machines restores a fixed part and
 * together they restore every package exactly once. A package moves between shards only when n
 * changes (or the package moves).
 */
export function shardOf(packagePath: string, count: number): number {
  const digest = createHash('sha256').update(packagePath).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(packagePath: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardOf(packagePath, shard.count) === shard.index;
}
