import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { AssetSyncError } from '@asset-sync/errors';

/**
 * One writer per assets dir at a time: parallel CI jobs or test runners that restore together
 * take turns instead of corrupting the store. The lock is refreshed while held and counts as
 * stale once its holder stops refreshing it (a killed run), so nobody waits forever.
 */
export async function acquireLock(assetsDir: string, options: { waitMs?: number } = {}): Promise<() => Promise<void>> {
  const dir = join(assetsDir, '.asset-sync');
  await mkdir(dir, { recursive: true });
  const waitMs = options.waitMs ?? Number(process.env['ASSET_SYNC_LOCK_WAIT_MS'] ?? 10 * 60_000);
  const intervalMs = 250;
  try {
    return await lockfile.lock(dir, {
      lockfilePath: join(dir, 'lock'),
      realpath: false,
      stale: 10_000,
      update: 2_000,
      retries: { retries: Math.max(0, Math.ceil(waitMs / intervalMs)), factor: 1, minTimeout: intervalMs, maxTimeout: intervalMs },
    });
  } catch (error) {
    throw new AssetSyncError('LOCKED', `another asset-sync process holds ${join(dir, 'lock')} and did not finish within ${Math.round(waitMs / 1000)} s`, {
      hint: 'Wait for it to finish; if no asset-sync is running, the lock goes stale by itself after 10 s.',
      cause: error,
    });
  }
}
