import { join } from 'node:path';
import pLimit from 'p-limit';
import { formatProblem } from '@asset-sync/errors';
import {
  Store,
  adoptCheckout,
  changedFiles,
  detachHead,
  isStandaloneClone,
  setLocalRef,
  clearCheckoutLocks,
  leaseStore,
  finishMove,
  foldersAt,
  inspectCheckout,
  checkoutCommit,
  listTreeFiles,
  moveCheckout,
  otherStoreOf,
  readBlobs,
  resetIndexTo,
  repairCheckout,
  type ChangedFile,
  type ListedFile,
} from '@asset-sync/git-store';
import { describePin, pinKey } from '@asset-sync/assets-json';
import { countPrefetched, startPrefetches, type Prefetch } from './prefetch.js';
import {
  assetsPathOf,
  escapingSymlinks,
  ownerOf,
  planFetch,
  sharedCheckoutDir,
  shortSha,
  TEST_PROXY_MAIN,
  testProxyHash,
  unsafeTreePaths,
  type CheckoutFacts,
  type Layout,
  type PendingFiles,
  type PinFact,
  type RequestFailure,
  type RestoredPackage,
  type RestoreRequest,
} from '@asset-sync/planner';
import { failureOf } from './errors.js';
import { fetchFromFallbacks, fetchObjectsRouted, type FallbackRemote } from './fallback.js';
import { adoptProxyClones, followProxyHead, reapplyProxyPatterns, removeStrayProxyBranches, syncProxyCheckout } from './proxy-checkout.js';
import type { LayoutState } from './state.js';
import type { NetworkMeter } from './network.js';
import type { PackageEntry, RestoreEvents, Workspace } from './types.js';
import { storeLocation } from './workspace.js';

/** Everything the planner needs, looked up in bulk; nothing here changes a checkout's files. */
export interface Gathered {
  stores: Map<string, Store>;
  requests: RestoreRequest[];
  failures: RequestFailure[];
  facts: Record<string, PinFact>;
  restored: RestoredPackage[];
  checkouts: CheckoutFacts[];
  pending: Record<string, PendingFiles>;
  /** Every package folder known per checkout (restored, requested, nested context), sorted. */
  ownerPaths: Map<string, string[]>;
  /** Requests whose pin the assets repo lacked and a fallback remote served, by id. */
  servedBy: Record<string, FallbackRemote>;
  /** File contents already on their way, per assets repo (see Prefetch). */
  prefetches: Map<string, Prefetch>;
}

export interface GatherInput {
  workspace: Workspace;
  layout: Layout;
  entries: PackageEntry[];
  context: PackageEntry[];
  state: LayoutState;
  dryRun: boolean;
  network: NetworkMeter;
  /** The previous run died holding the lock: git lock files it left are cleared first. */
  recovered?: boolean;
  /** Each store opened is leased for the run (so `gc --store` waits); the caller gives them back. */
  leases?: Array<() => Promise<void>>;
  events?: RestoreEvents;
}

export async function gather(input: GatherInput): Promise<Gathered> {
  const { requests, failures } = prepareRequests(input.entries);
  const repos = [...new Set([...requests.map((r) => r.assetsRepo), ...Object.values(input.state.checkouts).map((c) => c.assetsRepo)])].sort();
  const stores = await openStores(input, repos, requests, failures);
  const proxy = input.layout === 'test-proxy' && !input.dryRun;
  if (proxy) await adoptProxyClones({ assetsDir: input.workspace.assetsDir, lstate: input.state, stores, requests, failures });
  const ownerPaths = ownerPathsOf(input, requests, Object.values(input.state.packages));
  const servedBy: Record<string, FallbackRemote> = {};
  const resolvable = requests.filter((r) => !failures.some((f) => f.id === r.id));
  // In the shared layout checking the checkout changes no record, so the pins are resolved (and
  // fetched) meanwhile: the `git status` of the checkout runs while the fetch waits on the server.
  const early = input.layout === 'shared' ? resolveFacts(input, stores, resolvable, Object.values(input.state.packages), servedBy) : undefined;
  const [inspected, resolved] = await Promise.allSettled([inspectCheckouts(input, stores, requests), early]);
  // Both are awaited before either failure is thrown: nothing may still be fetching when the run gives back its locks.
  if (inspected.status === 'rejected') throw inspected.reason;
  if (resolved.status === 'rejected') throw resolved.reason;
  const { checkouts, changes } = inspected.value;
  if (proxy) for (const store of stores.values()) await removeStrayProxyBranches(store);
  // Read after the checks: a folder the test-proxy moved to its pin is recorded there now.
  const restored = Object.values(input.state.packages);
  const { pending, strays } = attribute(changes, ownerPaths, input, requests);
  for (const c of checkouts) c.strays = strays.get(c.dir) ?? [];
  const facts = resolved.value ?? (await resolveFacts(input, stores, resolvable, restored, servedBy));
  const prefetches = startPrefetches(input, stores, requests, facts, restored, servedBy);
  try {
    countPrefetched(prefetches, await checkNewTrees(input, stores, requests, facts, restored, servedBy));
  } catch (error) {
    // Nothing may still be fetching when the run gives back its locks.
    await Promise.all([...prefetches.values()].map((p) => p.done));
    throw error;
  }
  return { stores, requests, failures, facts, restored, checkouts, pending, ownerPaths, servedBy, prefetches };
}

