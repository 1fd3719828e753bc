import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TestProxy,
  TestProxyCrash,
  git,
  listFilesAt,
  makeLanguageRepo,
  makeTempDir,
  parseTestProxyBreadcrumb,
  readFilesInDir,
  testProxyFolderHash,
  type TestProxyOptions,
} from '@asset-sync/test-utils';
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

interface Report {
  ok: boolean;
  packages: Array<{ id: string; status: string; locate?: string; commit?: string; pending?: Pending; error?: { code: string; message: string } }>;
  network: { pinFetches: number; objectFetches: number; objects: number };
}
interface Pending {
  added: string[];
  modified: string[];
  deleted: string[];
}
interface Status {
  id: string;
  pin: string;
  restored: boolean;
  upToDate: boolean;
  pending?: Pending;
  commit?: string;
}

const folderOf = (pkg: string): string => testProxyFolderHash(ASSETS_REPO, `${pkg}/assets.json`);
const recordings = (pkg: string): string => `python/${pkg}/tests/recordings`;

/** Every file of a folder but its `.git`, to compare before and after the proxy ran. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = await readFilesInDir(dir);
  return Object.fromEntries([...files].map(([path, bytes]) => [path, bytes.toString('base64')]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
}

/** Every git config file below a folder, and whether it mentions the text. */
function configsMentioning(root: string, text: string): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) {
        if (name !== 'objects') visit(path);
      } else if ((name === 'config' || name === 'config.worktree') && readFileSync(path, 'utf8').includes(text)) found.push(path);
    }
  };
  visit(root);
  return found;
}

