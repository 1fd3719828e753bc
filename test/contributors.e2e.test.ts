import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdoptReport, PushReport, RestoreReport, VerifyPinsReport } from '@asset-sync/executor';
import { commitFiles, git, makeBareAssetsRepo, makeTempDir, startGitDaemon, tagCommit, type GitDaemon } from '@asset-sync/git-harness';
import { ASSETS_REPO, asJson, cli, expectSameFiles, tagAssetsJson } from './helpers.js';

/*
 * An external contributor re-records tests but may not push to the assets repo. Two servers on
 * loopback: the assets repo (read-only for the contributor: its daemon has receive-pack off; a
 * maintainer reaches the same repository through a second daemon that accepts pushes) and the
 * contributor's fork of it.
 */

const FORK = 'contrib/azure-sdk-assets';
const TABLES = 'sdk/tables/azure-data-tables';
const QUEUE = 'sdk/storage/azure-storage-queue';
const rec = (name: string, body: string): string => `{"Entries":[{"RequestUri":"https://fake.table.core.windows.net/${name}","ResponseBody":"${body}"}],"Variables":{}}\n`;

describe('contributors without write access', () => {
  let root: string;
  let readOnly: GitDaemon;
  let readWrite: GitDaemon;
  let forkDaemon: GitDaemon;
  let upstream: string;
  let fork: string;
  let forkRoot: string;
  let tablesTag: string;
  let queueTag: string;
  const base = { ASSET_SYNC_RETRY_BASE_MS: '10', ASSET_SYNC_NETWORK_ATTEMPTS: '2' };
  /** The contributor and CI read the assets repo through the daemon that refuses pushes. */
  let contributor: Record<string, string>;
  let maintainer: Record<string, string>;

  beforeAll(async () => {
    root = await makeTempDir('upstream-');
    upstream = await makeBareAssetsRepo(root, ASSETS_REPO);
    const c1 = await commitFiles(upstream, {
      [`python/${TABLES}/tests/recordings/test_a.json`]: rec('a', '1'),
      [`python/${QUEUE}/tests/recordings/test_q.json`]: rec('q', '1'),
    });
    tablesTag = `python/tables/azure-data-tables_${c1.slice(0, 10)}`;
    queueTag = `python/storage/azure-storage-queue_${c1.slice(0, 10)}`;
    await tagCommit(upstream, tablesTag, c1);
    await tagCommit(upstream, queueTag, c1);
    readOnly = await startGitDaemon(root, { enable: [], forbidOverride: ['receive-pack'] });
    readWrite = await startGitDaemon(root);
    forkRoot = await makeTempDir('fork-');
    fork = await makeBareAssetsRepo(forkRoot, FORK);
    await git(['--git-dir', fork, 'fetch', '--quiet', upstream, '+refs/*:refs/*']);
    forkDaemon = await startGitDaemon(forkRoot);
    contributor = { ...base, ASSET_SYNC_REMOTE_URL_TEMPLATE: readOnly.urlTemplate };
    maintainer = { ...base, ASSET_SYNC_REMOTE_URL_TEMPLATE: readWrite.urlTemplate };
  });
  afterAll(async () => {
    await Promise.all([readOnly?.stop(), readWrite?.stop(), forkDaemon?.stop()]);
  });

  /** The language repo of the pull request: asset-sync.yaml maps the fork's name to its server. */
  async function pullRequest(): Promise<{ origin: string; clone(name: string): Promise<string> }> {
    const seed = await makeTempDir('lang-');
    await git(['init', '--quiet', '-b', 'main', seed]);
    const files: Record<string, string> = {
      [`${TABLES}/assets.json`]: tagAssetsJson('python', 'python/tables/azure-data-tables', tablesTag),
      [`${QUEUE}/assets.json`]: tagAssetsJson('python', 'python/storage/azure-storage-queue', queueTag),
      'asset-sync.yaml': `remotes:\n  ${FORK}: ${forkDaemon.url(FORK)}\n`,
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(seed, path, '..'), { recursive: true });
      await writeFile(join(seed, path), content);
    }
    await git(['add', '-A'], { cwd: seed });
    await git(['-c', 'user.name=seed', '-c', 'user.email=seed@example.invalid', 'commit', '--quiet', '-m', 'seed'], { cwd: seed });
    const origin = join(await makeTempDir('lang-origin-'), 'origin.git');
    await git(['clone', '--quiet', '--bare', seed, origin]);
    return {
      origin,
      async clone(name) {
        const dir = join(await makeTempDir(`${name}-`), name);
        await git(['clone', '--quiet', origin, dir]);
        return dir;
      },
    };
  }

  it('push to a fork, CI restores from it, the gate fails, a maintainer adopts, the gate passes, a fresh clone needs only the assets repo', async () => {
    const lang = await pullRequest();
    const dev = await lang.clone('contributor');
    expect((await cli(['restore', '--all'], dev, contributor)).exitCode).toBe(0);
    const root = (await cli(['locate', TABLES], dev, contributor)).stdout.trim();
    await writeFile(join(root, TABLES, 'tests/recordings/test_a.json'), rec('a', 'contributor'));

    // Without write access the push fails, and says what works instead.
    const refused = await cli(['push', TABLES], dev, contributor);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--fork');
    expect(JSON.parse(await readFile(join(dev, TABLES, 'assets.json'), 'utf8')).Tag).toBe(tablesTag);

    // The same commit and tag name as a normal push, published to the fork (named by its URL here).
    const pushed = await cli(['push', TABLES, '--fork', forkDaemon.url(FORK), '--json'], dev, contributor);
    expect(pushed.exitCode, pushed.stderr + pushed.stdout).toBe(0);
    const report = asJson<PushReport>(pushed);
    expect(report.pin).toBe(`python/tables/azure-data-tables_${report.commit!.slice(0, 10)}`);
    expect(await git(['--git-dir', fork, 'rev-parse', `refs/tags/${report.pin}`])).toBe(report.commit);
    await expect(git(['--git-dir', upstream, 'rev-parse', '--verify', '--quiet', `refs/tags/${report.pin}`])).rejects.toThrow();
    // assets.json gets the tag as usual and names no fork.
    const pinned = await readFile(join(dev, TABLES, 'assets.json'), 'utf8');
    expect(JSON.parse(pinned)).toEqual({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', TagPrefix: 'python/tables/azure-data-tables', Tag: report.pin });
    await git(['-c', 'user.name=c', '-c', 'user.email=c@example.invalid', 'commit', '--quiet', '-am', 're-record tables'], { cwd: dev });
    await git(['push', '--quiet', 'origin', 'main'], { cwd: dev });

    // CI of the pull request, on a fresh clone: without the fallback the pin is missing...
    const ci = await lang.clone('ci');
    const missing = asJson<RestoreReport>(await cli(['restore', '--all', '--json'], ci, contributor));
    expect(missing.ok).toBe(false);
    const failed = missing.packages.find((p) => p.id === `${TABLES}/assets.json`)!;
    expect(failed.error?.code).toBe('PIN_NOT_FOUND');

    // ...with the pipeline's fallback set to the contributor's fork, it is restored from there.
    const ciEnv = { ...contributor, ASSET_SYNC_FALLBACK_REMOTES: FORK };
    forkDaemon.clearLog();
    const restored = await cli(['restore', '--all', '--json'], ci, ciEnv);
    expect(restored.exitCode, restored.stderr + restored.stdout).toBe(0);
    const served = asJson<RestoreReport>(restored).packages;
    expect(served.find((p) => p.id === `${TABLES}/assets.json`)).toMatchObject({ status: 'restored', servedBy: FORK, commit: report.commit });
    expect(served.find((p) => p.id === `${QUEUE}/assets.json`)?.servedBy).toBeUndefined();
    await expectSameFiles(join(served.find((p) => p.id === `${TABLES}/assets.json`)!.locate!, TABLES), fork, report.commit!, `python/${TABLES}`);
    // From the fork: that pin, then its file contents; the store's upstream stays the assets repo.
    expect(await forkDaemon.countRequests('upload-pack')).toBe(2);
    const store = join(ci, '.assets/.store/Azure/azure-sdk-assets.git');
    expect(await git(['--git-dir', store, 'config', '--get-regexp', '^remote\\..*\\.url$'])).toBe(`remote.origin.url ${readOnly.url(ASSETS_REPO)}`);
    const text = await cli(['restore', '--all'], await lang.clone('ci-text'), ciEnv);
    expect(text.stdout).toContain(`fetched from the fallback remote ${FORK}`);
    // A dry run first fetches the pin's commits and trees from the fork; the real run then finds
    // the pin locally, and still gets its file contents from the fork.
    const dry = await lang.clone('ci-dry');
    expect((await cli(['restore', '--all', '--dry-run'], dry, ciEnv)).exitCode).toBe(0);
    const afterDry = await cli(['restore', '--all', '--json'], dry, ciEnv);
    expect(afterDry.exitCode, afterDry.stderr + afterDry.stdout).toBe(0);
    await expectSameFiles(join(asJson<RestoreReport>(afterDry).packages.find((p) => p.id === `${TABLES}/assets.json`)!.locate!, TABLES), fork, report.commit!, `python/${TABLES}`);

    // The PR gate: the pin is not on the assets repo (the local store having it does not count).
    const gate = await cli(['verify-pins', '--all'], ci, ciEnv);
    expect(gate.exitCode).toBe(1);
    expect(gate.stdout).toContain(`${TABLES}/assets.json`);
    expect(gate.stdout).toContain(`adopt --all --from ${FORK}`);
    expect(gate.stdout).not.toContain(`${QUEUE}/assets.json`);
    const gateJson = asJson<VerifyPinsReport>(await cli(['verify-pins', '--all', '--json'], ci, ciEnv));
    expect(gateJson.pins).toEqual([
      { id: `${QUEUE}/assets.json`, assetsRepo: ASSETS_REPO, pin: queueTag, onUpstream: true },
      expect.objectContaining({ id: `${TABLES}/assets.json`, onUpstream: false, foundOn: FORK }),
    ]);

    // A maintainer (write access) adopts: the same commit id lands upstream.
    const maint = await lang.clone('maintainer');
    const adopted = await cli(['adopt', '--all', '--from', FORK, '--json'], maint, maintainer);
    expect(adopted.exitCode, adopted.stderr + adopted.stdout).toBe(0);
    expect(asJson<AdoptReport>(adopted).tags).toEqual([
      expect.objectContaining({ tag: queueTag, action: 'upstream' }),
      expect.objectContaining({ tag: report.pin, action: 'copied', commit: report.commit }),
    ]);
    expect(await git(['--git-dir', upstream, 'rev-parse', `refs/tags/${report.pin}`])).toBe(report.commit);
    expect(await git(['--git-dir', upstream, 'fsck', '--connectivity-only', '--no-dangling'])).toBe('');
    // Safe to run twice.
    expect(asJson<AdoptReport>(await cli(['adopt', '--all', '--from', FORK, '--json'], maint, maintainer)).tags.map((t) => t.action)).toEqual(['upstream', 'upstream']);

    expect((await cli(['verify-pins', '--all'], ci, ciEnv)).exitCode).toBe(0);

    // The fork goes away: a fresh clone restores from the assets repo alone.
    await forkDaemon.stop();
    const fresh = await lang.clone('fresh');
    const alone = await cli(['restore', '--all', '--json'], fresh, contributor);
    expect(alone.exitCode, alone.stderr + alone.stdout).toBe(0);
    const packages = asJson<RestoreReport>(alone).packages;
    expect(packages.every((p) => p.servedBy === undefined && p.status === 'restored')).toBe(true);
    await expectSameFiles(join(packages.find((p) => p.id === `${TABLES}/assets.json`)!.locate!, TABLES), upstream, report.commit!, `python/${TABLES}`);
    forkDaemon = await startGitDaemon(forkRoot);
  });

  it('a fork that lacks the pinned commit (forks do not follow new tags) still gets a complete push', async () => {
    const repo = upstream;
    const newer = await commitFiles(repo, { [`python/${QUEUE}/tests/recordings/test_q.json`]: rec('q', 'upstream-2'), [`python/${QUEUE}/tests/recordings/test_r.json`]: rec('r', '2') }, { branch: 'auto/queue' });
    const newerTag = `python/storage/azure-storage-queue_${newer.slice(0, 10)}`;
    await tagCommit(repo, newerTag, newer);
    const dev = join(await makeTempDir('stale-fork-'), 'dev');
    await mkdir(join(dev, QUEUE), { recursive: true });
    await git(['init', '--quiet', '-b', 'main', dev]);
    await writeFile(join(dev, QUEUE, 'assets.json'), tagAssetsJson('python', 'python/storage/azure-storage-queue', newerTag));
    expect((await cli(['restore', QUEUE], dev, contributor)).exitCode).toBe(0);
    const root = (await cli(['locate', QUEUE], dev, contributor)).stdout.trim();
    await writeFile(join(root, QUEUE, 'tests/recordings/test_q.json'), rec('q', 'contributor-2'));
    const pushed = await cli(['push', QUEUE, '--json'], dev, { ...contributor, ASSET_SYNC_FORK: forkDaemon.url(FORK) });
    expect(pushed.exitCode, pushed.stderr + pushed.stdout).toBe(0);
    const report = asJson<PushReport>(pushed);
    expect(report.fork).toBe(forkDaemon.url(FORK));
    expect(await git(['--git-dir', fork, 'rev-parse', `refs/tags/${report.pin}`])).toBe(report.commit);
    // The fork got the parent's objects too: the tag's whole history is there.
    expect(await git(['--git-dir', fork, 'fsck', '--connectivity-only', '--no-dangling'])).toBe('');
    expect(await git(['--git-dir', fork, 'show', `${report.commit}:python/${QUEUE}/tests/recordings/test_r.json`])).toBe(rec('r', '2').trimEnd());
  });

  it('verify-pins asks the assets repo about SHA pins and empty pins too', async () => {
    const c1 = await git(['--git-dir', upstream, 'rev-parse', `refs/tags/${tablesTag}^{commit}`]);
    const branchJson = (sha: string): string => `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', AssetsRepoId: '', AssetsRepoBranch: 'auto/x', SHA: sha }, null, 2)}\n`;
    const dev = join(await makeTempDir('verify-'), 'dev');
    await git(['init', '--quiet', '-b', 'main', dev]);
    const files: Record<string, string> = {
      'sdk/a/azure-a/assets.json': branchJson(c1),
      'sdk/b/azure-b/assets.json': branchJson('0123456789abcdef0123456789abcdef01234567'),
      'sdk/c/azure-c/assets.json': tagAssetsJson('python', 'python/c/azure-c', ''),
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dev, path, '..'), { recursive: true });
      await writeFile(join(dev, path), content);
    }
    const result = await cli(['verify-pins', '--all', '--json'], dev, contributor);
    expect(result.exitCode).toBe(1);
    expect(asJson<VerifyPinsReport>(result).pins.map((p) => [p.id, p.onUpstream])).toEqual([
      ['sdk/a/azure-a/assets.json', true],
      ['sdk/b/azure-b/assets.json', false],
      ['sdk/c/azure-c/assets.json', true],
    ]);
  });

  it('adopt refuses a tag the fork has at another commit than the assets repo', async () => {
    // The fork moved an existing upstream tag to a commit of its own.
    const other = await commitFiles(fork, { [`python/${QUEUE}/tests/recordings/test_q.json`]: rec('q', 'forged') }, { branch: 'forged' });
    await tagCommit(fork, queueTag, other, { force: true });
    try {
      const lang = await pullRequest();
      const maint = await lang.clone('maintainer2');
      const result = await cli(['adopt', QUEUE, '--from', FORK, '--json'], maint, maintainer);
      expect(result.exitCode).toBe(1);
      const report = asJson<AdoptReport>(result);
      expect(report.tags).toEqual([expect.objectContaining({ tag: queueTag, action: 'conflict', commit: other })]);
      // The assets repo's tag did not move.
      expect(await git(['--git-dir', upstream, 'rev-parse', `refs/tags/${queueTag}`])).not.toBe(other);
    } finally {
      await tagCommit(fork, queueTag, await git(['--git-dir', upstream, 'rev-parse', `refs/tags/${queueTag}`]), { force: true });
    }
  });
});
