import { AssetSyncError } from '@asset-sync/errors';
import { Store, acquireLock, listRemoteRefs, readBundleHeader, verifyBundle } from '@asset-sync/git-store';
import { pinKey } from '@asset-sync/assets-json';
import { shortSha } from '@asset-sync/planner';
import { copyRefs, type RefSource } from './remote-refs.js';
import { storeLocation } from './workspace.js';
import type { Workspace } from './types.js';
import { ignoreAssetsDir } from './restore.js';

export interface RestoreBackupOptions {
  workspace: Workspace;
  assetsRepo: string;
  /** A bundle gc wrote, or the backup remote gc pushed to. */
  source: RefSource;
  /** Tags (`python/x_0123456789` or `refs/tags/...`) or branches (`refs/heads/auto/x`) to bring back. */
  names: string[];
}

export interface RestoredRef {
  ref: string;
  commit?: string;
  /** restored: back in the assets repo; present: it was there already; missing, conflict, failed: not restored. */
  action: 'restored' | 'present' | 'missing' | 'conflict' | 'failed';
  message?: string;
}

export interface RestoreBackupReport {
  ok: boolean;
  assetsRepo: string;
  source: string;
  refs: RestoredRef[];
}

/**
 * Brings refs gc deleted back into the assets repo from its backup, under the same names and
 * commit ids. A bundle builds on commits the assets repo kept (those are fetched first, commits
 * and trees only); a name the assets repo has again at another commit is refused.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<RestoreBackupReport> {
  const { workspace, assetsRepo, source } = options;
  await ignoreAssetsDir(workspace.assetsDir);
  const release = await acquireLock(workspace.assetsDir);
  try {
    const store = await Store.open(storeLocation(workspace, assetsRepo));
    const held = source.kind === 'bundle' ? (await readBundleHeader(source.file)).refs : await listRemoteRefs(store, { url: source.url, tags: true, heads: true });
    const upstream = await listRemoteRefs(store, { tags: true, heads: true });
    const refs: RestoredRef[] = [];
    const copies: Array<{ ref: string; commit: string }> = [];
    for (const name of [...new Set(options.names)]) {
      const ref = [name, `refs/tags/${name}`, `refs/heads/${name}`].find((candidate) => candidate.startsWith('refs/') && held.has(candidate));
      const commit = ref ? held.get(ref)! : undefined;
      const now = ref ? upstream.get(ref) : undefined;
      if (!ref || !commit) refs.push({ ref: name.startsWith('refs/') ? name : `refs/tags/${name}`, action: 'missing', message: `the backup has no ${name}` });
      else if (now === commit) refs.push({ ref, commit, action: 'present' });
      else if (now) refs.push({ ref, commit, action: 'conflict', message: `${assetsRepo} has ${ref} again, at ${shortSha(now)}; the backup's is ${shortSha(commit)}` });
      else copies.push({ ref, commit });
    }
    const base = copies.length > 0 && source.kind === 'bundle' ? await prepareBundle(store, source.file) : [];
    for (const outcome of await copyRefs(store, source, copies, base)) {
      refs.push(outcome.status === 'rejected' ? { ref: outcome.ref, commit: outcome.oid, action: 'failed', message: outcome.reason ?? 'rejected' } : { ref: outcome.ref, commit: outcome.oid, action: 'restored' });
    }
    refs.sort((a, b) => (a.ref < b.ref ? -1 : 1));
    return { ok: refs.every((r) => r.action === 'restored' || r.action === 'present'), assetsRepo, source: source.kind === 'bundle' ? source.file : source.name, refs };
  } finally {
    await release();
  }
}

/** The store gets the commits the bundle builds on (from the assets repo), then git verifies the bundle. Returns them. */
async function prepareBundle(store: Store, file: string): Promise<string[]> {
  const { prerequisites } = await readBundleHeader(file);
  const pins = prerequisites.map((sha) => ({ kind: 'sha' as const, sha }));
  const { missing } = await store.fetchPins(pins);
  if (missing.size > 0) {
    const gone = pins.filter((p) => missing.has(pinKey(p))).map((p) => p.sha);
    throw new AssetSyncError('PIN_NOT_FOUND', `the bundle ${file} builds on ${gone.map(shortSha).join(', ')}, which ${store.assetsRepo} no longer has`, {
      hint: 'Bring back the later backup that holds those commits first, then this one.',
    });
  }
  await verifyBundle(store, file);
  return prerequisites;
}
