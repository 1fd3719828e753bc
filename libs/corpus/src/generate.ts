import { performance } from 'node:perf_hooks';
import { git, makeBareAssetsRepo, type FastImportOptions } from '@asset-sync/git-harness';
import { Prng } from './prng.js';
import type { CorpusLanguage } from './catalog.js';
import type { WrittenHistory } from './history.js';
import { DEFAULT_LANGUAGES, choosePackages, planPackages, type PinDialect, type PlannedPackage } from './packages.js';
import { productionPackageRequest, writeProductionHistory, type ProductionShapeOptions } from './production-history.js';
import { sharedPackageRequest, writeSharedHistory, type SharedShapeOptions } from './shared-history.js';

export type { PinDialect } from './packages.js';

/**
 * `production`: like the real assets repo, every push a commit on top of its package's previous
 * push, nothing merged into a near-empty `main`, so nearly every pin is a commit of its own.
 * `shared`: pushes are commits on `main`, most of them batches, so many pins share a commit.
 */
export type CorpusShape = 'production' | 'shared';

export interface GenerateCorpusOptions {
  /** Server root: the assets repo is created at `<root>/<assetsRepo>.git`. */
  root: string;
  /**
   * Number of assets.json files (pins) in the language repo, special ones below included. In the
   * production shape these are the packages of `language`; the other languages' come on top.
   */
  packages: number;
  /** History shape; default `production`. */
  shape?: CorpusShape;
  /** Average recordings per package (the count varies per package, skewed like real ones). Default 20. */
  recordingsPerPackage?: number;
  /** Languages in the assets repo. Default python, js, net, java, go, cpp. */
  languages?: CorpusLanguage[];
  /** production: the language repo's language (any but rust); default python. */
  language?: CorpusLanguage;
  /**
   * production: share of the assets repo's packages (and so, roughly, of its data) that belong to
   * languages other than `language`: server-side weight no restore of this language repo needs.
   * Default 0.5 (in the real 2.6 GiB repo python, the largest language, holds about a quarter).
   */
  otherLanguageShare?: number;
  /** production: share of a storage package's recordings that are MB-sized uploads of random data. Default 0.06. */
  storageUploadShare?: number;
  /** shared: share of packages whose pinned commit also holds other packages' updates. Default 0.9. */
  sharedCommitFraction?: number;
  /** shared: commits on `main`; default about packages / 7.5, raised if the solo commits need more. */
  historyDepth?: number;
  /**
   * Packages pinned to an older push although a later one changed their recordings. Default:
   * production ~20% of the language repo's packages (a hotfix branch pinned an older push), shared ~2%.
   */
  stalePins?: number;
  /** Packages written in the 2022 dialect (`AssetsRepoBranch` + 40-hex `SHA`). Default 0. */
  shaPinnedPackages?: number;
  /** Packages with `"Tag": ""` (nothing pushed yet; no recordings in the assets repo). Default: production ~1%, shared 0. */
  emptyTagPackages?: number;
  /**
   * Services with a service-level assets.json above a package-level one; 2 pins each. Default 0.
   * production: in `language` (python's real sdk/tables above sdk/tables/azure-data-tables first); shared: rust.
   */
  nestedServicePins?: number;
  /** Also tag every earlier push of a package, as the real repo has. Default true. */
  historicalTags?: boolean;
  /** Anything; the same seed and options give the same repository, commit ids included. */
  seed: string | number;
  /** Repository name. Default `Azure/azure-sdk-assets`. */
  assetsRepo?: string;
  /** How fast-import packs the objects; default zlib level 1 and no deltas (fast, larger pack). */
  fastImport?: FastImportOptions;
  /** Progress lines; nothing is printed without it. */
  log?: (line: string) => void;
}

