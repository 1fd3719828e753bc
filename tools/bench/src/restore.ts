import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AssetSyncError, formatBytes, plural } from '@asset-sync/errors';
import { commitWorkingFiles, git, listTreeAt, runCli } from '@asset-sync/git-harness';
import { assetsJsonFor, pushTagOf, type CorpusManifest, type CorpusPackage } from '@asset-sync/corpus';
import type { BenchCorpus } from './corpus.js';
import { assetsPathOf, restorablePackages } from './manifest.js';
import { describeRuns, formatMiB, measure, median, transferSeconds, type SequenceResult } from './measure.js';
import { samplePackages, type SequenceContext } from './sequences.js';
import type { Verification } from './verify.js';

/** The part of the CLI's `restore --json` report the bench reads (see libs/executor/src/types.ts). */
export interface RestoreReportJson {
  ok: boolean;
  packages: Array<{ id: string; status: string; commit?: string; locate?: string; checkout?: string; error?: { message: string } }>;
  checkouts: Array<{ dir: string; action: string }>;
  network: { pinFetches: number; pins: number; objectFetches: number; objects: number; bytes: number };
  summary: { restored: number; upToDate: number; pendingKept: number; failed: number; durationMs: number };
}

/** Restore as a user runs it: the built CLI, in the language repo, through the context's link. */
export interface RestoreRun {
  result: SequenceResult;
  report: RestoreReportJson;
}

/** How many assets.json files (f) moves to a newer pin. */
export const PIN_CHANGES = 10;

/** The sequences that are one `restore --all`: from scratch, no-op, moved pins, and the two clones sharing a store. */
export type RestoreSequenceId = 'd' | 'e' | 'f' | 'g' | 'h';

const LABELS: Record<RestoreSequenceId, string> = {
  d: 'asset-sync restore --all, from scratch',
  e: 'asset-sync restore --all, no-op re-run',
  f: `asset-sync restore --all after ${PIN_CHANGES} pins moved`,
  g: 'asset-sync restore --all, first clone, empty shared store',
  h: 'asset-sync restore --all, second clone, warm shared store',
};

/** Where a restore runs: the corpus's language repo unless told otherwise, with a shared store when `storeDir` is set. */
export interface RestoreSite {
  cwd: string;
  storeDir?: string;
}

/** The report of a run that worked; a failed restore or a missing report stops the bench, naming the packages. */
function parseReport(done: Awaited<ReturnType<typeof runCli>>): RestoreReportJson {
  let report: RestoreReportJson;
  try {
    report = JSON.parse(done.stdout) as RestoreReportJson;
  } catch {
    throw new AssetSyncError('VERIFY_FAILED', `asset-sync restore --all exited ${done.exitCode ?? done.signal} without a JSON report:\n${done.stderr.trim() || done.stdout.trim()}`);
  }
  if (done.exitCode === 0 && report.ok) return report;
  const failed = report.packages.filter((p) => p.status === 'failed');
  const describe = (p: (typeof failed)[number]): string => {
    const message = p.error?.message ?? p.status;
    return message.startsWith(p.id) ? message : `${p.id}: ${message}`;
  };
  throw new AssetSyncError(
    'VERIFY_FAILED',
    `asset-sync restore --all failed (exit ${done.exitCode}), ${failed.length} of ${report.packages.length} packages:\n` +
      (failed.slice(0, 3).map(describe).join('\n') || done.stderr.trim()),
    { hint: 'this is restore failing, not the bench: rerun with ASSET_SYNC_KEEP_TEMP=1 to keep the language repo' },
  );
}

/** One `asset-sync restore --all --json` in the language repo (or `site`), timed and counted at the link. */
export async function timeRestore(context: SequenceContext, id: RestoreSequenceId, site: RestoreSite = { cwd: context.corpus.languageRepo }): Promise<RestoreRun> {
  const { link, log } = context;
  let done: Awaited<ReturnType<typeof runCli>> | undefined;
  const timed = await measure(link, async () => {
    done = await runCli(['restore', '--all', '--json'], {
      cwd: site.cwd,
      env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: link.urlTemplate, CI: 'true', ...(site.storeDir !== undefined ? { ASSET_SYNC_STORE_DIR: site.storeDir } : {}) },
      timeoutMs: 30 * 60_000,
    });
  });
  const report = parseReport(done as Awaited<ReturnType<typeof runCli>>);
  const n = report.network;
  const fetches = n.pinFetches + n.objectFetches;
  // Lazy fetches of a partial clone would show up here as connections the report did not count.
  const uncounted = timed.connections !== fetches ? [`the link carried ${timed.connections} connections, the report counts ${fetches} fetches`] : [];
  log(`(${id}) asset-sync restore --all: ${timed.seconds.toFixed(2)} s, ${report.summary.restored} restored, ${report.summary.upToDate} up to date, ${formatMiB(timed.bytesReceived)} received`);
  return {
    report,
    result: { id, label: LABELS[id], ...timed, network: { ...n, checkouts: report.checkouts.length }, notes: [describeRestore(id, report), ...uncounted] },
  };
}

