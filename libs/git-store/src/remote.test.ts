import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isAssetSyncError } from '@asset-sync/errors';
import { commitFiles, git, makeBareAssetsRepo, makeTempDir } from '@asset-sync/git-harness';
import { Store, deleteRemoteRefs, listRemoteRefs, parseLsRemote, parsePushPorcelain, pushRef, pushRefs, remoteRef } from '@asset-sync/git-store';

/**
 * The remote operations against a real assets repo served over file:// (partial clone allowed),
 * from a store made the way restore makes it: what ls-remote reports, and what a push did.
 */

const REPO = 'Azure/azure-sdk-assets';

let root: string;
let server: string;
let store: Store;
let first: string;
let second: string;

/** A new commit in the store on top of `parent`, not yet on the server. */
async function localCommit(parent: string, message: string): Promise<string> {
  const tree = await git(['--git-dir', store.gitDir, 'rev-parse', `${parent}^{tree}`]);
  return git(['--git-dir', store.gitDir, 'commit-tree', tree, '-p', parent, '-m', message]);
}

async function serverRef(ref: string): Promise<string> {
  return git(['--git-dir', server, 'rev-parse', '--verify', '--quiet', ref]).catch(() => '');
}

beforeEach(async () => {
  root = await makeTempDir('git-store-remote-');
  server = await makeBareAssetsRepo(join(root, 'server'), REPO);
  first = await commitFiles(server, { 'python/a/f.json': 'a1\n' }, { tag: 'python/a_1' });
  second = await commitFiles(server, { 'python/a/f.json': 'a2\n' });
  await git(['--git-dir', server, 'tag', '-a', '-m', 'annotated', 'python/a_2', second]);
  store = await Store.open({ assetsDir: join(root, 'assets'), assetsRepo: REPO, url: `file://${server}` });
  const { missing } = await store.fetchPins([{ kind: 'branch-head', branch: 'main' }, { kind: 'tag', tag: 'python/a_1' }]);
  expect(missing.size).toBe(0);
});

describe('parseLsRemote', () => {
  it('reads oid and ref per line, peeled lines kept as they are, blank lines dropped', () => {
    const oid = 'a'.repeat(40);
    const peeled = 'b'.repeat(40);
    expect(parseLsRemote(`${oid}\trefs/heads/main\n${oid}\trefs/tags/x\n${peeled}\trefs/tags/x^{}\n\n`)).toEqual([
      { oid, ref: 'refs/heads/main' },
      { oid, ref: 'refs/tags/x' },
      { oid: peeled, ref: 'refs/tags/x^{}' },
    ]);
  });
});

describe('listRemoteRefs and remoteRef', () => {
  it('lists tags with annotated ones peeled to their commit, and branches', async () => {
    const tags = await listRemoteRefs(store, { tags: true });
    expect(Object.fromEntries(tags)).toEqual({ 'refs/tags/python/a_1': first, 'refs/tags/python/a_2': second });
    const heads = await listRemoteRefs(store, { heads: true });
    expect(Object.fromEntries(heads)).toEqual({ 'refs/heads/main': second });
  });

  it('matches patterns the way ls-remote does, and asks another URL when given one', async () => {
    const fork = await makeBareAssetsRepo(join(root, 'fork'), REPO);
    const forked = await commitFiles(fork, { 'python/b/f.json': 'b\n' }, { tag: 'python/b_1' });
    expect([...(await listRemoteRefs(store, { patterns: ['refs/tags/python/a_1'] })).keys()]).toEqual(['refs/tags/python/a_1']);
    expect(Object.fromEntries(await listRemoteRefs(store, { tags: true, url: `file://${fork}` }))).toEqual({ 'refs/tags/python/b_1': forked });
  });

  it('gives the advertised id of one ref, or undefined when the server lacks it', async () => {
    expect(await remoteRef(store, 'refs/heads/main')).toBe(second);
    expect(await remoteRef(store, 'refs/tags/python/a_1')).toBe(first);
    // An annotated tag's own id, as the server advertises it.
    expect(await remoteRef(store, 'refs/tags/python/a_2')).toBe(await serverRef('refs/tags/python/a_2'));
    expect(await remoteRef(store, 'refs/heads/nope')).toBeUndefined();
  });

  it('refuses a ref that git would read as an option', async () => {
    const error = await remoteRef(store, '--upload-pack=touch /tmp/x').catch((e: unknown) => e);
    expect(isAssetSyncError(error, 'GIT_FAILED')).toBe(true);
  });
});

describe('parsePushPorcelain', () => {
  it('maps each flag to a status and keeps why a ref was rejected', () => {
    const out = [
      'To file:///srv/assets.git',
      '*\trefs/asset-sync/push/tags/t1:refs/tags/t1\t[new tag]',
      ' \tabc:refs/heads/main\t1111111..2222222',
      '=\trefs/x:refs/tags/t2\t[up to date]',
      '!\trefs/y:refs/tags/t3\t[rejected] (already exists)',
      '!\trefs/z:refs/heads/b\t[remote rejected] (hook declined)',
      'Done',
    ].join('\n');
    expect(Object.fromEntries(parsePushPorcelain(out))).toEqual({
      'refs/tags/t1': { status: 'created' },
      'refs/heads/main': { status: 'updated' },
      'refs/tags/t2': { status: 'up-to-date' },
      'refs/tags/t3': { status: 'rejected', reason: '(already exists)' },
      'refs/heads/b': { status: 'rejected', reason: '[remote rejected] (hook declined)' },
    });
  });
});