export interface CorpusPackage {
  language: CorpusLanguage;
  service: string;
  /** Folder of the assets.json in the language repo, e.g. `sdk/tables/azure-data-tables`. */
  packagePath: string;
  /** `AssetsRepoPrefixPath`. Recordings sit at `<prefix>/<packagePath>/` in the assets repo. */
  prefix: string;
  tagPrefix: string;
  dialect: PinDialect;
  /** `<tagPrefix>_<sha10>`; `''` for an empty-Tag package and for the SHA dialect. */
  tag: string;
  /** The pinned assets-repo commit (40 hex); `''` for an empty-Tag package. */
  commit: string;
  /** SHA dialect: the `AssetsRepoBranch` holding the commit. */
  branch?: string;
  /** Recordings under `<prefix>/<packagePath>/` changed after the pinned commit (so a newer commit must not serve this pin). */
  stale: boolean;
  /** rust-like nesting: this pin's folder holds (`service`) or sits in (`package`) another pin's folder. */
  nesting?: 'service' | 'package';
  /** Commits of every push of this package, oldest first (the newest is what a fresh push builds on). */
  pushes: string[];
  /** Files under `<prefix>/<packagePath>/` at `commit` (nested pins' files included). */
  files: number;
  bytes: number;
  /** Those files' paths, relative to `<prefix>/<packagePath>/`, sorted. */
  paths: string[];
}

export interface CorpusManifest {
  seed: string;
  shape: CorpusShape;
  /** Repository name, e.g. `Azure/azure-sdk-assets`. */
  assetsRepo: string;
  /** Path of the bare repository. */
  repoPath: string;
  /** The tip of `main`. */
  headCommit: string;
  /** The languages a language repo for this corpus holds (writeLanguageRepoFromCorpus's default). */
  languageRepoLanguages: CorpusLanguage[];
  /** Every package in the assets repo, other languages' included. */
  packages: CorpusPackage[];
  /** Distinct pinned commits, oldest first. */
  distinctCommits: string[];
  /** Sum of every pin's bytes (what restoring all of them writes; nested pins count twice). */
  totalBytes: number;
  stats: {
    commits: number;
    tags: number;
    /** Recording versions written (before git's own deduplication). */
    blobs: number;
    streamBytes: number;
    elapsedMs: number;
  };
}

/**
 * Builds a bare assets repo whose history looks like the real Azure/azure-sdk-assets: packages of
 * the real languages and path shapes, recordings shaped and sized like real ones. The default
 * `production` shape gives every package a chain of pushes of its own; `shared` puts the pushes
 * on `main`, many packages to a commit. Everything goes through one `git fast-import` stream;
 * the tags follow in one `git update-ref --stdin`.
 */
export async function generateCorpus(options: GenerateCorpusOptions): Promise<CorpusManifest> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const seed = String(options.seed);
  const rng = new Prng(`corpus:${seed}`);
  const assetsRepo = options.assetsRepo ?? 'Azure/azure-sdk-assets';
  const shape = options.shape ?? 'production';
  if (!Number.isInteger(options.packages) || options.packages < 1) throw new RangeError('packages must be a positive integer');

  const production = shape === 'production' ? productionOptions(options, assetsRepo, log) : undefined;
  const shared: SharedShapeOptions = { ...options, assetsRepo, log };
  const request = production ? productionPackageRequest(production) : sharedPackageRequest(shared);
  const planned = planPackages(choosePackages(request, rng.fork('packages')), options.recordingsPerPackage ?? 20, rng);
  const repoPath = await makeBareAssetsRepo(options.root, assetsRepo);
  const history = production
    ? await writeProductionHistory(production, planned, repoPath, rng.fork('history'))
    : await writeSharedHistory(shared, planned, repoPath, rng.fork('history'));
  const tags = await writeTags(repoPath, planned, history, options.historicalTags !== false);

  const packages = planned.map((p) => manifestEntry(p, history)).sort(byLanguageAndPath);
  const pinnedMarks = [...new Set(planned.filter((p) => !p.emptyTag).map((p) => p.pinnedMark))].sort((a, b) => a - b);
  const manifest: CorpusManifest = {
    seed,
    shape,
    assetsRepo,
    repoPath,
    headCommit: history.commitOf(history.headMark),
    languageRepoLanguages: production ? [production.language] : [...request.counts.keys(), ...(request.nested.pairs > 0 ? [request.nested.language] : [])],
    packages,
    distinctCommits: pinnedMarks.map(history.commitOf),
    totalBytes: packages.reduce((sum, p) => sum + p.bytes, 0),
    stats: {
      commits: history.commits,
      tags,
      blobs: history.blobs,
      streamBytes: history.streamBytes,
      elapsedMs: Math.round(performance.now() - started),
    },
  };
  log(
    `corpus: ${packages.length} packages, ${manifest.distinctCommits.length} pinned commits, ` +
      `${(manifest.totalBytes / 1e6).toFixed(1)} MB at the pins, ${manifest.stats.elapsedMs} ms`,
  );
  return manifest;
}

