import { createHash } from 'node:crypto';
import { hasControlCharacter } from '@asset-sync/assets-json';
import { AssetSyncError } from '@asset-sync/errors';
import { CatFileReader, parseCatFileBatch, type CatFileObject } from './cat-file.js';
import { runGit } from './run.js';
import type { Store } from './store.js';

/** One entry of a tree object. */
export interface TreeEntry {
  mode: string;
  type: 'tree' | 'blob' | 'commit';
  oid: string;
}

/** A file below a tree, with its path relative to that tree. */
export interface ListedFile {
  path: string;
  mode: string;
  oid: string;
}

/** What sits at `<path>` in a commit. */
export type FolderAt =
  | { kind: 'tree'; oid: string }
  /** Nothing there: the package has no recordings at that pin. */
  | { kind: 'none' }
  /** `at` (the path itself, or a folder above it) is a file, a symlink or a submodule. */
  | { kind: 'not-a-folder'; at: string; mode: string };

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * Reads tree objects: name -> entry, per tree id. Missing ones are absent. On `reader` when the
 * caller walks level by level (one process for the whole walk), else one `cat-file --batch`.
 */
export async function readTreeObjects(store: Store, oids: string[], reader?: CatFileReader): Promise<Map<string, Map<string, TreeEntry>>> {
  const trees = new Map<string, Map<string, TreeEntry>>();
  const unique = [...new Set(oids)];
  if (unique.length === 0) return trees;
  const objects = reader ? await reader.read(unique) : await readObjects(store, unique);
  for (const [oid, object] of objects) if (object.type === 'tree') trees.set(oid, parseTree(object.body));
  return trees;
}

/** One `cat-file --batch` for these names, or the store's shared reader while it has one. */
async function readObjects(store: Store, names: string[]): Promise<Map<string, CatFileObject>> {
  const shared = await store.sharedReader();
  if (shared) return shared.read(names);
  const { stdoutBuffer } = await store.git(['cat-file', '--batch'], { input: names.join('\n') + '\n' });
  return parseCatFileBatch(stdoutBuffer, names);
}

/** Runs a level-by-level walk on the store's shared reader while it has one, else on one of its own, closed whatever happens. */
export async function withCatFile<T>(store: Store, walk: (reader: CatFileReader) => Promise<T>): Promise<T> {
  const shared = await store.sharedReader();
  if (shared) return walk(shared);
  const reader = await CatFileReader.open(store.gitDir);
  try {
    return await walk(reader);
  } finally {
    await reader.close();
  }
}

function parseTree(body: Buffer): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  let p = 0;
  while (p < body.length) {
    const space = body.indexOf(32, p);
    const nul = body.indexOf(0, space);
    const mode = body.subarray(p, space).toString('latin1');
    const name = body.subarray(space + 1, nul).toString('utf8');
    const oid = body.subarray(nul + 1, nul + 21).toString('hex');
    entries.set(name, { mode, oid, type: mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob' });
    p = nul + 21;
  }
  return entries;
}

/**
 * What is at each (commit, path) pair: a folder's tree id, nothing, or a file or symlink where a
 * folder should be (at the path or above it). Folders that are there take one process for all
 * pairs; the others are walked level by level on one open `cat-file --batch`, so the cost is
 * the depth of the deepest path, not one process per pair.
 */
export async function foldersAt(store: Store, pairs: Array<{ commit: string; path: string }>): Promise<FolderAt[]> {
  const results: FolderAt[] = pairs.map(() => ({ kind: 'none' }));
  // Most pairs name a folder that is there: `<commit>:<path>` resolves those in one process. What
  // does not resolve to a tree (nothing there, or a file or symlink on the way) is walked below.
  const direct = await batchTypes(store, [...new Set(pairs.filter(plainPath).map(directName))]);
  const rest = pairs.flatMap((pair, index) => {
    const oid = plainPath(pair) ? direct.get(directName(pair)) : undefined;
    if (oid === undefined) return [{ pair, index }];
    results[index] = { kind: 'tree', oid };
    return [];
  });
  if (rest.length === 0) return results;
  const roots = await batchTypes(store, [...new Set(rest.map(({ pair }) => `${pair.commit}^{tree}`))]);
  const frontier = rest
    .map(({ pair, index }) => ({ index, segments: pair.path === '' ? [] : pair.path.split('/'), depth: 0, oid: roots.get(`${pair.commit}^{tree}`) }))
    .filter((f) => f.oid !== undefined);
  if (frontier.length > 0) await withCatFile(store, (reader) => walkFolders(store, reader, frontier, results));
  return results;
}

/** foldersAt's walk: every pair one level deeper per round, all rounds on one reader. */
async function walkFolders(store: Store, reader: CatFileReader, start: Array<{ index: number; segments: string[]; depth: number; oid: string | undefined }>, results: FolderAt[]): Promise<void> {
  let frontier = start;
  while (frontier.length > 0) {
    for (const f of frontier) if (f.depth === f.segments.length) results[f.index] = { kind: 'tree', oid: f.oid! };
    const walking = frontier.filter((f) => f.depth < f.segments.length);
    const trees = await readTreeObjects(store, walking.map((f) => f.oid!), reader);
    const next: typeof frontier = [];
    for (const f of walking) {
      const entry = trees.get(f.oid!)?.get(f.segments[f.depth]!);
      if (!entry) continue;
      if (entry.type !== 'tree') {
        results[f.index] = { kind: 'not-a-folder', at: f.segments.slice(0, f.depth + 1).join('/'), mode: entry.mode };
        continue;
      }
      next.push({ ...f, depth: f.depth + 1, oid: entry.oid });
    }
    frontier = next;
  }
}

/**
 * Only a path of plain segments goes to git as a name: a line break would shift the answers, and
 * git reads `./` and `../` relative to the working directory. Anything else is walked.
 */
function plainPath(pair: { commit: string; path: string }): boolean {
  return /^[0-9a-f]{40,64}$/.test(pair.commit) && (pair.path === '' || pair.path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !hasControlCharacter(s)));
}