describe('beside the Azure test-proxy: it restores and pushes in asset-sync\'s folders, and asset-sync agrees', () => {
  let server: Server;
  let repo: string;
  let world: WorldPackage[];
  let proxyOptions: (assetsDir: string, extra?: Partial<TestProxyOptions>) => TestProxyOptions;

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    world = await buildProductionWorld(repo, { packages: 4, pushes: 2 });
    proxyOptions = (assetsDir, extra = {}) => ({ serverBase: `git://127.0.0.1:${server.daemon.port}/`, ...extra, env: { PROXY_ASSETS_FOLDER: assetsDir, ...extra.env } });
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  const proxyEnv = (assetsDir: string): Record<string, string> => ({ ...server.env, PROXY_ASSETS_FOLDER: assetsDir });
  const storeOf = (assetsDir: string): string => join(assetsDir, '.store', `${ASSETS_REPO}.git`);

  it('a restore by the proxy in every folder asset-sync restored changes no file, and asset-sync then sees them restored without a fetch', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, (i) => i % 2));
    const assetsDir = await makeTempDir('proxy-assets-');
    const env = proxyEnv(assetsDir);
    const restored = await cli(['restore', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(restored.exitCode, restored.stderr).toBe(0);

    // What the proxy needs in each folder: its sparse patterns, kept in the folder's own config, `main`.
    const store = storeOf(assetsDir);
    expect(await git(['--git-dir', store, 'rev-parse', 'refs/heads/main'])).toBe(await git(['--git-dir', repo, 'rev-parse', 'refs/heads/main']));
    expect(await git(['--git-dir', store, 'config', '--get', 'core.longpaths'])).toBe('true');
    expect(readFileSync(join(store, 'config'), 'utf8')).not.toMatch(/sparse/i);
    const before = new Map<string, Record<string, string>>();
    for (const [i, w] of world.entries()) {
      const folder = join(assetsDir, folderOf(w.packagePath));
      expect((await git(['sparse-checkout', 'list'], { cwd: folder })).split('\n')).toEqual([`python/${w.packagePath}`, 'eng/', '.gitignore']);
      await expectSameFiles(join(folder, 'python', w.packagePath), repo, w.pushes[i % 2]!.commit, `python/${w.packagePath}`);
      expect(Object.keys(await snapshot(folder)).filter((f) => !f.startsWith('python/'))).toEqual(['.gitignore', 'eng/common/README.md']);
      before.set(w.packagePath, await snapshot(folder));
    }

    // The proxy as it starts: its map seeded from the first breadcrumb it reads, which it accepts.
    const seeded = new TestProxy(proxyOptions(assetsDir));
    await seeded.restore(join(lang, world[0]!.packagePath, 'assets.json'));
    expect(seeded.commands).toEqual([]);

    // The re-run case: a proxy whose map misses runs its whole restore in each folder.
    const proxy = new TestProxy(proxyOptions(assetsDir, { seedFromBreadcrumbs: false }));
    for (const w of world) await proxy.restore(join(lang, w.packagePath, 'assets.json'));
    expect(proxy.commands.filter((c) => c.args[0] === 'sparse-checkout')).toHaveLength(world.length);
    for (const w of world) expect(await snapshot(join(assetsDir, folderOf(w.packagePath)))).toEqual(before.get(w.packagePath));
    expect(await git(['--git-dir', store, 'config', '--get', 'remote.origin.url'])).toBe(`https://github.com/${ASSETS_REPO}`);

    server.daemon.clearLog();
    const status = await cli(['status', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(asJson<Status[]>(status).map((s) => [s.restored, s.upToDate, s.pending])).toEqual(world.map(() => [true, true, undefined]));
    const again = await cli(['restore', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(again.exitCode, again.stderr).toBe(0);
    const report = asJson<Report>(again);
    expect(report.packages.map((p) => p.status)).toEqual(world.map(() => 'up-to-date'));
    expect(report.network).toMatchObject({ pinFetches: 0, objectFetches: 0 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    // One worktree per folder, none added by the proxy's runs; asset-sync's URL is back.
    expect((await git(['--git-dir', store, 'worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length).toBe(world.length + 1);
    expect(await git(['--git-dir', store, 'config', '--get', 'remote.origin.url'])).toBe(server.daemon.url(ASSETS_REPO));
  });

  it('after a push by the proxy, status is clean, restore is a no-op that clears the proxy\'s branch, and a fresh clone restores the new bytes', async () => {
    const lang = await languageRepo(worldLanguageRepo(world));
    const assetsDir = await makeTempDir('proxy-assets-');
    const env = proxyEnv(assetsDir);
    expect((await cli(['restore', '--all', '--layout', 'test-proxy'], lang, env)).exitCode).toBe(0);
    const pkg = world[1]!;
    const folder = join(assetsDir, folderOf(pkg.packagePath));
    const pinned = pkg.pushes[pkg.pushes.length - 1]!;

    // Record: one recording changed, one new.
    await writeFile(join(folder, recordings(pkg.packagePath), 'test_0.json'), '{"Entries":[],"Variables":{"re":"recorded"}}\n');
    await writeFile(join(folder, recordings(pkg.packagePath), 'test_new.json'), '{"Entries":[],"Variables":{}}\n');
    const proxy = new TestProxy(proxyOptions(assetsDir));
    expect(await proxy.push(join(lang, pkg.packagePath, 'assets.json'))).toBe(0);
    const newTag = (JSON.parse(await readFile(join(lang, pkg.packagePath, 'assets.json'), 'utf8')) as { Tag: string }).Tag;
    expect(newTag).toMatch(new RegExp(`^${pkg.tagPrefix}_[0-9a-f]{10}$`));
    expect(newTag).not.toBe(pinned.tag);

    // On the server: the tag, and only that package's folder changed from the pin it was made on.
    const tagged = await git(['--git-dir', repo, 'rev-parse', `refs/tags/${newTag}^{commit}`]);
    expect(await git(['--git-dir', repo, 'rev-parse', `${tagged}^`])).toBe(pinned.commit);
    expect((await git(['--git-dir', repo, 'diff', '--name-only', pinned.commit, tagged])).split('\n')).toEqual([`${recordings(pkg.packagePath)}/test_0.json`, `${recordings(pkg.packagePath)}/test_new.json`]);
    // What the proxy leaves: HEAD on a branch of its own, the breadcrumb rewritten with a BOM.
    const store = storeOf(assetsDir);
    const branches = (await git(['--git-dir', store, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/'])).split('\n');
    expect(branches.filter((b) => /^[0-9a-f]{8}$/.test(b))).toHaveLength(1);
    const breadcrumb = join(assetsDir, 'breadcrumb', `${folderOf(pkg.packagePath)}.breadcrumb`);
    const written = await readFile(breadcrumb, 'utf8');
    expect(written.startsWith('\uFEFF')).toBe(true);

    server.daemon.clearLog();
    const status = await cli(['status', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(status.exitCode, status.stderr).toBe(0);
    const pushed = asJson<Status[]>(status).find((s) => s.id === `${pkg.packagePath}/assets.json`)!;
    expect(pushed).toMatchObject({ pin: newTag, restored: true, upToDate: true, commit: tagged });
    expect(asJson<Status[]>(status).every((s) => s.restored && s.upToDate && !s.pending)).toBe(true);
    const files = await snapshot(folder);
    const again = await cli(['restore', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(again.exitCode, again.stderr).toBe(0);
    const report = asJson<Report>(again);
    expect(report.packages.map((p) => p.status)).toEqual(world.map(() => 'up-to-date'));
    expect(report.network).toMatchObject({ pinFetches: 0, objectFetches: 0 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    expect(await snapshot(folder)).toEqual(files);
    // The proxy's branch is gone, HEAD is detached at the pushed commit, the breadcrumb untouched.
    expect((await git(['--git-dir', store, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/'])).split('\n').filter((b) => /^[0-9a-f]{8}$/.test(b))).toEqual([]);
    expect(await git(['rev-parse', '--symbolic-full-name', 'HEAD'], { cwd: folder })).toBe('HEAD');
    expect(await git(['rev-parse', 'HEAD'], { cwd: folder })).toBe(tagged);
    expect(await readFile(breadcrumb, 'utf8')).toBe(written);
    expect(await git(['--git-dir', store, 'rev-parse', 'refs/heads/main'])).toBe(await git(['--git-dir', repo, 'rev-parse', 'refs/heads/main']));
    const third = await cli(['restore', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(asJson<Report>(third).packages.every((p) => p.status === 'up-to-date')).toBe(true);

    // A fresh clone of the language repo with the new pin restores the bytes the proxy pushed.
    const fresh = await languageRepo({ [`${pkg.packagePath}/assets.json`]: await readFile(join(lang, pkg.packagePath, 'assets.json'), 'utf8') });
    const cloned = await cli(['restore', '--all', '--json'], fresh, server.env);
    expect(cloned.exitCode, cloned.stderr).toBe(0);
    const onDisk = await readFilesInDir(join(asJson<Report>(cloned).packages[0]!.locate!, pkg.packagePath));
    expect(onDisk.get('tests/recordings/test_0.json')?.toString()).toBe('{"Entries":[],"Variables":{"re":"recorded"}}\n');
    await expectSameFiles(join(asJson<Report>(cloned).packages[0]!.locate!, pkg.packagePath), repo, tagged, `python/${pkg.packagePath}`);
  });
});
