import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { commitFiles, git, makeBareAssetsRepo, makeTempDir } from '@asset-sync/git-harness';
import { Store, anchorCheckouts, leaseStore, runGit, syncCheckout, trimStore, withStoreAlone } from '@asset-sync/git-store';

/**
 * The shared-store operations against real repositories: an assets repo served over file://
 * (partial clone allowed), a store with a storeDir, checkouts made the way restore makes them.
 */

const REPO = 'Azure/azure-sdk-assets';

let root: string;
let server: string;
let store: Store;
let first: string;
let second: string;
let lonely: string;

async function blobAt(commit: string, path: string): Promise<string> {
  return git(['--git-dir', server, 'rev-parse', `${commit}:${path}`]);
}

/** Object ids in the store, listed without asking for any one (which would fetch it). */
async function present(): Promise<Set<string>> {
  const out = await git(['--git-dir', store.gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)']);
  return new Set(out.split('\n').filter(Boolean));
}

async function openStore(): Promise<Store> {
  return Store.open({ assetsDir: join(root, 'assets'), assetsRepo: REPO, url: `file://${server}`, storeDir: join(root, 'shared') });
}

beforeEach(async () => {
  root = await makeTempDir('store-gc-');
  server = await makeBareAssetsRepo(join(root, 'server'), REPO);
  first = await commitFiles(server, { 'python/a/f.json': 'a1\n', 'python/b/f.json': 'b1\n' }, { tag: 'python/a_1' });
  second = await commitFiles(server, { 'python/a/f.json': 'a2\n' }, { tag: 'python/a_2' });
  lonely = await commitFiles(server, { 'python/c/f.json': 'c1\n' }, { branch: 'other', replace: true, tag: 'python/c_1' });
  store = await openStore();
  const { missing } = await store.fetchPins(['python/a_1', 'python/a_2', 'python/c_1'].map((tag) => ({ kind: 'tag' as const, tag })));
  expect(missing.size).toBe(0);
});

describe('trimStore', () => {
  it('keeps the file contents at a checkout\'s HEAD and in its index, not those of its history; young refs and loose objects stay until they expire', async () => {
    await store.fetchObjects([await blobAt(second, 'python/a/f.json'), await blobAt(first, 'python/a/f.json')]);
    const dir = join(root, 'assets', 'proxy');
    await syncCheckout(store, { dir, commit: second, paths: ['python/a'], patterns: ['python/a'] });
    await writeFile(join(dir, 'python/a/new.json'), 'staged\n');
    await runGit(['add', 'python/a/new.json'], { cwd: dir });
    const staged = await git(['rev-parse', ':python/a/new.json'], { cwd: dir });
    const orphan = (await runGit(['hash-object', '-w', '--stdin'], { cwd: store.gitDir, input: 'nobody needs this\n' })).stdout.trim();

    const young = await trimStore(store, { expireMs: 3_600_000 });
    expect(young).toMatchObject({ checkouts: 1, prunedCheckouts: 0, droppedRefs: [] });
    let objects = await present();
    expect(objects.has(await blobAt(second, 'python/a/f.json'))).toBe(true);
    expect(objects.has(staged)).toBe(true);
    expect(objects.has(orphan)).toBe(true);
    // The history's file contents go: no checkout holds them.
    expect(objects.has(await blobAt(first, 'python/a/f.json'))).toBe(false);

    const now = await trimStore(store, { expireMs: 0 });
    // python/a_1 is the history of the checkout's pin, python/c_1 is served by nothing.
    expect(now.droppedRefs).toEqual(['refs/tags/python/a_1', 'refs/tags/python/c_1']);
    objects = await present();
    expect(objects.has(orphan)).toBe(false);
    expect(objects.has(lonely)).toBe(false);
    // Commits and trees of a kept pin's history stay (ancestry, merge bases), its HEAD's contents too.
    expect(objects.has(first)).toBe(true);
    expect(objects.has(await blobAt(second, 'python/a/f.json'))).toBe(true);
    expect(objects.has(staged)).toBe(true);
    expect(await git(['status', '--porcelain'], { cwd: dir })).toBe('A  python/a/new.json');
  });

  it('keeps the pins an anchor names while the checkout is registered, and lets them go with it', async () => {
    const dir = join(root, 'assets', 'shared-checkout');
    await syncCheckout(store, { dir, commit: second, paths: ['python/a'], patterns: ['python/a'] });
    expect(await anchorCheckouts(store, [{ dir, commits: [lonely, second] }])).toBe(1);
    // Unchanged pins: nothing is written again.
    expect(await anchorCheckouts(store, [{ dir, commits: [second, lonely] }])).toBe(0);
    const kept = await trimStore(store, { expireMs: 0 });
    expect(kept.droppedRefs).toEqual(['refs/tags/python/a_1']);
    expect((await present()).has(lonely)).toBe(true);

    await rm(dir, { recursive: true, force: true });
    const gone = await trimStore(store, { expireMs: 0 });
    expect(gone.prunedCheckouts).toBe(1);
    expect(gone.droppedRefs).toEqual([expect.stringMatching(/^refs\/asset-sync\/checkouts\//), 'refs/tags/python/a_2', 'refs/tags/python/c_1']);
    const objects = await present();
    for (const commit of [first, second, lonely]) expect(objects.has(commit)).toBe(false);
    expect(gone.objectsAfter).toBeLessThan(gone.objectsBefore);
  });
});

describe('fetchPins in a shared store', () => {
  it('does not ask again for a Tag another run fetched meanwhile, but always for a branch head', async () => {
    const again = await store.fetchPins([{ kind: 'tag', tag: 'python/a_2' }]);
    expect(again.fetched).toEqual([]);
    expect((await store.fetchPins([{ kind: 'branch-head', branch: 'main' }])).fetched).toEqual([{ kind: 'branch-head', branch: 'main' }]);
    const newer = await commitFiles(server, { 'python/a/f.json': 'a3\n' });
    const asked = await store.fetchPins([{ kind: 'branch-head', branch: 'main' }]);
    expect(asked.fetched).toEqual([{ kind: 'branch-head', branch: 'main' }]);
    expect((await store.resolvePins([{ kind: 'branch-head', branch: 'main' }])).get('branch:main')).toBe(newer);
  });
});

describe('the store lock and leases', () => {
  it('a lease holds withStoreAlone off until it is given back', async () => {
    const giveBack = await leaseStore(store);
    let error: unknown;
    await withStoreAlone(store, async () => 'ran', { waitMs: 300 }).catch((e: unknown) => (error = e));
    expect(isAssetSyncError(error, 'LOCKED')).toBe(true);
    expect(String((error as Error).message)).toContain(`pid ${process.pid}`);
    await giveBack();
    expect(await withStoreAlone(store, async () => 'ran', { waitMs: 300 })).toBe('ran');
  });

  it('taking over the lock of a holder that died clears the git lock files it left in the store, not a checkout\'s or a temporary index\'s', async () => {
    const meta = join(store.gitDir, 'asset-sync');
    await mkdir(join(meta, 'lock'), { recursive: true });
    await writeFile(join(meta, 'lock.owner'), `${hostname()} ${2 ** 22 + 11}\n`);
    await mkdir(join(store.gitDir, 'worktrees', 'x'), { recursive: true });
    const left = ['packed-refs.lock', 'refs/tags/python/a_9.lock'].map((p) => join(store.gitDir, p));
    const spared = ['asset-sync-index-1-abcd.lock', 'worktrees/x/index.lock'].map((p) => join(store.gitDir, p));
    for (const file of [...left, ...spared]) await writeFile(file, '');
    expect(await store.locked(async () => 'held')).toBe('held');
    for (const file of left) expect(existsSync(file), file).toBe(false);
    for (const file of spared) expect(existsSync(file), file).toBe(true);
    expect(await readdir(meta)).not.toContain('lock.owner');
  });

  it('opening a shared store forgets checkouts whose folder is gone', async () => {
    const dir = join(root, 'other-clone', '.assets', 'proxy');
    await syncCheckout(store, { dir, commit: second, paths: ['python/a'], patterns: ['python/a'] });
    expect(await readdir(join(store.gitDir, 'worktrees'))).toHaveLength(1);
    await rm(join(root, 'other-clone'), { recursive: true, force: true });
    await openStore();
    expect(await readdir(join(store.gitDir, 'worktrees')).catch(() => [])).toEqual([]);
  });
});
