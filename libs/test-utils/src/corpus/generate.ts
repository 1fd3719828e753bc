import { performance } from 'node:perf_hooks';
import { FastImportWriter, type FastImportOptions } from '../fast-import.js';
import { git } from '../git.js';
import { Prng } from '../prng.js';
import { makeBareAssetsRepo } from '../repos.js';
import { catalogCandidates, catalogServices, rustNestedPair, type CatalogEntry, type CorpusLanguage } from './catalog.js';
import { recordingNames } from './names.js';
import { recordingStyle, renderRecording, type RecordingStyle } from './recording.js';
import { drawRecordingSize } from './sizes.js';

export interface GenerateCorpusOptions {
  /** Server root: the assets repo is created at `<root>/<assetsRepo>.git`. */
  root: string;
  /** Number of assets.json files (pins), special ones below included. */
  packages: number;
  /** Average recordings per package (the count varies per package, skewed like real ones). Default 20. */
  recordingsPerPackage?: number;
  /** Languages to draw packages from. Default python, js, net, java, go, cpp. */
  languages?: CorpusLanguage[];
  /** Share of packages whose pinned commit also holds other packages' updates. Default 0.9. */
  sharedCommitFraction?: number;
  /** Commits on `main`; default about packages / 7.5, raised if the solo commits need more. */
  historyDepth?: number;
  /** Packages pinned to an older commit although a later commit changed their recordings. Default ~2%. */
  stalePins?: number;
  /** Packages written in the 2022 dialect (`AssetsRepoBranch` + 40-hex `SHA`). Default 0. */
  shaPinnedPackages?: number;
  /** Packages with `"Tag": ""` (nothing pushed yet; no recordings in the assets repo). Default 0. */
  emptyTagPackages?: number;
  /** rust-like services with a service-level assets.json above a package-level one; 2 pins each. Default 0. */
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

export type PinDialect = 'tag' | 'sha';

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
  /** Files under `<prefix>/<packagePath>/` at `commit` (nested pins' files included). */
  files: number;
  bytes: number;
  /** Those files' paths, relative to `<prefix>/<packagePath>/`, sorted. */
  paths: string[];
}

export interface CorpusManifest {
  seed: string;
  /** Repository name, e.g. `Azure/azure-sdk-assets`. */
  assetsRepo: string;
  /** Path of the bare repository. */
  repoPath: string;
  /** The tip of `main`. */
  headCommit: string;
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

const DEFAULT_LANGUAGES: CorpusLanguage[] = ['python', 'js', 'net', 'java', 'go', 'cpp'];
const LANGUAGE_WEIGHTS: Record<CorpusLanguage, number> = {
  python: 0.33,
  js: 0.2,
  net: 0.18,
  java: 0.16,
  go: 0.1,
  cpp: 0.03,
  rust: 0.03,
};

/** 2023-01-02T00:00:00Z; commits follow a few hours apart. */
const HISTORY_START = 1_672_617_600;
const COMMIT_MESSAGE = 'Automatic asset update from test-proxy.';

interface PlannedPackage {
  entry: CatalogEntry;
  index: number;
  rng: Prng;
  style: RecordingStyle;
  recordings: number;
  /** Commit slots that change this package, ascending. */
  touches: number[];
  /** The slot the pin names (the last touch unless stale). */
  pinnedSlot: number;
  dialect: PinDialect;
  emptyTag: boolean;
  stale: boolean;
  /** Current files: path relative to the package folder → size. */
  files: Map<string, number>;
  snapshot?: { files: number; bytes: number; paths: string[] };
}

/** Largest-remainder split of `total` by weights. */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]! += 1;
  }
  return counts;
}

/** Claims package folders so that no two pins share a folder or sit inside one another. */
class FolderClaims {
  private readonly exact = new Set<string>();
  private readonly ancestors = new Set<string>();

