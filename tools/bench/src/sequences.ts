import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AssetSyncError, type Problem } from '@asset-sync/errors';
import { makeTempDir, removeTempDir, runCli, runGit, type CorpusPackage } from '@asset-sync/test-utils';
import { assetsPathOf, checkoutRefOf, diskUsage, restorablePackages, type BenchCorpus } from './corpus.js';
import type { SequenceId } from './options.js';

/** One timed sequence, as the table shows it. */
export interface SequenceResult {
  id: SequenceId;
  label: string;
  /** Wall-clock seconds; extrapolated to every package when only a sample was timed. */
  seconds: number;
  /** Upload-pack connections the daemon served (lazy fetches included), extrapolated like `seconds`. */
  requests: number;
  /** Set when only `timed` of `of` packages were run and the time scaled linearly. */
  sample?: { timed: number; of: number; seconds: number; requests: number };
  /** Every run's seconds when the sequence ran more than once; `seconds` is their median. */
  runs?: number[];
  /** asset-sync's own counts, from its JSON report. */
  network?: { pinFetches: number; objectFetches: number; objects: number; bytes: number; checkouts: number };
  notes: string[];
}

export interface SequenceContext {
  corpus: BenchCorpus;
  log: (line: string) => void;
}

/** Restore as a user runs it: the built CLI, in the language repo, against the loopback daemon. */
export interface RestoreRun {
  result: SequenceResult;
  report: RestoreReportJson;
}

/** The part of the CLI's `restore --json` report the bench reads (see libs/executor/src/types.ts). */
export interface RestoreReportJson {
  ok: boolean;
  packages: Array<{ id: string; status: string; commit?: string; locate?: string; checkout?: string; error?: { message: string } }>;
  checkouts: Array<{ dir: string; action: string }>;
  network: { pinFetches: number; objectFetches: number; objects: number; bytes: number };
  summary: { restored: number; upToDate: number; pendingKept: number; failed: number; durationMs: number };
}

const TAGS_PER_FETCH = 30;

async function gitIn(cwd: string | undefined, args: string[]): Promise<void> {
  await runGit(args, cwd === undefined ? {} : { cwd });
}

/** Runs `body` with a clean daemon log; returns seconds and the upload-pack connections it made. */
async function measure(corpus: BenchCorpus, body: () => Promise<void>): Promise<{ seconds: number; requests: number }> {
  corpus.daemon.clearLog();
  const started = performance.now();
  await body();
  const seconds = (performance.now() - started) / 1000;
  return { seconds, requests: await corpus.daemon.countRequests('upload-pack') };
}

/** Every `of / count`-th package, so a sample spans languages and history. */
export function samplePackages(packages: CorpusPackage[], count: number): CorpusPackage[] {
  if (count >= packages.length) return packages;
  const step = packages.length / count;
  return Array.from({ length: count }, (_, i) => packages[Math.floor(i * step)] as CorpusPackage);
}

