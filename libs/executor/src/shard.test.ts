import { describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { inShard, parseShard, shardOf } from '@asset-sync/executor';

const paths = Array.from({ length: 400 }, (_, i) => `sdk/svc${Math.floor(i / 3)}/azure-pkg-${i}`);

describe('--shard', () => {
  it.each([[1], [2], [3], [7]])('partitions the packages into %i shards: each in exactly one', (count) => {
    const members = Array.from({ length: count }, (_, i) => paths.filter((p) => inShard(p, { index: i + 1, count })));
    expect(members.flat().sort()).toEqual([...paths].sort());
    expect(new Set(members.flat()).size).toBe(paths.length);
    // A hash spreads them: no shard is empty or holds more than twice its share.
    for (const shard of members) {
      expect(shard.length).toBeGreaterThan(0);
      expect(shard.length).toBeLessThan((2 * paths.length) / count);
    }
  });

  it('assigns by the package path alone, the same on every machine', () => {
    // Pinned values (the first four bytes of the path's SHA-256, mod n), so the assignment cannot
    // drift between releases or machines unnoticed.
    expect([1, 2, 3, 4, 5].map((n) => shardOf('sdk/tables/azure-data-tables', n))).toEqual([1, 2, 1, 2, 2]);
  });

  it('parses <i>/<n> and refuses anything else with a usage error', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '2', '2/0', 'a/b', '-1/3', '1/4/2']) {
      let code: string | undefined;
      try {
        parseShard(bad);
      } catch (error) {
        if (isAssetSyncError(error)) code = error.code;
      }
      expect(code, bad).toBe('USAGE');
    }
  });
});
