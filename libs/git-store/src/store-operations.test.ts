import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { commitFiles, git, makeBareAssetsRepo, makeTempDir } from '@asset-sync/git-harness';
import { Store, reachableCommits } from '@asset-sync/git-store';

/** The named operations the executor asks the store for, against a real store. */

const REPO = 'Azure/azure-sdk-assets';

let root: string;
let store: Store;
let first: string;
let second: string;
let other: string;

beforeEach(async () => {
  root = await makeTempDir('git-store-operations-');
  const server = await makeBareAssetsRepo(join(root, 'server'), REPO);
  first = await commitFiles(server, { 'python/a/f.json': 'a1\n' }, { tag: 'python/a_1' });
  second = await commitFiles(server, { 'python/a/f.json': 'a2\n' }, { tag: 'python/a_2' });
  other = await commitFiles(server, { 'python/b/f.json': 'b\n' }, { branch: 'other', replace: true, tag: 'python/b_1' });
  store = await Store.open({ assetsDir: join(root, 'assets'), assetsRepo: REPO, url: `file://${server}` });
  await store.fetchPins(['python/a_2', 'python/b_1'].map((tag) => ({ kind: 'tag' as const, tag })));
});

describe('reachableCommits', () => {
  it('is every commit in the history of the tips, the tips included', async () => {
    expect(await reachableCommits(store, [second])).toEqual(new Set([first, second]));
    expect(await reachableCommits(store, [second, other, second])).toEqual(new Set([first, second, other]));
    expect(await reachableCommits(store, [])).toEqual(new Set());
  });
});

describe('treeOf and findTreeOf', () => {
  it('gives a commit\'s root tree; findTreeOf gives undefined for a commit the store cannot name', async () => {
    const tree = await git(['--git-dir', store.gitDir, 'rev-parse', `${second}^{tree}`]);
    expect(await store.treeOf(second)).toBe(tree);
    expect(await store.findTreeOf(second)).toBe(tree);
    expect(await store.findTreeOf('0'.repeat(40))).toBeUndefined();
  });
});

describe('pruneWorktrees', () => {
  it('drops the registration of a checkout whose folder is gone, and does nothing when none is', async () => {
    const dir = join(root, 'assets', 'checkout');
    await git(['--git-dir', store.gitDir, 'worktree', 'add', '--detach', '--no-checkout', dir, second]);
    expect(await store.pruneWorktrees()).toBe(false);
    await rm(dir, { recursive: true, force: true });
    expect(await store.pruneWorktrees()).toBe(true);
    expect(existsSync(join(store.gitDir, 'worktrees', 'checkout'))).toBe(false);
  });
});
