import { readTreeObjects, type ListedFile, type Store } from '@asset-sync/git-store';
import { assetsPathOf, nestedBelow, type PinFact, type RestoreRequest, type RestoredPackage } from '@asset-sync/planner';
import type { FallbackRemote } from './fallback.js';
import type { NetworkMeter } from './network.js';

/**
 * File contents fetched while gather still checks the new trees. Only for a store this run
 * created (see Store.created): all it will need is the blobs below the pinned folders, so the
 * request can go out as soon as the pins are resolved, and the checks, the composed tree and
 * the listing of what is missing (which then finds nothing) run while the server sends them.
 */
export interface Prefetch {
  /** The pinned folders asked for, each without the folders nested pins replace (relative to it). */
  folders: PrefetchFolder[];
  /** Settles when the fetch is done, with what it failed with or undefined. Never rejects. */
  done: Promise<unknown>;
  /** Blobs below those folders (what the fetch brings), once gather has listed them. */
  objects: number;
}

export interface PrefetchFolder {
  tree: string;
  /** Paths below the folder that another requested package's pin replaces: not checked out from this pin. */
  excluded: string[];
}

interface PrefetchInput {
  layout: 'shared' | 'test-proxy';
  dryRun: boolean;
  network: NetworkMeter;
}

/** Starts one whole-tree fetch per store this run created, for the folders no restored package holds. */
export function startPrefetches(
  input: PrefetchInput,
  stores: Map<string, Store>,
  requests: RestoreRequest[],
  facts: Record<string, PinFact>,
  restored: RestoredPackage[],
  servedBy: Record<string, FallbackRemote>,
): Map<string, Prefetch> {
  const prefetches = new Map<string, Prefetch>();
  // A dry run fetches no file contents; the test-proxy layout's checkouts take more than the folder.
  if (input.dryRun || input.layout !== 'shared') return prefetches;
  for (const [repo, store] of stores) {
    if (!store.created) continue;
    const folders = prefetchFolders(requests.filter((r) => r.assetsRepo === repo), facts, restored, servedBy);
    if (folders.length === 0) continue;
    const done = wantsOf(store, folders)
      .then(async (wants) => {
        if (wants.length === 0) return;
        input.network.objectFetches++;
        await store.fetchWholeTrees(wants, input.network.onBytes(`objects:${repo}`));
      })
      .then(
        () => undefined,
        (error: unknown) => error ?? new Error('the fetch failed'),
      );
    prefetches.set(repo, { folders, done, objects: 0 });
  }
  return prefetches;
}

/**
 * The pinned folders to fetch: resolved here, not held by a restored package and not served by a
 * fallback remote (the origin lacks them). A folder holding another requested package's folder
 * leaves that one out: its copy is not checked out, so its blobs would be fetched for nothing.
 */
export function prefetchFolders(requests: RestoreRequest[], facts: Record<string, PinFact>, restored: RestoredPackage[], servedBy: Record<string, FallbackRemote>): PrefetchFolder[] {
  const known = new Set(restored.map((r) => r.tree));
  const paths = [...new Set(requests.map((r) => assetsPathOf(r.prefix, r.packagePath)))].sort();
  const byTree = new Map<string, PrefetchFolder>();
  for (const r of requests) {
    const fact = facts[r.id];
    if (fact?.kind !== 'resolved' || fact.tree === null || known.has(fact.tree) || servedBy[r.id]) continue;
    const path = assetsPathOf(r.prefix, r.packagePath);
    const excluded = nestedBelow(path, paths).map((other) => (path === '' ? other : other.slice(path.length + 1)));
    // The same tree pinned at two paths: what either checks out is wanted.
    const seen = byTree.get(fact.tree);
    byTree.set(fact.tree, { tree: fact.tree, excluded: seen ? seen.excluded.filter((p) => excluded.includes(p)) : excluded });
  }
  return [...byTree.values()].sort((a, b) => (a.tree < b.tree ? -1 : 1));
}

/**
 * What to ask for: each folder's tree, or, for one with nested packages, the entries beside the
 * path down to each of them (the store has the trees: they came with the pins).
 */
async function wantsOf(store: Store, folders: PrefetchFolder[]): Promise<string[]> {
  const wants = new Set<string>();
  for (const folder of folders) {
    if (folder.excluded.length === 0) wants.add(folder.tree);
    else for (const oid of await entriesBeside(store, folder.tree, folder.excluded)) wants.add(oid);
  }
  return [...wants];
}

async function entriesBeside(store: Store, tree: string, excluded: string[]): Promise<string[]> {
  if (excluded.includes('')) return [];
  const entries = (await readTreeObjects(store, [tree])).get(tree);
  if (!entries) return [];
  const below = new Map<string, string[]>();
  for (const path of excluded) {
    const [first, ...rest] = path.split('/');
    below.set(first!, [...(below.get(first!) ?? []), rest.join('/')]);
  }
  const wants: string[] = [];
  for (const [name, entry] of entries) {
    if (entry.type === 'commit') continue;
    const nested = below.get(name);
    if (!nested) wants.push(entry.oid);
    else if (entry.type === 'tree') wants.push(...(await entriesBeside(store, entry.oid, nested)));
  }
  return wants;
}

/** Counts, for each prefetch, the blobs below its folders in gather's listing of the new trees. */
export function countPrefetched(prefetches: Map<string, Prefetch>, listings: Map<string, ListedFile[]>): void {
  for (const prefetch of prefetches.values()) {
    const blobs = new Set<string>();
    for (const { tree, excluded } of prefetch.folders) {
      for (const file of listings.get(tree) ?? []) {
        if (file.mode === '160000' || excluded.some((path) => file.path.startsWith(`${path}/`))) continue;
        blobs.add(file.oid);
      }
    }
    prefetch.objects = blobs.size;
  }
}
