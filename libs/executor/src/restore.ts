import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { AssetSyncError, formatProblem, isAssetSyncError, redact } from '@asset-sync/errors';
import {
  assetsPathOf,
  isSameOrBelow,
  outermostPaths,
  pinKey,
  planRestore,
  testProxyHash,
  type CurrentCheckout,
  type Plan,
  type RepoFacts,
  type RequestFailure,
  type RestoreRequest,
} from '@asset-sync/planner';
import {
  Store,
  acquireLock,
  discardChanges,
  hasPendingChanges,
  isCheckoutOf,
  pendingChanges,
  readCheckoutHead,
  removeCheckoutDir,
  syncCheckout,
  workingTreeAt,
  type FileChange,
  type PendingChanges,
} from '@asset-sync/git-store';
import { crashPoint } from './crash.js';
import {
  buildManifest,
  manifestMatches,
  readState,
  writeState,
  type CheckoutRecord,
  type RequestRecord,
  type RestoreState,
} from './state.js';
import type {
  CheckoutOutcome,
  ErrorInfo,
  NetworkCounts,
  PackageEntry,
  PackageOutcome,
  RestoreEvents,
  RestoreReport,
  Workspace,
} from './types.js';

export interface RestoreOptions {
  workspace: Workspace;
  /** The assets.json files to restore. */
  entries: PackageEntry[];
  /**
   * True when `entries` is every assets.json of the repo (restore --all without --filter): only
   * then may checkouts that serve nothing any more be removed.
   */
  complete: boolean;
  /** Other assets.json files of the repo (at least those nested below `entries`), for excludes. */
  context?: PackageEntry[];
  /** Discard pending local changes that stand in the way. */
  force?: boolean;
  /** Work everything out, fetch commits and trees into the store (a cache), change no checkout. */
  dryRun?: boolean;
  /** Parallel checkouts (local work); network steps use workspace.concurrency.network. */
  jobs?: number;
  /** The caller already holds the assets dir lock (push, reset). */
  lockHeld?: boolean;
  /** Asked (on a TTY) before discarding pending changes; without it, pending changes block. */
  confirmDiscard?: (packages: Array<{ id: string; changes: PendingChanges }>) => Promise<boolean>;
  events?: RestoreEvents;
}

/** A request ready for the planner, with what the executor needs besides. */
interface Prepared {
  entry: PackageEntry;
  request: RestoreRequest;
  path: string;
  excludes: string[];
  pinText: string;
}

/** What verifying a recorded checkout against the disk found. */
interface Verified {
  dir: string;
  record: CheckoutRecord;
  /** intact: worktree, HEAD and files as recorded (pending changes aside). */
  condition: 'intact' | 'missing' | 'damaged' | 'incomplete';
  /** Pending local changes per request id (only for intact checkouts). */
  pending: Map<string, PendingChanges>;
  /** Files differ from what restore wrote but git cannot say how (damaged checkouts). */
  unexplainedChanges: boolean;
}

/** The checkouts the run ends with: planned ones plus those kept for requests outside the run. */
interface Target {
  dir: string;
  assetsRepo: string;
  commit: string;
  paths: string[];
  /** Request ids it serves after the run. */
  serves: string[];
}

/**
 * Restores assets.json files in one pass: every missing pin in one fetch per assets repo, one
 * plan, every missing file content in one more fetch, then the checkouts in parallel. Failures
 * stay with the packages they concern; everything else is restored.
 */
