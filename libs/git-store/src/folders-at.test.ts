import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, makeBareAssetsRepo, makeTempDir, runGit } from '@asset-sync/git-harness';
import { Store, foldersAt, gitProcessCount } from '@asset-sync/git-store';

/**
 * foldersAt against a real repository: folders that are there resolve in one pass, and what is
 * not a folder (a file, a symlink on the way, a submodule, nothing) is found by the walk and named.
 */

const REPO = 'Azure/azure-sdk-assets';

let server: string;
let store: Store;
let commit: string;

/** A commit whose tree has `python/linked` as a symlink to `python/real`, which readers must not follow. */
async function commitWithLink(base: string): Promise<string> {
  const tree = async (spec: string): Promise<string> => (await runGit(['mktree'], { cwd: server, input: spec })).stdout.toString().trim();
  const link = (await runGit(['hash-object', '-w', '--stdin'], { cwd: server, input: 'real' })).stdout.toString().trim();
  const real = await git(['--git-dir', server, 'rev-parse', `${base}:python/real`]);
  const file = await git(['--git-dir', server, 'rev-parse', `${base}:python/file.json`]);
  const python = await tree(`040000 tree ${real}\treal\n120000 blob ${link}\tlinked\n100644 blob ${file}\tfile.json\n160000 commit ${base}\tsub\n`);
  const root = await tree(`040000 tree ${python}\tpython\n`);
  return git(['--git-dir', server, 'commit-tree', root, '-m', 'links'], { env: { GIT_COMMITTER_DATE: '1700000000 +0000', GIT_AUTHOR_DATE: '1700000000 +0000' } });
}

beforeAll(async () => {
  const root = await makeTempDir('folders-at-');
  server = await makeBareAssetsRepo(join(root, 'server'), REPO);
  const base = await commitFiles(server, { 'python/real/a/f.json': 'f\n', 'python/file.json': '{}\n' });
  commit = await commitWithLink(base);
  await git(['--git-dir', server, 'tag', 'python/links_1', commit]);
  store = await Store.open({ assetsDir: join(root, 'assets'), assetsRepo: REPO, url: `file://${server}` });
  const { missing } = await store.fetchPins([{ kind: 'tag', tag: 'python/links_1' }]);
  expect(missing.size).toBe(0);
});

describe('foldersAt', () => {
  it('names the tree of every folder that is there, the root included', async () => {
    const [real, nested, whole] = await foldersAt(store, [
      { commit, path: 'python/real' },
      { commit, path: 'python/real/a' },
      { commit, path: '' },
    ]);
    expect(real).toEqual({ kind: 'tree', oid: await git(['--git-dir', server, 'rev-parse', `${commit}:python/real`]) });
    expect(nested).toEqual({ kind: 'tree', oid: await git(['--git-dir', server, 'rev-parse', `${commit}:python/real/a`]) });
    expect(whole).toEqual({ kind: 'tree', oid: await git(['--git-dir', server, 'rev-parse', `${commit}^{tree}`]) });
  });

  it('does not follow a symlink on the way, and says where the file, link or submodule is', async () => {
    const found = await foldersAt(store, [
      { commit, path: 'python/linked/a' },
      { commit, path: 'python/linked' },
      { commit, path: 'python/file.json' },
      { commit, path: 'python/file.json/deeper' },
      { commit, path: 'python/sub' },
      { commit, path: 'python/nothing' },
    ]);
    expect(found).toEqual([
      { kind: 'not-a-folder', at: 'python/linked', mode: '120000' },
      { kind: 'not-a-folder', at: 'python/linked', mode: '120000' },
      { kind: 'not-a-folder', at: 'python/file.json', mode: '100644' },
      { kind: 'not-a-folder', at: 'python/file.json', mode: '100644' },
      { kind: 'not-a-folder', at: 'python/sub', mode: '160000' },
      { kind: 'none' },
    ]);
  });

  it('walks rather than hands git a path it would read another way (.., a line break)', async () => {
    const found = await foldersAt(store, [
      { commit, path: 'python/../python/real' },
      { commit, path: 'python/real\npython/real' },
      { commit, path: 'python/real' },
    ]);
    expect(found[0]).toEqual({ kind: 'none' });
    expect(found[1]).toEqual({ kind: 'none' });
    expect(found[2]).toMatchObject({ kind: 'tree' });
  });

  it('gives the same answers on the shared reader, starting one process for every walk, and closes it', async () => {
    const pairs = [
      { commit, path: 'python/real' },
      { commit, path: 'python/linked/a' },
      { commit, path: 'python/file.json/deeper' },
      { commit, path: 'python/nothing' },
    ];
    const alone = await foldersAt(store, pairs);
    const release = store.shareReader();
    try {
      const before = gitProcessCount();
      expect(await foldersAt(store, pairs)).toEqual(alone);
      expect(await foldersAt(store, pairs)).toEqual(alone);
      expect(gitProcessCount() - before).toBe(1);
    } finally {
      await release();
    }
    expect(await store.sharedReader()).toBeUndefined();
    expect(await foldersAt(store, pairs)).toEqual(alone);
  });
});