describe('pushRef', () => {
  it('publishes a new tag and a fast-forward, and says when the server already had the ref', async () => {
    const next = await localCommit(second, 'next');
    expect(await pushRef(store, next, 'refs/tags/python/a_3')).toEqual({ alreadyThere: false });
    expect(await serverRef('refs/tags/python/a_3')).toBe(next);
    expect(await pushRef(store, next, 'refs/heads/main')).toEqual({ alreadyThere: false });
    expect(await serverRef('refs/heads/main')).toBe(next);
    expect(await pushRef(store, next, 'refs/heads/main')).toEqual({ alreadyThere: true });
  });

  it('reports PUSH_REJECTED for a branch that moved since it was read and for a tag at another commit, changing nothing', async () => {
    const mine = await localCommit(first, 'built on an old head');
    const branch = await pushRef(store, mine, 'refs/heads/main').catch((e: unknown) => e);
    expect(isAssetSyncError(branch, 'PUSH_REJECTED')).toBe(true);
    const tag = await pushRef(store, mine, 'refs/tags/python/a_1').catch((e: unknown) => e);
    expect(isAssetSyncError(tag, 'PUSH_REJECTED')).toBe(true);
    expect(await serverRef('refs/heads/main')).toBe(second);
    expect(await serverRef('refs/tags/python/a_1')).toBe(first);
  });

  it('reports PUSH_REJECTED when another push moves the branch between reading it and updating it', async () => {
    // The server's pre-receive hook plays the other push: it moves main after the push was read.
    const hook = join(server, 'hooks', 'pre-receive');
    await writeFile(hook, `#!/bin/sh\nunset GIT_QUARANTINE_PATH\ngit update-ref refs/heads/main ${first}\n`);
    await chmod(hook, 0o755);
    const next = await localCommit(second, 'next');
    const error = await pushRef(store, next, 'refs/heads/main').catch((e: unknown) => e);
    expect(isAssetSyncError(error, 'PUSH_REJECTED')).toBe(true);
    expect(await serverRef('refs/heads/main')).toBe(first);
  });

  it('reports a hook\'s refusal as GIT_FAILED with the hint, not as a moved ref', async () => {
    const hook = join(server, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "no pushes today" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const error = await pushRef(store, await localCommit(second, 'next'), 'refs/heads/main').catch((e: unknown) => e);
    expect(isAssetSyncError(error, 'GIT_FAILED')).toBe(true);
    expect((error as Error).message).toContain('hook declined');
    expect((error as { hint?: string }).hint).toContain('Check that you may push to the assets repo');
  });

  it('pushes to another URL than origin, leaving origin as it was', async () => {
    const fork = await makeBareAssetsRepo(join(root, 'fork'), REPO);
    const next = await localCommit(second, 'for the fork');
    expect(await pushRef(store, next, 'refs/tags/python/a_9', { url: `file://${fork}` })).toEqual({ alreadyThere: false });
    expect(await git(['--git-dir', fork, 'rev-parse', 'refs/tags/python/a_9'])).toBe(next);
    expect(await serverRef('refs/tags/python/a_9')).toBe('');
  });
});

describe('pushRefs', () => {
  it('pushes many refs in one push and reports each: created or up to date', async () => {
    const next = await localCommit(second, 'next');
    const outcomes = await pushRefs(store, [
      { ref: 'refs/tags/python/a_3', oid: next },
      { ref: 'refs/tags/python/a_1', oid: first },
      { ref: 'refs/tags/python/a_1x', oid: first },
    ]);
    expect(outcomes).toEqual([
      { ref: 'refs/tags/python/a_3', oid: next, status: 'created' },
      { ref: 'refs/tags/python/a_1', oid: first, status: 'up-to-date' },
      { ref: 'refs/tags/python/a_1x', oid: first, status: 'created' },
    ]);
    expect(await serverRef('refs/tags/python/a_3')).toBe(next);
    // The private namespace the refs were sent from is left empty.
    expect(await git(['--git-dir', store.gitDir, 'for-each-ref', 'refs/asset-sync/push/'])).toBe('');
  });

  it('rejects a tag that exists at another commit without overwriting it, and (atomic) sends nothing else', async () => {
    const next = await localCommit(second, 'next');
    const outcomes = await pushRefs(store, [
      { ref: 'refs/tags/python/a_1', oid: next },
      { ref: 'refs/tags/python/a_4', oid: next },
    ]);
    expect(outcomes.find((o) => o.ref === 'refs/tags/python/a_1')).toMatchObject({ status: 'rejected', reason: expect.stringContaining('already exists') });
    expect(outcomes.find((o) => o.ref === 'refs/tags/python/a_4')?.status).toBe('rejected');
    expect(await serverRef('refs/tags/python/a_1')).toBe(first);
    expect(await serverRef('refs/tags/python/a_4')).toBe('');
  });

  it('refuses refs outside refs/tags and refs/heads before anything is sent', async () => {
    const error = await pushRefs(store, [{ ref: 'refs/notes/x', oid: first }]).catch((e: unknown) => e);
    expect(isAssetSyncError(error, 'GIT_FAILED')).toBe(true);
  });
});

describe('deleteRemoteRefs', () => {
  it('deletes the given refs on the server and nothing else', async () => {
    expect(await deleteRemoteRefs(store, ['refs/tags/python/a_1'])).toEqual(['refs/tags/python/a_1']);
    expect(await serverRef('refs/tags/python/a_1')).toBe('');
    expect(await serverRef('refs/tags/python/a_2')).not.toBe('');
  });
});