export async function restore(options: RestoreOptions): Promise<RestoreReport> {
  const started = Date.now();
  const { workspace, events } = options;
  const dryRun = options.dryRun === true;
  const network: NetworkCounts = { pinFetches: 0, objectFetches: 0, objects: 0, bytes: 0 };
  // Bytes received per fetch (git reports a running total per fetch); the sum is what was received.
  const received = new Map<string, number>();
  const onBytes = (fetch: string) => (progress: { bytes?: number }): void => {
    if (!progress.bytes) return;
    received.set(fetch, Math.max(received.get(fetch) ?? 0, progress.bytes));
    network.bytes = [...received.values()].reduce((a, b) => a + b, 0);
    events?.bytes?.(network.bytes);
  };
  // Dry runs lock too: they fetch commits and trees into the store.
  await ignoreAssetsDir(workspace.assetsDir);
  const release = options.lockHeld ? async (): Promise<void> => undefined : await acquireLock(workspace.assetsDir);
  try {
    events?.phase?.('resolve');
    const state = await readState(workspace.assetsDir);
    const layoutChanged = state.layout !== workspace.layout;
    const prepared: Prepared[] = [];
    const failures: RequestFailure[] = [];
    prepareRequests(options.entries, options.context ?? [], prepared, failures);

    const repos = [...new Set([...prepared.map((p) => p.request.assetsRepo), ...Object.values(state.checkouts).map((c) => c.assetsRepo)])].sort();
    const stores = new Map<string, Store>();
    const facts: Record<string, RepoFacts> = {};
    const verified = new Map<string, Verified>();
    const networkLimit = pLimit(Math.max(1, workspace.concurrency.network));

    await Promise.all(
      repos.map((repo) =>
        networkLimit(async () => {
          const mine = prepared.filter((p) => p.request.assetsRepo === repo);
          let store: Store;
          try {
            store = await Store.open({ assetsDir: workspace.assetsDir, assetsRepo: repo, url: workspace.remoteUrl(repo) });
            await store.clearStaleLocks();
          } catch (error) {
            for (const p of mine) failures.push(failureOf(p.request.id, error));
            return;
          }
          stores.set(repo, store);
          const records = Object.entries(state.checkouts).filter(([, r]) => r.assetsRepo === repo);
          for (const [dir, record] of records) {
            verified.set(dir, await verifyCheckout(store, workspace, dir, record, state));
          }
          if (mine.length === 0) return;
          const pins = mine.map((p) => p.request.pin);
          let resolved = await store.resolvePins(pins);
          const unresolved = pins.filter((pin) => !resolved.has(pinKey(pin)));
          if (unresolved.length > 0) {
            events?.phase?.('fetch-pins', `${unresolved.length} pins from ${repo}`);
            try {
              network.pinFetches++;
              const { missing } = await store.fetchPins(unresolved, onBytes(`pins:${repo}`));
              for (const p of mine) {
                const error = missing.get(pinKey(p.request.pin));
                if (error) failures.push(failureOf(p.request.id, error, `${p.request.id}: `));
              }
            } catch (error) {
              const unresolvedKeys = new Set(unresolved.map(pinKey));
              for (const p of mine) if (unresolvedKeys.has(pinKey(p.request.pin))) failures.push(failureOf(p.request.id, error, `${p.request.id}: `));
            }
            resolved = await store.resolvePins(pins);
          }
          const currentCommits = [...verified.values()]
            .filter((v) => v.record.assetsRepo === repo && v.condition === 'intact')
            .map((v) => v.record.commit);
          const commits = [...new Set([...resolved.values(), ...currentCommits])];
          const paths = [...new Set(mine.map((p) => p.path))];
          const treeAt = await store.treeIds(commits, paths);
          facts[repo] = { pins: Object.fromEntries(resolved), treeAt, ancestorsOf: await cachedAncestry(store, state, repo, commits) };
        }),
      ),
    );

    crashPoint('fetch-pins');
    events?.phase?.('plan');
    const failedIds = new Set(failures.map((f) => f.id));
    const current: CurrentCheckout[] = layoutChanged
      ? []
      : [...verified.values()]
          .filter((v) => v.condition === 'intact')
          .map((v) => ({
            assetsRepo: v.record.assetsRepo,
            commit: v.record.commit,
            dir: v.dir,
            serves: servedBy(state, v.dir),
            pending: [...v.pending.keys()],
          }));
    const plan = planRestore({
      requests: prepared.map((p) => p.request),
      facts,
      failures: dedupeFailures(failures),
      current,
      layout: workspace.layout,
    });
    for (const f of plan.failures) failedIds.add(f.id);

    const selected = new Set(options.entries.map((e) => e.path));
    const byId = new Map(prepared.map((p) => [p.request.id, p]));
    const outcomes = new Map<string, PackageOutcome>();
    // Results go out as they are known (the Nx batch executor reports per project as each finishes).
    const emitted = new Set<string>();
    const emit = (outcome: PackageOutcome): void => {
      if (emitted.has(outcome.id)) return;
      emitted.add(outcome.id);
      events?.package?.(outcome);
    };
    for (const f of plan.failures) {
      outcomes.set(f.id, { id: f.id, status: 'failed', error: { code: f.code, message: f.message, ...(f.hint ? { hint: f.hint } : {}) } });
    }

    // Pending changes that the plan would move or overwrite: ask, discard with --force, or fail the package.
    const pendingByRequest = new Map<string, { dir: string; changes: PendingChanges }>();
    for (const v of verified.values()) for (const [id, changes] of v.pending) pendingByRequest.set(id, { dir: v.dir, changes });
    const assignmentOf = new Map(plan.assignments.map((a) => [a.id, a]));
    const checkoutById = new Map(plan.checkouts.map((c) => [c.id, c]));
    const conflicts: Array<{ id: string; dir: string; changes: PendingChanges }> = [];
    // Pending changes that are exactly the new pin's content (a push just published them) move
    // without loss: they are discarded where they are and come back from the new pin.
    const supersededIds: Array<{ id: string; dir: string }> = [];
    for (const [id, { dir, changes }] of pendingByRequest) {
      const assignment = assignmentOf.get(id);
      const stays = assignment && assignment.checkout === dir && checkoutById.get(dir)?.commit === state.checkouts[dir]?.commit;
      if (!selected.has(id) || !assignment || stays) continue;
      const store = stores.get(assignment.assetsRepo);
      const record = state.checkouts[dir];
      const path = byId.get(id)?.path;
      if (store && record && path !== undefined && (await pendingMatches(store, join(workspace.assetsDir, dir), record.commit, path, changes, assignment.tree))) {
        supersededIds.push({ id, dir });
      } else {
        conflicts.push({ id, dir, changes });
      }
    }
    let discard = options.force === true;
    if (conflicts.length > 0 && !discard && options.confirmDiscard && !dryRun) discard = await options.confirmDiscard(conflicts);
    const blocked = new Set<string>();
    if (!discard) {
      for (const c of conflicts) {
        blocked.add(c.id);
        outcomes.set(c.id, {
          id: c.id,
          status: 'failed',
          pending: c.changes,
          error: {
            code: 'PENDING_CHANGES',
            message: `${c.id}: restore would replace pending local changes (${describeChanges(c.changes)})`,
            hint: `Push them (asset-sync push ${dirOf(c.id)}), discard them (asset-sync reset ${dirOf(c.id)}), or rerun with --force.`,
          },
        });
      }
    }

    // The final set of checkouts: the plan, plus whatever keeps serving requests this run leaves alone.
    const targets = new Map<string, Target>();
    for (const c of plan.checkouts) {
      const serves = c.serves.filter((id) => !blocked.has(id));
      if (serves.length > 0) targets.set(c.dir, { dir: c.dir, assetsRepo: c.assetsRepo, commit: c.commit, paths: [...c.paths], serves });
    }
    const keptRecords: Record<string, RequestRecord> = {};
    for (const [id, record] of Object.entries(state.requests)) {
      const assigned = assignmentOf.has(id) && !blocked.has(id);
      if (assigned) continue;
      // Requests outside this run, failed ones and blocked ones keep their recordings where they are.
      const keep = !selected.has(id) ? !options.complete || pendingByRequest.has(id) : true;
      if (!keep || layoutChanged || !state.checkouts[record.checkout]) continue;
      if (verified.get(record.checkout)?.condition !== 'intact' && !blocked.has(id)) continue;
      keptRecords[id] = record;
      const checkout = state.checkouts[record.checkout]!;
      const target = targets.get(record.checkout);
      if (target && target.commit === checkout.commit) {
        target.serves.push(id);
        target.paths = outermostPaths([...target.paths, record.path]);
      } else if (!target) {
        targets.set(record.checkout, { dir: record.checkout, assetsRepo: checkout.assetsRepo, commit: checkout.commit, paths: [record.path], serves: [id] });
      } else {
        // Same folder, another commit (test-proxy layout, pin changed, pending changes): leave it as it is.
        targets.set(record.checkout, { dir: record.checkout, assetsRepo: checkout.assetsRepo, commit: checkout.commit, paths: checkout.paths, serves: [id] });
      }
    }
    for (const target of targets.values()) target.paths = outermostPaths(target.paths);

    // What to do with each checkout.
    const checkoutOutcomes: CheckoutOutcome[] = [];
    const work: Array<{ target: Target; action: 'created' | 'updated' | 'repaired'; discardIds: string[] }> = [];
    for (const target of [...targets.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1))) {
      const record = state.checkouts[target.dir];
      const v = verified.get(target.dir);
      const same =
        !layoutChanged &&
        record?.status === 'complete' &&
        v?.condition === 'intact' &&
        record.commit === target.commit &&
        sameSet(record.paths, target.paths);
      if (same) {
        checkoutOutcomes.push({ dir: target.dir, assetsRepo: target.assetsRepo, commit: target.commit, paths: target.paths, action: 'unchanged' });
        continue;
      }
      if (v && (v.condition === 'damaged' || v.condition === 'missing') && v.unexplainedChanges && !options.force) {
        const error: ErrorInfo = {
          code: 'PENDING_CHANGES',
          message: `${join(workspace.assetsDir, target.dir)} is damaged (its git metadata is gone or HEAD moved) and its files differ from what restore wrote`,
          hint: 'Copy out anything you need from it, then rerun restore with --force to rebuild it.',
        };
        checkoutOutcomes.push({ dir: target.dir, assetsRepo: target.assetsRepo, commit: target.commit, paths: target.paths, action: 'kept', error });
        for (const id of target.serves) if (!keptRecords[id]) outcomes.set(id, { id, status: 'failed', error: { ...error, message: `${id}: ${error.message}` } });
        continue;
      }
      const action = !record || !existsSync(join(workspace.assetsDir, target.dir)) ? 'created' : v && v.condition !== 'intact' ? 'repaired' : 'updated';
      const discardIds = [...(discard ? conflicts : []), ...supersededIds].filter((c) => c.dir === target.dir).map((c) => c.id);
      work.push({ target, action, discardIds });
    }
    // Checkouts nothing needs any more.
    const removals: Array<{ dir: string; record: CheckoutRecord }> = [];
    for (const [dir, record] of Object.entries(state.checkouts)) {
      if (targets.has(dir)) continue;
      const v = verified.get(dir);
      const hasPending = v ? [...v.pending.keys()].some((id) => !supersededIds.some((x) => x.id === id)) : false;
      if (hasPending && !discard) {
        checkoutOutcomes.push({ dir, assetsRepo: record.assetsRepo, commit: record.commit, paths: record.paths, action: 'kept' });
        targets.set(dir, { dir, assetsRepo: record.assetsRepo, commit: record.commit, paths: record.paths, serves: [] });
        continue;
      }
      removals.push({ dir, record });
    }

    if (dryRun) {
      for (const w of work) {
        checkoutOutcomes.push({ ...pick(w.target), action: w.action === 'created' ? 'would-create' : 'would-update' });
      }
      for (const r of removals) checkoutOutcomes.push({ dir: r.dir, assetsRepo: r.record.assetsRepo, commit: r.record.commit, paths: r.record.paths, action: 'would-remove' });
      for (const a of plan.assignments) {
        if (outcomes.has(a.id)) continue;
        const changing = work.some((w) => w.target.serves.includes(a.id));
        outcomes.set(a.id, packageOutcome(workspace, byId.get(a.id)!, a.checkout, a.commit, changing ? 'would-restore' : 'up-to-date'));
      }
      return finish();
    }

    // File contents for every checkout that changes, in one request per assets repo.
    const workByRepo = groupBy(work, (w) => w.target.assetsRepo);
    await Promise.all(
      [...workByRepo].map(([repo, items]) =>
        networkLimit(async () => {
          const store = stores.get(repo);
          if (!store) return;
          events?.phase?.('fetch-objects', repo);
          const treeIds: string[] = [];
          const coneFiles: string[] = [];
          for (const w of items) {
            const trees = await store.treeIds([w.target.commit], w.target.paths);
            for (const path of w.target.paths) {
              const tree = trees[w.target.commit]?.[path];
              if (tree) treeIds.push(tree);
            }
            coneFiles.push(...(await store.coneFiles(w.target.commit, w.target.paths)));
          }
          const missing = [...new Set([...(await store.missingObjects(treeIds)), ...(await store.missingBlobs(coneFiles))])];
          if (missing.length === 0) return;
          network.objectFetches++;
          network.objects += missing.length;
          try {
            await store.fetchObjects(missing, onBytes(`objects:${repo}`));
          } catch (error) {
            for (const w of items) (w as { fetchError?: unknown }).fetchError = error;
          }
        }),
      ),
    );

    crashPoint('fetch-objects');
    if (work.length > 0) events?.phase?.('checkout', `${work.length} checkout${work.length === 1 ? '' : 's'}`);
    const localLimit = pLimit(Math.max(1, options.jobs ?? workspace.concurrency.local));
    // Progress counts packages: those already in place are done before any checkout starts.
    const total = plan.assignments.length;
    let done = total - new Set(work.flatMap((w) => w.target.serves)).size;
    events?.progress?.(Math.max(0, done), total);
    const nextState: RestoreState = {
      version: 1,
      layout: workspace.layout,
      checkouts: layoutChanged ? {} : { ...state.checkouts },
      requests: {},
      ancestry: state.ancestry,
    };
    const changedDirs = new Set(work.map((w) => w.target.dir));
    const successOutcome = (a: Plan['assignments'][number]): PackageOutcome => {
      const previous = state.requests[a.id];
      const unchanged = previous && previous.checkout === a.checkout && previous.commit === a.commit && !changedDirs.has(a.checkout);
      const discarded = work.some((w) => w.discardIds.includes(a.id));
      const pending = discarded ? undefined : verified.get(a.checkout)?.pending.get(a.id);
      const status = pending ? 'pending-kept' : unchanged ? 'up-to-date' : 'restored';
      return { ...packageOutcome(workspace, byId.get(a.id)!, a.checkout, a.commit, status), ...(pending ? { pending } : {}) };
    };
    for (const a of plan.assignments) if (!outcomes.has(a.id) && !changedDirs.has(a.checkout)) emit(successOutcome(a));

    // A run that is killed part-way leaves `syncing` records, which the next run redoes.
    for (const w of work) {
      const previous = state.checkouts[w.target.dir];
      const keepPaths = [...(verified.get(w.target.dir)?.pending.keys() ?? [])]
        .filter((id) => !w.discardIds.includes(id))
        .map((id) => byId.get(id)?.path ?? state.requests[id]?.path)
        .filter((p): p is string => typeof p === 'string');
      nextState.checkouts[w.target.dir] = {
        assetsRepo: w.target.assetsRepo,
        commit: w.target.commit,
        paths: w.target.paths,
        status: 'syncing',
        ...(keepPaths.length ? { keepPaths } : previous?.keepPaths ? { keepPaths: previous.keepPaths } : {}),
      };
    }
    if (work.length > 0) await writeState(workspace.assetsDir, nextState);

    await Promise.all(
      work.map((w) =>
        localLimit(async () => {
          const store = stores.get(w.target.assetsRepo);
          const dir = join(workspace.assetsDir, w.target.dir);
          try {
            const fetchError = (w as { fetchError?: unknown }).fetchError;
            if (fetchError) throw fetchError;
            if (!store) throw new AssetSyncError('GIT_FAILED', `no store for ${w.target.assetsRepo}`);
            await prepareResync(store, workspace, w.target, state, verified.get(w.target.dir), w.discardIds, byId, options.force === true);
            await syncCheckout(store, { dir, commit: w.target.commit, paths: w.target.paths });
            crashPoint('checkout');
            nextState.checkouts[w.target.dir] = {
              assetsRepo: w.target.assetsRepo,
              commit: w.target.commit,
              paths: w.target.paths,
              status: 'complete',
              manifest: buildManifest(dir, w.target.paths),
              completedAt: new Date().toISOString(),
            };
            checkoutOutcomes.push({ ...pick(w.target), action: w.action });
            for (const id of w.target.serves) {
              const a = assignmentOf.get(id);
              if (a && a.checkout === w.target.dir && !outcomes.has(id)) emit(successOutcome(a));
            }
          } catch (error) {
            const info = errorInfo(error);
            checkoutOutcomes.push({ ...pick(w.target), action: w.action, error: info });
            for (const id of w.target.serves) {
              if (!outcomes.has(id) && !keptRecords[id]) outcomes.set(id, { id, status: 'failed', error: { ...info, message: `${id}: ${info.message}` } });
            }
          } finally {
            done += w.target.serves.filter((id) => assignmentOf.has(id)).length;
            events?.progress?.(Math.min(done, total), total);
          }
        }),
      ),
    );

    for (const r of removals) {
      const store = stores.get(r.record.assetsRepo);
      try {
        if (store) await removeCheckoutDir(store, join(workspace.assetsDir, r.dir));
        delete nextState.checkouts[r.dir];
        checkoutOutcomes.push({ dir: r.dir, assetsRepo: r.record.assetsRepo, commit: r.record.commit, paths: r.record.paths, action: 'removed' });
      } catch (error) {
        checkoutOutcomes.push({ dir: r.dir, assetsRepo: r.record.assetsRepo, commit: r.record.commit, paths: r.record.paths, action: 'kept', error: errorInfo(error) });
      }
    }

    events?.phase?.('record');
    for (const a of plan.assignments) {
      const p = byId.get(a.id)!;
      if (outcomes.has(a.id)) continue;
      nextState.requests[a.id] = {
        assetsRepo: a.assetsRepo,
        pin: a.pin,
        commit: a.commit,
        path: a.path,
        prefix: p.request.prefix,
        checkout: a.checkout,
        excludes: p.excludes,
      };
      outcomes.set(a.id, successOutcome(a));
    }
    for (const [id, record] of Object.entries(keptRecords)) nextState.requests[id] = record;
    for (const dir of Object.keys(nextState.checkouts)) {
      if (!targets.has(dir) && !Object.values(nextState.requests).some((r) => r.checkout === dir)) {
        if (removals.some((r) => r.dir === dir)) delete nextState.checkouts[dir];
      }
    }
    if (workspace.layout === 'test-proxy') await writeBreadcrumbs(workspace, plan, byId, outcomes);
    await writeState(workspace.assetsDir, nextState);
    return finish();

    function finish(): RestoreReport {
      for (const p of prepared) {
        if (!outcomes.has(p.request.id)) {
          outcomes.set(p.request.id, { id: p.request.id, status: 'failed', error: { code: 'GIT_FAILED', message: `${p.request.id}: was not planned` } });
        }
      }
      for (const e of options.entries) {
        if (!outcomes.has(e.path)) outcomes.set(e.path, { id: e.path, status: 'failed', error: { code: 'ASSETS_JSON_INVALID', message: e.problems.map(formatProblem).join('\n') } });
      }
      const packages = [...outcomes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const p of packages) emit(p);
      const count = (s: PackageOutcome['status']): number => packages.filter((p) => p.status === s).length;
      checkoutOutcomes.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
      return {
        ok: count('failed') === 0 && checkoutOutcomes.every((c) => !c.error),
        dryRun,
        layout: workspace.layout,
        assetsDir: workspace.assetsDir,
        plan: plan as Plan,
        packages,
        checkouts: checkoutOutcomes,
        network,
        summary: {
          restored: count('restored') + count('would-restore'),
          upToDate: count('up-to-date'),
          pendingKept: count('pending-kept'),
          failed: count('failed'),
          durationMs: Date.now() - started,
        },
      };
    }
  } finally {
    await release();
  }
}

