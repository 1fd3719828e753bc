import { Store, acquireLock, foldersAt, listTreeFiles, readBlobs } from '@asset-sync/git-store';
import { describePin, pinKey, type Pin, pinOf, pinTextOf } from '@asset-sync/assets-json';
import { assetsPathOf } from '@asset-sync/planner';
import { AssetSyncError, type ErrorReport } from '@asset-sync/errors';
import { errorReport } from './errors.js';
import { fetchFromFallbacks, fetchObjectsRouted, type FallbackRemote } from './fallback.js';
import { lineMatcher, searchContent, type GrepPattern, type LineMatcher } from './grep-match.js';
import { networkMeter, type NetworkMeter } from './network.js';
import { pinsAtRefs } from './pins-at-refs.js';
import { ignoreAssetsDir } from './restore.js';
import type { PackageEntry, Workspace } from './types.js';
import { pinRefOf, storeLocation } from './workspace.js';

export interface GrepOptions {
  workspace: Workspace;
  /** The assets.json files searched at their pins as the working tree has them. */
  entries: PackageEntry[];
  /** Also search the pins these language-repo refs have (release tags, branches; patterns allowed). */
  pinsFrom?: string[];
  /** With pinsFrom: every assets.json at those refs (--all), not only the selected ones. */
  allAtRefs?: boolean;
  pattern: GrepPattern;
}

/** One package at one pin: what is searched. */
export interface GrepTarget {
  id: string;
  packagePath: string;
  assetsRepo: string;
  pin: string;
  /** Where this pin comes from: `worktree`, or the language-repo refs that have it. */
  sources: string[];
  commit?: string;
  files?: number;
  servedBy?: string;
}

export interface GrepMatch {
  id: string;
  packagePath: string;
  pin: string;
  /** Path below the package's folder in the assets repo. */
  file: string;
  /** Absent for a binary file, which only says it matches. */
  line?: number;
  text?: string;
  binary?: boolean;
}

export interface GrepReport {
  matched: boolean;
  targets: GrepTarget[];
  matches: GrepMatch[];
  failures: Array<ErrorReport & { id: string }>;
  network: { pinFetches: number; objectFetches: number; objects: number };
}

interface Unit extends GrepTarget {
  prefix: string;
  pinRef: Pin;
  tree?: string;
  listing?: Array<{ path: string; oid: string }>;
  /** The fallback remote that served the pin (the assets repo lacks it): its files come from there. */
  fallback?: FallbackRemote;
}

/**
 * Searches the recordings of each package at its pin (and at the pins other language-repo refs
 * name), reading them from the store: commits and trees of pins it lacks come in one fetch per
 * assets repo, then every missing file content in one more; nothing is checked out, and nothing
 * already in the store is fetched again.
 */
