import { AssetSyncError } from '@asset-sync/errors';
import { listRemoteRefs, localRefOf, pushRef, pushRefs, setLocalRef, type Store } from '@asset-sync/git-store';
import { shortSha } from '@asset-sync/planner';
import type { PackageEntry } from './types.js';

/**
 * Publishing a commit, the one way push, resolve and merge all do it: under a tag (Tag dialect)
 * or as the new head of a branch (the 2022 SHA dialect). The callers decide which commit; these
 * decide how it reaches the assets repo and what the store records about it afterwards.
 */

/** Where a tag is published: the assets repo, or (no write access there) a fork of it. */
export interface TagDestination {
  assetsRepo: string;
  fork?: { name: string; url: string };
}

/**
 * Publishes one commit under each of `tags`, sending only the tags the server lacks, and records
 * them in the store. True when every tag was on the server at this commit already. A tag there at
 * another commit stops it: tags never move. With a fork, the assets repo is still asked first: a
 * tag it has at this commit needs no copy, and one it has at another commit could never be adopted.
 */
export async function publishTags(store: Store, commit: string, tags: string[], destination: TagDestination): Promise<boolean> {
  const refs = tags.map((tag) => `refs/tags/${tag}`);
  let missing = await refsNotAt(store, commit, refs, destination.assetsRepo);
  let url: string | undefined;
  if (destination.fork && missing.length > 0) {
    url = destination.fork.url;
    missing = await refsNotAt(store, commit, missing, `the fork ${destination.fork.name}`, url);
  }
  if (missing.length > 0) {
    const outcomes = await pushRefs(store, missing.map((ref) => ({ ref, oid: commit })), { atomic: false, ...(url ? { url } : {}) });
    for (const o of outcomes) if (o.status === 'rejected') throw new AssetSyncError('PUSH_REJECTED', `${o.ref}: ${o.reason ?? 'rejected'}`);
  }
  for (const tag of tags) await setLocalRef(store, localRefOf({ kind: 'tag', tag }), commit);
  return missing.length === 0;
}

/** The refs the server does not have yet; throws for one it has at another commit. */
async function refsNotAt(store: Store, commit: string, refs: string[], where: string, url?: string): Promise<string[]> {
  const remote = await listRemoteRefs(store, { patterns: refs, ...(url ? { url } : {}) });
  for (const ref of refs) {
    const existing = remote.get(ref);
    if (existing && existing !== commit) {
      throw new AssetSyncError('PUSH_REJECTED', `the tag ${ref.slice('refs/tags/'.length)} already exists in ${where} at another commit (${shortSha(existing)})`, {
        hint: 'Two commits share the first 10 hex digits; push again after any change to get another name.',
      });
    }
  }
  return refs.filter((ref) => remote.get(ref) !== commit);
}

/**
 * Moves a branch of the assets repo to `commit` (a fast-forward), and records it in the store: the
 * remote-tracking ref, and a pin ref that keeps the commit from gc. A branch that moved meanwhile
 * is PUSH_REJECTED, so the caller can rebuild on its new head. True when it was there already.
 */
export async function publishBranch(store: Store, commit: string, branch: string): Promise<boolean> {
  const { alreadyThere } = await pushRef(store, commit, `refs/heads/${branch}`);
  await setLocalRef(store, localRefOf({ kind: 'branch-head', branch }), commit);
  await setLocalRef(store, localRefOf({ kind: 'sha', sha: commit }), commit);
  return alreadyThere;
}

/** The branch a SHA-dialect package publishes to (`AssetsRepoBranch`, or `auto/<service>`). */
export function branchOf(entry: PackageEntry): string {
  const branch = entry.settings?.branch;
  if (!branch) {
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${entry.path} names no branch to push to, and one cannot be derived at the repository root`, {
      hint: 'Set "AssetsRepoBranch" to a branch such as "auto/tables".',
    });
  }
  return branch;
}
