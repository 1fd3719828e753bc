import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssetSyncError, plural } from '@asset-sync/errors';
import { processIsGone } from './lock.js';
import type { Store } from './store.js';

/**
 * Leases say "a run is using this store": between its fetch and the moment its checkout names
 * what it needs, a restore relies on refs and objects nothing registered needs yet. Taking a
 * lease and checking for them both happen under the store's lock, so `gc --store`, which runs
 * only when no live lease is left, never trims under a run's feet, while runs themselves never
 * wait for each other. A lease of a process that is gone counts for nothing.
 */

/** A lease of another machine (a store on a network share) counts for this long at most. */
const FOREIGN_LEASE_MS = 24 * 60 * 60_000;

let leases = 0;

function leaseDir(store: Store): string {
  return join(store.gitDir, 'asset-sync', 'leases');
}

/** Takes a lease on the store for this process; the returned function gives it back. */
export async function leaseStore(store: Store): Promise<() => Promise<void>> {
  const file = join(leaseDir(store), `${hostname()}-${process.pid}-${++leases}`);
  await store.locked(async () => {
    await mkdir(leaseDir(store), { recursive: true });
    await writeFile(file, `${JSON.stringify({ host: hostname(), pid: process.pid, started: new Date().toISOString() })}\n`);
  });
  return () => rm(file, { force: true });
}

export interface LiveLease {
  host: string;
  pid: number;
  started: string;
}

/** The leases whose process may still be running; the others are removed. Call under the lock. */
async function liveLeases(store: Store): Promise<LiveLease[]> {
  const live: LiveLease[] = [];
  for (const name of await readdir(leaseDir(store)).catch(() => [] as string[])) {
    const file = join(leaseDir(store), name);
    const lease = await readFile(file, 'utf8').then((text) => JSON.parse(text) as LiveLease, () => undefined);
    const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => Infinity);
    const foreign = lease !== undefined && lease.host !== hostname();
    // Leases are written under the lock too, so one that does not parse was torn by a crash.
    const gone = lease === undefined || processIsGone(lease.host, lease.pid) || (foreign && age > FOREIGN_LEASE_MS);
    if (gone) await rm(file, { force: true });
    else live.push(lease);
  }
  return live;
}

/**
 * Runs `work` under the store's lock once no run holds a lease on it, waiting for those that do
 * (up to ASSET_SYNC_LOCK_WAIT_MS, like every lock).
 */
export async function withStoreAlone<T>(store: Store, work: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const waitMs = options.waitMs ?? Number(process.env['ASSET_SYNC_LOCK_WAIT_MS'] ?? 10 * 60_000);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const outcome = await store.locked(async (): Promise<{ live: LiveLease[] } | { done: true; result: T }> => {
      const live = await liveLeases(store);
      return live.length > 0 ? { live } : { done: true, result: await work() };
    });
    if ('done' in outcome) return outcome.result;
    if (Date.now() >= deadline) {
      const who = outcome.live.map((l) => `pid ${l.pid} on ${l.host} since ${l.started}`).join(', ');
      throw new AssetSyncError('LOCKED', `the store ${store.gitDir} is in use by ${plural(outcome.live.length, 'asset-sync run')} (${who})`, {
        hint: 'Run gc --store again when they have finished; a run that died stops counting at once.',
      });
    }
    await sleep(200);
  }
}