/** Valid entries become requests; invalid ones fail with every problem listed. */
function prepareRequests(entries: PackageEntry[]): { requests: RestoreRequest[]; failures: RequestFailure[] } {
  const requests: RestoreRequest[] = [];
  const failures: RequestFailure[] = [];
  for (const entry of entries) {
    if (!entry.settings || entry.problems.length > 0) {
      failures.push({
        id: entry.path,
        code: 'ASSETS_JSON_INVALID',
        message: entry.problems.map(formatProblem).join('\n') || `${entry.path}: not a valid assets.json`,
        hint: entry.problems.find((p) => p.hint)?.hint ?? 'Fix the fields named above; `asset-sync discover` lists every problem.',
      });
      continue;
    }
    const { assetsRepo, prefix, pin, pinText } = entry.settings;
    requests.push({ id: entry.path, assetsRepo, prefix, packagePath: entry.packagePath, pin, pinText });
  }
  return { requests, failures };
}

async function openStores(input: GatherInput, repos: string[], requests: RestoreRequest[], failures: RequestFailure[]): Promise<Map<string, Store>> {
  const stores = new Map<string, Store>();
  await Promise.all(
    repos.map(async (repo) => {
      try {
        const store = await Store.open(storeLocation(input.workspace, repo));
        input.leases?.push(await leaseStore(store));
        // The run's type checks and tree reads go to one open cat-file, closed with the leases.
        if (input.leases) input.leases.push(store.shareReader());
        if (input.recovered) await clearLocksOfRun(input, store);
        stores.set(repo, store);
      } catch (error) {
        for (const r of requests) if (r.assetsRepo === repo) failures.push(failureOf(r.id, error));
      }
    }),
  );
  return stores;
}

/**
 * After a run of this assets dir died: the git lock files it can have left, in the store when the
 * store is this assets dir's alone, and in the metadata of this assets dir's checkouts.
 */
async function clearLocksOfRun(input: GatherInput, store: Store): Promise<void> {
  await store.clearStaleLocks();
  for (const [dir, record] of Object.entries(input.state.checkouts)) {
    if (record.assetsRepo === store.assetsRepo) await clearCheckoutLocks(store, join(input.workspace.assetsDir, dir));
  }
}

function checkoutOf(layout: Layout, r: { assetsRepo: string; id: string }): string {
  return layout === 'shared' ? sharedCheckoutDir(r.assetsRepo) : testProxyHash(r.assetsRepo, r.id);
}

/** Per checkout, every folder a package owns there: a file belongs to the deepest one holding it. */
function ownerPathsOf(input: GatherInput, requests: RestoreRequest[], restored: RestoredPackage[]): Map<string, string[]> {
  const owners = new Map<string, Set<string>>();
  const add = (dir: string, path: string): void => void (owners.get(dir) ?? owners.set(dir, new Set()).get(dir)!).add(path);
  for (const r of restored) add(r.checkout, r.path);
  for (const r of requests) add(checkoutOf(input.layout, r), assetsPathOf(r.prefix, r.packagePath));
  if (input.layout === 'shared') {
    for (const e of input.context) if (e.settings) add(sharedCheckoutDir(e.settings.assetsRepo), assetsPathOf(e.settings.prefix, e.packagePath));
  }
  return new Map([...owners].map(([dir, set]) => [dir, [...set].sort()]));
}