/** Valid entries become planner requests; invalid ones fail with every problem listed. */
function prepareRequests(entries: PackageEntry[], context: PackageEntry[], prepared: Prepared[], failures: RequestFailure[]): void {
  for (const entry of entries) {
    if (!entry.target || entry.problems.length > 0) {
      failures.push({
        id: entry.path,
        code: 'ASSETS_JSON_INVALID',
        message: entry.problems.map(formatProblem).join('\n') || `${entry.path}: not a valid assets.json`,
        hint: entry.problems.find((p) => p.hint)?.hint ?? 'Fix the fields named above; `asset-sync discover` lists every problem.',
      });
      continue;
    }
    const { assetsRepo, prefix, pin, pinText } = entry.target;
    const request: RestoreRequest = { id: entry.path, assetsRepo, prefix, packagePath: entry.packagePath, pin };
    prepared.push({ entry, request, path: assetsPathOf(prefix, entry.packagePath), excludes: [], pinText });
  }
  // A package's recordings belong to its nearest assets.json: nested packages are excluded from
  // a service-level package's status and push.
  // Sorted, the folders below a path follow it directly: one binary search each, not a scan of all.
  const byRepo = new Map<string, string[]>();
  for (const e of [...entries, ...context]) {
    if (!e.target) continue;
    const list = byRepo.get(e.target.assetsRepo) ?? [];
    list.push(assetsPathOf(e.target.prefix, e.packagePath));
    byRepo.set(e.target.assetsRepo, list);
  }
  for (const [repo, list] of byRepo) byRepo.set(repo, [...new Set(list)].sort());
  for (const p of prepared) {
    const sorted = byRepo.get(p.request.assetsRepo) ?? [];
    const below = p.path === '' ? '' : `${p.path}/`;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < below) lo = mid + 1;
      else hi = mid;
    }
    const excludes: string[] = [];
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(below); i++) if (sorted[i] !== p.path) excludes.push(sorted[i]!);
    p.excludes = excludes;
  }
}

