import { faultPoint, plural, type ErrorReport } from '@asset-sync/errors';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import {
  anchorCheckouts,
  composeTree,
  finishMove,
  moveCheckout,
  removeCheckoutDir,
  removeSharedCheckout,
  resetFolders,
  syntheticCommit,
  type Store,
} from '@asset-sync/git-store';
import { nestedBelow, TEST_PROXY_SHARED_NAMES, type CheckoutPlan, type Layout, type PackagePlan, type RestorePlan } from '@asset-sync/planner';
import { asWriteFailure, errorReport, inFolder } from './errors.js';
import { fetchObjectsRouted, type FallbackRemote } from './fallback.js';
import type { Prefetch } from './prefetch.js';
import { syncProxyCheckout } from './proxy-checkout.js';
import { writeState, type CheckoutRecord, type LayoutState, type PackageRecord, type RestoreState } from './state.js';
import type { NetworkMeter } from './network.js';
import type { CheckoutOutcome, RestoreEvents, Workspace } from './types.js';

export interface ApplyInput {
  workspace: Workspace;
  layout: Layout;
  plan: RestorePlan;
  stores: Map<string, Store>;
  state: RestoreState;
  lstate: LayoutState;
  network: NetworkMeter;
  events?: RestoreEvents;
  jobs: number;
  /** Packages whose pin a fallback remote served: their file contents come from there too. */
  servedBy?: Record<string, FallbackRemote>;
  /** File contents gather already asked for, per assets repo: awaited before what is missing is worked out. */
  prefetches?: Map<string, Prefetch>;
}

/** What applying one checkout's plan did; `failed` are the packages whose files did not change. */
export interface Applied {
  outcome: CheckoutOutcome;
  failed: Map<string, ErrorReport>;
}

/** A checkout's new content, worked out before any file is written. */
interface Prepared {
  plan: CheckoutPlan;
  tree: string;
  commit: string;
  /** What the store must hold for the move: trees whose missing blobs are fetched, and single blobs. */
  needs: { trees: string[]; blobs: string[] };
}

/**
 * Writes the plan. First every checkout's new content is worked out (the composed tree, or the
 * pin's commit in the test-proxy layout); then the file contents the store lacks are fetched in
 * one request per assets repo, for all checkouts together; then each checkout is moved. The state
 * says "moving" from just before the first file is written until the move is complete, so a
 * killed run is finished by the next one and never looks complete. A checkout that fails leaves
 * its packages as they were.
 */
export async function applyPlan(input: ApplyInput): Promise<Applied[]> {
  const work = input.plan.checkouts.filter((c) => c.action !== 'unchanged');
  const applied: Applied[] = [];
  const prepared: Prepared[] = [];
  for (const plan of work) {
    try {
      if (plan.action !== 'remove') prepared.push(await prepare(input, plan));
    } catch (error) {
      applied.push(failedCheckout(input, plan, error));
    }
  }
  const fetchErrors = await fetchMissing(input, prepared);
  if (work.length > 0) input.events?.phase?.('checkout', plural(work.length, 'checkout'));
  const limit = pLimit(Math.max(1, input.jobs));
  const ready = new Map(prepared.map((p) => [p.plan.dir, p]));
  const attempted = work.filter((plan) => plan.action === 'remove' || ready.has(plan.dir));
  applied.push(
    ...(await Promise.all(
      attempted.map((plan) =>
        limit(() => {
          const fetchError = fetchErrors.get(plan.assetsRepo);
          return fetchError ? Promise.resolve(failedCheckout(input, plan, fetchError)) : applyCheckout(input, plan, ready.get(plan.dir));
        }),
      ),
    )),
  );
  for (const c of input.plan.checkouts.filter((c) => c.action === 'unchanged')) {
    recordPackages(input, c.dir);
    applied.push({ outcome: outcomeOf(c, 'unchanged'), failed: new Map() });
  }
  if (input.layout === 'shared') await anchorPins(input);
  return applied;
}