  conflicts(path: string): boolean {
    if (this.exact.has(path) || this.ancestors.has(path)) return true;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) if (this.exact.has(parts.slice(0, i).join('/'))) return true;
    return false;
  }

  claim(path: string): void {
    this.exact.add(path);
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) this.ancestors.add(parts.slice(0, i).join('/'));
  }
}

function choosePackages(options: GenerateCorpusOptions, rng: Prng): CatalogEntry[] {
  const languages = options.languages ?? DEFAULT_LANGUAGES;
  const plainLanguages = languages.filter((language) => language !== 'rust');
  const nested = Math.max(0, options.nestedServicePins ?? 0);
  let plain = options.packages - 2 * nested;
  if (plain < 0) throw new RangeError(`packages (${options.packages}) must be at least 2 × nestedServicePins (${nested})`);
  // rust only comes as nested pairs (service-level pin above a package-level one).
  const rustPairs = languages.includes('rust')
    ? Math.floor(split(plain, languages.map((l) => LANGUAGE_WEIGHTS[l]))[languages.indexOf('rust')]! / 2)
    : 0;
  plain -= 2 * rustPairs;
  const counts = new Map(plainLanguages.map((l, i) => [l, split(plain, plainLanguages.map((x) => LANGUAGE_WEIGHTS[x]))[i]!]));

  const services = catalogServices();
  const claims = new FolderClaims();
  const sources = new Map<CorpusLanguage, Iterator<CatalogEntry>>();
  const sourceOf = (language: CorpusLanguage): Iterator<CatalogEntry> => {
    let source = sources.get(language);
    if (source === undefined) {
      const { real, synthesized } = catalogCandidates(language, services);
      source = (function* () {
        yield* rng.shuffle(real);
        yield* synthesized;
      })();
      sources.set(language, source);
    }
    return source;
  };
  const take = (language: CorpusLanguage, count: number): CatalogEntry[] => {
    const taken: CatalogEntry[] = [];
    const source = sourceOf(language);
    while (taken.length < count) {
      const next = source.next();
      if (next.done) break;
      if (claims.conflicts(next.value.packagePath)) continue;
      claims.claim(next.value.packagePath);
      taken.push(next.value);
    }
    return taken;
  };

  const perLanguage = new Map<CorpusLanguage, CatalogEntry[]>(plainLanguages.map((l) => [l, []]));
  // cpp pins whole service folders, so it claims first; the other languages work around it.
  if (counts.has('cpp')) perLanguage.get('cpp')!.push(...take('cpp', counts.get('cpp')!));
  const nestedPins: CatalogEntry[] = [];
  for (let pair = 0, made = 0; made < nested + rustPairs; pair++) {
    const [service, pkg] = rustNestedPair(pair);
    if (claims.conflicts(service.packagePath)) continue;
    // The package pin sits inside the service pin's folder on purpose.
    claims.claim(service.packagePath);
    nestedPins.push(service, pkg);
    made++;
  }
  // Round-robin, a few at a time, so no language takes every real name of a shared service folder.
  const left = new Map([...counts].filter(([l]) => l !== 'cpp'));
  while ([...left.values()].some((n) => n > 0)) {
    for (const [language, n] of left) {
      if (n <= 0) continue;
      const taken = take(language, Math.min(n, 5));
      perLanguage.get(language)!.push(...taken);
      left.set(language, taken.length === 0 ? 0 : n - taken.length);
    }
  }
  return [...plainLanguages.flatMap((l) => perLanguage.get(l)!), ...nestedPins];
}

/**
 * Builds a bare assets repo whose history looks like the real Azure/azure-sdk-assets: packages of
 * the real languages and path shapes, recordings shaped and sized like real ones, pins shared by
 * many packages, and a few stale pins. Everything goes through one `git fast-import` stream; the
 * tags follow in one `git update-ref --stdin`.
 */
