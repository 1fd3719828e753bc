import { describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { parseExpire } from './gc-store.js';

describe('gc --store --expire', () => {
  it.each<[string, number]>([
    ['now', 0],
    ['45s', 45_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
  ])('%s is %i ms', (value, ms) => {
    expect(parseExpire(value)).toBe(ms);
  });

  it.each(['', '1', 'h', '1.5h', '-1h', '1w', 'yesterday'])('refuses %j with a usage error', (value) => {
    let error: unknown;
    try {
      parseExpire(value);
    } catch (e) {
      error = e;
    }
    expect(isAssetSyncError(error, 'USAGE')).toBe(true);
  });
});
