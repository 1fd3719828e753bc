import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AssetSyncError } from '@asset-sync/errors';
import { worktreeGitDir } from './checkout.js';
import { EMPTY_TREE } from './trees.js';
import type { Store } from './store.js';

/**
 * What a store needs and what it can let go. A checkout is a worktree of the store, so its HEAD
 * and index are reachability roots git itself knows; a shared-layout checkout's HEAD is a
 * synthetic commit, so the pins it serves (their commits, wanted by push and resolve) are named
 * by one more root per checkout: an anchor commit whose parents are those pins, at
 * `refs/asset-sync/checkouts/<worktree id>`. Everything else in the store (the refs of pins no
 * checkout serves, the file contents only they held) is cache, and `trimStore` drops it.
 */

const ANCHORS = 'refs/asset-sync/checkouts/';
const IDENTITY = 'asset-sync <asset-sync@localhost> 1700000000 +0000';

export interface CheckoutAnchor {
  /** The checkout folder (a worktree of the store). */
  dir: string;
  /** The commits of the pins it serves. */
  commits: string[];
}

/**
 * Points each checkout's anchor at a commit whose parents are the pins it serves. The anchor's
 * id is computed here, so a checkout whose pins did not change costs two file reads and no
 * process; the changed ones are written in one locked `update-ref`.
 */
export async function anchorCheckouts(store: Store, anchors: CheckoutAnchor[]): Promise<number> {
  const updates: string[] = [];
  for (const anchor of anchors) {
    const id = await worktreeIdOf(store, anchor.dir);
    if (!id) continue;
    const ref = `${ANCHORS}${id}`;
    const parents = [...new Set(anchor.commits)].filter((c) => /^[0-9a-f]{40}$/.test(c)).sort();
    const current = await readLooseRef(store, ref);
    if (parents.length === 0) {
      if (current) updates.push(`delete ${ref}\n`);
      continue;
    }
    const body = anchorBody(parents);
    const oid = createHash('sha1').update(`commit ${Buffer.byteLength(body)}\0`).update(body).digest('hex');
    if (current === oid) continue;
    const written = (await store.git(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: body })).stdout.trim();
    if (written !== oid) throw new AssetSyncError('INTERNAL', `hash-object wrote ${written} where ${oid} was computed`);
    updates.push(`update ${ref} ${oid}\n`);
  }
  if (updates.length === 0) return 0;
  // The anchors' tree is the empty tree, written so the anchor is a complete commit (once: after
  // a trim it sits in a pack, and one more write costs nothing).
  if (!existsSync(join(store.gitDir, 'objects', EMPTY_TREE.slice(0, 2), EMPTY_TREE.slice(2)))) await store.git(['mktree'], { input: '' });
  await store.locked(() => store.git(['update-ref', '--stdin'], { input: updates.join('') }));
  return updates.length;
}

function anchorBody(parents: string[]): string {
  return `tree ${EMPTY_TREE}\n${parents.map((p) => `parent ${p}\n`).join('')}author ${IDENTITY}\ncommitter ${IDENTITY}\n\nasset-sync: the pins a checkout serves\n`;
}

/** The name of the checkout's registration in the store (`worktrees/<id>`), if it is one of its checkouts. */
async function worktreeIdOf(store: Store, dir: string): Promise<string | undefined> {
  const gitDir = await worktreeGitDir(dir);
  if (!gitDir || resolve(dirname(gitDir)) !== resolve(store.gitDir, 'worktrees')) return undefined;
  return basename(gitDir);
}

async function readLooseRef(store: Store, ref: string): Promise<string | undefined> {
  const text = await readFile(join(store.gitDir, ...ref.split('/')), 'utf8').catch(() => undefined);
  return text?.trim();
}

export interface TrimOptions {
  /** Refs and loose objects younger than this are kept whatever else holds (work in flight). */
  expireMs: number;
}