export async function generateCorpus(options: GenerateCorpusOptions): Promise<CorpusManifest> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const seed = String(options.seed);
  const rng = new Prng(`corpus:${seed}`);
  const assetsRepo = options.assetsRepo ?? 'Azure/azure-sdk-assets';
  const perPackage = options.recordingsPerPackage ?? 20;
  if (!Number.isInteger(options.packages) || options.packages < 1) throw new RangeError('packages must be a positive integer');

  // 1. Which packages.
  const entries = choosePackages(options, rng.fork('packages'));
  const planned: PlannedPackage[] = entries.map((entry, index) => {
    const prng = rng.fork(`package:${entry.language}:${entry.packagePath}`);
    const skew = Math.exp(prng.normal() * 0.6 - 0.18);
    return {
      entry,
      index,
      rng: prng,
      style: recordingStyle(entry, prng.fork('style')),
      recordings: Math.max(1, Math.min(perPackage * 8, Math.round(perPackage * skew))),
      touches: [],
      pinnedSlot: 0,
      dialect: 'tag',
      emptyTag: false,
      stale: false,
      files: new Map(),
    };
  });

  // 2. Which pins are special. Nested pins stay plain tag pins.
  const historyRng = rng.fork('history');
  const plainOnes = historyRng.shuffle(planned.filter((p) => p.entry.nesting === undefined));
  const emptyTag = Math.min(options.emptyTagPackages ?? 0, plainOnes.length);
  for (const p of plainOnes.slice(0, emptyTag)) p.emptyTag = true;
  const committed = planned.filter((p) => !p.emptyTag);
  const m = committed.length;

  // 3. History shape: solo commits (one package each) and batch commits (many packages each).
  const sharedFraction = Math.min(1, Math.max(0, options.sharedCommitFraction ?? 0.9));
  const solo = m === 0 ? 0 : Math.min(m - 1, Math.round(m * (1 - sharedFraction)));
  const depth = Math.max(options.historyDepth ?? Math.max(3, Math.round(m / 7.5)), solo + 1, 1);
  const soloSlots = new Set(historyRng.shuffle(Array.from({ length: depth - 1 }, (_, i) => i + 1)).slice(0, solo));
  const batchSlots = Array.from({ length: depth }, (_, i) => i).filter((slot) => !soloSlots.has(slot));
  const order = historyRng.shuffle(committed);
  const soloList = [...soloSlots];
  order.forEach((p, i) => {
    if (i < solo) p.pinnedSlot = soloList[i]!;
    // Round-robin first so every batch commit changes something, then at random.
    else if (i - solo < batchSlots.length) p.pinnedSlot = batchSlots[i - solo]!;
    else p.pinnedSlot = historyRng.pick(batchSlots);
    const earlier = batchSlots.filter((slot) => slot < p.pinnedSlot);
    const touches = new Set<number>([p.pinnedSlot]);
    if (earlier.length > 0 && historyRng.bool(0.35)) touches.add(historyRng.pick(earlier));
    if (earlier.length > 0 && historyRng.bool(0.1)) touches.add(historyRng.pick(earlier));
    p.touches = [...touches].sort((a, b) => a - b);
  });

  // Stale pins: a later push changed the recordings, but the language repo still pins the older one.
  const staleWanted = options.stalePins ?? (m >= 10 ? Math.max(1, Math.round(m * 0.02)) : 0);
  let staleMade = 0;
  for (const p of historyRng.shuffle(committed)) {
    if (staleMade >= staleWanted) break;
    const later = batchSlots.filter((slot) => slot > p.pinnedSlot);
    if (later.length === 0) continue;
    p.touches.push(historyRng.pick(later));
    p.touches.sort((a, b) => a - b);
    p.stale = true;
    staleMade++;
  }

  const shaWanted = options.shaPinnedPackages ?? 0;
  for (const p of historyRng.shuffle(committed.filter((c) => c.entry.nesting === undefined)).slice(0, shaWanted)) {
    p.dialect = 'sha';
  }

  // Nested pins: which packages' files each pin's folder holds.
  const dirOf = (p: PlannedPackage): string => `${p.entry.language}/${p.entry.packagePath}`;
  const contained = new Map<PlannedPackage, PlannedPackage[]>();
  for (const p of planned) {
    const dir = dirOf(p);
    contained.set(
      p,
      planned.filter((q) => q === p || dirOf(q).startsWith(`${dir}/`)),
    );
  }

  const bySlot = new Map<number, PlannedPackage[]>();
  for (const p of committed) {
    for (const slot of p.touches) {
      if (!bySlot.has(slot)) bySlot.set(slot, []);
      bySlot.get(slot)!.push(p);
    }
  }
  const pinnedAt = new Map<number, PlannedPackage[]>();
  for (const p of committed) {
    if (!pinnedAt.has(p.pinnedSlot)) pinnedAt.set(p.pinnedSlot, []);
    pinnedAt.get(p.pinnedSlot)!.push(p);
  }
  log(`corpus: ${planned.length} packages, ${depth} commits (${solo} solo), seed ${seed}`);

  // 4. Write the history.
  const repoPath = await makeBareAssetsRepo(options.root, assetsRepo);
  const writer = await FastImportWriter.start(repoPath, options.fastImport);
  let blobs = 0;
  let date = HISTORY_START;
  try {
    for (let slot = 0; slot < depth; slot++) {
      date += 3600 * historyRng.int(1, 30);
      await writer.commit({
        ref: 'refs/heads/main',
        mark: slot + 1,
        ...(slot === 0 ? {} : { from: `:${slot}` }),
        message: COMMIT_MESSAGE,
        date,
      });
      if (slot === 0) {
        await writer.modify('README.md', `# ${assetsRepo}\n\nTest recordings for the Azure SDKs, restored by the test proxy from the tags named in each package's assets.json.\n`);
      }
      const touched = (bySlot.get(slot) ?? []).sort((a, b) => a.index - b.index);
      for (const p of touched) blobs += await writeTouch(writer, p, slot, p.touches.indexOf(slot));
      for (const p of pinnedAt.get(slot) ?? []) p.snapshot = snapshotOf(p, contained.get(p)!);
      if (slot % 50 === 49) log(`corpus: ${slot + 1}/${depth} commits, ${(writer.streamBytes / 1e6).toFixed(0)} MB`);
    }
    // The 2022 dialect names a branch per service; it must contain the pinned commit.
    const branchTips = new Map<string, number>();
    for (const p of committed.filter((c) => c.dialect === 'sha')) {
      const branch = `auto/${p.entry.service}`;
      branchTips.set(branch, Math.max(branchTips.get(branch) ?? 0, p.pinnedSlot));
    }
    for (const [branch, slot] of branchTips) await writer.reset(`refs/heads/${branch}`, `:${slot + 1}`);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const streamBytes = writer.streamBytes;
  const marks = await writer.finish();
  const commitOf = (slot: number): string => {
    const commit = marks.get(slot + 1);
    if (commit === undefined) throw new Error(`fast-import reported no commit for mark :${slot + 1}`);
    return commit;
  };

  // 5. Tags, all in one transaction, then packed like a long-lived server's.
  const tags = new Map<string, string>();
  for (const p of committed) {
    if (p.dialect !== 'tag') continue;
    const slots = options.historicalTags === false ? [p.pinnedSlot] : p.touches;
    for (const slot of slots) tags.set(`${p.entry.tagPrefix}_${commitOf(slot).slice(0, 10)}`, commitOf(slot));
  }
  await git(['--git-dir', repoPath, 'update-ref', '--stdin'], {
    input: [...tags].map(([tag, commit]) => `create refs/tags/${tag} ${commit}\n`).join(''),
  });
  await git(['--git-dir', repoPath, 'pack-refs', '--all']);

  // 6. The manifest.
  const packages: CorpusPackage[] = planned
    .map((p): CorpusPackage => {
      const commit = p.emptyTag ? '' : commitOf(p.pinnedSlot);
      const snapshot = p.snapshot ?? { files: 0, bytes: 0, paths: [] };
      return {
        language: p.entry.language,
        service: p.entry.service,
        packagePath: p.entry.packagePath,
        prefix: p.entry.language,
        tagPrefix: p.entry.tagPrefix,
        dialect: p.dialect,
        tag: p.emptyTag || p.dialect === 'sha' ? '' : `${p.entry.tagPrefix}_${commit.slice(0, 10)}`,
        commit,
        ...(p.dialect === 'sha' ? { branch: `auto/${p.entry.service}` } : {}),
        stale: !p.emptyTag && contained.get(p)!.some((q) => q.touches.some((slot) => slot > p.pinnedSlot)),
        ...(p.entry.nesting === undefined ? {} : { nesting: p.entry.nesting }),
        files: snapshot.files,
        bytes: snapshot.bytes,
        paths: snapshot.paths,
      };
    })
    .sort((a, b) => (a.language === b.language ? (a.packagePath < b.packagePath ? -1 : 1) : a.language < b.language ? -1 : 1));
  const pinnedSlots = [...new Set(committed.map((p) => p.pinnedSlot))].sort((a, b) => a - b);
  const manifest: CorpusManifest = {
    seed,
    assetsRepo,
    repoPath,
    headCommit: commitOf(depth - 1),
    packages,
    distinctCommits: pinnedSlots.map(commitOf),
    totalBytes: packages.reduce((sum, p) => sum + p.bytes, 0),
    stats: { commits: depth, tags: tags.size, blobs, streamBytes, elapsedMs: Math.round(performance.now() - started) },
  };
  log(
    `corpus: ${packages.length} packages, ${manifest.distinctCommits.length} pinned commits, ` +
      `${(manifest.totalBytes / 1e6).toFixed(1)} MB at the pins, ${manifest.stats.elapsedMs} ms`,
  );
  return manifest;
}

