import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, listFilesAt, readFilesInDir, tagCommit } from '@asset-sync/git-harness';
import {
  ASSETS_REPO,
  asJson,
  buildProductionWorld,
  cli,
  ensureBareRepo,
  expectSameFiles,
  languageRepo,
  startServer,
  tagAssetsJson,
  worldLanguageRepo,
  type Server,
  type WorldPackage,
} from './helpers.js';
import type { RestoreReport as Report } from '@asset-sync/executor';


const RECORDINGS = (pkg: string): string => `${pkg}/tests/recordings`;

/** Every file below a folder: path -> [inode, mtime], to tell which were rewritten. */
function stamps(dir: string, prefix = ''): Map<string, [number, number]> {
  const found = new Map<string, [number, number]>();
  const visit = (rel: string): void => {
    const abs = join(dir, rel);
    const info = statSync(abs);
    if (info.isDirectory()) {
      for (const name of readdirSync(abs)) if (name !== '.git') visit(rel ? `${rel}/${name}` : name);
    } else found.set(`${prefix}${rel}`, [info.ino, info.mtimeMs]);
  };
  visit('');
  return found;
}

describe('one checkout per assets repo, on a production-shaped assets repo', () => {
  let server: Server;
  let repo: string;
  let world: WorldPackage[];

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    world = await buildProductionWorld(repo, { packages: 55, pushes: 3 });
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  // A fifth of the pins are older pushes (hotfix branches): no two packages share a pinned commit.
  const pinOf = (i: number): number => (i % 5 === 0 ? 0 : 2);

  it('restores 55 packages on 55 distinct commits into one checkout, byte for byte, in one fetch for pins and one for contents', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, pinOf));
    server.daemon.clearLog();
    const result = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = asJson<Report>(result);
    expect(new Set(report.packages.map((p) => p.commit)).size).toBe(55);
    expect(report.checkouts).toEqual([{ dir: ASSETS_REPO, assetsRepo: ASSETS_REPO, action: 'created', packages: 55, changing: 55 }]);
    expect(report.network).toMatchObject({ pinFetches: 1, objectFetches: 1 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(2);
    // One worktree in the store, whatever the number of pins.
    const store = join(lang, '.assets/.store', `${ASSETS_REPO}.git`);
    expect((await git(['--git-dir', store, 'worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length).toBe(2);
    expect((await readdir(join(lang, '.assets', ASSETS_REPO))).sort()).toEqual(['.git', 'python']);
    const checkout = join(lang, '.assets', ASSETS_REPO);
    for (const [i, w] of world.entries()) {
      await expectSameFiles(join(checkout, 'python', w.packagePath), repo, w.pushes[pinOf(i)]!.commit, `python/${w.packagePath}`);
    }
    // Exactly the restored folders: nothing of main (eng/, .gitignore), nothing else.
    const onDisk = await readFilesInDir(checkout, { exclude: ['.git'] });
    expect(onDisk.size).toBe(55 * 3);
  });

  it('after one pin changes, rewrites only that package and leaves every other file untouched', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, pinOf));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const checkout = join(lang, '.assets', ASSETS_REPO);
    const before = stamps(checkout);
    const moved = world[7]!;
    await writeFile(join(lang, moved.packagePath, 'assets.json'), tagAssetsJson('python', moved.tagPrefix, moved.pushes[1]!.tag));
    const result = asJson<Report>(await cli(['restore', '--all', '--json'], lang, server.env));
    expect(result.checkouts).toEqual([{ dir: ASSETS_REPO, assetsRepo: ASSETS_REPO, action: 'updated', packages: 55, changing: 1 }]);
    expect(result.packages.filter((p) => p.status === 'restored').map((p) => p.id)).toEqual([`${moved.packagePath}/assets.json`]);
    await expectSameFiles(join(checkout, 'python', moved.packagePath), repo, moved.pushes[1]!.commit, `python/${moved.packagePath}`);
    const after = stamps(checkout);
    const rewritten = [...after].filter(([file, stamp]) => {
      const old = before.get(file);
      return !old || old[0] !== stamp[0] || old[1] !== stamp[1];
    }).map(([file]) => file);
    // Push 2 (the old pin) re-recorded test_2 only, so going back to push 1 rewrites that file alone.
    expect(rewritten).toEqual([`python/${RECORDINGS(moved.packagePath)}/test_2.json`]);
  });

  it('refuses only the package whose pin moved under pending changes; another package moved in the same run', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, pinOf));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const [a, b] = [world[1]!, world[2]!];
    const root = (await cli(['locate', a.packagePath], lang, server.env)).stdout.trim();
    const edited = join(root, RECORDINGS(a.packagePath), 'test_0.json');
    await writeFile(edited, 're-recorded\n');
    for (const w of [a, b]) await writeFile(join(lang, w.packagePath, 'assets.json'), tagAssetsJson('python', w.tagPrefix, w.pushes[0]!.tag));
    const result = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(result.exitCode).toBe(1);
    const report = asJson<Report>(result);
    const byId = Object.fromEntries(report.packages.map((p) => [p.id, p]));
    expect(byId[`${a.packagePath}/assets.json`]).toMatchObject({ status: 'failed', error: { code: 'PENDING_CHANGES' } });
    expect(byId[`${a.packagePath}/assets.json`]!.error!.message).toContain(`python/${RECORDINGS(a.packagePath)}/test_0.json`);
    expect(byId[`${b.packagePath}/assets.json`]!.status).toBe('restored');
    expect(report.packages.filter((p) => p.status === 'failed')).toHaveLength(1);
    expect(await readFile(edited, 'utf8')).toBe('re-recorded\n');
    await expectSameFiles(join(root, b.packagePath), repo, b.pushes[0]!.commit, `python/${b.packagePath}`);
    // Refused again next time: the record still says where it really is.
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(1);
  });

  it('prints the same locate path before and after push, reset, a pin change and a restore of another package; an open process sees the pushed files', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, pinOf));
    const env = { ...server.env, GIT_COMMIT_OWNER: 'Test', GIT_COMMIT_EMAIL: 'test@example.com' };
    const [a, b, c] = [world[3]!, world[4]!, world[6]!];
    expect((await cli(['restore', a.packagePath], lang, env)).exitCode).toBe(0);
    const located = (await cli(['locate', a.packagePath], lang, env)).stdout.trim();
    const expectSame = async (step: string): Promise<void> => {
      for (const w of [a, b, c]) {
        const now = await cli(['locate', w.packagePath], lang, env);
        if (now.exitCode === 0) expect(now.stdout.trim(), `${step}: ${w.packagePath}`).toBe(located);
      }
      expect(existsSync(join(located, RECORDINGS(a.packagePath))), step).toBe(true);
    };
    // A process started in the recordings folder, as a test-proxy or a _recordings symlink would be.
    const watcher = spawn(process.execPath, ['-e', "process.stdin.on('data', () => process.stdout.write(require('fs').readFileSync('test_0.json', 'utf8')))"], { cwd: join(located, RECORDINGS(a.packagePath)) });
    const readThroughWatcher = (): Promise<string> => new Promise((resolve) => { watcher.stdout.once('data', (d: Buffer) => resolve(d.toString())); watcher.stdin.write('\n'); });
    try {
      await writeFile(join(located, RECORDINGS(a.packagePath), 'test_0.json'), '{"re-recorded":true}\n');
      const pushed = await cli(['push', a.packagePath], lang, env);
      expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0);
      await expectSame('push');
      expect(await readThroughWatcher()).toBe('{"re-recorded":true}\n');
      expect((await cli(['status', a.packagePath, '--json'], lang, env)).stdout).not.toContain('"pending"');

      expect((await cli(['restore', b.packagePath], lang, env)).exitCode).toBe(0);
      await expectSame('restore of another package');
      await writeFile(join(located, RECORDINGS(b.packagePath), 'test_1.json'), 'scratch\n');
      expect((await cli(['reset', b.packagePath, '--yes'], lang, env)).exitCode).toBe(0);
      await expectSame('reset');
      await writeFile(join(lang, b.packagePath, 'assets.json'), tagAssetsJson('python', b.tagPrefix, b.pushes[1]!.tag));
      expect((await cli(['restore', b.packagePath], lang, env)).exitCode).toBe(0);
      await expectSame('pin change');
      await expectSameFiles(join(located, b.packagePath), repo, b.pushes[1]!.commit, `python/${b.packagePath}`);
      expect((await cli(['restore', '--all'], lang, env)).exitCode).toBe(0);
      await expectSame('restore --all');
      expect(await readThroughWatcher()).toBe('{"re-recorded":true}\n');
    } finally {
      watcher.kill();
    }
  });

  it('removes with --all the folders no assets.json names any more, but keeps those with pending changes', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, pinOf));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const root = (await cli(['locate', world[0]!.packagePath], lang, server.env)).stdout.trim();
    const [gone, kept] = [world[10]!, world[11]!];
    await writeFile(join(root, RECORDINGS(kept.packagePath), 'new.json'), 'mine\n');
    for (const w of [gone, kept]) await rm(join(lang, w.packagePath, 'assets.json'));
    // A subset restore leaves them alone.
    expect((await cli(['restore', world[0]!.packagePath], lang, server.env)).exitCode).toBe(0);
    expect(existsSync(join(root, gone.packagePath))).toBe(true);
    const report = asJson<Report>(await cli(['restore', '--all', '--json'], lang, server.env));
    const byId = Object.fromEntries(report.packages.map((p) => [p.id, p.status]));
    expect(byId[`${gone.packagePath}/assets.json`]).toBe('removed');
    expect(byId[`${kept.packagePath}/assets.json`]).toBe('pending-kept');
    expect(existsSync(join(root, gone.packagePath))).toBe(false);
    expect(await readFile(join(root, RECORDINGS(kept.packagePath), 'new.json'), 'utf8')).toBe('mine\n');
  });

  it('sees deleted, edited and added files on the no-op check, through ignore rules too, and repairs broken metadata', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, pinOf));
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const w = world[12]!;
    const root = (await cli(['locate', w.packagePath], lang, server.env)).stdout.trim();
    const dir = join(root, RECORDINGS(w.packagePath));
    await rm(join(dir, 'test_0.json'));
    await writeFile(join(dir, 'test_1.json'), 'edited\n');
    // Paths the assets repo's .gitignore template would hide: still recordings.
    await mkdir(join(dir, 'TestResults'), { recursive: true });
    await writeFile(join(dir, 'TestResults', 'run.log'), 'added\n');
    await writeFile(join(root, w.packagePath, '.gitignore'), '*\n');
    const status = asJson<Array<{ pending?: Record<string, string[]> }>>(await cli(['status', w.packagePath, '--json'], lang, server.env))[0]!;
    const p = `python/${w.packagePath}`;
    expect(status.pending).toEqual({ added: [`${p}/.gitignore`, `${p}/tests/recordings/TestResults/run.log`], modified: [`${p}/tests/recordings/test_1.json`], deleted: [`${p}/tests/recordings/test_0.json`] });
    const again = asJson<Report>(await cli(['restore', '--all', '--json'], lang, server.env));
    expect(again.packages.find((x) => x.id === `${w.packagePath}/assets.json`)!.status).toBe('pending-kept');

    await rm(join(lang, '.assets', ASSETS_REPO, '.git'));
    const repaired = asJson<Report>(await cli(['restore', '--all', '--json'], lang, server.env));
    expect(repaired.ok).toBe(true);
    // The metadata is rebuilt around the files: the changes are still pending, nothing else is.
    const after = asJson<Array<{ id: string; pending?: unknown }>>(await cli(['status', '--all', '--json'], lang, server.env));
    expect(after.filter((s) => s.pending).map((s) => s.id)).toEqual([`${w.packagePath}/assets.json`]);
  });
});

