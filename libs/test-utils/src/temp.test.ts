import { existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { liveTempDirs, makeTempDir, removeTempDir, removeTempDirs, withTempDir } from '@asset-sync/test-utils';

describe('temp dirs', () => {
  it('creates fresh resolved dirs under the OS temp dir and removes them', async () => {
    const a = await makeTempDir('asset-sync-test');
    const b = await makeTempDir('asset-sync-test');
    expect(a).not.toBe(b);
    expect(a.startsWith(realpathSync(tmpdir()))).toBe(true);
    expect(liveTempDirs()).toEqual(expect.arrayContaining([a, b]));
    await removeTempDir(a);
    expect(existsSync(a)).toBe(false);
    await removeTempDirs();
    expect(existsSync(b)).toBe(false);
    expect(liveTempDirs()).not.toContain(b);
  });

  it('withTempDir removes the dir even when the body throws', async () => {
    let seen = '';
    await expect(
      withTempDir('asset-sync-test', async (dir) => {
        seen = dir;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(seen)).toBe(false);
  });
});
