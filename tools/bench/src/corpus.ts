import { formatBytes } from '@asset-sync/errors';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  makeTempDir,
  removeTempDir,
  startGitDaemon,
  startWanLink,
  type GitDaemon,
  type WanLink,
} from '@asset-sync/git-harness';
import {
  generateCorpus,
  writeLanguageRepoFromCorpus,
  type CorpusLanguage,
  type CorpusManifest,
  type CorpusPackage,
  type CorpusShape,
} from '@asset-sync/corpus';
import { buildSameBytesRepo, type SameBytesRepo } from './floors.js';
import { diskUsage } from './manifest.js';

/** The two ways every sequence reaches the server. */
export type LinkName = 'loopback' | 'wan';
export const LINK_NAMES: readonly LinkName[] = ['loopback', 'wan'];

/** A generated assets repo served on loopback and through a simulated WAN, and a language repo pinning its packages. */
export interface BenchCorpus {
  root: string;
  /** What the language repo pins: the manifest with only its packages. */
  manifest: CorpusManifest;
  /** Every package in the assets repo, the other languages' included. */
  fullManifest: CorpusManifest;
  daemon: GitDaemon;
  /** Proxies in front of the daemon: one that only counts (loopback), one that adds latency and a bandwidth cap. */
  links: Record<LinkName, WanLink>;
  /** The floor's repository: one commit holding exactly the pinned folders. */
  sameBytes: SameBytesRepo;
  /** The language repo, fresh: nothing restored in it yet. */
  languageRepo: string;
  /** Its commit as written, to go back to after (f) moved some pins. */
  languageRepoHead: string;
  stats: CorpusStats;
}

export interface CorpusStats {
  shape: CorpusShape;
  /** Packages (assets.json files) in the language repo. */
  packages: number;
  recordings: number;
  /** Bytes of every package's recordings at its pin: what a full restore writes. */
  bytesAtPins: number;
  distinctCommits: number;
  /** The language repo's language(s), then every language in the assets repo. */
  languageRepoLanguages: CorpusLanguage[];
  languages: CorpusLanguage[];
  /** Packages in the assets repo, other languages' included. */
  assetsRepoPackages: number;
  /** Pins that name an older push than their package's newest, and pins with an empty Tag. */
  stalePins: number;
  emptyTags: number;
  commits: number;
  tags: number;
  /** The bare assets repo on disk. */
  repoBytes: number;
  /** The same-bytes floor's commit: files and bytes (each pinned file once). */
  sameBytesFiles: number;
  sameBytesBytes: number;
  generateSeconds: number;
}

export interface SetUpCorpusOptions {
  packages: number;
  recordings: number;
  seed: string;
  shape: CorpusShape;
  otherShare: number;
  wan: { rttMs: number; mbit: number };
  log: (line: string) => void;
}

/** A few of the special pins the production assets repo has, so restore meets them too. */
const SPECIAL_PINS = { shaPinnedPackages: 2, nestedServicePins: 1 } as const;

/** Generates the corpus, writes its language repo, builds the floor's repository, starts the daemon and both links. */
export async function setUpCorpus(options: SetUpCorpusOptions): Promise<BenchCorpus> {
  const root = await makeTempDir('asset-sync-bench');
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const begun = performance.now();
    const fullManifest = await generateCorpus({
      root: join(root, 'server'),
      shape: options.shape,
      packages: options.packages,
      recordingsPerPackage: options.recordings,
      otherLanguageShare: options.otherShare,
      seed: options.seed,
      ...SPECIAL_PINS,
      log: options.log,
    });
    const generateSeconds = (performance.now() - begun) / 1000;
    const repo = await writeLanguageRepoFromCorpus(join(root, 'language-repo'), fullManifest);
    const manifest = languageRepoManifest(fullManifest, repo.packages);
    const sameBytes = await buildSameBytesRepo(join(root, 'server'), manifest);
    const daemon = await startGitDaemon(join(root, 'server'));
    started.push(daemon);
    const loopback = await startWanLink({ upstreamPort: daemon.port, rttMs: 0, mbit: 0 });
    started.push(loopback);
    const wan = await startWanLink({ upstreamPort: daemon.port, ...options.wan });
    started.push(wan);
    const stats = await corpusStats(fullManifest, manifest, sameBytes, generateSeconds);
    options.log(`corpus: ${corpusSummary(stats)} (generated in ${generateSeconds.toFixed(1)} s), served at ${daemon.url(manifest.assetsRepo)}`);
    return { root, manifest, fullManifest, daemon, links: { loopback, wan }, sameBytes, languageRepo: repo.dir, languageRepoHead: repo.head, stats };
  } catch (error) {
    for (const server of started.reverse()) await server.stop();
    await removeTempDir(root);
    throw error;
  }
}

export async function tearDownCorpus(corpus: BenchCorpus): Promise<void> {
  await corpus.links.wan.stop();
  await corpus.links.loopback.stop();
  await corpus.daemon.stop();
  await removeTempDir(corpus.root);
}

/** The manifest as the language repo sees it: its packages, its pinned commits, its bytes. */
function languageRepoManifest(full: CorpusManifest, packages: CorpusPackage[]): CorpusManifest {
  const pinned = new Set(packages.map((pkg) => pkg.commit).filter((commit) => commit !== ''));
  return {
    ...full,
    packages,
    distinctCommits: full.distinctCommits.filter((commit) => pinned.has(commit)),
    totalBytes: packages.reduce((sum, pkg) => sum + pkg.bytes, 0),
  };
}

async function corpusStats(full: CorpusManifest, manifest: CorpusManifest, sameBytes: SameBytesRepo, generateSeconds: number): Promise<CorpusStats> {
  return {
    shape: full.shape,
    packages: manifest.packages.length,
    recordings: manifest.packages.reduce((sum, pkg) => sum + pkg.files, 0),
    bytesAtPins: manifest.totalBytes,
    distinctCommits: manifest.distinctCommits.length,
    languageRepoLanguages: full.languageRepoLanguages,
    languages: [...new Set(full.packages.map((pkg) => pkg.language))],
    assetsRepoPackages: full.packages.length,
    stalePins: manifest.packages.filter((pkg) => pkg.stale).length,
    emptyTags: manifest.packages.filter((pkg) => pkg.commit === '').length,
    commits: full.stats.commits,
    tags: full.stats.tags,
    repoBytes: await diskUsage(full.repoPath),
    sameBytesFiles: sameBytes.files,
    sameBytesBytes: sameBytes.bytes,
    generateSeconds,
  };
}

/** One line: what the language repo pins, and what the assets repo holds. */
export function corpusSummary(stats: CorpusStats): string {
  return (
    `${stats.shape} shape; the language repo (${stats.languageRepoLanguages.join(', ')}) pins ${stats.packages} packages, ` +
    `${stats.recordings.toLocaleString('en-US')} recordings, ${formatBytes(stats.bytesAtPins)} at the pins, ` +
    `${stats.distinctCommits} distinct pinned commits (${stats.stalePins} older than their package's newest push, ${stats.emptyTags} empty Tags); ` +
    `the assets repo holds ${stats.assetsRepoPackages} packages in ${stats.languages.length} languages (${stats.languages.join(', ')}), ` +
    `${stats.commits.toLocaleString('en-US')} commits, ${stats.tags.toLocaleString('en-US')} tags, ${formatBytes(stats.repoBytes)} on disk`
  );
}