/** The note a restore sequence's row gets from asset-sync's own report: what it fetched, and whether that was what the sequence expects. */
export function describeRestore(id: RestoreSequenceId, report: RestoreReportJson): string {
  const n = report.network;
  const fetches = n.pinFetches + n.objectFetches;
  const { restored, upToDate } = report.summary;
  switch (id) {
    case 'd':
    case 'g':
      return `${plural(report.checkouts.length, 'checkout')}; pins in ${plural(n.pinFetches, 'fetch')}, ${n.objects} recordings in ${plural(n.objectFetches, 'fetch')}`;
    case 'e':
      return `${upToDate} up to date, ${plural(fetches, 'fetch')}` + (restored > 0 || fetches > 0 ? ` (NOT a no-op: ${restored} restored again)` : '');
    case 'f':
      return `${restored} restored, ${upToDate} up to date, ${plural(fetches, 'fetch')}`;
    case 'h':
      // Everything the second clone needs is in the store (g) filled, so any fetch is a finding to show.
      return (
        `${restored} restored from the shared store, ${plural(fetches, 'fetch')}` +
        (fetches > 0 ? ` (NOT free: ${n.pins} pins and ${n.objects} recordings, ${formatBytes(n.bytes)}, fetched again)` : '')
      );
  }
}

/** (f)'s edit: which packages move to which newer pin, and what that changes. */
export interface PinChanges {
  /** The manifest with the moved pins, for the check after (f). */
  manifest: CorpusManifest;
  moved: CorpusPackage[];
  files: number;
  bytes: number;
}

/**
 * Up to PIN_CHANGES Tag pins that name an older push than their package's newest, spread over
 * the corpus, moved to that newest push (which exists on the server, tagged). The changed bytes
 * are those of the files the newer pin adds or changes.
 */
export async function planPinChanges(manifest: CorpusManifest): Promise<PinChanges> {
  const older = restorablePackages(manifest).filter((pkg) => pkg.dialect === 'tag' && pkg.nesting === undefined && pkg.commit !== pkg.pushes[pkg.pushes.length - 1]);
  const chosen = samplePackages(older, PIN_CHANGES);
  const moved: CorpusPackage[] = [];
  let files = 0;
  let bytes = 0;
  for (const pkg of chosen) {
    const commit = pkg.pushes[pkg.pushes.length - 1] as string;
    const before = await listTreeAt(manifest.repoPath, pkg.commit, assetsPathOf(pkg));
    const after = await listTreeAt(manifest.repoPath, commit, assetsPathOf(pkg));
    const changed = [...after].filter(([path, entry]) => before.get(path)?.id !== entry.id);
    files += changed.length;
    bytes += changed.reduce((sum, [, entry]) => sum + entry.size, 0);
    const paths = [...after.keys()].sort();
    const size = [...after.values()].reduce((sum, entry) => sum + entry.size, 0);
    moved.push({ ...pkg, commit, tag: pushTagOf(pkg.tagPrefix, commit), stale: false, files: paths.length, bytes: size, paths });
  }
  const byPath = new Map(moved.map((pkg) => [pkg.packagePath, pkg]));
  const packages = manifest.packages.map((pkg) => byPath.get(pkg.packagePath) ?? pkg);
  return { manifest: { ...manifest, packages, totalBytes: packages.reduce((sum, pkg) => sum + pkg.bytes, 0) }, moved, files, bytes };
}

/** Writes the moved pins' assets.json files and commits them, as a pull bringing new pins would. */
async function movePins(corpus: BenchCorpus, changes: PinChanges): Promise<void> {
  const files = Object.fromEntries(changes.moved.map((pkg) => [`${pkg.packagePath}/assets.json`, assetsJsonFor(pkg, corpus.manifest.assetsRepo)]));
  await commitWorkingFiles(corpus.languageRepo, files, `Move ${changes.moved.length} packages to newer recordings`);
}

/** The language repo as written, nothing restored: no `.assets` (no store, no checkouts, no state). */
async function resetLanguageRepo(corpus: BenchCorpus): Promise<void> {
  await git(['reset', '--quiet', '--hard', corpus.languageRepoHead], { cwd: corpus.languageRepo });
  await rm(join(corpus.languageRepo, '.assets'), { recursive: true, force: true });
}