/**
 * Checks every recorded checkout against the disk: gone, broken metadata (rebuilt around the
 * files, which are kept), an interrupted move (finished first), HEAD moved by someone else, and
 * which files differ from what restore wrote, all of them in one `git status` per checkout.
 */
async function inspectCheckouts(input: GatherInput, stores: Map<string, Store>, requests: RestoreRequest[]): Promise<{ checkouts: CheckoutFacts[]; changes: Map<string, ChangedFile[]> }> {
  const checkouts: CheckoutFacts[] = [];
  const changes = new Map<string, ChangedFile[]>();
  const limit = pLimit(Math.max(1, input.workspace.concurrency.local));
  const requestAt = new Map(requests.map((r) => [checkoutOf(input.layout, r), r]));
  await Promise.all(
    Object.entries(input.state.checkouts).map(([dir, record]) =>
      limit(async () => {
        const store = stores.get(record.assetsRepo);
        const abs = join(input.workspace.assetsDir, dir);
        // A clone of the test-proxy's own that could not be taken over is left exactly as it is.
        const foreign = !store || (input.layout === 'test-proxy' && isStandaloneClone(abs));
        if (store && !foreign && !input.dryRun) await adoptFromOtherStore(input, store, dir, abs);
        const condition = foreign ? 'absent' : await bringToRecord(input, store, { dir, abs, record }, requestAt.get(dir));
        checkouts.push({ dir, assetsRepo: record.assetsRepo, condition, strays: [] });
        if (condition === 'present') changes.set(dir, await changedFiles(abs, { readOnly: input.dryRun }));
      }),
    ),
  );
  return { checkouts: checkouts.sort((a, b) => (a.dir < b.dir ? -1 : 1)), changes };
}

/** One recorded checkout made to match its record (not in a dry run); returns its condition then. */
async function bringToRecord(
  input: GatherInput,
  store: Store,
  at: { dir: string; abs: string; record: LayoutState['checkouts'][string] },
  request: RestoreRequest | undefined,
): Promise<CheckoutFacts['condition']> {
  const { dir, abs, record } = at;
  const { condition, head, branch } = await inspectCheckout(store, abs);
  if (condition === 'absent' || input.dryRun) return condition;
  if (record.moving) {
    if (input.layout === 'shared') await finishMove(store, { dir: abs, tree: record.tree, commit: record.commit, ...record.moving });
    else await syncProxyCheckout(store, abs, record.commit, record.moving.folders, true);
    delete record.moving;
  } else if (condition === 'broken') {
    await repairCheckout(store, abs, record.tree, record.commit);
    if (input.layout === 'test-proxy') await reapplyProxyPatterns(input.state, dir, abs);
  } else if (head !== record.commit) {
    const followed = input.layout === 'test-proxy' && (await followProxyHead(store, input.state, { dir, abs, head: head!, ...(branch ? { branch } : {}) }, request));
    if (!followed && (await realign(store, abs, record, input.layout)) === 'index' && input.layout === 'test-proxy') await reapplyProxyPatterns(input.state, dir, abs);
  } else if (branch) await detachHead(abs, head);
  return 'present';
}

/**
 * A checkout made in another store (the clone switched to or from a shared store): its objects
 * are copied over from disk, and it is then repaired as this store's, files untouched.
 */
async function adoptFromOtherStore(input: GatherInput, store: Store, dir: string, abs: string): Promise<void> {
  const from = await otherStoreOf(store, abs);
  if (!from) return;
  const commits = Object.values(input.state.packages).filter((p) => p.checkout === dir).map((p) => p.commit);
  await adoptCheckout(store, from, abs, commits);
}

/**
 * HEAD was moved by someone else (a `git checkout` in the folder). When the files are exactly
 * what git checked out, they are git's, not anyone's unpushed work, so the checkout goes back to
 * what restore wrote. Otherwise only the index goes back, so every difference shows as pending.
 */
async function realign(store: Store, dir: string, record: { tree: string; commit: string }, layout: Layout): Promise<'files' | 'index'> {
  const clean = (await changedFiles(dir)).length === 0;
  if (!clean) {
    await resetIndexTo(dir, record.tree, record.commit);
    return 'index';
  }
  if (layout === 'shared') await moveCheckout(store, { dir, tree: record.tree, commit: record.commit });
  else await checkoutCommit(dir, record.commit);
  return 'files';
}