/**
 * Names, per shared checkout, the commits of the pins it serves (its HEAD is a synthetic commit
 * that does not reach them), so `gc --store` keeps them for push and resolve. Unchanged
 * checkouts cost no process.
 */
async function anchorPins(input: ApplyInput): Promise<void> {
  for (const [repo, store] of input.stores) {
    const anchors = Object.entries(input.lstate.checkouts)
      .filter(([, record]) => record.assetsRepo === repo && !record.moving)
      .map(([dir]) => ({
        dir: join(input.workspace.assetsDir, dir),
        commits: Object.values(input.lstate.packages).filter((p) => p.checkout === dir).map((p) => p.commit),
      }));
    if (anchors.length > 0) await anchorCheckouts(store, anchors);
  }
}

async function prepare(input: ApplyInput, plan: CheckoutPlan): Promise<Prepared> {
  const store = input.stores.get(plan.assetsRepo);
  if (!store) throw new Error(`no store for ${plan.assetsRepo}`);
  if (input.layout === 'shared') {
    const tree = await composeTree(store, plan.grafts);
    return { plan, tree, commit: await syntheticCommit(store, tree), needs: { trees: [tree], blobs: [] } };
  }
  const commit = plan.commit!;
  const tree = await store.treeOf(commit);
  const folderTrees = plan.grafts.flatMap((g) => (g.tree ? [g.tree] : []));
  // Besides the package folder, the proxy's patterns take `eng/` and `.gitignore`: those above the
  // folder come in the same request; any deeper ones git fetches itself when it writes them.
  const shared = await store.namedEntriesAbove(commit, plan.sparse ?? [], [...TEST_PROXY_SHARED_NAMES]);
  return { plan, tree, commit, needs: { trees: [...folderTrees, ...shared.trees], blobs: shared.blobs } };
}

/** File contents the new content needs and the stores lack: one request per assets repo. */
async function fetchMissing(input: ApplyInput, prepared: Prepared[]): Promise<Map<string, unknown>> {
  const errors = new Map<string, unknown>();
  const repos = [...new Set(prepared.map((p) => p.plan.assetsRepo))];
  const limit = pLimit(Math.max(1, input.workspace.concurrency.network));
  await Promise.all(
    repos.map((repo) =>
      limit(async () => {
        const store = input.stores.get(repo)!;
        const mine = prepared.filter((p) => p.plan.assetsRepo === repo);
        try {
          const prefetched = await awaitPrefetch(input, repo);
          const trees = mine.flatMap((p) => p.needs.trees);
          const blobs = mine.flatMap((p) => p.needs.blobs);
          const missing = [...new Set([...(await store.missingObjects(trees)), ...(await store.missingBlobs(blobs))])];
          if (missing.length === 0) return;
          if (!prefetched) input.events?.phase?.('fetch-objects', repo);
          const fetched = await fetchObjectsRouted(store, missing, await fallbackRoutes(input, store), input.network.onBytes, input.workspace.fallbackRemotes());
          input.network.objects += fetched.objects;
          input.network.objectFetches += fetched.requests;
        } catch (error) {
          errors.set(repo, error);
        }
      }),
    ),
  );
  await faultPoint('fetch-objects');
  return errors;
}

/** The fetch gather started for this repo, if any, done (true): its failure is the repo's fetch failure. */
async function awaitPrefetch(input: ApplyInput, repo: string): Promise<boolean> {
  const prefetch = input.prefetches?.get(repo);
  if (!prefetch) return false;
  // Said when the run gets here, in the order of the phases: the fetch itself started earlier.
  input.events?.phase?.('fetch-objects', repo);
  const failure = await prefetch.done;
  if (failure !== undefined) throw failure;
  input.network.objects += prefetch.objects;
  return true;
}