/** (d), (e) and (f) on one link. */
export interface RestoreResults {
  restore: SequenceResult;
  noop: SequenceResult;
  pinChange?: SequenceResult;
}

/**
 * (d), (e) and (f), `runs` times on each context's link, the links taking turns run by run: (d)
 * from scratch, checked byte for byte; (e) right after; then PIN_CHANGES assets.json files move
 * to newer pins and (f) restores again, checked too. Medians reported, one result per context;
 * the language repo is put back as written before every (d) and at the end.
 */
export async function timeRestoreRuns(
  contexts: SequenceContext[],
  runs: number,
  verify: (manifest: CorpusManifest, report: RestoreReportJson) => Promise<Verification>,
  withPinChanges: boolean,
): Promise<{ results: RestoreResults[]; verification: Verification }> {
  const corpus = contexts[0]!.corpus;
  const changes = withPinChanges ? await planPinChanges(corpus.manifest) : undefined;
  const runsOf = contexts.map(() => ({ d: [] as RestoreRun[], e: [] as RestoreRun[], again: [] as number[], f: [] as RestoreRun[] }));
  let verification: Verification | undefined;
  try {
    for (let run = 0; run < runs; run++) {
      for (const [i, context] of contexts.entries()) {
        await resetLanguageRepo(corpus);
        const restore = await timeRestore(context, 'd');
        verification = await verify(corpus.manifest, restore.report);
        context.log(`(d) verified: ${verification.files} files of ${verification.packages} packages byte for byte`);
        runsOf[i]!.d.push(restore);
        runsOf[i]!.e.push(await timeRestore(context, 'e'));
        // (e) is the first run after (d): git re-reads the files (d) wrote in the index's last
        // second (racily clean) and records them. The next no-op shows what (e) costs after that.
        runsOf[i]!.again.push((await timeRestore(context, 'e')).result.seconds);
        if (changes === undefined || changes.moved.length === 0) continue;
        await movePins(corpus, changes);
        const moved = await timeRestore(context, 'f');
        const checked = await verify(changes.manifest, moved.report);
        context.log(`(f) verified: ${checked.files} files of ${checked.packages} packages byte for byte`);
        runsOf[i]!.f.push(moved);
      }
    }
  } finally {
    await resetLanguageRepo(corpus);
  }
  const results = contexts.map((context, i): RestoreResults => {
    const { d, e, again, f } = runsOf[i]!;
    const pinChange = f.length > 0 && changes ? withChanges(medianRun(f), changes, context.link.mbit) : undefined;
    return { restore: medianRun(d), noop: withNextNoop(medianRun(e), again), ...(pinChange ? { pinChange } : {}) };
  });
  return { results, verification: verification as Verification };
}

/** (e) with the no-op after it: the figure a later re-run (the next test run, the next CI step) sees. */
export function withNextNoop(result: SequenceResult, again: number[]): SequenceResult {
  if (again.length === 0) return result;
  const note = `the no-op after it (git has recorded the files (d) wrote in its last second): ${again.length === 1 ? `${again[0]!.toFixed(2)} s` : `median ${median(again).toFixed(2)} s (${again.map((t) => t.toFixed(2)).join(', ')} s)`}`;
  return { ...result, notes: [...result.notes, note], nextNoopSeconds: median(again) };
}

function withChanges(result: SequenceResult, changes: PinChanges, mbit: number): SequenceResult {
  const transfer = transferSeconds(changes.bytes, mbit);
  return {
    ...result,
    changed: { packages: changes.moved.length, files: changes.files, bytes: changes.bytes, transferSeconds: transfer },
    notes: [
      `${changes.moved.length} assets.json moved to their package's newest push (tagged on the server): ${changes.files} files, ${formatMiB(changes.bytes)} new or changed` +
        (mbit > 0 ? ` (${transfer.toFixed(2)} s at ${mbit} Mbit/s)` : ''),
      ...result.notes,
      'verified byte for byte after each run',
    ],
  };
}

/** The run with the median time, carrying every run's time. */
export function medianRun(runs: RestoreRun[]): SequenceResult {
  const times = runs.map((run) => run.result.seconds);
  const sorted = [...runs].sort((x, y) => x.result.seconds - y.result.seconds);
  const middle = (sorted[Math.floor((sorted.length - 1) / 2)] as RestoreRun).result;
  if (runs.length === 1) return middle;
  return { ...middle, seconds: median(times), runs: times, notes: [...middle.notes, describeRuns(times)] };
}