/**
 * Checks a recorded checkout against the disk. Pending local changes are what git reports
 * relative to the commit it has checked out; when git cannot tell (metadata gone), the files are
 * compared with the manifest restore wrote.
 */
async function verifyCheckout(store: Store, workspace: Workspace, dir: string, record: CheckoutRecord, state: RestoreState): Promise<Verified> {
  const abs = join(workspace.assetsDir, dir);
  const result: Verified = { dir, record, condition: 'intact', pending: new Map(), unexplainedChanges: false };
  if (!existsSync(abs)) return { ...result, condition: 'missing' };
  const manifestOk = record.manifest ? manifestMatches(abs, record.paths, record.manifest) : false;
  const worktreeOk = (await isCheckoutOf(store, abs)) && (await readCheckoutHead(abs)) !== undefined;
  if (!worktreeOk) return { ...result, condition: 'damaged', unexplainedChanges: !manifestOk && record.status === 'complete' };
  const headOk = (await readCheckoutHead(abs)) === record.commit;
  if (record.status !== 'complete') result.condition = 'incomplete';
  else if (!headOk) result.condition = 'damaged';
  if (manifestOk && headOk) return result;
  // Something changed on disk: ask git which package's files, relative to what is checked out.
  const served = Object.entries(state.requests).filter(([, r]) => r.checkout === dir);
  for (const [id, r] of served) {
    if (!record.paths.some((p) => isSameOrBelow(r.path, p))) continue;
    if (record.status !== 'complete' && !(record.keepPaths ?? []).includes(r.path)) continue;
    const changes = await pendingChanges(abs, r.path, r.excludes);
    if (hasPendingChanges(changes)) result.pending.set(id, changes);
  }
  if (result.condition === 'damaged' && result.pending.size > 0) result.unexplainedChanges = true;
  return result;
}