/** `<commit>:<path>` names the object at the path; git does not follow symlinks on the way. */
function directName(pair: { commit: string; path: string }): string {
  return pair.path === '' ? `${pair.commit}^{tree}` : `${pair.commit}:${pair.path}`;
}

/** Every file below each tree (paths relative to it): level by level, all levels on one open `cat-file --batch`. */
export async function listTreeFiles(store: Store, roots: string[]): Promise<Map<string, ListedFile[]>> {
  const listing = new Map<string, ListedFile[]>(roots.map((r) => [r, []]));
  let frontier = [...new Set(roots)].map((root) => ({ root, prefix: '', oid: root }));
  if (frontier.length === 0) return listing;
  await withCatFile(store, async (reader) => {
    while (frontier.length > 0) frontier = await listLevel(store, reader, frontier, listing);
  });
  return listing;
}

/** One level of listTreeFiles: files found are listed, folders make the next level. */
async function listLevel(
  store: Store,
  reader: CatFileReader,
  frontier: Array<{ root: string; prefix: string; oid: string }>,
  listing: Map<string, ListedFile[]>,
): Promise<Array<{ root: string; prefix: string; oid: string }>> {
  const trees = await readTreeObjects(store, frontier.map((f) => f.oid), reader);
  const next: typeof frontier = [];
  for (const f of frontier) {
    const tree = trees.get(f.oid);
    if (!tree) throw new AssetSyncError('GIT_FAILED', `tree ${f.oid} is missing from the store of ${store.assetsRepo}`);
    for (const [name, entry] of tree) {
      const path = f.prefix ? `${f.prefix}/${name}` : name;
      if (entry.type === 'tree') next.push({ root: f.root, prefix: path, oid: entry.oid });
      else listing.get(f.root)!.push({ path, mode: entry.mode, oid: entry.oid });
    }
  }
  return next;
}

async function batchTypes(store: Store, names: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (names.length === 0) return found;
  const shared = await store.sharedReader();
  if (shared) {
    for (const [name, object] of await shared.info(names)) if (object.type === 'tree') found.set(name, object.oid);
    return found;
  }
  const result = await store.git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: names.join('\n') + '\n' });
  const lines = result.stdout.split('\n');
  names.forEach((name, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    if (oid && type === 'tree') found.set(name, oid);
  });
  return found;
}

/** A folder of the tree being composed: entries taken from `base`, overridden by `children`. */
interface Node {
  base?: string;
  children: Map<string, Node>;
  /** A graft with no tree: the folder is absent (a package with no recordings at its pin). */
  empty?: boolean;
}

/**
 * Composes one tree from package folders, each grafted at its path: `grafts` outer to inner, so
 * a nested package's folder replaces the copy its service-level parent's pin has. Only the
 * folders above the grafts are new objects; the grafted trees are used as they are (their bytes
 * are the pins' bytes). Object ids are computed here and written in one `mktree --batch`.
 */