/** Per fallback remote that served pins of this store, the missing objects below those pins' folders. */
async function fallbackRoutes(input: ApplyInput, store: Store): Promise<Array<{ remote: FallbackRemote; oids: string[] }>> {
  const served = input.servedBy ?? {};
  const byRemote = new Map<string, { remote: FallbackRemote; trees: string[] }>();
  for (const p of input.plan.packages) {
    const remote = served[p.id];
    if (!remote || p.assetsRepo !== store.assetsRepo || !p.tree) continue;
    const route = byRemote.get(remote.url) ?? { remote, trees: [] };
    route.trees.push(p.tree);
    byRemote.set(remote.url, route);
  }
  return Promise.all([...byRemote.values()].map(async ({ remote, trees }) => ({ remote, oids: await store.missingObjects(trees) })));
}

async function applyCheckout(input: ApplyInput, plan: CheckoutPlan, prepared: Prepared | undefined): Promise<Applied> {
  const store = input.stores.get(plan.assetsRepo)!;
  const abs = join(input.workspace.assetsDir, plan.dir);
  const previous = input.lstate.checkouts[plan.dir];
  const previousPackages = Object.values(input.lstate.packages).filter((p) => p.checkout === plan.dir);
  try {
    if (plan.action === 'remove') {
      await (input.layout === 'shared' ? removeSharedCheckout(store, abs) : removeCheckoutDir(store, abs));
      delete input.lstate.checkouts[plan.dir];
      for (const p of previousPackages) delete input.lstate.packages[p.id];
      return { outcome: outcomeOf(plan, 'removed'), failed: new Map() };
    }
    const action = input.layout === 'shared' ? await applyShared(input, store, prepared!, abs) : await applyProxy(input, store, prepared!, abs);
    return { outcome: outcomeOf(plan, action), failed: new Map() };
  } catch (error) {
    await restorePrevious(input, store, plan, abs, previous, previousPackages);
    return failedCheckout(input, plan, error);
  }
}

function failedCheckout(input: ApplyInput, plan: CheckoutPlan, error: unknown): Applied {
  const dir = join(input.workspace.assetsDir, plan.dir);
  const info = inFolder(errorReport(asWriteFailure(error, dir)), dir);
  const failed = new Map(plan.changing.map((id) => [id, { ...info, message: `${id}: ${info.message}` }]));
  const attempted: CheckoutOutcome['action'] = plan.action === 'create' ? 'created' : plan.action === 'remove' ? 'removed' : plan.action === 'repair' ? 'repaired' : 'updated';
  return { outcome: { ...outcomeOf(plan, attempted), error: info }, failed };
}

/** The folders a move rewrites (old and new paths of the changing packages), and the nested ones it leaves alone. */
function movingFolders(input: ApplyInput, plan: CheckoutPlan): { folders: string[]; excludes: string[] } {
  const changing = new Set(plan.changing);
  const folders = new Set<string>();
  for (const id of changing) {
    const before = input.lstate.packages[id];
    if (before && before.checkout === plan.dir) folders.add(before.path);
    const after = plan.grafts.find((g) => g.id === id);
    if (after) folders.add(after.path);
  }
  const owners = [...new Set([...plan.grafts.map((g) => g.path), ...Object.values(input.lstate.packages).filter((p) => p.checkout === plan.dir).map((p) => p.path)])].sort();
  const stays = new Set(plan.grafts.filter((g) => !changing.has(g.id)).map((g) => g.path));
  const excludes = [...folders].flatMap((f) => nestedBelow(f, owners).filter((n) => stays.has(n) && !folders.has(n)));
  return { folders: [...folders].sort(), excludes: [...new Set(excludes)].sort() };
}

