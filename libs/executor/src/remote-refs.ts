import { AssetSyncError } from '@asset-sync/errors';
import {
  chunkByLength,
  clearLocalRefs,
  fetchRefsInto,
  listRemoteRefs,
  localRefsUnder,
  objectsBetween,
  pushRefs,
  type PushedRef,
  type Store,
} from '@asset-sync/git-store';

/** Where refs are copied from into the assets repo: a fork or backup remote, or a bundle file. */
export type RefSource = { kind: 'remote'; name: string; url: string } | { kind: 'bundle'; file: string };

/** Which of these tags a remote has (the store's origin, or `url`): tag -> commit. A few ls-remote calls at most. */
export async function remoteTags(store: Store, tags: string[], url?: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(tags)];
  for (const chunk of chunkByLength(unique.map((t) => `refs/tags/${t}`), 60_000)) {
    const refs = await listRemoteRefs(store, { patterns: chunk, ...(url !== undefined ? { url } : {}) });
    for (const tag of unique) {
      const commit = refs.get(`refs/tags/${tag}`);
      if (commit) found.set(tag, commit);
    }
  }
  return found;
}

const COPY_NAMESPACE = 'refs/asset-sync/copy/';

/**
 * Copies refs into the assets repo under the same names and commit ids, from a fork, a backup
 * remote or a bundle. Commits and trees come first; then the file contents the assets repo lacks
 * (worked out against what it advertises, as git push does) in one request, from the source (a
 * bundle holds them already; anything it builds on comes from the assets repo); then one push,
 * which never overwrites: a name the assets repo has meanwhile comes back rejected.
 */
export async function copyRefs(store: Store, source: RefSource, refs: Array<{ ref: string; commit: string }>, known: string[] = []): Promise<PushedRef[]> {
  if (refs.length === 0) return [];
  const from = source.kind === 'remote' ? source.url : source.file;
  const local = (ref: string): string => `${COPY_NAMESPACE}source/${ref.slice('refs/'.length)}`;
  try {
    await fetchRefsInto(store, refs.map((r) => ({ ref: r.ref, local: local(r.ref) })), from);
    const fetched = await localRefsUnder(store, COPY_NAMESPACE);
    const moved = refs.filter((r) => fetched.get(local(r.ref)) !== r.commit);
    if (moved.length > 0) {
      throw new AssetSyncError('CONFLICT', `${moved.map((r) => r.ref).join(', ')} changed in the source while being copied`, { hint: 'Run the command again.' });
    }
    // The assets repo's branches, commits and trees only: whatever their history holds is not sent.
    const upstream = await listRemoteRefs(store, { tags: true, heads: true });
    const heads = [...upstream.keys()].filter((ref) => ref.startsWith('refs/heads/'));
    await fetchRefsInto(store, heads.map((ref) => ({ ref, local: `${COPY_NAMESPACE}upstream/${ref.slice('refs/'.length)}` })));
    const { missing } = await objectsBetween(store, refs.map((r) => r.commit), [...upstream.values(), ...known]);
    if (missing.length > 0) await store.fetchObjects(missing, undefined, source.kind === 'remote' ? source.url : undefined);
    return await pushRefs(store, refs.map((r) => ({ ref: r.ref, oid: r.commit })), { atomic: false });
  } finally {
    await clearLocalRefs(store, COPY_NAMESPACE);
  }
}
