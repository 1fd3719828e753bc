import { Prng } from './prng.js';
import { catalogCandidates, catalogServices, nestedPair, type CatalogEntry, type CorpusLanguage } from './catalog.js';
import { recordingStyle, type RecordingStyle } from './recording.js';

export type PinDialect = 'tag' | 'sha';

export const DEFAULT_LANGUAGES: CorpusLanguage[] = ['python', 'js', 'net', 'java', 'go', 'cpp'];

/** Rough share of each language among the real assets repo's packages. */
export const LANGUAGE_WEIGHTS: Record<CorpusLanguage, number> = {
  python: 0.33,
  js: 0.2,
  net: 0.18,
  java: 0.16,
  go: 0.1,
  cpp: 0.03,
  rust: 0.03,
};

/** A package on its way into the corpus: what it is, and the state its pushes build up. */
export interface PlannedPackage {
  entry: CatalogEntry;
  index: number;
  rng: Prng;
  style: RecordingStyle;
  recordings: number;
  dialect: PinDialect;
  /** SHA dialect: the `AssetsRepoBranch` holding the pinned commit. */
  branch?: string;
  emptyTag: boolean;
  /** A later push changed the recordings under the pin's folder. */
  stale: boolean;
  /** fast-import marks of this package's pushes, oldest first. */
  pushMarks: number[];
  /** The mark the pin names. */
  pinnedMark: number;
  /** Current files: path relative to the package folder → size. */
  files: Map<string, number>;
  /** Recordings that are uploads of random data (storage packages). */
  uploads: Set<string>;
  snapshot?: { files: number; bytes: number; paths: string[] };
}

/** Which packages a corpus wants. */
export interface PackageRequest {
  /** Plain packages per language, in the order their packages are listed. */
  counts: ReadonlyMap<CorpusLanguage, number>;
  /** Service-level pins above package-level ones (2 pins a pair), in one language. */
  nested: { language: CorpusLanguage; pairs: number };
  /**
   * 'one-language-repo': every package goes into one language repo, so no two pins of any
   * language may share a folder. 'per-language': each language has a language repo of its own.
   */
  claims: 'one-language-repo' | 'per-language';
}

/** Largest-remainder split of `total` by weights. */
export function split(total: number, weights: number[]): number[] {
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

/**
 * The catalog entries for a request: real names first (shuffled), then synthesized ones. No two
 * pins that end up in one language repo share a folder or sit inside one another, except the
 * nested pairs asked for.
 */
export function choosePackages(request: PackageRequest, rng: Prng): CatalogEntry[] {
  const languages = [...request.counts.keys()];
  const shared = new FolderClaims();
  const perLanguageClaims = new Map<CorpusLanguage, FolderClaims>();
  const claimsOf = (language: CorpusLanguage): FolderClaims => {
    if (request.claims === 'one-language-repo') return shared;
    if (!perLanguageClaims.has(language)) perLanguageClaims.set(language, new FolderClaims());
    return perLanguageClaims.get(language) as FolderClaims;
  };
  const take = candidateTaker(rng, claimsOf);

  const perLanguage = new Map<CorpusLanguage, CatalogEntry[]>(languages.map((l) => [l, []]));
  // cpp pins whole service folders, so it claims first; the other languages work around it.
  if (request.counts.has('cpp')) perLanguage.get('cpp')!.push(...take('cpp', request.counts.get('cpp')!));
  const nestedPins: CatalogEntry[] = [];
  const { language: nestedLanguage, pairs } = request.nested;
  for (let index = 0, made = 0; made < pairs; index++) {
    const pair = nestedPair(nestedLanguage, index);
    if (pair === undefined) break;
    const [service, pkg] = pair;
    const claims = claimsOf(nestedLanguage);
    if (claims.conflicts(service.packagePath)) continue;
    // The package pin sits inside the service pin's folder on purpose.
    claims.claim(service.packagePath);
    nestedPins.push(service, pkg);
    made++;
  }
  // Round-robin, a few at a time, so no language takes every real name of a shared service folder.
  const left = new Map([...request.counts].filter(([l]) => l !== 'cpp'));
  while ([...left.values()].some((n) => n > 0)) {
    for (const [language, n] of left) {
      if (n <= 0) continue;
      const taken = take(language, Math.min(n, 5));
      perLanguage.get(language)!.push(...taken);
      left.set(language, taken.length === 0 ? 0 : n - taken.length);
    }
  }
  return [...languages.flatMap((l) => perLanguage.get(l)!), ...nestedPins];
}

/** `take(language, count)`: the next unclaimed candidates of a language, claimed. */
function candidateTaker(
  rng: Prng,
  claimsOf: (language: CorpusLanguage) => FolderClaims,
): (language: CorpusLanguage, count: number) => CatalogEntry[] {
  const services = catalogServices();
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
  return (language, count) => {
    const taken: CatalogEntry[] = [];
    const source = sourceOf(language);
    const claims = claimsOf(language);
    while (taken.length < count) {
      const next = source.next();
      if (next.done) break;
      if (claims.conflicts(next.value.packagePath)) continue;
      claims.claim(next.value.packagePath);
      taken.push(next.value);
    }
    return taken;
  };
}

/** Each entry with its own random stream, recording style and recording count (skewed like real packages). */
export function planPackages(entries: CatalogEntry[], perPackage: number, rng: Prng): PlannedPackage[] {
  return entries.map((entry, index) => {
    const prng = rng.fork(`package:${entry.language}:${entry.packagePath}`);
    const skew = Math.exp(prng.normal() * 0.6 - 0.18);
    return {
      entry,
      index,
      rng: prng,
      style: recordingStyle(entry, prng.fork('style')),
      recordings: Math.max(1, Math.min(perPackage * 8, Math.round(perPackage * skew))),
      dialect: 'tag',
      emptyTag: false,
      stale: false,
      pushMarks: [],
      pinnedMark: 0,
      files: new Map(),
      uploads: new Set(),
    };
  });
}

/** The folder of a package's recordings in the assets repo. */
export function assetsDirOf(p: PlannedPackage): string {
  return `${p.entry.language}/${p.entry.packagePath}`;
}

/** For each package, the packages whose files its folder holds: itself and any nested inside it. */
export function containedPackages(planned: PlannedPackage[]): Map<PlannedPackage, PlannedPackage[]> {
  const contained = new Map<PlannedPackage, PlannedPackage[]>();
  for (const p of planned) {
    const dir = assetsDirOf(p);
    contained.set(
      p,
      planned.filter((q) => q === p || assetsDirOf(q).startsWith(`${dir}/`)),
    );
  }
  return contained;
}
