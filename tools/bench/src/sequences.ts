import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AssetSyncError, type Problem } from '@asset-sync/errors';
import { makeTempDir, removeTempDir, runGit, type WanLink } from '@asset-sync/git-harness';
import type { CorpusPackage } from '@asset-sync/corpus';
import type { BenchCorpus } from './corpus.js';
import { assetsPathOf, checkoutRefOf, restorablePackages } from './manifest.js';
import { measure, type Measured, type SequenceResult } from './measure.js';

/** What every sequence runs against: the corpus, the link to reach it through, a log. */
export interface SequenceContext {
  corpus: BenchCorpus;
  link: WanLink;
  log: (line: string) => void;
}

const TAGS_PER_FETCH = 30;

async function gitIn(cwd: string | undefined, args: string[]): Promise<void> {
  await runGit(args, cwd === undefined ? {} : { cwd });
}

/** Every `of / count`-th package, so a sample spans languages and history. */
export function samplePackages(packages: CorpusPackage[], count: number | undefined): CorpusPackage[] {
  if (count === undefined || count >= packages.length) return packages;
  const step = packages.length / count;
  return Array.from({ length: count }, (_, i) => packages[Math.floor(i * step)] as CorpusPackage);
}

/** A sample's counts scaled to every package, and the sample kept beside them. */
function extrapolate(timed: Measured, sampled: number, all: number): Pick<SequenceResult, 'seconds' | 'connections' | 'bytesReceived' | 'sample'> {
  const scale = all / sampled;
  return {
    seconds: timed.seconds * scale,
    connections: Math.round(timed.connections * scale),
    bytesReceived: Math.round(timed.bytesReceived * scale),
    ...(sampled < all ? { sample: { ...timed, timed: sampled, of: all } } : {}),
  };
}

function progress(log: (line: string) => void, label: string, done: number, total: number, started: number): void {
  const every = Math.max(1, Math.round(total / 5));
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
 * fetches the trees and blobs it needs lazily). Timed on `sample` packages and extrapolated.
 */
export async function timeProductionSequence(context: SequenceContext, sample: number | undefined): Promise<SequenceResult> {
  const { corpus, link, log } = context;
  const all = restorablePackages(corpus.manifest);
  const packages = samplePackages(all, sample);
  const work = await makeTempDir('asset-sync-bench-a');
  const checkouts: Array<{ pkg: CorpusPackage; dir: string }> = [];
  const url = link.url(corpus.manifest.assetsRepo);
  try {
    const started = performance.now();
    const timed = await measure(link, async () => {
      for (const [index, pkg] of packages.entries()) {
        const dir = join(work, `p${index}`);
        const ref = checkoutRefOf(pkg);
        await gitIn(undefined, ['clone', '--quiet', '--no-checkout', '--filter=tree:0', url, dir]);
        await gitIn(dir, ['sparse-checkout', 'set', '--no-cone', assetsPathOf(pkg), 'eng/', '.gitignore']);
        await gitIn(dir, ['fetch', '--quiet', 'origin', pkg.dialect === 'sha' ? ref : `refs/tags/${ref}:refs/tags/${ref}`]);
        await gitIn(dir, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', ref]);
        checkouts.push({ pkg, dir });
        progress(log, '(a) production test-proxy sequence', index + 1, packages.length, started);
      }
    });
    await checkFileCounts('(a)', checkouts);
    return {
      id: 'a',
      label: 'production test-proxy sequence, per package',
      ...extrapolate(timed, packages.length, all.length),
      notes: [
        'clone --no-checkout --filter=tree:0, sparse-checkout set --no-cone, fetch the tag, checkout; one package after another',
        ...(packages.length < all.length
          ? [`${packages.length} of ${all.length} packages timed (${timed.seconds.toFixed(1)} s), extrapolated linearly ×${(all.length / packages.length).toFixed(1)}`]
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
 * With `sample`, the per-package part runs on a sample and is extrapolated (the fetches are whole).
 */
export async function timeSharedCloneSequence(context: SequenceContext, sample: number | undefined): Promise<SequenceResult> {
  const { corpus, link, log } = context;
  const all = restorablePackages(corpus.manifest);
  const packages = samplePackages(all, sample);
  const work = await makeTempDir('asset-sync-bench-b');
  const shared = join(work, 'shared.git');
  const checkouts: Array<{ pkg: CorpusPackage; dir: string }> = [];
  try {
    const refspecs = [...new Set(all.map((pkg) => (pkg.dialect === 'sha' ? pkg.commit : `refs/tags/${pkg.tag}:refs/tags/${pkg.tag}`)))];
    const fetched = await measure(link, async () => {
      await gitIn(undefined, ['init', '--quiet', '--bare', shared]);
      await gitIn(undefined, ['--git-dir', shared, 'remote', 'add', 'origin', link.url(corpus.manifest.assetsRepo)]);
      for (let i = 0; i < refspecs.length; i += TAGS_PER_FETCH) {
        await gitIn(undefined, ['--git-dir', shared, 'fetch', '--quiet', '--no-tags', 'origin', ...refspecs.slice(i, i + TAGS_PER_FETCH)]);
      }
    });
    log(`(b) shared clone: ${refspecs.length} pins in ${Math.ceil(refspecs.length / TAGS_PER_FETCH)} fetches, ${fetched.seconds.toFixed(1)} s`);
    const started = performance.now();
    const local = await measure(link, async () => {
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
    const perPackage = extrapolate(local, packages.length, all.length);
    return {
      id: 'b',
      label: 'azure-sdk-for-net shared clone, local clone per package',
      seconds: fetched.seconds + perPackage.seconds,
      connections: fetched.connections + perPackage.connections,
      bytesReceived: fetched.bytesReceived + perPackage.bytesReceived,
      ...(perPackage.sample ? { sample: { ...perPackage.sample, seconds: fetched.seconds + local.seconds } } : {}),
      notes: [
        `one shared repository, ${refspecs.length} pins fetched ${TAGS_PER_FETCH} per git fetch (${fetched.seconds.toFixed(1)} s), ` +
          `then clone --local --shared, sparse checkout, checkout per package` +
          (perPackage.sample ? ` (${packages.length} of ${all.length} packages timed, extrapolated)` : ''),
      ],
    };
  } finally {
    await removeTempDir(work);
  }
}
