import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TestProxy,
  TestProxyCrash,
  commitFiles,
  git,
  listFilesAt,
  makeLanguageRepo,
  makeTempDir,
  parseTestProxyBreadcrumb,
  readFilesInDir,
  testProxyFolderHash,
  type TestProxyOptions,
} from '@asset-sync/git-harness';
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
import type { PackageStatusReport, RestoreReport as Report } from '@asset-sync/executor';


type Status = PackageStatusReport;

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
    // The proxy as it runs on Windows: breadcrumb lines end in CRLF.
    const proxy = new TestProxy(proxyOptions(assetsDir, { crlf: true }));
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
    expect(written).toBe(`\uFEFF${pkg.packagePath}/assets.json;${folderOf(pkg.packagePath)};${newTag}\r\n`);

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

  it('folders the proxy cloned itself are taken over without a fetch, and unpushed recordings in them are kept', async () => {
    const lang = await languageRepo(worldLanguageRepo(world));
    const assetsDir = await makeTempDir('proxy-assets-');
    const env = proxyEnv(assetsDir);
    const proxy = new TestProxy(proxyOptions(assetsDir));
    for (const w of world) await proxy.restore(join(lang, w.packagePath, 'assets.json'));
    expect(proxy.commands.filter((c) => c.args[0] === 'clone')).toHaveLength(world.length);
    const pkg = world[2]!;
    const folder = join(assetsDir, folderOf(pkg.packagePath));
    const dir = join(folder, recordings(pkg.packagePath));
    await writeFile(join(dir, 'test_1.json'), '{"Entries":[],"Variables":{"unpushed":"yes"}}\n');
    await writeFile(join(dir, 'test_9.json'), '{"Entries":[]}\n');
    await rm(join(dir, 'test_2.json'));

    server.daemon.clearLog();
    const result = await cli(['restore', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = asJson<Report>(result);
    expect(report.network).toMatchObject({ pinFetches: 0, objectFetches: 0 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    const edited = report.packages.find((p) => p.id === `${pkg.packagePath}/assets.json`)!;
    expect(edited).toMatchObject({ status: 'pending-kept', pending: { added: [`${recordings(pkg.packagePath)}/test_9.json`], modified: [`${recordings(pkg.packagePath)}/test_1.json`], deleted: [`${recordings(pkg.packagePath)}/test_2.json`] } });
    expect(report.packages.filter((p) => p !== edited).map((p) => p.status)).toEqual(world.slice(0, 3).map(() => 'up-to-date'));
    expect(await readFile(join(dir, 'test_1.json'), 'utf8')).toBe('{"Entries":[],"Variables":{"unpushed":"yes"}}\n');
    expect(existsSync(join(dir, 'test_2.json'))).toBe(false);
    const store = storeOf(assetsDir);
    for (const [i, w] of world.entries()) {
      const at = join(assetsDir, folderOf(w.packagePath));
      // Each folder is a worktree of the one store now, with no clone of its own left beside it.
      expect(statSync(join(at, '.git')).isFile()).toBe(true);
      expect((await git(['rev-parse', '--git-common-dir'], { cwd: at }))).toBe(store);
      if (i !== 2) await expectSameFiles(join(at, 'python', w.packagePath), repo, w.pushes[w.pushes.length - 1]!.commit, `python/${w.packagePath}`);
    }
    expect(readdirSync(assetsDir).filter((name) => name.includes('.clone-') || name.includes('.adopt-'))).toEqual([]);

    // The proxy keeps working there: started for that package, its breadcrumb says the folder is
    // restored (no clean that would throw the recordings away), and it pushes them.
    const later = new TestProxy(proxyOptions(assetsDir));
    await later.restore(join(lang, pkg.packagePath, 'assets.json'));
    expect(later.commands).toEqual([]);
    expect(await later.push(join(lang, pkg.packagePath, 'assets.json'))).toBe(0);
    const status = await cli(['status', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(asJson<Status[]>(status).every((s) => s.restored && s.upToDate && !s.pending)).toBe(true);
    const tag = (JSON.parse(await readFile(join(lang, pkg.packagePath, 'assets.json'), 'utf8')) as { Tag: string }).Tag;
    const files = await listFilesAt(repo, `refs/tags/${tag}`, recordings(pkg.packagePath));
    expect([...files.keys()].sort()).toEqual(['test_0.json', 'test_1.json', 'test_9.json']);
  });

  it('answers the proxy\'s asset verbs: restore -a (batched), push -a, reset -a, config locate -a, config show -a, -l, with truthful exit codes', async () => {
    const lang = await languageRepo(worldLanguageRepo(world));
    const assetsDir = await makeTempDir('proxy-assets-');
    const env = proxyEnv(assetsDir);
    const [a, b, c] = world.map((w) => `${w.packagePath}/assets.json`) as [string, string, string];

    // Two -a in one run are one restore: one fetch for both pins. A relative -a is read from -l.
    server.daemon.clearLog();
    const restored = await cli(['restore', '-a', a, '--assets-json-path', join(lang, b), '--json'], lang, env);
    expect(restored.exitCode, restored.stderr).toBe(0);
    const report = asJson<Report>(restored);
    expect(report.packages.map((p) => [p.id, p.status])).toEqual([[a, 'restored'], [b, 'restored']]);
    expect(report.network.pinFetches).toBe(1);
    const fromL = await cli(['restore', '-a', c, '-l', lang], join(lang, 'sdk'), env);
    expect(fromL.exitCode, fromL.stderr).toBe(0);
    expect(existsSync(join(assetsDir, folderOf(world[2]!.packagePath), 'python', world[2]!.packagePath))).toBe(true);

    // config locate -a: the folder as the proxy prints it, on the last line (what the JS CI reads).
    const located = await cli(['config', 'locate', '-a', a], lang, env);
    expect(located.exitCode, located.stderr).toBe(0);
    const lines = located.stdout.split('\n');
    expect(lines[lines.length - 2]).toBe(join(assetsDir, folderOf(world[0]!.packagePath), 'python'));
    expect(lines[lines.length - 2]).toBe(await new TestProxy(proxyOptions(assetsDir)).locate(join(lang, a)));
    const shown = await cli(['config', 'show', '-a', a, '--json'], lang, env);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(asJson<{ assetsJson: { path: string } }>(shown).assetsJson.path).toBe(a);

    // Exit codes say what happened (the proxy exits 0 after a blocked push).
    const missing = await cli(['restore', '-a', 'sdk/nothing/assets.json'], lang, env);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('no assets.json at');
    const unrestored = world[3]!;
    expect((await cli(['config', 'locate', '-a', `${unrestored.packagePath}/assets.json`], lang, env)).exitCode).toBe(1);
    expect((await cli(['push', '-a', a], lang, env)).exitCode).toBe(0);
    const folder = join(assetsDir, folderOf(world[0]!.packagePath), recordings(world[0]!.packagePath));
    await writeFile(join(folder, 'test_0.json'), '{"Entries":[{"RequestHeaders":{"Authorization":"Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"}}]}\n');
    const blocked = await cli(['push', '-a', a, '--json'], lang, env);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stdout).toContain('SECRET_FOUND');
    expect((await cli(['reset', '-a', a], lang, env)).exitCode).toBe(2);
    const reset = await cli(['reset', '-a', a, '-y'], lang, env);
    expect(reset.exitCode, reset.stderr).toBe(0);
    expect(await readFile(join(folder, 'test_0.json'))).toEqual((await listFilesAt(repo, world[0]!.pushes[1]!.commit, recordings(world[0]!.packagePath))).get('test_0.json'));
    await writeFile(join(folder, 'test_0.json'), '{"Entries":[],"Variables":{"pushed":"by asset-sync"}}\n');
    const pushed = await cli(['push', '-a', a, '--json'], lang, env);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const pin = asJson<{ pin: string }>(pushed).pin;
    // The proxy's breadcrumb names the new pin, so the proxy takes the folder as restored.
    const breadcrumb = parseTestProxyBreadcrumb(await readFile(join(assetsDir, 'breadcrumb', `${folderOf(world[0]!.packagePath)}.breadcrumb`), 'utf8'));
    expect(breadcrumb.get(a)?.tag).toBe(pin);
    const proxy = new TestProxy(proxyOptions(assetsDir));
    await proxy.restore(join(lang, a));
    expect(proxy.commands).toEqual([]);
  });

  it('the URLs the proxy puts on origin (SSH, or https with GIT_TOKEN when it dies mid-fetch) never reach asset-sync\'s fetches, and no token stays in a config', async () => {
    const token = 'ghp_proxyTokenThatMustNotStay0123456789';
    const files = worldLanguageRepo(world);
    const lang = await makeTempDir('lang-');
    await makeLanguageRepo(lang, { files, origin: 'git@github.com:Azure/azure-sdk-for-python.git' });
    const https = await languageRepo(files);
    for (const [repoDir, crash] of [[lang, false], [https, true]] as const) {
      const assetsDir = await makeTempDir('proxy-assets-');
      const env = proxyEnv(assetsDir);
      expect((await cli(['restore', '--all', '--layout', 'test-proxy'], repoDir, env)).exitCode).toBe(0);
      const pkg = world[0]!;
      const proxy = new TestProxy(proxyOptions(assetsDir, { seedFromBreadcrumbs: false, env: { GIT_TOKEN: token }, ...(crash ? { crashAfter: (args) => args[0] === 'fetch' } : {}) }));
      const run = proxy.restore(join(repoDir, pkg.packagePath, 'assets.json'));
      if (crash) await expect(run).rejects.toBeInstanceOf(TestProxyCrash);
      else await run;
      const store = storeOf(assetsDir);
      expect(await git(['--git-dir', store, 'config', '--get', 'remote.origin.url'])).toBe(crash ? `https://x-access-token:${token}@github.com/${ASSETS_REPO}` : `git@github.com:${ASSETS_REPO}.git`);

      // The pin moves to a push made elsewhere, which the store has never seen: asset-sync must
      // fetch it, and from its own URL.
      const tag = `${pkg.tagPrefix}_elsewhere${crash ? 1 : 0}`;
      const commit = await commitFiles(repo, { [`${recordings(pkg.packagePath)}/test_0.json`]: `{"elsewhere":${crash}}\n` }, { branch: `elsewhere/${crash}`, parent: pkg.pushes[1]!.commit, tag });
      await writeFile(join(repoDir, pkg.packagePath, 'assets.json'), tagAssetsJson('python', pkg.tagPrefix, tag));
      server.daemon.clearLog();
      const moved = await cli(['restore', '--all', '--layout', 'test-proxy', '--json'], repoDir, env);
      expect(moved.exitCode, moved.stdout + moved.stderr).toBe(0);
      expect(asJson<Report>(moved).network.pinFetches).toBe(1);
      expect(await server.daemon.countRequests('upload-pack')).toBeGreaterThan(0);
      await expectSameFiles(join(assetsDir, folderOf(pkg.packagePath), 'python', pkg.packagePath), repo, commit, `python/${pkg.packagePath}`);
      expect(await git(['--git-dir', store, 'config', '--get-all', 'remote.origin.url'])).toBe(server.daemon.url(ASSETS_REPO));
      expect(configsMentioning(assetsDir, token)).toEqual([]);
    }
  });

  it('after someone else moved HEAD under edited files, or the folder lost its git metadata, the proxy\'s git status shows only the real changes', async () => {
    // Pins whose commits hold files outside the proxy's patterns (a README, another folder), on
    // top of a commit that differs in one recording.
    const pinned = new Map<string, { base: string; tag: string }>();
    for (const [n, w] of world.slice(0, 2).entries()) {
      const branch = `outside/${n}`;
      const base = await commitFiles(repo, { 'README.md': '# assets\n', 'python/sdk/unrelated/x.json': '{}\n' }, { branch, parent: w.pushes[1]!.commit });
      const tag = `${w.tagPrefix}_outside${n}`;
      await commitFiles(repo, { [`${recordings(w.packagePath)}/test_1.json`]: `{"tip":${n}}\n` }, { branch, tag });
      pinned.set(w.packagePath, { base, tag });
    }
    const files = worldLanguageRepo(world);
    for (const [path, { tag }] of pinned) files[`${path}/assets.json`] = tagAssetsJson('python', world.find((w) => w.packagePath === path)!.tagPrefix, tag);
    const lang = await languageRepo(files);
    const assetsDir = await makeTempDir('proxy-assets-');
    const env = proxyEnv(assetsDir);
    expect((await cli(['restore', '--all', '--layout', 'test-proxy'], lang, env)).exitCode).toBe(0);
    const [moved, broken] = [world[0]!, world[1]!];
    const movedDir = join(assetsDir, folderOf(moved.packagePath));
    // An edit to a file the parent commit shares, then a checkout of the parent, which carries it along.
    await writeFile(join(movedDir, recordings(moved.packagePath), 'test_0.json'), '{"edited":true}\n');
    await git(['-c', 'advice.detachedHead=false', 'checkout', '-q', pinned.get(moved.packagePath)!.base], { cwd: movedDir });
    const brokenDir = join(assetsDir, folderOf(broken.packagePath));
    await writeFile(join(brokenDir, recordings(broken.packagePath), 'test_2.json'), '{"edited":true}\n');
    await rm(join(brokenDir, '.git'));

    const result = await cli(['restore', '--all', '--layout', 'test-proxy', '--json'], lang, env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const pending = Object.fromEntries(asJson<Report>(result).packages.map((p) => [p.id, p.pending]));
    expect(pending[`${moved.packagePath}/assets.json`]).toEqual({ added: [], modified: [`${recordings(moved.packagePath)}/test_0.json`, `${recordings(moved.packagePath)}/test_1.json`], deleted: [] });
    expect(pending[`${broken.packagePath}/assets.json`]).toEqual({ added: [], modified: [`${recordings(broken.packagePath)}/test_2.json`], deleted: [] });
    // What the proxy's push would commit (`git status --porcelain`, then `git add -A .`): only those.
    expect((await git(['status', '--porcelain'], { cwd: movedDir })).split('\n').map((l) => l.trim()).sort()).toEqual([`M ${recordings(moved.packagePath)}/test_0.json`, `M ${recordings(moved.packagePath)}/test_1.json`]);
    expect(await git(['status', '--porcelain'], { cwd: brokenDir })).toBe(`M ${recordings(broken.packagePath)}/test_2.json`);
    expect((await git(['sparse-checkout', 'list'], { cwd: brokenDir })).split('\n')).toEqual([`python/${broken.packagePath}`, 'eng/', '.gitignore']);
  });
});