export async function grep(options: GrepOptions): Promise<GrepReport> {
  const matcher = lineMatcher(options.pattern);
  const units = await unitsOf(options);
  const report: GrepReport = { matched: false, targets: [], matches: [], failures: [], network: { pinFetches: 0, objectFetches: 0, objects: 0 } };
  const network = networkMeter();
  await ignoreAssetsDir(options.workspace.assetsDir);
  const release = await acquireLock(options.workspace.assetsDir);
  try {
    for (const repo of [...new Set(units.map((u) => u.assetsRepo))].sort()) {
      await grepRepo(options.workspace, repo, units.filter((u) => u.assetsRepo === repo), matcher, report, network);
    }
  } finally {
    await release();
  }
  report.targets = units.map(({ id, packagePath, assetsRepo, pin, sources, commit, files, servedBy }) => ({ id, packagePath, assetsRepo, pin, sources, ...(commit ? { commit } : {}), ...(files !== undefined ? { files } : {}), ...(servedBy ? { servedBy } : {}) }));
  report.matches.sort((a, b) => cmp(a.packagePath, b.packagePath) || cmp(a.pin, b.pin) || cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  report.matched = report.matches.length > 0;
  report.network = { pinFetches: network.pinFetches, objectFetches: network.objectFetches, objects: network.objects };
  return report;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One unit per (package, assets repo, pin), from the working tree and from the refs asked for. */
async function unitsOf(options: GrepOptions): Promise<Unit[]> {
  const units = new Map<string, Unit>();
  const add = (id: string, packagePath: string, assetsRepo: string, prefix: string, pinRef: Pin, pin: string, source: string): void => {
    const key = `${id}\0${assetsRepo}\0${prefix}\0${pinKey(pinRef)}`;
    const unit = units.get(key) ?? { id, packagePath, assetsRepo, prefix, pinRef, pin, sources: [] };
    if (!unit.sources.includes(source)) unit.sources.push(source);
    units.set(key, unit);
  };
  for (const e of options.entries) if (e.settings) add(e.path, e.packagePath, e.settings.assetsRepo, e.settings.prefix, e.settings.pin, e.settings.pinText, 'worktree');
  if (options.pinsFrom?.length) {
    const selected = new Set(options.entries.map((e) => e.path));
    const found = await pinsAtRefs(options.workspace, options.pinsFrom, (path) => options.allAtRefs === true || selected.has(path));
    for (const f of found.files) {
      const packagePath = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '';
      const pin = pinTextOf(pinOf(f.value));
      for (const ref of f.refs) add(f.path, packagePath, f.value.assetsRepo, f.value.prefixPath, pinRefOf(f.value), pin, ref);
    }
  }
  return [...units.values()].sort((a, b) => cmp(a.id, b.id) || cmp(a.pin, b.pin));
}

async function grepRepo(workspace: Workspace, assetsRepo: string, units: Unit[], matcher: LineMatcher, report: GrepReport, network: NetworkMeter): Promise<void> {
  const fail = (u: Unit, error: unknown): void => void report.failures.push({ id: u.id, ...errorReport(error), message: `${u.id} at ${describePin(u.pinRef)}: ${errorReport(error).message}` });
  let store: Store;
  try {
    store = await Store.open(storeLocation(workspace, assetsRepo));
  } catch (error) {
    for (const u of units) fail(u, error);
    return;
  }
  await resolveUnits(workspace, store, units, network, fail);
  const located = units.filter((u) => u.commit);
  const folders = await foldersAt(store, located.map((u) => ({ commit: u.commit!, path: assetsPathOf(u.prefix, u.packagePath) })));
  located.forEach((u, i) => {
    const folder = folders[i]!;
    if (folder.kind === 'tree') u.tree = folder.oid;
    else u.files = 0;
  });
  const withTree = located.filter((u) => u.tree);
  const listings = await listTreeFiles(store, [...new Set(withTree.map((u) => u.tree!))]);
  for (const u of withTree) {
    u.listing = (listings.get(u.tree!) ?? []).filter((f) => f.mode === '100644' || f.mode === '100755');
    u.files = u.listing.length;
  }
  const missing = await store.missingObjects([...new Set(withTree.map((u) => u.tree!))]);
  if (missing.length > 0) {
    const remotes = [...new Set(withTree.flatMap((u) => (u.fallback ? [u.fallback] : [])))];
    const routes = await Promise.all(remotes.map(async (remote) => ({ remote, oids: await store.missingObjects(withTree.filter((u) => u.fallback === remote).map((u) => u.tree!)) })));
    const fetched = await fetchObjectsRouted(store, missing, routes);
    network.objects += fetched.objects;
    network.objectFetches += fetched.requests;
  }
  await searchUnits(store, withTree, matcher, report);
}

/** Each unit's commit: from local refs, else one fetch for all pins of the repo, else the fallbacks. */
async function resolveUnits(workspace: Workspace, store: Store, units: Unit[], network: NetworkMeter, fail: (u: Unit, error: unknown) => void): Promise<void> {
  let peeled = await store.peelPins(units.map((u) => u.pinRef));
  const unresolved = units.filter((u) => !peeled.has(pinKey(u.pinRef))).map((u) => u.pinRef);
  const from = new Map<string, FallbackRemote>();
  let missing = new Map<string, Error>();
  if (unresolved.length > 0) {
    network.pinFetches++;
    try {
      missing = (await store.fetchPins(unresolved)).missing;
      const fallbacks = missing.size > 0 ? workspace.fallbackRemotes() : [];
      if (fallbacks.length > 0) for (const [key, remote] of await fetchFromFallbacks(store, unresolved, missing, fallbacks, network)) from.set(key, remote);
    } catch (error) {
      for (const u of units) if (!peeled.has(pinKey(u.pinRef))) fail(u, error);
      return;
    }
    peeled = await store.peelPins(units.map((u) => u.pinRef));
  }
  for (const u of units) {
    const key = pinKey(u.pinRef);
    const found = peeled.get(key);
    if (missing.has(key)) fail(u, missing.get(key));
    else if (!found) fail(u, new AssetSyncError('PIN_NOT_FOUND', `${describePin(u.pinRef)} was not found in ${store.assetsRepo}`));
    else if (found.type !== 'commit') fail(u, new AssetSyncError('UNSAFE_INPUT', `${describePin(u.pinRef)} points at a ${found.type}, not a commit`));
    else {
      u.commit = found.oid;
      const remote = from.get(key);
      if (remote) {
        u.fallback = remote;
        u.servedBy = remote.name;
      }
    }
  }
}

/** Reads the files in batches (a blob shared by many packages or pins is read and searched once). */
async function searchUnits(store: Store, units: Unit[], matcher: LineMatcher, report: GrepReport): Promise<void> {
  const uses = new Map<string, Array<{ unit: Unit; path: string }>>();
  for (const unit of units) for (const f of unit.listing ?? []) uses.set(f.oid, [...(uses.get(f.oid) ?? []), { unit, path: f.path }]);
  const oids = [...uses.keys()];
  for (let at = 0; at < oids.length; at += 500) {
    const blobs = await readBlobs(store, oids.slice(at, at + 500));
    for (const [oid, content] of blobs) {
      const found = searchContent(content, matcher);
      if (!found) continue;
      for (const { unit, path } of uses.get(oid) ?? []) {
        const base = { id: unit.id, packagePath: unit.packagePath, pin: unit.pin, file: path };
        if (found.binary) report.matches.push({ ...base, binary: true });
        else for (const l of found.lines) report.matches.push({ ...base, line: l.line, text: l.text });
      }
    }
  }
}