/**
 * Before a checkout is synced: throw away what must go (pending changes the user chose to discard,
 * leftovers of an interrupted sync), and rebuild checkouts whose git metadata is damaged.
 */
async function prepareResync(
  store: Store,
  workspace: Workspace,
  target: Target,
  state: RestoreState,
  v: Verified | undefined,
  discardIds: string[],
  byId: Map<string, Prepared>,
  force: boolean,
): Promise<void> {
  const abs = join(workspace.assetsDir, target.dir);
  if (!v) {
    // Not recorded: normally a leftover of a run that never got to record it. If it is a
    // worktree with changes in it, the record was lost, and the changes may be someone's work.
    if (!existsSync(abs)) return;
    if (await isCheckoutOf(store, abs)) {
      const changes = await pendingChanges(abs, '');
      if (hasPendingChanges(changes) && discardIds.length === 0 && !force) {
        throw new AssetSyncError('PENDING_CHANGES', `${abs} is not in restore's record but has changes (${describeChanges(changes)})`, {
          hint: 'Copy out anything you need from it, then rerun with --force to rebuild it.',
        });
      }
    }
    await removeCheckoutDir(store, abs);
    return;
  }
  if (v.condition === 'damaged' || v.condition === 'missing') {
    if (v.condition === 'damaged' && !v.unexplainedChanges && (await isCheckoutOf(store, abs))) {
      // HEAD moved but nothing is pending relative to it: git can put it back.
      await syncCheckout(store, { dir: abs, commit: target.commit, paths: target.paths, force: true });
      return;
    }
    await removeCheckoutDir(store, abs);
    return;
  }
  for (const id of discardIds) {
    const record = state.requests[id];
    const path = record?.path ?? byId.get(id)?.path;
    if (path) await discardChanges(abs, path, record?.excludes ?? []);
  }
  if (v.condition === 'incomplete') {
    const keep = v.record.keepPaths ?? [];
    if (keep.length === 0) {
      await removeCheckoutDir(store, abs);
      return;
    }
    for (const path of v.record.paths) {
      if (!keep.some((k) => isSameOrBelow(k, path) || isSameOrBelow(path, k))) await discardChanges(abs, path, keep);
    }
  }
}

