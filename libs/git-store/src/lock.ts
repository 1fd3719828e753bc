import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { AssetSyncError } from '@asset-sync/errors';

/**
 * One writer per assets dir at a time: parallel CI jobs or test runners that restore together
 * take turns instead of corrupting the store. proper-lockfile refreshes the lock while it is held,
 * so a holder that stopped refreshing (a killed run on another machine sharing the folder) goes
 * stale after 10 s; a holder on this machine whose process is gone is taken over at once.
 */
/** Releases the lock; `recovered` says the previous holder died holding it (so git may have left lock files). */
export type ReleaseLock = (() => Promise<void>) & { recovered: boolean };

export async function acquireLock(assetsDir: string, options: { waitMs?: number } = {}): Promise<ReleaseLock> {
  return lockFolder(join(assetsDir, '.asset-sync'), options);
}

/**
 * The lock kept in `dir` (`dir/lock`, its holder named in `dir/lock.owner`), with the rules above:
 * the assets dir's lock and each store's lock are both one of these.
 */
export async function lockFolder(dir: string, options: { waitMs?: number } = {}): Promise<ReleaseLock> {
  const lockPath = join(dir, 'lock');
  const ownerFile = join(dir, 'lock.owner');
  await mkdir(dir, { recursive: true });
  const waitMs = options.waitMs ?? Number(process.env['ASSET_SYNC_LOCK_WAIT_MS'] ?? 10 * 60_000);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const release = await lockfile.lock(dir, { lockfilePath: lockPath, realpath: false, stale: 10_000, update: 2_000, retries: 0 });
      // The owner file outlives a holder that was killed: finding it means a run died mid-way.
      const recovered = existsSync(ownerFile) || existsSync(`${ownerFile}.died`);
      await rm(`${ownerFile}.died`, { force: true });
      await writeFile(ownerFile, `${hostname()} ${process.pid}\n`);
      return Object.assign(
        async () => {
          await rm(ownerFile, { force: true });
          await release();
        },
        { recovered },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (await ownerIsGone(ownerFile)) {
        await takeOver(lockPath, ownerFile);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new AssetSyncError('LOCKED', `another asset-sync process holds ${lockPath} and did not finish within ${Math.round(waitMs / 1000)} s`, {
          hint: 'Wait for it to finish. A lock left by a process that died is taken over automatically.',
          cause: error,
        });
      }
      await sleep(100);
    }
  }
}

/**
 * Removes a lock whose owner died. Waiters that notice it at the same moment serialize on a
 * second directory, and each re-checks the owner under it, so none removes a lock that another
 * has just taken.
 */
async function takeOver(lockPath: string, ownerFile: string): Promise<void> {
  const mutex = `${lockPath}.takeover`;
  try {
    await mkdir(mutex);
  } catch {
    // Someone else is taking over; a mutex left by a process that died mid-takeover expires.
    const age = await stat(mutex).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 30_000) await rm(mutex, { recursive: true, force: true });
    await sleep(50);
    return;
  }
  try {
    if (await ownerIsGone(ownerFile)) {
      await rename(ownerFile, `${ownerFile}.died`).catch(() => undefined);
      await rm(lockPath, { recursive: true, force: true });
    }
  } finally {
    await rm(mutex, { recursive: true, force: true });
  }
}

/** True when the lock's owner ran on this machine and its process no longer exists. */
async function ownerIsGone(ownerFile: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(ownerFile, 'utf8');
  } catch {
    return false;
  }
  const [host, pidText] = text.trim().split(' ');
  return processIsGone(host, Number(pidText));
}

/** True when `pid` ran on this machine (`host`) and no longer exists; never for this process. */
export function processIsGone(host: string | undefined, pid: number): boolean {
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after every earlier `work` of the same key in this process has settled: callers in
 * one process queue here instead of polling the lock file against themselves.
 */
export function serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(work, work);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}
