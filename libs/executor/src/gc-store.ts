import { join } from 'node:path';
import { Store, listStores, trimStore, withStoreAlone, type TrimReport } from '@asset-sync/git-store';
import type { Workspace } from './types.js';
import { storeLocation } from './workspace.js';

export interface GcStoreOptions {
  workspace: Workspace;
  /** Refs and loose objects younger than this are kept (work in flight); 0 keeps nothing extra. */
  expireMs: number;
}

export interface GcStoreReport {
  /** The folder whose stores were trimmed: the shared store, or the assets dir's own. */
  storeRoot: string;
  shared: boolean;
  stores: Array<TrimReport & { assetsRepo: string; gitDir: string }>;
}

/**
 * `asset-sync gc --store`: every store below the store root keeps only what its registered
 * checkouts need (see trimStore), each once no restore is using it. In a shared store that is
 * every clone's and language repo's checkouts, not only this one's: a clone that was deleted
 * stops counting, one that exists keeps what it holds.
 */
export async function gcStore(options: GcStoreOptions): Promise<GcStoreReport> {
  const { workspace } = options;
  const storeRoot = workspace.storeDir ?? join(workspace.assetsDir, '.store');
  const report: GcStoreReport = { storeRoot, shared: workspace.storeDir !== undefined, stores: [] };
  for (const assetsRepo of await listStores(storeRoot)) {
    const store = Store.existing(storeLocation(workspace, assetsRepo, ''));
    if (!store) continue;
    const trimmed = await withStoreAlone(store, () => trimStore(store, { expireMs: options.expireMs }));
    report.stores.push({ assetsRepo, gitDir: store.gitDir, ...trimmed });
  }
  return report;
}
