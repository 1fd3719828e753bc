import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { git, makeBareAssetsRepo, makeTempDir, runGit } from '@asset-sync/git-harness';
import { Store, hasCommit, isAncestor, writeBlobs, writeCommits, type BlobSource } from '@asset-sync/git-store';

/**
 * Migrate's bulk writes against a real store: file contents through fast-import come back byte
 * for byte, and commits are built on them without a checkout.
 */

const REPO = 'Azure/azure-sdk-assets';
const IDENTITY = { name: 'asset-sync test', email: 'asset-sync-test@example.invalid' };

let root: string;
let store: Store;

async function catBlob(oid: string): Promise<Buffer> {
  return (await runGit(['--git-dir', store.gitDir, 'cat-file', 'blob', oid])).stdout;
}

async function source(name: string, content: Buffer): Promise<BlobSource> {
  const absPath = join(root, 'files', name);
  await writeFile(absPath, content);
  return { absPath, size: content.length };
}

beforeEach(async () => {
  root = await makeTempDir('git-store-blobs-');
  const server = await makeBareAssetsRepo(join(root, 'server'), REPO);
  store = await Store.open({ assetsDir: join(root, 'assets'), assetsRepo: REPO, url: `file://${server}` });
  await mkdir(join(root, 'files'), { recursive: true });
});

describe('writeBlobs', () => {
  it('stores every file byte for byte and returns git\'s ids in input order', async () => {
    const contents = [
      Buffer.from('{"a":1}\r\n'),
      Buffer.alloc(0),
      randomBytes(200_000),
      Buffer.from('same\n'),
      Buffer.from('same\n'),
      Buffer.from('ü\u0000\xff binary and text\n', 'latin1'),
    ];
    const files = await Promise.all(contents.map((c, i) => source(`f${i} with space.json`, c)));
    const ids = await writeBlobs(store, files);
    expect(ids).toHaveLength(contents.length);
    for (const [i, content] of contents.entries()) {
      expect(ids[i]).toBe(await git(['hash-object', '--no-filters', '--stdin'], { input: content }));
      expect((await catBlob(ids[i]!)).equals(content)).toBe(true);
    }
  });

  it('splits work over several fast-import processes and still keeps the order, random and repetitive contents alike', async () => {
    const contents = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? randomBytes(1 << 20) : Buffer.from(`file ${i}\n`.repeat(100_000))));
    const files = await Promise.all(contents.map((c, i) => source(`big${i}.bin`, c)));
    let progress = 0;
    const ids = await writeBlobs(store, files, { jobs: 3, onProgress: (done) => (progress = done) });
    for (const [i, content] of contents.entries()) expect((await catBlob(ids[i]!)).equals(content)).toBe(true);
    expect(progress).toBe(contents.reduce((sum, c) => sum + c.length, 0));
  });

  it('fails with MIGRATION_FAILED naming a file that disappeared since it was planned', async () => {
    const error = await writeBlobs(store, [{ absPath: join(root, 'files', 'gone.json'), size: 3 }]).catch((e: unknown) => e);
    expect(isAssetSyncError(error, 'MIGRATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain('gone.json');
  });
});

describe('writeCommits, hasCommit, isAncestor', () => {
  it('builds a chain of commits from blob ids, each layer replacing its folders, without a checkout', async () => {
    const [a, b, c] = await writeBlobs(store, [await source('a', Buffer.from('a\n')), await source('b', Buffer.from('b\n')), await source('c', Buffer.from('c\n'))]);
    const [one, two] = await writeCommits(store, {
      identity: IDENTITY,
      date: new Date('2024-01-01T00:00:00Z'),
      layers: [
        { replace: [], add: [{ path: 'python/x/a.json', oid: a! }, { path: 'python/x/b.json', oid: b! }], message: 'one' },
        { replace: ['python/x'], add: [{ path: 'python/x/c.json', oid: c!, mode: '100755' }], message: 'two' },
      ],
    });
    expect(await git(['--git-dir', store.gitDir, 'ls-tree', '-r', '--name-only', one!.commit])).toBe('python/x/a.json\npython/x/b.json');
    expect(await git(['--git-dir', store.gitDir, 'ls-tree', '-r', two!.commit])).toBe(`100755 blob ${c}\tpython/x/c.json`);
    expect(await git(['--git-dir', store.gitDir, 'rev-parse', `${two!.commit}^`])).toBe(one!.commit);
    expect(await git(['--git-dir', store.gitDir, 'log', '-1', '--format=%an <%ae> %s', two!.commit])).toBe(`${IDENTITY.name} <${IDENTITY.email}> two`);

    expect(await hasCommit(store, two!.commit)).toBe(true);
    expect(await hasCommit(store, a!)).toBe(false);
    expect(await hasCommit(store, 'f'.repeat(40))).toBe(false);
    expect(await isAncestor(store, one!.commit, two!.commit)).toBe(true);
    expect(await isAncestor(store, two!.commit, one!.commit)).toBe(false);
  });

  it('refuses a path that climbs out of the repo and an id that is not one', async () => {
    const bad = await writeCommits(store, { identity: IDENTITY, layers: [{ replace: [], add: [{ path: '../x', oid: 'a'.repeat(40) }], message: 'x' }] }).catch((e: unknown) => e);
    expect(isAssetSyncError(bad)).toBe(true);
    const notId = await writeCommits(store, { identity: IDENTITY, layers: [{ replace: [], add: [{ path: 'x', oid: 'HEAD' }], message: 'x' }] }).catch((e: unknown) => e);
    expect(isAssetSyncError(notId, 'GIT_FAILED')).toBe(true);
  });
});