async function cachedAncestry(store: Store, state: RestoreState, repo: string, commits: string[]): Promise<Record<string, string[]>> {
  const cache = (state.ancestry[repo] ??= {});
  const candidates = new Set(commits);
  if (commits.every((c) => cache[c] !== undefined)) {
    return Object.fromEntries(commits.map((c) => [c, (cache[c] ?? []).filter((a) => candidates.has(a))]));
  }
  const fresh = await store.ancestry(commits);
  // Keep only this set: ancestry among a different set of candidates needs a new walk anyway.
  state.ancestry[repo] = fresh;
  return fresh;
}

async function writeBreadcrumbs(workspace: Workspace, plan: Plan, byId: Map<string, Prepared>, outcomes: Map<string, PackageOutcome>): Promise<void> {
  const dir = join(workspace.assetsDir, 'breadcrumb');
  await mkdir(dir, { recursive: true });
  for (const a of plan.assignments) {
    if (outcomes.get(a.id)?.status === 'failed') continue;
    const hash = testProxyHash(a.assetsRepo, a.id);
    await writeFile(join(dir, `${hash}.breadcrumb`), `${a.id};${hash};${byId.get(a.id)?.pinText ?? ''}`);
  }
}

function packageOutcome(workspace: Workspace, p: Prepared, checkout: string, commit: string, status: PackageOutcome['status']): PackageOutcome {
  const root = join(workspace.assetsDir, checkout);
  return {
    id: p.request.id,
    status,
    assetsRepo: p.request.assetsRepo,
    pin: p.pinText,
    commit,
    checkout: root,
    locate: p.request.prefix ? join(root, p.request.prefix) : root,
  };
}

