import { faultPoint } from '@asset-sync/errors';
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discoverOne } from '@asset-sync/discovery';
import { acquireLock, type ReleaseLock } from '@asset-sync/git-store';
import { asWriteFailure } from './errors.js';
import { planRestore, type PendingFiles, type RestorePlan } from '@asset-sync/planner';
import { gather, type Gathered } from './restore-gather.js';
import { applyPlan } from './restore-apply.js';
import { buildReport, emitKnown } from './restore-report.js';
import { writeBreadcrumbs } from './breadcrumbs.js';
import { networkMeter } from './network.js';
import { pushesInProgress } from './push-journal.js';
import { loadState } from './upgrade.js';
import { layoutState, writeState } from './state.js';
import type { PackageEntry, RestoreEvents, RestoreReport, Workspace } from './types.js';
import { toPackageEntry } from './workspace.js';

export interface RestoreOptions {
  workspace: Workspace;
  /** The assets.json files to restore. */
  entries: PackageEntry[];
  /**
   * True when `entries` is every assets.json of the repo (restore --all without --filter): only
   * then are packages that no assets.json names any more removed.
   */
  complete: boolean;
  /** Other assets.json files of the repo (at least those nested below `entries`): their folders are theirs. */
  context?: PackageEntry[];
  /** Discard pending local changes that stand in the way. */
  force?: boolean;
  /** Work everything out, fetch commits and trees into the store (a cache), change no checkout. */
  dryRun?: boolean;
  /** Parallel checkouts in the test-proxy layout. */
  jobs?: number;
  /** The caller already holds the assets dir lock (push, reset). */
  lockHeld?: boolean;
  /** Asked (on a TTY) before discarding pending changes; without it, pending changes block. */
  confirmDiscard?: (packages: Array<{ id: string; changes: PendingFiles }>) => Promise<boolean>;
  events?: RestoreEvents;
}

/**
 * Restores assets.json files in one pass: gather (every pin resolved, fetched in one request per
 * assets repo, checked), plan (pure), apply (one composed tree per checkout, its missing file
 * contents in one request, one move). Failures stay with the packages they concern.
 */
export async function restore(options: RestoreOptions): Promise<RestoreReport> {
  const started = Date.now();
  const { workspace, events } = options;
  const layout = workspace.layout;
  const dryRun = options.dryRun === true;
  const network = networkMeter(events);
  // Dry runs lock too: they fetch commits and trees into the store.
  const release = await prepareAssetsDir(workspace.assetsDir, options.lockHeld === true);
  const leases: Array<() => Promise<void>> = [];
  let gathered: Gathered | undefined;
  try {
    events?.phase?.('resolve');
    const state = await loadState(workspace, { dryRun });
    const before = JSON.stringify(state);
    const lstate = layoutState(state, layout);
    // Read again under the lock: a push that finished while this run waited has moved the pin.
    const entries = await refreshEntries(options.entries, workspace.repoRoot);
    gathered = await gather({ workspace, layout, entries, context: options.context ?? [], state: lstate, dryRun, network, recovered: release.recovered, leases, ...(events ? { events } : {}) });
    await faultPoint('fetch-pins');
    events?.phase?.('plan');
    const pushInProgress = await pushesInProgress(workspace.assetsDir, entries);
    let plan = planOf(gathered, layout, options.complete, options.force === true, pushInProgress);
    const conflicts = plan.packages.filter((p) => p.action === 'blocked' && p.pending && !pushInProgress.includes(p.id));
    if (conflicts.length > 0 && !options.force && options.confirmDiscard && !dryRun) {
      if (await options.confirmDiscard(conflicts.map((p) => ({ id: p.id, changes: p.pending! })))) plan = planOf(gathered, layout, options.complete, true, pushInProgress);
    }
    const context = { plan, workspace, dryRun, network, started, servedBy: gathered.servedBy, ...(events ? { events } : {}) };
    if (dryRun) return buildReport({ ...context, applied: [] });
    const emitted = emitKnown(context);
    const applied = await applyPlan({
      workspace,
      layout,
      plan,
      stores: gathered.stores,
      state,
      lstate,
      network,
      jobs: options.jobs ?? workspace.concurrency.local,
      servedBy: gathered.servedBy,
      prefetches: gathered.prefetches,
      ...(events ? { events } : {}),
    });
    events?.phase?.('record');
    if (layout === 'test-proxy') await writeBreadcrumbs(workspace.assetsDir, plan);
    state.repoRoot = workspace.repoRoot;
    if (JSON.stringify(state) !== before) await writeState(workspace.assetsDir, state);
    return buildReport({ ...context, applied, emitted });
  } finally {
    // A fetch started in gather may still be running when something after it threw.
    await Promise.all([...(gathered?.prefetches.values() ?? [])].map((p) => p.done));
    await Promise.all(leases.map((giveBack) => giveBack()));
    await release();
  }
}

function planOf(gathered: Gathered, layout: Workspace['layout'], complete: boolean, force: boolean, pushInProgress: string[]): RestorePlan {
  return planRestore({
    layout,
    requests: gathered.requests,
    facts: gathered.facts,
    failures: gathered.failures,
    restored: gathered.restored,
    checkouts: gathered.checkouts,
    pending: gathered.pending,
    pushInProgress,
    scope: complete ? 'all' : 'subset',
    force,
  });
}

/** Entries whose assets.json changed since they were read are read again. */
async function refreshEntries(entries: PackageEntry[], repoRoot: string): Promise<PackageEntry[]> {
  return Promise.all(
    entries.map(async (entry) => {
      if (!entry.absPath || entry.readAt === undefined) return entry;
      const mtime = statSync(entry.absPath, { throwIfNoEntry: false })?.mtimeMs;
      // Two seconds of slack: file systems keep mtimes coarser than the clock.
      if (mtime === undefined || mtime < entry.readAt - 2000) return entry;
      return toPackageEntry(await discoverOne(entry.absPath, repoRoot));
    }),
  );
}

/** The assets dir, ignoring itself, and its lock: a disk that refuses the writes is said so, naming the folder. */
async function prepareAssetsDir(assetsDir: string, lockHeld: boolean): Promise<ReleaseLock> {
  try {
    await ignoreAssetsDir(assetsDir);
    return lockHeld ? Object.assign(async (): Promise<void> => undefined, { recovered: false }) : await acquireLock(assetsDir);
  } catch (error) {
    throw asWriteFailure(error, assetsDir);
  }
}

/**
 * The assets dir ignores itself (a `.gitignore` of `*` inside it), so `git add -A` in the
 * language repo never picks up the store or the checkouts, whatever the repo's own .gitignore says.
 */
export async function ignoreAssetsDir(assetsDir: string): Promise<void> {
  const file = join(assetsDir, '.gitignore');
  if (existsSync(file)) return;
  await mkdir(assetsDir, { recursive: true });
  await writeFile(file, '# Written by asset-sync: nothing in here belongs in the language repo.\n*\n');
}