function progress(log: (line: string) => void, label: string, done: number, total: number, started: number): void {
  const every = Math.max(1, Math.round(total / 10));
  if (done % every === 0 || done === total) log(`${label}: ${done}/${total} packages, ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Files under `dir` (recursively), `.git` left out. */
async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && !join(entry.parentPath ?? entry.path, entry.name).includes('/.git/')).length;
}

/** The checkouts a per-package sequence made hold each package's recordings (counts only: it is a baseline, not the product). */
async function checkFileCounts(sequence: string, checkouts: Array<{ pkg: CorpusPackage; dir: string }>): Promise<void> {
  const problems: Problem[] = [];
  for (const { pkg, dir } of checkouts) {
    const found = await countFiles(join(dir, assetsPathOf(pkg)));
    if (found !== pkg.files) problems.push({ file: pkg.packagePath, message: `${sequence} checked out ${found} files, expected ${pkg.files}` });
  }
  if (problems.length > 0) {
    throw new AssetSyncError('VERIFY_FAILED', `${sequence} did not check out what the pins hold (${problems.length} packages)`, { problems });
  }
}

/**
 * (a) The production test-proxy sequence, one package after another, each in a fresh folder:
 * a treeless clone of the whole assets repo, a sparse pattern, the tag, a checkout (which
 * fetches the trees and blobs it needs lazily).
 */
export async function timeProductionSequence(context: SequenceContext, sample: number | undefined): Promise<SequenceResult> {
  const { corpus, log } = context;
  const all = restorablePackages(corpus.manifest);
  const packages = sample === undefined ? all : samplePackages(all, sample);
  const work = await makeTempDir('asset-sync-bench-a');
  const checkouts: Array<{ pkg: CorpusPackage; dir: string }> = [];
  try {
    const started = performance.now();
    const timed = await measure(corpus, async () => {
      for (const [index, pkg] of packages.entries()) {
        const dir = join(work, `p${index}`);
        const ref = checkoutRefOf(pkg);
        await gitIn(undefined, ['clone', '--quiet', '--no-checkout', '--filter=tree:0', corpus.url, dir]);
        await gitIn(dir, ['sparse-checkout', 'set', '--no-cone', assetsPathOf(pkg), 'eng/', '.gitignore']);
        await gitIn(dir, ['fetch', '--quiet', 'origin', pkg.dialect === 'sha' ? ref : `refs/tags/${ref}:refs/tags/${ref}`]);
        await gitIn(dir, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', ref]);
        checkouts.push({ pkg, dir });
        progress(log, '(a) production test-proxy sequence', index + 1, packages.length, started);
      }
    });
    await checkFileCounts('(a)', checkouts);
    const scale = all.length / packages.length;
    return {
      id: 'a',
      label: 'production test-proxy sequence, per package',
      seconds: timed.seconds * scale,
      requests: Math.round(timed.requests * scale),
      ...(packages.length < all.length
        ? { sample: { timed: packages.length, of: all.length, seconds: timed.seconds, requests: timed.requests } }
        : {}),
      notes: [
        'clone --no-checkout --filter=tree:0, sparse-checkout set --no-cone, fetch the tag, checkout; one package after another',
        ...(packages.length < all.length
          ? [`${packages.length} of ${all.length} packages timed (${timed.seconds.toFixed(1)} s), extrapolated linearly ×${scale.toFixed(1)}`]
          : []),
      ],
    };
  } finally {
    await removeTempDir(work);
  }
}

/**
 * (b) The azure-sdk-for-net sequence: one shared repository that fetches the pinned tags 30 per
 * `git fetch`, then per package a local clone sharing its objects, a sparse pattern, a checkout.
 */
export async function timeSharedCloneSequence(context: SequenceContext): Promise<SequenceResult> {
  const { corpus, log } = context;
  const packages = restorablePackages(corpus.manifest);
  const work = await makeTempDir('asset-sync-bench-b');
  const shared = join(work, 'shared.git');
  const checkouts: Array<{ pkg: CorpusPackage; dir: string }> = [];
  try {
    const started = performance.now();
    const refspecs = [...new Set(packages.map((pkg) => (pkg.dialect === 'sha' ? pkg.commit : `refs/tags/${pkg.tag}:refs/tags/${pkg.tag}`)))];
    const timed = await measure(corpus, async () => {
      await gitIn(undefined, ['init', '--quiet', '--bare', shared]);
      await gitIn(undefined, ['--git-dir', shared, 'remote', 'add', 'origin', corpus.url]);
      for (let i = 0; i < refspecs.length; i += TAGS_PER_FETCH) {
        await gitIn(undefined, ['--git-dir', shared, 'fetch', '--quiet', '--no-tags', 'origin', ...refspecs.slice(i, i + TAGS_PER_FETCH)]);
      }
      log(`(b) shared clone: ${refspecs.length} tags in ${Math.ceil(refspecs.length / TAGS_PER_FETCH)} fetches, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const [index, pkg] of packages.entries()) {
        const dir = join(work, `p${index}`);
        await gitIn(undefined, ['clone', '--quiet', '--local', '--shared', '--no-checkout', shared, dir]);
        await gitIn(dir, ['sparse-checkout', 'set', '--no-cone', assetsPathOf(pkg)]);
        await gitIn(dir, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', checkoutRefOf(pkg)]);
        checkouts.push({ pkg, dir });
        progress(log, '(b) shared-clone sequence', index + 1, packages.length, started);
      }
    });
    await checkFileCounts('(b)', checkouts);
    return {
      id: 'b',
      label: 'azure-sdk-for-net shared clone, local clone per package',
      seconds: timed.seconds,
      requests: timed.requests,
      notes: [
        `one shared repository, ${refspecs.length} tags fetched ${TAGS_PER_FETCH} per git fetch, then clone --local --shared, sparse checkout, checkout per package`,
      ],
    };
  } finally {
    await removeTempDir(work);
  }
}

/** (c) The floor: one plain `git clone`, every byte of the repository at one commit; the median of `runs`. */
export async function timePlainClone(context: SequenceContext, runs = 1): Promise<SequenceResult> {
  const { corpus, log } = context;
  const work = await makeTempDir('asset-sync-bench-c');
  try {
    const times: number[] = [];
    let requests = 0;
    let checkedOut = 0;
    for (let run = 0; run < runs; run++) {
      const dir = join(work, `clone-${run}`);
      const timed = await measure(corpus, () => gitIn(undefined, ['clone', '--quiet', corpus.url, dir]));
      times.push(timed.seconds);
      requests = timed.requests;
      checkedOut = (await diskUsage(dir)) - (await diskUsage(join(dir, '.git')));
      await rm(dir, { recursive: true, force: true });
    }
    const seconds = median(times);
    log(`(c) plain git clone: ${describeRuns(times)}`);
    return {
      id: 'c',
      label: 'floor: one plain git clone',
      seconds,
      requests,
      ...(runs > 1 ? { runs: times } : {}),
      notes: [`whole history, ${formatMiB(checkedOut)} checked out at the tip of main${runs > 1 ? `; ${describeRuns(times)}` : ''}`],
    };
  } finally {
    await removeTempDir(work);
  }
}