/**
 * The assets dir ignores itself (a `.gitignore` of `*` inside it), so `git add -A` in the
 * language repo never picks up the store or the checkouts, whatever the repo's own .gitignore says.
 */
async function ignoreAssetsDir(assetsDir: string): Promise<void> {
  const file = join(assetsDir, '.gitignore');
  if (existsSync(file)) return;
  await mkdir(assetsDir, { recursive: true });
  await writeFile(file, '# Written by asset-sync: nothing in here belongs in the language repo.\n*\n');
}

/** True when a package's files with their pending changes are exactly `newTree`. */
async function pendingMatches(store: Store, checkoutDir: string, commit: string, path: string, changes: PendingChanges, newTree: string | null): Promise<boolean> {
  const fileChanges: FileChange[] = [
    ...[...changes.added, ...changes.modified].map((p) => ({ path: p, action: 'write' as const })),
    ...changes.deleted.map((p) => ({ path: p, action: 'delete' as const })),
  ];
  try {
    return (await workingTreeAt(store, checkoutDir, commit, path, fileChanges)) === newTree;
  } catch {
    return false;
  }
}

function servedBy(state: RestoreState, dir: string): string[] {
  return Object.entries(state.requests)
    .filter(([, r]) => r.checkout === dir)
    .map(([id]) => id)
    .sort();
}

