import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  generateCorpus,
  makeTempDir,
  removeTempDir,
  startGitDaemon,
  writeLanguageRepoFromCorpus,
  type CorpusManifest,
  type CorpusPackage,
  type GitDaemon,
} from '@asset-sync/test-utils';

/** A generated assets repo served on loopback, and a language repo pinning every package in it. */
export interface BenchCorpus {
  root: string;
  manifest: CorpusManifest;
  daemon: GitDaemon;
  /** `git://127.0.0.1:<port>/Azure/azure-sdk-assets.git`. */
  url: string;
  /** The language repo, fresh: nothing restored in it yet. */
  languageRepo: string;
  stats: CorpusStats;
}

export interface CorpusStats {
  packages: number;
  recordings: number;
  /** Bytes of every package's recordings at its pin: what a full restore writes. */
  bytesAtPins: number;
  distinctCommits: number;
  /** Commits on `main` (the history a clone of everything carries). */
  commits: number;
  tags: number;
  /** The bare assets repo on disk. */
  repoBytes: number;
  generateSeconds: number;
}

export interface SetUpCorpusOptions {
  packages: number;
  recordings: number;
  seed: string;
  log: (line: string) => void;
}

/** Generates the corpus, writes its language repo and starts a daemon; `tearDown` undoes all three. */
export async function setUpCorpus(options: SetUpCorpusOptions): Promise<BenchCorpus> {
  const root = await makeTempDir('asset-sync-bench');
  let daemon: GitDaemon | undefined;
  try {
    const started = performance.now();
    const manifest = await generateCorpus({
      root: join(root, 'server'),
      packages: options.packages,
      recordingsPerPackage: options.recordings,
      seed: options.seed,
    });
    const generateSeconds = (performance.now() - started) / 1000;
    const languageRepo = (await writeLanguageRepoFromCorpus(join(root, 'language-repo'), manifest)).dir;
    daemon = await startGitDaemon(join(root, 'server'));
    const stats: CorpusStats = {
      packages: manifest.packages.length,
      recordings: manifest.packages.reduce((sum, pkg) => sum + pkg.files, 0),
      bytesAtPins: manifest.totalBytes,
      distinctCommits: manifest.distinctCommits.length,
      commits: manifest.stats.commits,
      tags: manifest.stats.tags,
      repoBytes: await diskUsage(manifest.repoPath),
      generateSeconds,
    };
    options.log(
      `corpus: ${stats.packages} packages, ${stats.recordings} recordings, ${formatBytes(stats.bytesAtPins)} at the pins, ` +
        `${stats.distinctCommits} distinct commits, repo ${formatBytes(stats.repoBytes)} (generated in ${generateSeconds.toFixed(1)} s), ` +
        `served at ${daemon.url(manifest.assetsRepo)}`,
    );
    return { root, manifest, daemon, url: daemon.url(manifest.assetsRepo), languageRepo, stats };
  } catch (error) {
    await daemon?.stop();
    await removeTempDir(root);
    throw error;
  }
}

export async function tearDownCorpus(corpus: BenchCorpus): Promise<void> {
  await corpus.daemon.stop();
  await removeTempDir(corpus.root);
}

/** Path of a package's recordings inside the assets repo (and inside any checkout of it). */
export function assetsPathOf(pkg: CorpusPackage): string {
  return pkg.prefix === '' ? pkg.packagePath : `${pkg.prefix}/${pkg.packagePath}`;
}

/** What a per-package sequence checks out: the Tag, or the commit for the SHA dialect. */
export function checkoutRefOf(pkg: CorpusPackage): string {
  return pkg.dialect === 'sha' ? pkg.commit : pkg.tag;
}

/** Packages with something to restore (an empty Tag has nothing pushed yet). */
export function restorablePackages(manifest: CorpusManifest): CorpusPackage[] {
  return manifest.packages.filter((pkg) => pkg.commit !== '');
}

/** Bytes of every file under `dir` (apparent sizes). */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? entry.path, entry.name))).size;
  }
  return total;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
