import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorReport, RestoreReport } from '@asset-sync/executor';
import { commitFiles, git, makeTempDir, tagCommit } from '@asset-sync/git-harness';
import {
  ASSETS_REPO,
  asJson,
  cli,
  ensureBareRepo,
  expectSameFiles,
  languageRepo,
  startCli,
  startServer,
  tagAssetsJson,
  type Server,
} from './helpers.js';

const rec = (name: string, body: string): string => `{"Entries":[{"RequestUri":"https://fake.table.core.windows.net/${name}","Body":"${body}"}],"Variables":{}}\n`;
const PY = 'python/sdk';

/**
 * History of the assets repo used here (all on main):
 *   c1: tables a,b; storage-blob x; keyvault k
 *   c2: storage-blob x changed and y added; storage-queue q added
 *   c3: keyvault k changed
 *   c4: tables a changed
 */
interface History {
  c1: string;
  c2: string;
  c3: string;
  c4: string;
}

async function buildHistory(server: Server): Promise<History> {
  const repo = await ensureBareRepo(server);
  const c1 = await commitFiles(repo, {
    [`${PY}/tables/azure-data-tables/tests/recordings/test_a.pyTestTabletest_a.json`]: rec('a', '1'),
    [`${PY}/tables/azure-data-tables/tests/recordings/test_b.pyTestTabletest_b.json`]: rec('b', '1'),
    [`${PY}/storage/azure-storage-blob/tests/recordings/test_x.pyTestBlobtest_x.json`]: rec('x', '1'),
    [`${PY}/keyvault/azure-keyvault-keys/tests/recordings/test_k.pyTestKeystest_k.json`]: rec('k', '1'),
  }, { date: 1_700_000_000 });
  const c2 = await commitFiles(repo, {
    [`${PY}/storage/azure-storage-blob/tests/recordings/test_x.pyTestBlobtest_x.json`]: rec('x', '2'),
    [`${PY}/storage/azure-storage-blob/tests/recordings/test_y.pyTestBlobtest_y.json`]: '',
    [`${PY}/storage/azure-storage-queue/tests/recordings/test_q.pyTestQueuetest_q.json`]: rec('q', '1'),
  }, { date: 1_700_000_100 });
  const c3 = await commitFiles(repo, { [`${PY}/keyvault/azure-keyvault-keys/tests/recordings/test_k.pyTestKeystest_k.json`]: rec('k', '3') }, { date: 1_700_000_200 });
  const c4 = await commitFiles(repo, { [`${PY}/tables/azure-data-tables/tests/recordings/test_a.pyTestTabletest_a.json`]: rec('a', '4') }, { date: 1_700_000_300 });
  // main stays at c3 so an empty pin means c3; c4 is reachable only through its tag.
  await git(['--git-dir', repo, 'update-ref', 'refs/heads/main', c3]);
  await tagCommit(repo, `python/tables/azure-data-tables_${c1.slice(0, 10)}`, c1);
  await tagCommit(repo, `python/tables/azure-data-tables_${c4.slice(0, 10)}`, c4);
  await tagCommit(repo, `python/storage/azure-storage-blob_${c1.slice(0, 10)}`, c1);
  await tagCommit(repo, `python/keyvault/azure-keyvault-keys_${c3.slice(0, 10)}`, c3);
  return { c1, c2, c3, c4 };
}

function mixedLanguageRepo(h: History): Record<string, string> {
  return {
    'README.md': '# azure-sdk-for-python (sample)\n',
    'sdk/tables/azure-data-tables/assets.json': tagAssetsJson('python', 'python/tables/azure-data-tables', `python/tables/azure-data-tables_${h.c1.slice(0, 10)}`),
    'sdk/tables/azure-data-tables/tests/test_a.py': 'def test_a(): pass\n',
    // Pinned before its recordings changed: must not be served from a later commit.
    'sdk/storage/azure-storage-blob/assets.json': tagAssetsJson('python', 'python/storage/azure-storage-blob', `python/storage/azure-storage-blob_${h.c1.slice(0, 10)}`),
    // The 2022 dialect, pinned by SHA.
    'sdk/storage/azure-storage-queue/assets.json': `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', AssetsRepoId: '', AssetsRepoBranch: 'auto/storage', SHA: h.c2 }, null, 2)}\n`,
    'sdk/keyvault/azure-keyvault-keys/assets.json': tagAssetsJson('python', 'python/keyvault/azure-keyvault-keys', `python/keyvault/azure-keyvault-keys_${h.c3.slice(0, 10)}`),
    // Nothing pushed yet: the head of main, and an empty folder to record into.
    'sdk/newservice/azure-newservice/assets.json': tagAssetsJson('python', 'python/newservice/azure-newservice', ''),
  };
}

