import { plural } from '@asset-sync/errors';
import type { RestoreReport } from './types.js';

/**
 * The restore summary, worded once for every front end (the CLI and the Nx executor): what
 * happened to the packages, and what was fetched for them.
 */
export function describeRestoreCounts(report: RestoreReport, verb = 'restored'): string {
  const s = report.summary;
  return `${verb} ${s.restored} · up to date ${s.upToDate} · pending changes kept ${s.pendingKept} · failed ${s.failed}`;
}

/** `fetched: pins in N requests, M recordings in K requests`, or undefined when nothing was fetched. */
export function describeRestoreFetches(report: RestoreReport): string | undefined {
  const n = report.network;
  if (n.pinFetches + n.objectFetches === 0) return undefined;
  return `fetched: pins in ${plural(n.pinFetches, 'request')}, ${n.objects} recordings in ${plural(n.objectFetches, 'request')}`;
}

/** The run's duration as both print it: `1.2 s`. */
export function describeRestoreDuration(report: RestoreReport): string {
  return `${(report.summary.durationMs / 1000).toFixed(1)} s`;
}

/** `1 checkout`: the checkouts the plan keeps (a removed one is not counted), as both print it. */
export function describeRestoreCheckouts(report: RestoreReport): string {
  return plural(report.plan.summary.checkouts, 'checkout');
}