/**
 * (d) and (e): `asset-sync restore --all --json` as a user runs it. (d) runs in a language repo
 * with nothing restored; (e) runs again right after and should find nothing to do.
 */
export async function timeRestore(context: SequenceContext, id: 'd' | 'e'): Promise<RestoreRun> {
  const { corpus, log } = context;
  let cli: Awaited<ReturnType<typeof runCli>> | undefined;
  const timed = await measure(corpus, async () => {
    cli = await runCli(['restore', '--all', '--json'], {
      cwd: corpus.languageRepo,
      env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: corpus.daemon.urlTemplate, CI: 'true' },
      timeoutMs: 30 * 60_000,
    });
  });
  const done = cli as unknown as Awaited<ReturnType<typeof runCli>>;
  let report: RestoreReportJson;
  try {
    report = JSON.parse(done.stdout) as RestoreReportJson;
  } catch {
    throw new AssetSyncError('VERIFY_FAILED', `asset-sync restore --all exited ${done.exitCode ?? done.signal} without a JSON report:\n${done.stderr.trim() || done.stdout.trim()}`);
  }
  if (done.exitCode !== 0 || !report.ok) {
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
  const n = report.network;
  // Lazy fetches of a partial clone would show up here as connections the report did not count.
  const counted = n.pinFetches + n.objectFetches;
  const uncounted = timed.requests !== counted ? [`the daemon served ${timed.requests} upload-pack connections, the report counts ${counted} fetches`] : [];
  log(`(${id}) asset-sync restore --all: ${timed.seconds.toFixed(2)} s, ${report.summary.restored} restored, ${report.summary.upToDate} up to date`);
  return {
    report,
    result: {
      id,
      label: id === 'd' ? 'asset-sync restore --all, from scratch' : 'asset-sync restore --all, no-op re-run',
      seconds: timed.seconds,
      requests: timed.requests,
      network: { ...n, checkouts: report.checkouts.length },
      notes: [
        id === 'd'
          ? `${report.checkouts.length} checkout${report.checkouts.length === 1 ? '' : 's'}; pins in ${n.pinFetches} fetch, ${n.objects} recordings in ${n.objectFetches} fetch (${formatMiB(n.bytes)} received)`
          : `${report.summary.upToDate} up to date, ${n.pinFetches + n.objectFetches} fetches` +
            (report.summary.restored > 0 || n.pinFetches + n.objectFetches > 0 ? ` (NOT a no-op: ${report.summary.restored} restored again)` : ''),
        ...uncounted,
      ],
    },
  };
}

/** (d) then (e), `runs` times, each (d) in a language repo emptied of everything restore wrote; medians reported. */
export async function timeRestoreRuns<V>(
  context: SequenceContext,
  runs: number,
  verify: (report: RestoreReportJson) => Promise<V>,
): Promise<{ restore: SequenceResult; noop: SequenceResult; verification: V }> {
  const restores: RestoreRun[] = [];
  const noops: RestoreRun[] = [];
  let verification: V | undefined;
  for (let run = 0; run < runs; run++) {
    // The store and the state live under .assets: without it, restore starts from nothing.
    await rm(join(context.corpus.languageRepo, '.assets'), { recursive: true, force: true });
    const restore = await timeRestore(context, 'd');
    verification = await verify(restore.report);
    restores.push(restore);
    noops.push(await timeRestore(context, 'e'));
  }
  return { restore: medianRun(restores), noop: medianRun(noops), verification: verification as V };
}

/** The run with the median time, carrying every run's time. */
function medianRun(runs: RestoreRun[]): SequenceResult {
  const times = runs.map((run) => run.result.seconds);
  const sorted = [...runs].sort((x, y) => x.result.seconds - y.result.seconds);
  const middle = (sorted[Math.floor((sorted.length - 1) / 2)] as RestoreRun).result;
  if (runs.length === 1) return middle;
  return { ...middle, seconds: median(times), runs: times, notes: [...middle.notes, describeRuns(times)] };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function describeRuns(times: number[]): string {
  if (times.length === 1) return `${(times[0] as number).toFixed(2)} s`;
  return `median of ${times.length} runs (${times.map((t) => t.toFixed(2)).join(', ')} s)`;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