describe('nested packages and the upgrade from per-commit checkouts', () => {
  let server: Server;
  let repo: string;
  let service: string;
  let blob: string;

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    const S = 'python/sdk/storage';
    // The service-level pin holds the shared folder and an old copy of the blob package's folder.
    service = await commitFiles(repo, { [`${S}/common/shared.json`]: 's1\n', [`${S}/azure-storage-blob/tests/recordings/old.json`]: 'old copy\n', [`${S}/azure-storage-blob/tests/recordings/a.json`]: 'a1\n' }, { branch: 'chain/s', date: 1_700_000_000 });
    blob = await commitFiles(repo, { [`${S}/azure-storage-blob/tests/recordings/a.json`]: 'a2\n', [`${S}/azure-storage-blob/tests/recordings/old.json`]: null, [`${S}/azure-storage-blob/tests/recordings/b.json`]: 'b2\n' }, { branch: 'chain/b', parent: service, date: 1_700_000_100 });
    await tagCommit(repo, `python/storage_${service.slice(0, 10)}`, service);
    await tagCommit(repo, `python/storage/azure-storage-blob_${blob.slice(0, 10)}`, blob);
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  const files = (): Record<string, string> => ({
    'sdk/storage/assets.json': tagAssetsJson('python', 'python/storage', `python/storage_${service.slice(0, 10)}`),
    'sdk/storage/azure-storage-blob/assets.json': tagAssetsJson('python', 'python/storage/azure-storage-blob', `python/storage/azure-storage-blob_${blob.slice(0, 10)}`),
  });

  async function expectNested(lang: string): Promise<void> {
    const root = join(lang, '.assets', ASSETS_REPO, 'python');
    await expectSameFiles(join(root, 'sdk/storage/azure-storage-blob'), repo, blob, 'python/sdk/storage/azure-storage-blob');
    await expectSameFiles(join(root, 'sdk/storage'), repo, service, 'python/sdk/storage', ['azure-storage-blob']);
    expect(existsSync(join(root, 'sdk/storage/azure-storage-blob/tests/recordings/old.json'))).toBe(false);
  }

  for (const order of [['--all'], ['sdk/storage', 'sdk/storage/azure-storage-blob'], ['sdk/storage/azure-storage-blob', 'sdk/storage']]) {
    it(`gives the inner pin its folder and the outer pin the rest (restore ${order.join(' then ')})`, async () => {
      const lang = await languageRepo(files());
      for (const step of order) {
        const result = await cli(['restore', step], lang, server.env);
        expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      }
      await expectNested(lang);
      const status = asJson<Array<{ id: string; pending?: unknown }>>(await cli(['status', '--all', '--json'], lang, server.env));
      expect(status.every((s) => s.pending === undefined), JSON.stringify(status)).toBe(true);
    });
  }

  it('converts a previous release\'s per-commit checkouts on the first run, carrying a pending change', async () => {
    const lang = await languageRepo(files());
    // Build the old layout: a store, a worktree per commit at <owner>/<name>/<hash>, a version 1 record.
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const assets = join(lang, '.assets');
    const store = join(assets, '.store', `${ASSETS_REPO}.git`);
    await git(['--git-dir', store, 'worktree', 'remove', '--force', join(assets, ASSETS_REPO)]);
    await rm(join(assets, ASSETS_REPO), { recursive: true, force: true });
    const oldDirs = { [service]: `${ASSETS_REPO}/${service.slice(0, 12)}`, [blob]: `${ASSETS_REPO}/${blob.slice(0, 12)}` };
    for (const [commit, dir] of Object.entries(oldDirs)) await git(['--git-dir', store, 'worktree', 'add', '--detach', join(assets, dir), commit]);
    const request = (path: string, commit: string, tag: string, excludes: string[] = []) => ({ assetsRepo: ASSETS_REPO, pin: { kind: 'tag', tag }, commit, path, prefix: 'python', checkout: oldDirs[commit], excludes });
    const v1 = {
      version: 1,
      layout: 'shared',
      checkouts: Object.fromEntries(Object.entries(oldDirs).map(([commit, dir]) => [dir, { assetsRepo: ASSETS_REPO, commit, paths: ['python/sdk/storage'], status: 'complete' }])),
      requests: {
        'sdk/storage/assets.json': request('python/sdk/storage', service, `python/storage_${service.slice(0, 10)}`, ['python/sdk/storage/azure-storage-blob']),
        'sdk/storage/azure-storage-blob/assets.json': request('python/sdk/storage/azure-storage-blob', blob, `python/storage/azure-storage-blob_${blob.slice(0, 10)}`),
      },
      ancestry: {},
    };
    await writeFile(join(assets, '.asset-sync', 'state.json'), JSON.stringify(v1));
    // An unpushed re-recording in the old blob checkout.
    await writeFile(join(assets, oldDirs[blob]!, 'python/sdk/storage/azure-storage-blob/tests/recordings/a.json'), 'mine\n');

    const result = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = asJson<Report>(result);
    expect(report.packages.find((p) => p.id === 'sdk/storage/azure-storage-blob/assets.json')!.status).toBe('pending-kept');
    const root = join(assets, ASSETS_REPO, 'python');
    expect(await readFile(join(root, 'sdk/storage/azure-storage-blob/tests/recordings/a.json'), 'utf8')).toBe('mine\n');
    expect(await readFile(join(root, 'sdk/storage/azure-storage-blob/tests/recordings/b.json'), 'utf8')).toBe('b2\n');
    // The old per-commit folders and their worktrees are gone.
    for (const dir of Object.values(oldDirs)) expect(existsSync(join(assets, dir))).toBe(false);
    const worktrees = (await git(['--git-dir', store, 'worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree '));
    expect(worktrees).toEqual([`worktree ${store}`, `worktree ${join(assets, ASSETS_REPO)}`]);
    const common = await listFilesAt(repo, service, 'python/sdk/storage/common');
    expect(await readFile(join(root, 'sdk/storage/common/shared.json'))).toEqual(common.get('shared.json'));
  });
});