export async function composeTree(store: Store, grafts: Array<{ path: string; tree: string | null }>): Promise<string> {
  const root: Node = { children: new Map() };
  const sorted = [...grafts].sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : 1));
  for (const graft of sorted) await placeGraft(store, root, graft);
  const writes: Array<{ oid: string; entries: Array<[string, TreeEntry]> }> = [];
  const oid = (await writeNode(store, root, writes)) ?? EMPTY_TREE;
  if (writes.length === 0) return oid;
  const input = writes.map((w) => w.entries.map(([name, e]) => `${e.mode} ${e.type} ${e.oid}\t${name}\0`).join('')).join('\0');
  const printed = (await store.git(['mktree', '-z', '--batch', '--missing'], { input: `${input}\0` })).stdout.split('\n').filter(Boolean);
  writes.forEach((w, i) => {
    if (printed[i] !== w.oid) throw new AssetSyncError('INTERNAL', `mktree wrote ${printed[i]} where ${w.oid} was computed`);
  });
  return oid;
}

function depth(path: string): number {
  return path === '' ? 0 : path.split('/').length;
}

async function placeGraft(store: Store, root: Node, graft: { path: string; tree: string | null }): Promise<void> {
  let node = root;
  for (const name of graft.path === '' ? [] : graft.path.split('/')) {
    let child = node.children.get(name);
    if (!child) {
      // Below an outer graft, a new folder starts as the outer pin's copy of it.
      const inherited = node.base ? (await readTreeObjects(store, [node.base])).get(node.base)?.get(name) : undefined;
      child = { children: new Map(), ...(inherited?.type === 'tree' ? { base: inherited.oid } : {}) };
      node.children.set(name, child);
    }
    node = child;
  }
  node.children.clear();
  if (graft.tree === null) {
    delete node.base;
    node.empty = true;
  } else {
    node.base = graft.tree;
    delete node.empty;
  }
}

/** The id of a node's tree (queued for writing when it is new); undefined when it holds nothing. */
async function writeNode(store: Store, node: Node, writes: Array<{ oid: string; entries: Array<[string, TreeEntry]> }>): Promise<string | undefined> {
  if (node.children.size === 0) return node.empty ? undefined : node.base;
  const entries = new Map<string, TreeEntry>(node.base ? (await readTreeObjects(store, [node.base])).get(node.base) ?? [] : []);
  for (const [name, child] of node.children) {
    const oid = await writeNode(store, child, writes);
    if (oid === undefined) entries.delete(name);
    else entries.set(name, { mode: '40000', type: 'tree', oid });
  }
  if (entries.size === 0) return undefined;
  const ordered = [...entries].sort(([a, x], [b, y]) => Buffer.compare(Buffer.from(x.type === 'tree' ? `${a}/` : a), Buffer.from(y.type === 'tree' ? `${b}/` : b)));
  const oid = treeObjectId(ordered);
  writes.push({ oid, entries: ordered });
  return oid;
}

/** Git's object id of a tree with these (sorted) entries. */
function treeObjectId(entries: Array<[string, TreeEntry]>): string {
  const body = Buffer.concat(entries.flatMap(([name, e]) => [Buffer.from(`${e.mode} ${name}\0`), Buffer.from(e.oid, 'hex')]));
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

/** The fixed commit a checkout's HEAD names: same tree, same id, on every machine. */
export async function syntheticCommit(store: Store, tree: string): Promise<string> {
  const env = {
    GIT_AUTHOR_NAME: 'asset-sync',
    GIT_AUTHOR_EMAIL: 'asset-sync@localhost',
    GIT_COMMITTER_NAME: 'asset-sync',
    GIT_COMMITTER_EMAIL: 'asset-sync@localhost',
    GIT_AUTHOR_DATE: '1700000000 +0000',
    GIT_COMMITTER_DATE: '1700000000 +0000',
  };
  const result = await runGit(['commit-tree', tree, '-m', 'asset-sync: restored package folders, each at its own pin'], { cwd: store.gitDir, env });
  return result.stdout.trim();
}

/** The contents of these blobs (one `cat-file --batch`); the caller has made sure they are present. */
export async function readBlobs(store: Store, oids: string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  const unique = [...new Set(oids)];
  if (unique.length === 0) return blobs;
  for (const [oid, object] of await readObjects(store, unique)) if (object.type === 'blob') blobs.set(oid, object.body);
  return blobs;
}