/** Gives each changed file to the package that owns it; the rest are strays of their checkout. */
function attribute(
  changes: Map<string, ChangedFile[]>,
  ownerPaths: Map<string, string[]>,
  input: GatherInput,
  requests: RestoreRequest[],
): { pending: Record<string, PendingFiles>; strays: Map<string, string[]> } {
  const idAt = new Map<string, string>();
  for (const r of Object.values(input.state.packages)) idAt.set(`${r.checkout}\0${r.path}`, r.id);
  for (const r of requests) idAt.set(`${checkoutOf(input.layout, r)}\0${assetsPathOf(r.prefix, r.packagePath)}`, r.id);
  const pending: Record<string, PendingFiles> = {};
  const strays = new Map<string, string[]>();
  for (const [dir, files] of changes) {
    const owners = ownerPaths.get(dir) ?? [];
    for (const file of files) {
      const owner = ownerOf(file.path, owners);
      const id = owner === undefined ? undefined : idAt.get(`${dir}\0${owner}`);
      if (id === undefined) {
        strays.set(dir, [...(strays.get(dir) ?? []), file.path]);
        continue;
      }
      const p = (pending[id] ??= { added: [], modified: [], deleted: [] });
      p[file.change].push(file.path);
    }
  }
  return { pending, strays };
}

/**
 * The commit and folder tree of every request's pin. A pin the state already resolved (same
 * assets repo, pin and folder) costs nothing; the others are resolved from local refs, the rest
 * fetched in one request per assets repo, and their folders looked up in one walk.
 */
async function resolveFacts(input: GatherInput, stores: Map<string, Store>, requests: RestoreRequest[], restored: RestoredPackage[], servedBy: Record<string, FallbackRemote>): Promise<Record<string, PinFact>> {
  const facts: Record<string, PinFact> = {};
  const byId = new Map(restored.map((r) => [r.id, r]));
  const open: RestoreRequest[] = [];
  for (const r of requests) {
    const known = byId.get(r.id);
    const path = assetsPathOf(r.prefix, r.packagePath);
    if (known && known.assetsRepo === r.assetsRepo && known.path === path && pinKey(known.pin) === pinKey(r.pin)) facts[r.id] = { kind: 'resolved', commit: known.commit, tree: known.tree };
    else open.push(r);
  }
  const limit = pLimit(Math.max(1, input.workspace.concurrency.network));
  const lacking = await branchesLacking(input, stores, requests);
  const repos = [...new Set([...open.map((r) => r.assetsRepo), ...Object.keys(lacking)])];
  await Promise.all(repos.map((repo) => limit(() => resolveRepo(input, stores.get(repo)!, open.filter((r) => r.assetsRepo === repo), facts, servedBy, lacking[repo] ?? []))));
  return facts;
}

/**
 * The test-proxy's push diffs `eng/` and `.gitignore` against a local `main`, as in its own
 * clones: a store serving test-proxy folders gets one, fetched with the pins.
 */
async function branchesLacking(input: GatherInput, stores: Map<string, Store>, requests: RestoreRequest[]): Promise<Record<string, string[]>> {
  if (input.layout !== 'test-proxy') return {};
  const lacking: Record<string, string[]> = {};
  for (const repo of new Set(requests.map((r) => r.assetsRepo))) {
    const store = stores.get(repo);
    if (store && !(await store.hasBranch(TEST_PROXY_MAIN))) lacking[repo] = [TEST_PROXY_MAIN];
  }
  return lacking;
}