/** Writes one push of a package into the current commit; returns how many recordings it wrote. */
async function writeTouch(
  writer: FastImportWriter,
  p: PlannedPackage,
  slot: number,
  version: number,
): Promise<number> {
  const base = `${p.entry.language}/${p.entry.packagePath}`;
  const rng = p.rng.fork(`touch:${version}`);
  const changed = new Map<string, number>();
  const deleted: string[] = [];
  if (version === 0) {
    for (const name of recordingNames(p.entry, p.recordings, p.rng.fork('names'))) changed.set(name, drawRecordingSize(rng));
  } else {
    // A later push re-records some tests, adds a couple and drops one now and then.
    const current = [...p.files.keys()];
    for (const name of current) {
      if (rng.bool(0.4)) changed.set(name, drawRecordingSize(rng));
    }
    if (changed.size === 0 && current.length > 0) changed.set(rng.pick(current), drawRecordingSize(rng));
    const additions = rng.int(0, 2);
    const fresh = recordingNames(p.entry, p.files.size + additions + 4, p.rng.fork(`names:${version}`)).filter(
      (name) => !p.files.has(name),
    );
    for (const name of fresh.slice(0, additions)) changed.set(name, drawRecordingSize(rng));
    if (current.length > 3 && rng.bool(0.2)) {
      const victim = rng.pick(current.filter((name) => !changed.has(name)).concat(current[0]!));
      changed.delete(victim);
      deleted.push(victim);
    }
  }
  for (const name of deleted) {
    p.files.delete(name);
    await writer.delete(`${base}/${name}`);
  }
  for (const [name, size] of changed) {
    const text = renderRecording(p.style, size, p.rng.fork(`file:${name}@${slot}`));
    p.files.set(name, text.length);
    await writer.modify(`${base}/${name}`, text);
  }
  return changed.size;
}

function snapshotOf(p: PlannedPackage, inside: PlannedPackage[]): { files: number; bytes: number; paths: string[] } {
  const paths: string[] = [];
  let bytes = 0;
  for (const q of inside) {
    const rel = q === p ? '' : `${q.entry.packagePath.slice(p.entry.packagePath.length + 1)}/`;
    for (const [name, size] of q.files) {
      paths.push(rel + name);
      bytes += size;
    }
  }
  paths.sort();
  return { files: paths.length, bytes, paths };
}