export interface TrimReport {
  /** Registrations of checkouts whose folder was gone, dropped. */
  prunedCheckouts: number;
  /** Checkouts registered after the prune: what the store keeps objects for. */
  checkouts: number;
  /** Refs dropped: pins no registered checkout serves. */
  droppedRefs: string[];
  keptRefs: number;
  objectsBefore: number;
  objectsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Keeps what registered checkouts need and drops the rest. Git's own gc cannot do this in a
 * partial clone: it keeps every object that came from the promisor remote, needed or not. So:
 * registrations of deleted checkouts are pruned; refs are dropped unless a registered checkout
 * serves their commit (or they are younger than `expireMs`); everything still reachable (refs,
 * every checkout's HEAD and index, the anchors) is written to one new promisor pack; the old
 * packs and loose objects older than `expireMs` go. Call it under withStoreAlone.
 */
export async function trimStore(store: Store, options: TrimOptions): Promise<TrimReport> {
  const before = await countObjects(store);
  const bytesBefore = await store.sizeOnDisk();
  const registered = await listWorktrees(store);
  await store.git(['worktree', 'prune']);
  const worktrees = await listWorktrees(store);
  const { dropped, kept, heads } = await dropUnneededRefs(store, worktrees, options.expireMs);
  const keep = await objectsToKeep(store, heads);
  await repack(store, keep);
  await dropLooseObjects(store, new Set(keep), options.expireMs);
  const after = await countObjects(store);
  return {
    prunedCheckouts: registered.length - worktrees.length,
    checkouts: worktrees.length,
    droppedRefs: dropped,
    keptRefs: kept,
    objectsBefore: before,
    objectsAfter: after,
    bytesBefore,
    bytesAfter: await store.sizeOnDisk(),
  };
}

/**
 * Commits and trees of everything still referenced (refs, anchors, checkouts), and file contents
 * only where a checkout holds them: at its HEAD's tree (not its history) and in its index. A
 * kept pin's commit keeps its trees, so the pin resolves offline, but not the recordings of
 * folders no checkout holds.
 */
async function objectsToKeep(store: Store, heads: string[]): Promise<string[]> {
  const ids = (text: string): string[] => text.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l));
  const structure = await store.git(['rev-list', '--objects', '--all', '--indexed-objects', '--filter=blob:none', '--no-object-names', '--missing=allow-any']);
  const held = await store.git(['rev-list', '--objects', '--no-walk', '--indexed-objects', '--no-object-names', '--missing=allow-any', '--stdin'], { input: heads.map((h) => `${h}\n`).join('') });
  return [...new Set([...ids(structure.stdout), ...ids(held.stdout)])];
}

async function listWorktrees(store: Store): Promise<string[]> {
  const root = join(store.gitDir, 'worktrees');
  return (await readdir(root).catch(() => [] as string[])).filter((name) => existsSync(join(root, name, 'gitdir'))).sort();
}

/** Drops every ref whose commit no registered checkout serves, and the anchors of unregistered ones. */
async function dropUnneededRefs(store: Store, worktrees: string[], expireMs: number): Promise<{ dropped: string[]; kept: number; heads: string[] }> {
  const registered = new Set(worktrees);
  const listed = await store.git(['for-each-ref', '--format=%(refname) %(objectname) %(*objectname)']);
  const refs = listed.stdout.split('\n').filter(Boolean).map((line) => {
    const [name, oid, peeled] = line.split(' ');
    return { name: name!, commit: peeled || oid! };
  });
  const anchors = refs.filter((r) => r.name.startsWith(ANCHORS) && registered.has(r.name.slice(ANCHORS.length)));
  const needed = new Set<string>();
  const heads: string[] = [];
  for (const id of worktrees) {
    const head = (await readFile(join(store.gitDir, 'worktrees', id, 'HEAD'), 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f]{40}$/.test(head)) heads.push(head);
  }
  for (const head of heads) needed.add(head);
  if (anchors.length > 0) {
    const parents = await store.git(['rev-list', '--parents', '--no-walk', '--stdin'], { input: anchors.map((a) => a.commit).join('\n') + '\n' });
    for (const line of parents.stdout.split('\n')) for (const commit of line.split(' ').slice(1)) needed.add(commit);
  }
  const dropped: string[] = [];
  for (const ref of refs) {
    if (ref.name.startsWith(ANCHORS) ? registered.has(ref.name.slice(ANCHORS.length)) : needed.has(ref.commit)) continue;
    // Branches are few and kept: the test-proxy's push diffs against a local main, and a branch
    // head is what an empty pin means.
    if (ref.name.startsWith('refs/heads/') || ref.name.startsWith('refs/remotes/')) continue;
    if (await isYoungRef(store, ref.name, expireMs)) continue;
    dropped.push(ref.name);
  }
  if (dropped.length > 0) await store.git(['update-ref', '--stdin'], { input: dropped.map((r) => `delete ${r}\n`).join('') });
  return { dropped: dropped.sort(), kept: refs.length - dropped.length, heads };
}