async function resolveRepo(input: GatherInput, store: Store, requests: RestoreRequest[], facts: Record<string, PinFact>, servedBy: Record<string, FallbackRemote>, branches: string[]): Promise<void> {
  const fail = (r: RestoreRequest, error: unknown): void => void (facts[r.id] = { kind: 'failed', failure: failureOf(r.id, error) });
  try {
    let peeled = await store.peelPins(requests.map((r) => r.pin));
    const resolved = Object.fromEntries([...peeled].map(([key, v]) => [key, v.oid]));
    const shas = requests.flatMap((r) => (r.pin.kind === 'sha' && !resolved[pinKey(r.pin)] ? [r.pin.sha] : []));
    const present = shas.length > 0 ? await store.presentCommits(shas) : [];
    const fetchPlan = planFetch({ requests, resolved: { [store.assetsRepo]: resolved }, present: { [store.assetsRepo]: present }, branches: { [store.assetsRepo]: branches } });
    const wants = fetchPlan.wants[store.assetsRepo] ?? [];
    let missing = new Map<string, Error>();
    if (wants.length > 0) {
      input.events?.phase?.('fetch-pins', `${wants.length} pins from ${store.assetsRepo}`);
      const fetched = await store.fetchPins(wants, input.network.onBytes(`pins:${store.assetsRepo}`));
      missing = fetched.missing;
      // In a shared store another run may have fetched them meanwhile: then nothing was asked.
      if (fetched.fetched.length > 0) input.network.pinFetches++;
      input.network.pins += fetched.fetched.length;
    }
    // Pins the assets repo lacks (pushed to a fork, not adopted yet) may come from a fallback remote.
    const fallbacks = missing.size > 0 ? input.workspace.fallbackRemotes() : [];
    const served = fallbacks.length > 0 ? await fetchFromFallbacks(store, wants, missing, fallbacks, input.network) : new Map<string, FallbackRemote>();
    await nameBranches(store, branches, missing);
    await store.namePins([...new Set(fetchPlan.collapsed.map((c) => c.sha))]);
    peeled = await store.peelPins(requests.map((r) => r.pin));
    const located: Array<{ r: RestoreRequest; commit: string; path: string }> = [];
    for (const r of requests) {
      const key = pinKey(r.pin);
      const found = peeled.get(key);
      if (missing.has(key)) fail(r, missing.get(key));
      else if (!found) facts[r.id] = notFound(r, store);
      else if (found.type !== 'commit') facts[r.id] = unsafe(r, `${describePin(r.pin)} points at a ${found.type}, not a commit`, 'The assets repo holds a broken or hostile ref; pin a tag that names a commit.');
      else {
        located.push({ r, commit: found.oid, path: assetsPathOf(r.prefix, r.packagePath) });
        if (served.has(key)) servedBy[r.id] = served.get(key)!;
      }
    }
    const folders = await foldersAt(store, located);
    located.forEach(({ r, commit, path }, i) => {
      const folder = folders[i]!;
      if (folder.kind === 'tree') facts[r.id] = { kind: 'resolved', commit, tree: folder.oid };
      else if (folder.kind === 'none' && r.pinText === '') facts[r.id] = { kind: 'resolved', commit, tree: null };
      else if (folder.kind === 'none') {
        // Something was pushed at this pin, so its folder must be there: a pin of another package, or a package that moved.
        facts[r.id] = {
          kind: 'failed',
          failure: { id: r.id, code: 'FOLDER_NOT_FOUND', message: `${r.id}: ${describePin(r.pin)} (${shortSha(commit)}) has no folder ${path} in ${store.assetsRepo}`, hint: 'Check AssetsRepoPrefixPath and where assets.json sits (the package may have moved); the pin must be one pushed for this package.' },
        };
      }
      else {
        const what = folder.mode === '120000' ? 'a symlink' : folder.mode === '160000' ? 'a submodule' : 'a file';
        const where = folder.at === path ? `${path} is ${what}, not a folder` : `${path} passes through ${folder.at}, which is ${what}`;
        facts[r.id] = unsafe(r, `${where} at ${describePin(r.pin)} (${shortSha(commit)})`, 'The recordings of a package must be a plain folder in the assets repo; fix the assets repo or pin another commit.');
      }
    });
  } catch (error) {
    for (const r of requests) if (!facts[r.id]) fail(r, error);
  }
}

/** Local branches made from the heads just fetched; a branch the server lacks is left out, failing nothing. */
async function nameBranches(store: Store, branches: string[], missing: Map<string, Error>): Promise<void> {
  const fetched = branches.filter((b) => !missing.has(pinKey({ kind: 'branch-head', branch: b })));
  const heads = await store.refCommits(fetched.map((b) => `refs/remotes/origin/${b}`));
  for (const b of fetched) {
    const head = heads.get(`refs/remotes/origin/${b}`);
    if (head) await setLocalRef(store, `refs/heads/${b}`, head);
  }
}