function productionOptions(options: GenerateCorpusOptions, assetsRepo: string, log: (line: string) => void): ProductionShapeOptions {
  const language = options.language ?? 'python';
  const languages = options.languages ?? DEFAULT_LANGUAGES;
  return {
    packages: options.packages,
    language,
    languages: languages.includes(language) ? languages : [language, ...languages],
    otherLanguageShare: options.otherLanguageShare ?? 0.5,
    ...(options.stalePins === undefined ? {} : { stalePins: options.stalePins }),
    shaPinnedPackages: options.shaPinnedPackages ?? 0,
    ...(options.emptyTagPackages === undefined ? {} : { emptyTagPackages: options.emptyTagPackages }),
    nestedServicePins: options.nestedServicePins ?? 0,
    uploadShare: options.storageUploadShare ?? 0.06,
    assetsRepo,
    ...(options.fastImport === undefined ? {} : { fastImport: options.fastImport }),
    log,
  };
}

/**
 * The tag a push has in the real assets repo: `<TagPrefix>_<first 10 hex digits>`, as the Azure
 * test-proxy names them. The corpus says what production holds, so it keeps its own copy of the
 * rule rather than borrowing asset-sync's `tagNameOf`: a fixture built by the product's rule could
 * not show the product getting it wrong.
 */
export function pushTagOf(tagPrefix: string, commit: string): string {
  return `${tagPrefix}_${commit.slice(0, 10)}`;
}

/**
 * A tag `<TagPrefix>_<sha10>` at every push of every Tag-dialect package (or only at its pin),
 * all in one transaction that also drops the writer's scratch refs; then refs packed like a
 * long-lived server's. Returns how many tags there are.
 */
async function writeTags(repoPath: string, planned: PlannedPackage[], history: WrittenHistory, historical: boolean): Promise<number> {
  const tags = new Map<string, string>();
  for (const p of planned) {
    if (p.emptyTag || p.dialect !== 'tag') continue;
    for (const mark of historical ? p.pushMarks : [p.pinnedMark]) {
      const commit = history.commitOf(mark);
      tags.set(pushTagOf(p.entry.tagPrefix, commit), commit);
    }
  }
  const input = [...tags].map(([tag, commit]) => `create refs/tags/${tag} ${commit}\n`);
  for (const ref of history.scratchRefs ?? []) input.push(`delete ${ref}\n`);
  await git(['--git-dir', repoPath, 'update-ref', '--stdin'], { input: input.join('') });
  await git(['--git-dir', repoPath, 'pack-refs', '--all']);
  return tags.size;
}

function manifestEntry(p: PlannedPackage, history: WrittenHistory): CorpusPackage {
  const commit = p.emptyTag ? '' : history.commitOf(p.pinnedMark);
  const snapshot = p.snapshot ?? { files: 0, bytes: 0, paths: [] };
  return {
    language: p.entry.language,
    service: p.entry.service,
    packagePath: p.entry.packagePath,
    prefix: p.entry.language,
    tagPrefix: p.entry.tagPrefix,
    dialect: p.dialect,
    tag: p.emptyTag || p.dialect === 'sha' ? '' : pushTagOf(p.entry.tagPrefix, commit),
    commit,
    ...(p.branch === undefined ? {} : { branch: p.branch }),
    stale: !p.emptyTag && p.stale,
    ...(p.entry.nesting === undefined ? {} : { nesting: p.entry.nesting }),
    pushes: p.pushMarks.map(history.commitOf),
    files: snapshot.files,
    bytes: snapshot.bytes,
    paths: snapshot.paths,
  };
}

function byLanguageAndPath(a: CorpusPackage, b: CorpusPackage): number {
  if (a.language !== b.language) return a.language < b.language ? -1 : 1;
  return a.packagePath < b.packagePath ? -1 : 1;
}
