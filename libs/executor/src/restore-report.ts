import { join } from 'node:path';
import type { PackagePlan, RestorePlan } from '@asset-sync/planner';
import { describeChanges, failureReport } from './errors.js';
import { countsOf, type NetworkMeter } from './network.js';
import type { Applied } from './restore-apply.js';
import type { ErrorReport } from '@asset-sync/errors';
import type { CheckoutOutcome, PackageOutcome, RestoreEvents, RestoreReport, Workspace } from './types.js';

export interface ReportInput {
  plan: RestorePlan;
  workspace: Workspace;
  dryRun: boolean;
  network: NetworkMeter;
  started: number;
  events?: RestoreEvents;
  applied: Applied[];
  /** Packages already reported through events.package. */
  emitted?: Set<string>;
  /** Packages whose pin a fallback remote served (the assets repo lacks it). */
  servedBy?: Record<string, { name: string }>;
}

/** What the run did for each package, as the CLI, the Nx executor and scripts read it. */
export function buildReport(input: ReportInput): RestoreReport {
  const failed = new Map<string, ErrorReport>();
  for (const a of input.applied) for (const [id, info] of a.failed) failed.set(id, info);
  const packages = input.plan.packages.flatMap((p) => {
    const outcome = outcomeOf(p, input, failed.get(p.id));
    return outcome ? [outcome] : [];
  });
  for (const p of packages) if (!input.emitted?.has(p.id)) input.events?.package?.(p);
  const count = (...statuses: PackageOutcome['status'][]): number => packages.filter((p) => statuses.includes(p.status)).length;
  const checkouts = input.dryRun ? input.plan.checkouts.map(wouldOutcome) : input.applied.map((a) => a.outcome).sort((a, b) => (a.dir < b.dir ? -1 : 1));
  return {
    ok: count('failed') === 0 && checkouts.every((c) => !c.error),
    dryRun: input.dryRun,
    layout: input.plan.layout,
    assetsDir: input.workspace.assetsDir,
    plan: input.plan,
    packages,
    checkouts,
    network: countsOf(input.network),
    summary: {
      restored: count('restored', 'would-restore'),
      upToDate: count('up-to-date'),
      pendingKept: count('pending-kept'),
      removed: count('removed', 'would-remove'),
      failed: count('failed'),
      durationMs: Date.now() - input.started,
    },
  };
}

/** Packages whose outcome is known before any file is written, reported at once (the Nx batch shows them). */
export function emitKnown(input: Omit<ReportInput, 'applied'>): Set<string> {
  const changing = new Set(input.plan.checkouts.flatMap((c) => c.changing));
  const emitted = new Set<string>();
  for (const p of input.plan.packages) {
    if (changing.has(p.id)) continue;
    const outcome = outcomeOf(p, { ...input, applied: [] }, undefined);
    if (!outcome) continue;
    input.events?.package?.(outcome);
    emitted.add(p.id);
  }
  input.events?.progress?.(input.plan.packages.length - changing.size, input.plan.packages.length);
  return emitted;
}

function outcomeOf(p: PackagePlan, input: ReportInput, failure: ErrorReport | undefined): PackageOutcome | undefined {
  const served = input.servedBy?.[p.id];
  const where = { ...locationOf(p, input.workspace), ...(served ? { servedBy: served.name } : {}) };
  const pending = p.pending && !p.discard ? { pending: p.pending } : {};
  if (failure) return { id: p.id, status: 'failed', error: failure, ...where };
  switch (p.action) {
    case 'failed':
      return { id: p.id, status: 'failed', error: failureReport(p.failure!), ...where };
    case 'blocked':
      return { id: p.id, status: 'failed', ...pending, error: blockedError(p), ...where };
    case 'add':
    case 'update':
      return { id: p.id, status: input.dryRun ? 'would-restore' : 'restored', ...where, ...pending };
    case 'unchanged':
      return { id: p.id, status: p.pending && !p.discard ? 'pending-kept' : 'up-to-date', ...where, ...pending };
    case 'remove':
      return { id: p.id, status: input.dryRun ? 'would-remove' : 'removed' };
    case 'keep':
      return p.pending ? { id: p.id, status: 'pending-kept', ...where, ...pending } : undefined;
  }
}

function blockedError(p: PackagePlan): ErrorReport {
  const dir = p.id.includes('/') ? p.id.slice(0, p.id.lastIndexOf('/')) : '.';
  if (!p.pending) return { code: 'PUSH_IN_PROGRESS', message: `${p.id}: ${p.why}`, hint: `Run: asset-sync push ${dir}` };
  return {
    code: 'PENDING_CHANGES',
    message: `${p.id}: restore would replace pending local changes (${describeChanges(p.pending)})`,
    hint: `Push them (asset-sync push ${dir}), discard them (asset-sync reset ${dir}), or rerun with --force.`,
  };
}

function locationOf(p: PackagePlan, workspace: Workspace): Partial<PackageOutcome> {
  if (!p.checkout || !p.assetsRepo) return p.assetsRepo ? { assetsRepo: p.assetsRepo, ...(p.pinText !== undefined ? { pin: p.pinText } : {}) } : {};
  const root = join(workspace.assetsDir, p.checkout);
  return {
    assetsRepo: p.assetsRepo,
    ...(p.pinText !== undefined ? { pin: p.pinText } : {}),
    ...(p.commit ? { commit: p.commit } : {}),
    checkout: root,
    locate: p.prefix ? join(root, p.prefix) : root,
  };
}

function wouldOutcome(c: RestorePlan['checkouts'][number]): CheckoutOutcome {
  const action: CheckoutOutcome['action'] = c.action === 'unchanged' ? 'unchanged' : c.action === 'create' ? 'would-create' : c.action === 'remove' ? 'would-remove' : c.action === 'repair' ? 'would-repair' : 'would-update';
  return { dir: c.dir, assetsRepo: c.assetsRepo, action, packages: c.grafts.length, changing: c.changing.length };
}
