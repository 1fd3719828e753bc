import { existsSync } from 'node:fs';
import { AssetSyncError, isAssetSyncError, plural, redact } from '@asset-sync/errors';
import {
  bundleBase,
  deleteLocalRefs,
  listRemoteRefs,
  objectsBetween,
  pushRefs,
  readBundleHeader,
  setLocalRefs,
  writeBundle,
  type Store,
} from '@asset-sync/git-store';
import type { RemoteRefFact } from '@asset-sync/planner';

/** Where gc copies refs before it deletes them. */
export type BackupTarget = { kind: 'bundle'; file: string } | { kind: 'remote'; name: string; url: string };

export interface BackupReport {
  kind: 'bundle' | 'remote';
  /** The bundle file, or the remote as named. */
  target: string;
  /** The refs it holds (or would hold, in a dry run). */
  refs: string[];
  /** Objects it gets (or would get) that it lacks. */
  objects: number;
  /** True once every ref was read back from it at its commit. */
  verified: boolean;
  /** Refs a backup remote already has at another commit: the backup would be refused. */
  conflicts?: string[];
}

/**
 * Copies `refs` to the backup and reads them back; throws (and nothing may be deleted) unless
 * every ref is there at its commit. The file contents the copy needs are fetched from the assets
 * repo in one request first.
 */
export async function backupRefs(store: Store, target: BackupTarget, refs: RemoteRefFact[], kept: string[]): Promise<BackupReport> {
  try {
    return target.kind === 'bundle' ? await backupToBundle(store, target.file, refs, kept) : await backupToRemote(store, target, refs);
  } catch (error) {
    const where = target.kind === 'bundle' ? target.file : target.name;
    const detail = isAssetSyncError(error) ? error.message : String(error);
    throw new AssetSyncError('VERIFY_FAILED', `the backup to ${redact(where)} failed, so nothing was deleted:\n${redact(detail)}`, {
      hint: target.kind === 'bundle' ? 'Check that the folder of the bundle file is writable and has room, then run gc again.' : 'Check that you may push to the backup remote and that it has no other commit under these names, then run gc again.',
      cause: error,
    });
  }
}

async function backupToBundle(store: Store, file: string, refs: RemoteRefFact[], kept: string[]): Promise<BackupReport> {
  await refuseToLoseBackup(file, refs);
  const tips = refs.map((r) => r.commit);
  const base = await bundleBase(store, tips, kept);
  const needed = await objectsBetween(store, tips, base);
  if (needed.missing.length > 0) await store.fetchObjects(needed.missing);
  // The bundle names each ref as the assets repo does; a tag's local ref in the store already
  // means "the assets repo's tag at this commit", and branches live in no other local ref.
  await setLocalRefs(store, refs.map((r) => ({ ref: r.ref, oid: r.commit })));
  try {
    await writeBundle(store, file, refs.map((r) => r.ref), base);
  } finally {
    const heads = refs.filter((r) => r.ref.startsWith('refs/heads/'));
    await deleteLocalRefs(store, heads.map((r) => r.ref));
  }
  const header = await readBundleHeader(file);
  const absent = refs.filter((r) => header.refs.get(r.ref) !== r.commit).map((r) => r.ref);
  if (absent.length > 0) throw new AssetSyncError('VERIFY_FAILED', `the bundle ${file} lacks ${absent.join(', ')}`);
  return { kind: 'bundle', target: file, refs: refs.map((r) => r.ref), objects: needed.present.length + needed.missing.length, verified: true };
}

/**
 * A bundle already at `file` is replaced only when the new one holds all it held (a rerun after a
 * run killed between backup and delete): a file name reused from an earlier gc is an earlier backup.
 */
async function refuseToLoseBackup(file: string, refs: RemoteRefFact[]): Promise<void> {
  if (!existsSync(file)) return;
  const wanted = new Map(refs.map((r) => [r.ref, r.commit]));
  const held = (await readBundleHeader(file)).refs;
  const lost = [...held].filter(([ref, commit]) => wanted.get(ref) !== commit).map(([ref]) => ref);
  if (lost.length > 0) {
    throw new AssetSyncError('USAGE', `${file} exists and holds ${plural(lost.length, 'ref')} this backup would not (${lost.slice(0, 3).join(', ')}${lost.length > 3 ? ', ...' : ''}): it is an earlier backup`, {
      hint: 'Give the backup a file name of its own, e.g. gc-<date>.bundle.',
    });
  }
}

async function backupToRemote(store: Store, target: { name: string; url: string }, refs: RemoteRefFact[]): Promise<BackupReport> {
  const before = await listRemoteRefs(store, { url: target.url, tags: true, heads: true });
  const needed = await objectsBetween(store, refs.map((r) => r.commit), [...before.values()]);
  if (needed.missing.length > 0) await store.fetchObjects(needed.missing);
  const outcomes = await pushRefs(store, refs.map((r) => ({ ref: r.ref, oid: r.commit })), { url: target.url, atomic: false });
  const refused = outcomes.filter((o) => o.status === 'rejected');
  if (refused.length > 0) throw new AssetSyncError('PUSH_REJECTED', `the backup remote refused ${refused.map((o) => `${o.ref} (${o.reason ?? 'rejected'})`).join(', ')}`);
  const after = await listRemoteRefs(store, { url: target.url, tags: true, heads: true });
  const absent = refs.filter((r) => after.get(r.ref) !== r.commit).map((r) => r.ref);
  if (absent.length > 0) throw new AssetSyncError('VERIFY_FAILED', `the backup remote does not show ${absent.join(', ')} at the commits sent`);
  return { kind: 'remote', target: target.name, refs: refs.map((r) => r.ref), objects: needed.present.length + needed.missing.length, verified: true };
}

/** What a backup would hold and receive, without downloading or sending anything. */
export async function previewBackup(store: Store, target: BackupTarget, refs: RemoteRefFact[], exclusive: { present: string[]; missing: string[] }): Promise<BackupReport> {
  const names = refs.map((r) => r.ref);
  if (target.kind === 'bundle') return { kind: 'bundle', target: target.file, refs: names, objects: exclusive.present.length + exclusive.missing.length, verified: false };
  const existing = await listRemoteRefs(store, { url: target.url, tags: true, heads: true });
  const needed = await objectsBetween(store, refs.map((r) => r.commit), [...existing.values()]);
  const conflicts = refs.filter((r) => existing.has(r.ref) && existing.get(r.ref) !== r.commit).map((r) => r.ref);
  return { kind: 'remote', target: target.name, refs: names, objects: needed.present.length + needed.missing.length, verified: false, ...(conflicts.length ? { conflicts } : {}) };
}