function failureOf(id: string, error: unknown, prefix = ''): RequestFailure {
  const info = errorInfo(error);
  return { id, code: info.code, message: info.message.startsWith(id) ? info.message : `${prefix}${info.message}`, ...(info.hint ? { hint: info.hint } : {}) };
}

function dedupeFailures(failures: RequestFailure[]): RequestFailure[] {
  return [...new Map(failures.map((f) => [f.id, f])).values()];
}

export function errorInfo(error: unknown): ErrorInfo {
  if (isAssetSyncError(error)) return { code: error.code, message: redact(error.message), ...(error.hint ? { hint: error.hint } : {}) };
  return { code: 'GIT_FAILED', message: redact(error instanceof Error ? error.message : String(error)) };
}

export function describeChanges(changes: PendingChanges): string {
  const parts: string[] = [];
  const list = (files: string[]): string => files.slice(0, 5).join(', ') + (files.length > 5 ? `, and ${files.length - 5} more` : '');
  if (changes.modified.length) parts.push(`modified: ${list(changes.modified)}`);
  if (changes.added.length) parts.push(`added: ${list(changes.added)}`);
  if (changes.deleted.length) parts.push(`deleted: ${list(changes.deleted)}`);
  return parts.join('; ');
}

function dirOf(assetsJsonPath: string): string {
  const i = assetsJsonPath.lastIndexOf('/');
  return i < 0 ? '.' : assetsJsonPath.slice(0, i);
}

function pick(target: Target): { dir: string; assetsRepo: string; commit: string; paths: string[] } {
  return { dir: target.dir, assetsRepo: target.assetsRepo, commit: target.commit, paths: target.paths };
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