async function applyShared(input: ApplyInput, store: Store, prepared: Prepared, abs: string): Promise<CheckoutOutcome['action']> {
  const { plan, tree, commit } = prepared;
  const moving = movingFolders(input, plan);
  if (plan.discard.length > 0) {
    const discard = plan.discard.map((id) => input.lstate.packages[id]?.path).filter((p): p is string => p !== undefined);
    await resetFolders(abs, discard, moving.excludes);
  }
  await markMoving(input, plan, { assetsRepo: plan.assetsRepo, tree, commit, moving });
  await faultPoint('checkout');
  const done = await moveCheckout(store, { dir: abs, tree, commit });
  // A package with no recordings yet still gets its folder, so recording can start there.
  for (const g of plan.grafts) if (g.tree === null) await mkdir(join(abs, g.path), { recursive: true });
  delete input.lstate.checkouts[plan.dir]!.moving;
  return plan.action === 'repair' ? 'repaired' : done;
}

async function applyProxy(input: ApplyInput, store: Store, prepared: Prepared, abs: string): Promise<CheckoutOutcome['action']> {
  const { plan, tree, commit } = prepared;
  const sparse = plan.sparse ?? [];
  await markMoving(input, plan, { assetsRepo: plan.assetsRepo, tree, commit, moving: { folders: sparse, excludes: [] } });
  await faultPoint('checkout');
  await syncProxyCheckout(store, abs, commit, sparse, plan.discard.length > 0);
  delete input.lstate.checkouts[plan.dir]!.moving;
  return plan.action === 'create' ? 'created' : plan.action === 'repair' ? 'repaired' : 'updated';
}

/** Records the new content with the "moving" mark before any file is written. */
async function markMoving(input: ApplyInput, plan: CheckoutPlan, record: CheckoutRecord): Promise<void> {
  input.lstate.checkouts[plan.dir] = record;
  recordPackages(input, plan.dir);
  await writeState(input.workspace.assetsDir, input.state);
}

/** The package records of a checkout after its plan: every package it holds, at what it holds. */
function recordPackages(input: ApplyInput, dir: string): void {
  for (const p of Object.values(input.lstate.packages)) if (p.checkout === dir) delete input.lstate.packages[p.id];
  for (const p of input.plan.packages) {
    const record = recordOf(p);
    if (record && record.checkout === dir) input.lstate.packages[p.id] = record;
  }
}

export function recordOf(p: PackagePlan): PackageRecord | undefined {
  if (p.action === 'remove' || !p.checkout || p.tree === undefined || !p.commit || !p.assetsRepo || p.path === undefined || !p.pin) return undefined;
  return { id: p.id, assetsRepo: p.assetsRepo, path: p.path, prefix: p.prefix ?? '', pin: p.pin, pinText: p.pinText ?? '', commit: p.commit, tree: p.tree, checkout: p.checkout };
}

/**
 * After a failure: the folders that were moving go back to what they held, so the packages are
 * as they were and the state says so. If even that fails (a full disk), the "moving" mark stays
 * and the next run finishes the move.
 */
async function restorePrevious(
  input: ApplyInput,
  store: Store | undefined,
  plan: CheckoutPlan,
  abs: string,
  previous: CheckoutRecord | undefined,
  previousPackages: PackageRecord[],
): Promise<void> {
  const marked = input.lstate.checkouts[plan.dir]?.moving;
  if (marked && store && previous && input.layout === 'shared') {
    try {
      await finishMove(store, { dir: abs, tree: previous.tree, commit: previous.commit, ...marked });
    } catch {
      return;
    }
  } else if (marked) return;
  if (previous) input.lstate.checkouts[plan.dir] = previous;
  else delete input.lstate.checkouts[plan.dir];
  for (const p of Object.values(input.lstate.packages)) if (p.checkout === plan.dir) delete input.lstate.packages[p.id];
  for (const p of previousPackages) input.lstate.packages[p.id] = p;
}

function outcomeOf(plan: CheckoutPlan, action: CheckoutOutcome['action']): CheckoutOutcome {
  return { dir: plan.dir, assetsRepo: plan.assetsRepo, action, packages: plan.grafts.length, changing: plan.changing.length };
}