describe('restore', () => {
  let server: Server;
  let h: History;

  beforeAll(async () => {
    server = await startServer();
    h = await buildHistory(server);
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  it('restores every package with mixed pins in one pass, with exactly the pinned bytes', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    server.daemon.clearLog();
    const result = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = asJson<RestoreReport>(result);
    expect(report.packages.map((p) => [p.id, p.status])).toEqual([
      ['sdk/keyvault/azure-keyvault-keys/assets.json', 'restored'],
      ['sdk/newservice/azure-newservice/assets.json', 'restored'],
      ['sdk/storage/azure-storage-blob/assets.json', 'restored'],
      ['sdk/storage/azure-storage-queue/assets.json', 'restored'],
      ['sdk/tables/azure-data-tables/assets.json', 'restored'],
    ]);
    // One fetch for the pins and one for the file contents, whatever the number of packages.
    expect(report.network.pinFetches).toBe(1);
    expect(report.network.objectFetches).toBe(1);
    expect(await server.daemon.countRequests('upload-pack')).toBe(2);

    const pins: Record<string, string> = {
      'sdk/tables/azure-data-tables': h.c1,
      'sdk/storage/azure-storage-blob': h.c1,
      'sdk/storage/azure-storage-queue': h.c2,
      'sdk/keyvault/azure-keyvault-keys': h.c3,
      'sdk/newservice/azure-newservice': h.c3,
    };
    for (const [pkg, commit] of Object.entries(pins)) {
      const located = await cli(['locate', pkg], lang, server.env);
      expect(located.exitCode, located.stderr).toBe(0);
      const dir = join(located.stdout.trim(), pkg);
      await expectSameFiles(dir, server.repoPath(), commit, `python/${pkg}`);
    }
    // The empty pin still gets its (empty) folder, so recording can start.
    const newDir = join((await cli(['locate', 'sdk/newservice/azure-newservice'], lang, server.env)).stdout.trim(), 'sdk/newservice/azure-newservice');
    expect(await readdir(newDir)).toEqual([]);
  });

  it('plans one checkout for the assets repo, each package folder at its own pin, and changes nothing', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    const result = await cli(['plan', '--all', '--json'], lang, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = asJson<RestoreReport['plan']>(result);
    // Four distinct pinned commits (c1, c1, c2, c3 and main = c3), one checkout.
    expect(plan.checkouts.map((c) => [c.dir, c.action])).toEqual([[ASSETS_REPO, 'create']]);
    const grafts = Object.fromEntries(plan.checkouts[0]!.grafts.map((g) => [g.id, g.tree]));
    const treeAt = async (commit: string, path: string): Promise<string> => git(['--git-dir', server.repoPath(), 'rev-parse', `${commit}:${path}`]);
    // The blob package pinned at c1 gets c1's folder, although c2 changed it: never a neighbour's copy.
    expect(grafts['sdk/storage/azure-storage-blob/assets.json']).toBe(await treeAt(h.c1, `${PY}/storage/azure-storage-blob`));
    expect(grafts['sdk/storage/azure-storage-queue/assets.json']).toBe(await treeAt(h.c2, `${PY}/storage/azure-storage-queue`));
    expect(grafts['sdk/newservice/azure-newservice/assets.json']).toBeNull();
    expect(plan.packages.map((p) => p.action)).toEqual(['add', 'add', 'add', 'add', 'add']);
    expect(plan.packages.find((p) => p.id.startsWith('sdk/storage/azure-storage-blob'))!.why).toContain(h.c1.slice(0, 10));
    // plan changes no checkout.
    expect(existsSync(join(lang, '.assets', ASSETS_REPO))).toBe(false);
  });

  it('restores the package governing a nested directory, and only that one', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    const nested = join(lang, 'sdk/tables/azure-data-tables/tests/deeper');
    await mkdir(nested, { recursive: true });
    const result = await cli(['restore', '--json'], nested, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = asJson<RestoreReport>(result);
    expect(report.packages.map((p) => p.id)).toEqual(['sdk/tables/azure-data-tables/assets.json']);
    const located = await cli(['locate'], nested, server.env);
    expect(located.exitCode).toBe(0);
    await expectSameFiles(join(located.stdout.trim(), 'sdk/tables/azure-data-tables'), server.repoPath(), h.c1, 'python/sdk/tables/azure-data-tables');
    const other = await cli(['locate', 'sdk/keyvault/azure-keyvault-keys'], lang, server.env);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain('is not restored');
    expect(other.stderr).toContain('hint: Run: asset-sync restore sdk/keyvault/azure-keyvault-keys');
  });

  it('a second restore with nothing changed does no network I/O', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    server.daemon.clearLog();
    const again = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(again.exitCode).toBe(0);
    const report = asJson<RestoreReport>(again);
    expect(report.packages.every((p) => p.status === 'up-to-date')).toBe(true);
    expect(report.network).toMatchObject({ pinFetches: 0, objectFetches: 0 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
  });

  it('--filter restores a subset in the same single pass', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    const result = await cli(['restore', '--all', '--filter', 'sdk/storage/**', '--json'], lang, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = asJson<RestoreReport>(result);
    expect(report.packages.map((p) => p.id)).toEqual(['sdk/storage/azure-storage-blob/assets.json', 'sdk/storage/azure-storage-queue/assets.json']);
    expect(report.network.pinFetches).toBe(1);
  });

  it('fails only the packages with bad input, with file, field and hint, and restores the rest', async () => {
    const files = {
      ...mixedLanguageRepo(h),
      'asset-sync.yaml': 'remotes:\n  Azure/unreachable-assets: git://127.0.0.1:9/unreachable.git\n',
      'sdk/bad/invalid-json/assets.json': '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "Tag": \n',
      'sdk/bad/no-repo/assets.json': JSON.stringify({ AssetsRepoPrefixPath: 'python', TagPrefix: 'python/bad', Tag: 'python/bad_0123456789' }),
      'sdk/bad/missing-pin/assets.json': tagAssetsJson('python', 'python/bad/missing-pin', 'python/bad/missing-pin_0123456789'),
      'sdk/bad/unreachable/assets.json': tagAssetsJson('python', 'python/bad/unreachable', 'python/bad/unreachable_0123456789', 'Azure/unreachable-assets'),
      'sdk/bad/traversal/assets.json': tagAssetsJson('../../../etc', 'python/bad/traversal', 'python/bad/traversal_0123456789'),
      'sdk/bad/dash-ref/assets.json': tagAssetsJson('python', 'python/bad/dash', '--upload-pack=touch /tmp/asset-sync-pwned'),
    };
    const lang = await languageRepo(files);
    const result = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(result.exitCode).toBe(1);
    const report = asJson<RestoreReport>(result);
    const status = Object.fromEntries(report.packages.map((p) => [p.id, p]));
    for (const good of ['sdk/tables/azure-data-tables', 'sdk/storage/azure-storage-blob', 'sdk/keyvault/azure-keyvault-keys']) {
      expect(status[`${good}/assets.json`]!.status, JSON.stringify(status[`${good}/assets.json`])).toBe('restored');
    }
    const error = (pkg: string): ErrorReport => status[`sdk/bad/${pkg}/assets.json`]!.error!;
    expect(error('invalid-json').code).toBe('ASSETS_JSON_INVALID');
    expect(error('invalid-json').message).toMatch(/^sdk\/bad\/invalid-json\/assets\.json:\d+:\d+: /);
    expect(error('no-repo').message).toContain('sdk/bad/no-repo/assets.json: "AssetsRepo"');
    expect(error('missing-pin').code).toBe('PIN_NOT_FOUND');
    expect(error('missing-pin').message).toContain('python/bad/missing-pin_0123456789');
    expect(error('missing-pin').hint).toBe('Check the pin in assets.json; if it was pushed from another machine, make sure that push finished.');
    expect(error('unreachable').code).toBe('REMOTE_UNREACHABLE');
    expect(error('unreachable').hint).toBe('Check the network and the remote URL (asset-sync config show); set GIT_TOKEN for private https remotes.');
    expect(error('traversal').message).toContain('"AssetsRepoPrefixPath"');
    expect(error('traversal').message).toContain('..');
    expect(error('dash-ref').message).toContain('"Tag"');
    expect(existsSync('/tmp/asset-sync-pwned')).toBe(false);
    // Every failure is listed in the text output too, with its hint.
    const text = await cli(['restore', '--all'], lang, server.env);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('failed (6):');
    expect(text.stdout).toContain('sdk/bad/unreachable/assets.json');
    expect(text.stdout).toContain('hint:');
  });

  it('never replaces pending local changes without --force, and --force does', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const pkg = 'sdk/tables/azure-data-tables';
    const root = (await cli(['locate', pkg], lang, server.env)).stdout.trim();
    const recording = join(root, pkg, 'tests/recordings/test_a.pyTestTabletest_a.json');
    await writeFile(recording, 're-recorded\n');
    await writeFile(join(root, pkg, 'tests/recordings/test_new.json'), 'new\n');

    // Pin unchanged: the changes are kept and reported.
    const kept = asJson<RestoreReport>(await cli(['restore', '--all', '--json'], lang, server.env));
    expect(kept.packages.find((p) => p.id === `${pkg}/assets.json`)!.status).toBe('pending-kept');
    const status = await cli(['status', pkg, '--json'], lang, server.env);
    expect(asJson<Array<{ pending?: { modified: string[]; added: string[] } }>>(status)[0]!.pending).toEqual({
      added: [`python/${pkg}/tests/recordings/test_new.json`],
      modified: [`python/${pkg}/tests/recordings/test_a.pyTestTabletest_a.json`],
      deleted: [],
    });

    // Pin moved (a pull brought a newer Tag): restore would replace them, so it refuses.
    await writeFile(join(lang, pkg, 'assets.json'), tagAssetsJson('python', 'python/tables/azure-data-tables', `python/tables/azure-data-tables_${h.c4.slice(0, 10)}`));
    const refused = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(refused.exitCode).toBe(1);
    const failed = asJson<RestoreReport>(refused).packages.find((p) => p.id === `${pkg}/assets.json`)!;
    expect(failed.error!.code).toBe('PENDING_CHANGES');
    expect(failed.error!.message).toContain('test_a.pyTestTabletest_a.json');
    expect(failed.error!.hint).toContain('--force');
    expect(await readFile(recording, 'utf8')).toBe('re-recorded\n');
    // The others were restored all the same.
    expect(asJson<RestoreReport>(refused).packages.filter((p) => p.status === 'failed')).toHaveLength(1);

    const forced = await cli(['restore', '--all', '--force'], lang, server.env);
    expect(forced.exitCode, forced.stdout + forced.stderr).toBe(0);
    const newRoot = (await cli(['locate', pkg], lang, server.env)).stdout.trim();
    await expectSameFiles(join(newRoot, pkg), server.repoPath(), h.c4, `python/${pkg}`);
  });

  it('notices a deleted, unlinked or moved checkout and repairs it', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const pkg = 'sdk/keyvault/azure-keyvault-keys';
    const root = (await cli(['locate', pkg], lang, server.env)).stdout.trim();
    // locate prints <checkout>/<prefix>; the checkout itself is one level up.
    const checkout = join(root, '..');

    await rm(checkout, { recursive: true, force: true });
    expect((await cli(['locate', pkg], lang, server.env)).exitCode).toBe(1);
    const repaired = asJson<RestoreReport>(await cli(['restore', '--all', '--json'], lang, server.env));
    expect(repaired.ok).toBe(true);
    expect(repaired.checkouts.find((c) => checkout.endsWith(c.dir))!.action).toMatch(/created|repaired/);
    await expectSameFiles(join(root, pkg), server.repoPath(), h.c3, `python/${pkg}`);

    await rm(join(checkout, '.git'));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    await expectSameFiles(join(root, pkg), server.repoPath(), h.c3, `python/${pkg}`);

    await git(['checkout', '--quiet', '--detach', h.c1], { cwd: checkout });
    expect((await cli(['locate', pkg], lang, server.env)).exitCode).toBe(1);
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    await expectSameFiles(join(root, pkg), server.repoPath(), h.c3, `python/${pkg}`);
  });

  it('a killed restore leaves nothing a later run takes as complete, and the re-run finishes', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    for (const point of ['fetch-pins', 'fetch-objects', 'checkout']) {
      const killed = await cli(['restore', '--all'], lang, { ...server.env, ASSET_SYNC_CRASH_AFTER: point });
      expect(killed.signal, point).toBe('SIGKILL');
      const locate = await cli(['locate', 'sdk/tables/azure-data-tables'], lang, server.env);
      if (locate.exitCode === 0) {
        // Only a checkout that was completed and recorded may be reported, and then it is right.
        await expectSameFiles(join(locate.stdout.trim(), 'sdk/tables/azure-data-tables'), server.repoPath(), h.c1, 'python/sdk/tables/azure-data-tables');
      }
    }
    const rerun = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    for (const [pkg, commit] of [['sdk/tables/azure-data-tables', h.c1], ['sdk/storage/azure-storage-blob', h.c1], ['sdk/keyvault/azure-keyvault-keys', h.c3]] as const) {
      const root = (await cli(['locate', pkg], lang, server.env)).stdout.trim();
      await expectSameFiles(join(root, pkg), server.repoPath(), commit, `python/${pkg}`);
    }
  });

  it('two restores at once both end correct', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    const [a, b] = await Promise.all([startCli(['restore', '--all'], lang, server.env), startCli(['restore', '--all'], lang, server.env)]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    for (const [pkg, commit] of [['sdk/tables/azure-data-tables', h.c1], ['sdk/storage/azure-storage-blob', h.c1], ['sdk/storage/azure-storage-queue', h.c2]] as const) {
      const root = (await cli(['locate', pkg], lang, server.env)).stdout.trim();
      await expectSameFiles(join(root, pkg), server.repoPath(), commit, `python/${pkg}`);
    }
    const store = join(lang, '.assets/.store', `${ASSETS_REPO}.git`);
    await git(['--git-dir', store, 'fsck', '--connectivity-only', '--no-dangling']);
  });

  it('retries transient network failures with backoff, then succeeds', async () => {
    // A proxy in front of the daemon that drops the first two connections, as a flaky network would.
    let dropped = 0;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      sockets.add(client);
      if (dropped < 2) {
        dropped++;
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(server.daemon.port, '127.0.0.1');
      sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    try {
      const lang = await languageRepo(mixedLanguageRepo(h));
      const env = { ...server.env, ASSET_SYNC_REMOTE_URL_TEMPLATE: `git://127.0.0.1:${port}/{repo}.git`, ASSET_SYNC_NETWORK_ATTEMPTS: '3' };
      const result = await cli(['restore', '--all', '--json'], lang, env);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(dropped).toBe(2);
      expect(asJson<RestoreReport>(result).packages.every((p) => p.status === 'restored')).toBe(true);

      // With fewer attempts than failures, the error is clear and names the assets repo.
      dropped = 0;
      const other = await languageRepo(mixedLanguageRepo(h));
      const failed = await cli(['restore', '--all', '--json'], other, { ...env, ASSET_SYNC_NETWORK_ATTEMPTS: '2' });
      expect(failed.exitCode).toBe(1);
      const error = asJson<RestoreReport>(failed).packages[0]!.error!;
      expect(error.code).toMatch(/NETWORK|REMOTE_UNREACHABLE/);
      expect(error.message).toContain('git fetch');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('--layout test-proxy writes the folders and breadcrumbs the Azure test-proxy expects', async () => {
    const lang = await languageRepo(mixedLanguageRepo(h));
    const assetsDir = await makeTempDir('proxy-assets-');
    const result = await cli(['restore', '--all', '--layout', 'test-proxy'], lang, { ...server.env, PROXY_ASSETS_FOLDER: assetsDir });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const hashOf = (assetsJson: string): string =>
      [...createHash('sha1').update(`${ASSETS_REPO}${assetsJson}`, 'utf8').digest('base64')].filter((c) => /[A-Za-z0-9]/.test(c)).slice(0, 10).join('');
    const expected: Array<[string, string, string]> = [
      ['sdk/tables/azure-data-tables', h.c1, `python/tables/azure-data-tables_${h.c1.slice(0, 10)}`],
      ['sdk/storage/azure-storage-blob', h.c1, `python/storage/azure-storage-blob_${h.c1.slice(0, 10)}`],
      ['sdk/keyvault/azure-keyvault-keys', h.c3, `python/keyvault/azure-keyvault-keys_${h.c3.slice(0, 10)}`],
      ['sdk/storage/azure-storage-queue', h.c2, h.c2],
    ];
    for (const [pkg, commit, pin] of expected) {
      const hash = hashOf(`${pkg}/assets.json`);
      await expectSameFiles(join(assetsDir, hash, 'python', pkg), server.repoPath(), commit, `python/${pkg}`);
      expect(await readFile(join(assetsDir, 'breadcrumb', `${hash}.breadcrumb`), 'utf8')).toBe(`${pkg}/assets.json;${hash};${pin}\n`);
      const located = await cli(['locate', pkg, '--layout', 'test-proxy'], lang, { ...server.env, PROXY_ASSETS_FOLDER: assetsDir });
      expect(located.stdout.trim()).toBe(join(assetsDir, hash, 'python'));
    }
  });
});