function notFound(r: RestoreRequest, store: Store): PinFact {
  return {
    kind: 'failed',
    failure: { id: r.id, code: 'PIN_NOT_FOUND', message: `${r.id}: ${describePin(r.pin)} was not found in ${store.assetsRepo}`, hint: 'Check the pin in assets.json; if it was pushed from another machine, make sure the push finished.' },
  };
}

function unsafe(r: RestoreRequest, message: string, hint: string): PinFact {
  return { kind: 'failed', failure: { id: r.id, code: 'UNSAFE_INPUT', message: `${r.id}: ${message}`, hint } };
}

/**
 * Lists the files of every folder that is new to the disk and fails the packages holding paths
 * git cannot check out here or symlinks that leave the package: each fails alone, named, before
 * anything is written.
 */
async function checkNewTrees(
  input: GatherInput,
  stores: Map<string, Store>,
  requests: RestoreRequest[],
  facts: Record<string, PinFact>,
  restored: RestoredPackage[],
  servedBy: Record<string, FallbackRemote>,
): Promise<Map<string, ListedFile[]>> {
  const known = new Set(restored.map((r) => `${r.assetsRepo}\0${r.tree}`));
  const listed = new Map<string, ListedFile[]>();
  for (const [repo, store] of stores) {
    const fresh = requests.filter((r) => {
      const fact = facts[r.id];
      return r.assetsRepo === repo && fact?.kind === 'resolved' && fact.tree !== null && !known.has(`${repo}\0${fact.tree}`);
    });
    if (fresh.length === 0) continue;
    const listings = await listTreeFiles(store, fresh.map((r) => (facts[r.id] as { tree: string }).tree));
    for (const [tree, files] of listings) listed.set(tree, files);
    const links = new Map<string, { r: RestoreRequest; path: string }[]>();
    for (const r of fresh) {
      const path = assetsPathOf(r.prefix, r.packagePath);
      const files = listings.get((facts[r.id] as { tree: string }).tree) ?? [];
      const problems = unsafeTreePaths(files.map((f) => ({ path: `${path}/${f.path}`, mode: f.mode })), { platform: process.platform });
      if (problems.length > 0) {
        facts[r.id] = unsafe(r, `its pinned folder holds ${problems.length === 1 ? 'a path' : `${problems.length} paths`} that cannot be checked out safely:\n${problems.slice(0, 5).map((p) => `  ${p.path} ${p.reason}`).join('\n')}`, 'Fix the recordings in the assets repo (rename or remove those paths) and pin the new commit.');
        continue;
      }
      for (const f of files) if (f.mode === '120000') links.set(f.oid, [...(links.get(f.oid) ?? []), { r, path: `${path}/${f.path}` }]);
    }
    if (links.size > 0) await checkSymlinks(input, store, links, facts, servedBy);
  }
  return listed;
}

async function checkSymlinks(input: GatherInput, store: Store, links: Map<string, { r: RestoreRequest; path: string }[]>, facts: Record<string, PinFact>, servedBy: Record<string, FallbackRemote>): Promise<void> {
  const missing = await store.missingBlobs([...links.keys()]);
  if (missing.length > 0) {
    const routes = [...new Set(Object.values(servedBy))].map((remote) => ({ remote, oids: [...links].filter(([, uses]) => uses.some((u) => servedBy[u.r.id] === remote)).map(([oid]) => oid) }));
    const fetched = await fetchObjectsRouted(store, missing, routes);
    input.network.objects += fetched.objects;
    input.network.objectFetches += fetched.requests;
  }
  const targets = await readBlobs(store, [...links.keys()]);
  const perPackage = new Map<string, { r: RestoreRequest; targets: Map<string, string> }>();
  for (const [oid, uses] of links) {
    for (const { r, path } of uses) {
      const entry = perPackage.get(r.id) ?? { r, targets: new Map() };
      entry.targets.set(path, targets.get(oid)?.toString('utf8') ?? '');
      perPackage.set(r.id, entry);
    }
  }
  for (const { r, targets: map } of perPackage.values()) {
    const found = escapingSymlinks(assetsPathOf(r.prefix, r.packagePath), map);
    if (found.length > 0) facts[r.id] = unsafe(r, `its pinned folder holds a symlink that leaves it:\n${found.slice(0, 5).map((p) => `  ${p.path} ${p.reason}`).join('\n')}`, 'Replace the symlink with the file itself in the assets repo and pin the new commit.');
  }
}