async function isYoungRef(store: Store, ref: string, expireMs: number): Promise<boolean> {
  if (expireMs <= 0) return false;
  const mtime = await stat(join(store.gitDir, ...ref.split('/'))).then((s) => s.mtimeMs, () => undefined);
  return mtime !== undefined && Date.now() - mtime < expireMs;
}

/**
 * Writes the objects to keep into one new pack, marked as the promisor's (the file contents it
 * lacks stay promised), then removes the packs that were there: nothing is removed before the new
 * pack is complete, so an interrupted trim leaves the store as it was, with one pack more.
 */
async function repack(store: Store, keep: string[]): Promise<void> {
  const packDir = join(store.gitDir, 'objects', 'pack');
  const old = (await readdir(packDir).catch(() => [] as string[])).filter((f) => f.endsWith('.pack')).map((f) => f.slice(0, -'.pack'.length));
  if (keep.length === 0 && old.length === 0) return;
  let name: string | undefined;
  if (keep.length > 0) {
    const hash = (await store.git(['pack-objects', '--quiet', '--missing=allow-any', join(packDir, 'pack')], { input: keep.join('\n') + '\n' })).stdout.trim();
    name = `pack-${hash}`;
    await writeFile(join(packDir, `${name}.promisor`), '');
  }
  for (const base of old) {
    if (base === name || existsSync(join(packDir, `${base}.keep`))) continue;
    for (const ext of ['.idx', '.pack', '.rev', '.bitmap', '.promisor']) await rm(join(packDir, `${base}${ext}`), { force: true });
  }
}

/** Loose objects: the ones now packed go; the others too, unless younger than `expireMs`. */
async function dropLooseObjects(store: Store, keep: Set<string>, expireMs: number): Promise<void> {
  await store.git(['prune-packed', '--quiet']);
  const objects = join(store.gitDir, 'objects');
  for (const fanout of await readdir(objects).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(fanout)) continue;
    for (const rest of await readdir(join(objects, fanout)).catch(() => [] as string[])) {
      const file = join(objects, fanout, rest);
      if (keep.has(`${fanout}${rest}`)) continue;
      const mtime = await stat(file).then((s) => s.mtimeMs, () => 0);
      if (expireMs <= 0 || Date.now() - mtime >= expireMs) await rm(file, { force: true });
    }
  }
}

async function countObjects(store: Store): Promise<number> {
  const out = (await store.git(['count-objects', '-v'])).stdout;
  const field = (key: string): number => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
  return field('count') + field('in-pack');
}

/** The stores below a store root (`<root>/<owner>/<name>.git`), as assets repo names. */
export async function listStores(root: string): Promise<string[]> {
  const repos: string[] = [];
  for (const owner of await readdir(root).catch(() => [] as string[])) {
    if (owner.startsWith('.')) continue;
    for (const entry of await readdir(join(root, owner)).catch(() => [] as string[])) {
      if (entry.endsWith('.git') && existsSync(join(root, owner, entry, 'HEAD'))) repos.push(`${owner}/${entry.slice(0, -'.git'.length)}`);
    }
  }
  return repos.sort();
}
