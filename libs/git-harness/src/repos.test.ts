import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commitFiles,
  commitWorkingFiles,
  git,
  listFilesAt,
  listTreeAt,
  makeBareAssetsRepo,
  makeLanguageRepo,
  makeTempDir,
  readFilesInDir,
  removeTempDirs,
  resolveCommit,
  tagCommit,
  TEST_IDENTITY,
} from '@asset-sync/git-harness';

afterAll(removeTempDirs);

// Names real assets repos hold: .NET parentheses, quotes, percent signs, commas and spaces; Java brackets.
const AWKWARD = {
  'net/sdk/tables/Azure.Data.Tables/tests/SessionRecords/TableClientLiveTests(CosmosTable)/QueryAsync(%\'a b\', 5)Async.json': '{"Entries":[]}\n',
  'java/sdk/tables/azure-data-tables/src/test/resources/session-records/TableClientTest.createEntity[1].json': '{}\n',
  'python/sdk/tables/azure-data-tables/tests/recordings/test_a.pyTestAtest_b.json': '',
};

describe('makeLanguageRepo', () => {
  it('creates a repository on main with a local identity, no signing and no background maintenance', async () => {
    const dir = join(await makeTempDir('lang'), 'repo');
    const repo = await makeLanguageRepo(dir, { files: { 'sdk/a/assets.json': '{}\n', 'README.md': '# x\n' } });
    expect(await git(['symbolic-ref', 'HEAD'], { cwd: dir })).toBe('refs/heads/main');
    const config = async (key: string): Promise<string> => git(['config', '--local', key], { cwd: dir });
    expect(await config('user.name')).toBe(TEST_IDENTITY.name);
    expect(await config('commit.gpgsign')).toBe('false');
    expect(await config('tag.gpgsign')).toBe('false');
    expect(await config('maintenance.auto')).toBe('false');
    expect(await config('gc.auto')).toBe('0');
    expect(repo.head).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(['status', '--porcelain'], { cwd: dir })).toBe('');
    expect(await readFile(join(dir, 'sdk/a/assets.json'), 'utf8')).toBe('{}\n');
  });

  it('leaves the repository without commits when no files are given', async () => {
    const dir = join(await makeTempDir('lang'), 'repo');
    const repo = await makeLanguageRepo(dir);
    expect(repo.head).toBeUndefined();
    expect(await resolveCommit(join(dir, '.git'), 'HEAD')).toBeUndefined();
  });

  it('commits later edits and deletions with commitWorkingFiles', async () => {
    const dir = join(await makeTempDir('lang'), 'repo');
    await makeLanguageRepo(dir, { files: { 'a.txt': 'a', 'b.txt': 'b' } });
    const head = await commitWorkingFiles(dir, { 'a.txt': null, 'c/d.txt': 'd' }, 'edit');
    expect(await git(['ls-tree', '-r', '--name-only', head], { cwd: dir })).toBe('b.txt\nc/d.txt');
    expect(existsSync(join(dir, 'a.txt'))).toBe(false);
  });
});

describe('makeBareAssetsRepo', () => {
  it('creates <root>/<owner>/<name>.git configured to serve partial clones and accept pushes', async () => {
    const root = await makeTempDir('server');
    const repo = await makeBareAssetsRepo(root, 'Azure/azure-sdk-assets');
    expect(repo).toBe(join(root, 'Azure', 'azure-sdk-assets.git'));
    expect(await git(['--git-dir', repo, 'rev-parse', '--is-bare-repository'])).toBe('true');
    for (const key of ['uploadpack.allowFilter', 'uploadpack.allowAnySHA1InWant', 'receive.advertisePushOptions']) {
      expect(await git(['--git-dir', repo, 'config', key])).toBe('true');
    }
  });
});

describe('commitFiles and listFilesAt', () => {
  it('round-trips awkward recording names byte for byte', async () => {
    const repo = await makeBareAssetsRepo(await makeTempDir('server'));
    const commit = await commitFiles(repo, AWKWARD, { tag: 'net/tables/Azure.Data.Tables_0123456789' });
    expect(await resolveCommit(repo, 'refs/tags/net/tables/Azure.Data.Tables_0123456789')).toBe(commit);
    const all = await listFilesAt(repo, commit);
    expect(new Map([...all].map(([path, bytes]) => [path, bytes.toString('utf8')]))).toEqual(new Map(Object.entries(AWKWARD)));
    const net = await listFilesAt(repo, commit, 'net/sdk/tables/Azure.Data.Tables');
    expect([...net.keys()]).toEqual(["tests/SessionRecords/TableClientLiveTests(CosmosTable)/QueryAsync(%'a b', 5)Async.json"]);
  });

  it('builds history on the branch tip, deletes with null, and keeps binary content intact', async () => {
    const repo = await makeBareAssetsRepo(await makeTempDir('server'));
    const first = await commitFiles(repo, { 'a/x.json': 'x', 'a/y.json': 'y' });
    const binary = Buffer.from([0, 1, 2, 255, 10, 13, 10]);
    const second = await commitFiles(repo, { 'a/x.json': null, 'a/z.bin': binary });
    expect(await git(['--git-dir', repo, 'rev-parse', `${second}^`])).toBe(first);
    const files = await listFilesAt(repo, 'main', 'a');
    expect([...files.keys()].sort()).toEqual(['y.json', 'z.bin']);
    expect(files.get('z.bin')?.equals(binary)).toBe(true);
    expect([...(await listFilesAt(repo, first, 'a')).keys()].sort()).toEqual(['x.json', 'y.json']);
  });

  it('gives the same commit id for the same content, parent and date', async () => {
    const a = await commitFiles(await makeBareAssetsRepo(await makeTempDir('server')), { 'f.json': '1' }, { date: 1_700_000_000 });
    const b = await commitFiles(await makeBareAssetsRepo(await makeTempDir('server')), { 'f.json': '1' }, { date: 1_700_000_000 });
    expect(a).toBe(b);
  });

  it('reports a missing path as empty and a missing commit as an error', async () => {
    const repo = await makeBareAssetsRepo(await makeTempDir('server'));
    const commit = await commitFiles(repo, { 'a/b.json': 'b' });
    expect((await listTreeAt(repo, commit, 'nope')).size).toBe(0);
    await expect(listTreeAt(repo, 'refs/tags/none', '')).rejects.toThrow(/not a commit/);
  });

  it('tags lightweight or annotated', async () => {
    const repo = await makeBareAssetsRepo(await makeTempDir('server'));
    const commit = await commitFiles(repo, { 'a.json': 'a' });
    await tagCommit(repo, 'python/x_0000000000', commit);
    await tagCommit(repo, 'python/y_0000000000', commit, { message: 'annotated' });
    expect(await git(['--git-dir', repo, 'cat-file', '-t', 'refs/tags/python/x_0000000000'])).toBe('commit');
    expect(await git(['--git-dir', repo, 'cat-file', '-t', 'refs/tags/python/y_0000000000'])).toBe('tag');
    expect(await resolveCommit(repo, 'python/y_0000000000')).toBe(commit);
  });
});

describe('readFilesInDir', () => {
  it('reads a working tree with / separators and skips .git', async () => {
    const dir = join(await makeTempDir('lang'), 'repo');
    await makeLanguageRepo(dir, { files: { 'x/y(1).json': 'y' } });
    await writeFile(join(dir, 'top.txt'), 't');
    const files = await readFilesInDir(dir);
    expect([...files.keys()].sort()).toEqual(['top.txt', 'x/y(1).json']);
    expect((await readFilesInDir(join(dir, 'missing'))).size).toBe(0);
  });
});
