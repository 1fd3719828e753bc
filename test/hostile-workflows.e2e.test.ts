import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, listFilesAt, makeTempDir } from '@asset-sync/git-harness';
import {
  ASSETS_REPO,
  asJson,
  buildProductionWorld,
  cli,
  ensureBareRepo,
  expectSameFiles,
  languageRepo,
  startCli,
  startServer,
  tagAssetsJson,
  worldLanguageRepo,
  type Server,
  type WorldPackage,
} from './helpers.js';
import type { PackageStatusReport, RestoreReport as Report } from '@asset-sync/executor';

type Status = PackageStatusReport[];



const IDENTITY = { GIT_COMMIT_OWNER: 'Test', GIT_COMMIT_EMAIL: 'test@example.com' };
const recordings = (w: WorldPackage): string => `python/${w.packagePath}/tests/recordings`;

describe('nothing lost', () => {
  let server: Server;
  let repo: string;
  let world: WorldPackage[];
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    world = await buildProductionWorld(repo, { packages: 6, pushes: 2 });
    env = { ...server.env, ...IDENTITY };
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  it('keeps an unpushed re-recording through restores after other packages\' pins moved (a git pull)', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, () => 0));
    expect((await cli(['restore', '--all'], lang, env)).exitCode).toBe(0);
    const checkout = join(lang, '.assets', ASSETS_REPO);
    const mine = join(checkout, recordings(world[0]!), 'test_1.json');
    await writeFile(mine, '{"re-recorded":1}\n');
    for (const w of [world[1]!, world[2]!]) await writeFile(join(lang, w.packagePath, 'assets.json'), tagAssetsJson('python', w.tagPrefix, w.pushes[1]!.tag));
    for (let run = 1; run <= 3; run++) {
      const report = asJson<Report>(await cli(['restore', '--all', '--json'], lang, env));
      expect(report.packages.find((p) => p.id === `${world[0]!.packagePath}/assets.json`)!.status, `run ${run}`).toBe('pending-kept');
      expect(await readFile(mine, 'utf8'), `run ${run}`).toBe('{"re-recorded":1}\n');
    }
    const status = asJson<Status>(await cli(['status', world[0]!.packagePath, '--json'], lang, env))[0]!;
    expect(status.pending?.modified).toEqual([`${recordings(world[0]!)}/test_1.json`]);
    const pushed = await cli(['push', world[0]!.packagePath, '--json'], lang, env);
    expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0);
    const tag = asJson<{ pin: string }>(pushed).pin;
    expect((await listFilesAt(repo, tag, recordings(world[0]!))).get('test_1.json')?.toString()).toBe('{"re-recorded":1}\n');
  });

  it('sees, pushes and resets files that ignore rules match: the folder\'s .gitignore, info/exclude, a global excludes file', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, () => 1));
    expect((await cli(['restore', '--all'], lang, env)).exitCode).toBe(0);
    const w = world[3]!;
    const dir = join(lang, '.assets', ASSETS_REPO, recordings(w));
    const excludes = join(await makeTempDir('excludes-'), 'global');
    await writeFile(excludes, 'global-hidden.json\n');
    await writeFile(join(lang, '.assets/.store', `${ASSETS_REPO}.git`, 'info', 'exclude'), 'store-hidden.json\n');
    await writeFile(join(dir, '.gitignore'), '*.log\n[Tt]est[Rr]esult*/\n');
    await mkdir(join(dir, 'TestResults'), { recursive: true });
    const added = ['.gitignore', 'TestResults/r.json', 'run.log', 'global-hidden.json', 'store-hidden.json'];
    for (const f of added.slice(1)) await writeFile(join(dir, f), `{"${f}":true}\n`);
    const globalEnv = { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.excludesFile', GIT_CONFIG_VALUE_0: excludes };
    const status = asJson<Status>(await cli(['status', w.packagePath, '--json'], lang, globalEnv))[0]!;
    expect(status.pending?.added).toEqual(added.map((f) => `${recordings(w)}/${f}`).sort());
    const pushed = await cli(['push', w.packagePath, '--json'], lang, globalEnv);
    expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0);
    const onServer = await listFilesAt(repo, asJson<{ pin: string }>(pushed).pin, recordings(w));
    for (const f of added) expect(onServer.has(f), f).toBe(true);
    // And reset takes such files away too.
    await writeFile(join(dir, 'later.log'), 'x\n');
    expect((await cli(['reset', w.packagePath, '--yes'], lang, globalEnv)).exitCode).toBe(0);
    expect(readdirSync(dir)).not.toContain('later.log');
  });

  it('serializes push and a restore started while it runs: the package ends at the pushed pin', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, () => 1));
    expect((await cli(['restore', '--all'], lang, env)).exitCode).toBe(0);
    const w = world[4]!;
    await writeFile(join(lang, '.assets', ASSETS_REPO, recordings(w), 'test_0.json'), '{"raced":true}\n');
    // The push holds the lock for a while after publishing; the restore reads the old pin meanwhile, then waits.
    const pushing = startCli(['push', w.packagePath], lang, { ...env, ASSET_SYNC_PAUSE_AT: 'push-publish:2500' });
    await new Promise((resolve) => setTimeout(resolve, 800));
    const restoring = startCli(['restore', '--all', '--json'], lang, env);
    const [p, r] = await Promise.all([pushing, restoring]);
    expect(p.exitCode, p.stdout + p.stderr).toBe(0);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const status = asJson<Status>(await cli(['status', w.packagePath, '--json'], lang, env))[0]!;
    expect(status).toMatchObject({ restored: true, upToDate: true });
    expect(status.pending).toBeUndefined();
    expect(await readFile(join(lang, '.assets', ASSETS_REPO, recordings(w), 'test_0.json'), 'utf8')).toBe('{"raced":true}\n');
  });

  it('after push is killed between recording the new pin and writing it, restore keeps the package and push finishes', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, () => 1));
    expect((await cli(['restore', '--all'], lang, env)).exitCode).toBe(0);
    const w = world[5]!;
    const file = join(lang, '.assets', ASSETS_REPO, recordings(w), 'test_2.json');
    await writeFile(file, '{"killed":true}\n');
    const killed = await cli(['push', w.packagePath], lang, { ...env, ASSET_SYNC_CRASH_AFTER: 'push-state' });
    expect(killed.signal).toBe('SIGKILL');
    const before = await readFile(join(lang, w.packagePath, 'assets.json'), 'utf8');
    expect(before).toContain(w.pushes[1]!.tag);
    const restore = asJson<Report>(await cli(['restore', '--all', '--json'], lang, env));
    const p = restore.packages.find((x) => x.id === `${w.packagePath}/assets.json`)!;
    expect(p).toMatchObject({ status: 'failed', error: { code: 'PUSH_IN_PROGRESS', hint: `Run: asset-sync push ${w.packagePath}` } });
    expect(await readFile(file, 'utf8')).toBe('{"killed":true}\n');
    const finished = await cli(['push', w.packagePath, '--json'], lang, env);
    expect(finished.exitCode, finished.stdout + finished.stderr).toBe(0);
    expect(await readFile(join(lang, w.packagePath, 'assets.json'), 'utf8')).not.toBe(before);
    const status = asJson<Status>(await cli(['status', w.packagePath, '--json'], lang, env))[0]!;
    expect(status).toMatchObject({ restored: true, upToDate: true });
    expect(status.pending).toBeUndefined();
    expect((await cli(['restore', '--all'], lang, env)).exitCode).toBe(0);
  });

  it('pushes a symlink inside the package as a link, and refuses one that leaves the package, naming it', async () => {
    const lang = await languageRepo(worldLanguageRepo(world, () => 1));
    expect((await cli(['restore', world[0]!.packagePath], lang, env)).exitCode).toBe(0);
    const dir = join(lang, '.assets', ASSETS_REPO, recordings(world[0]!));
    await symlink('test_0.json', join(dir, 'alias.json'));
    await symlink('../../../../../../etc', join(dir, 'etc-dir'));
    const refused = await cli(['push', world[0]!.packagePath], lang, env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/etc-dir is a symlink that leaves its package folder/);
    await rm(join(dir, 'etc-dir'));
    const pushed = await cli(['push', world[0]!.packagePath, '--json'], lang, env);
    expect(pushed.exitCode, pushed.stdout + pushed.stderr).toBe(0);
    const tag = asJson<{ pin: string }>(pushed).pin;
    expect(await git(['--git-dir', repo, 'ls-tree', `${tag}:${recordings(world[0]!)}`, 'alias.json'])).toMatch(/^120000 blob /);
    expect(await git(['--git-dir', repo, 'cat-file', '-p', `${tag}:${recordings(world[0]!)}/alias.json`])).toBe('test_0.json');
  });
});

describe('a cut connection', () => {
  let server: Server;
  let repo: string;
  const names = ['one', 'two', 'three'];

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    const { commitFiles, tagCommit } = await import('@asset-sync/git-harness');
    for (const name of names) {
      const commit = await commitFiles(repo, { [`python/sdk/${name}/recordings/big.json`]: randomBytes(400_000).toString('base64') }, { branch: `chain/${name}` });
      await tagCommit(repo, `python/${name}_x`, commit);
    }
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  it('is reported once per assets repo, leaves no partial pack in the store, and the re-run converges', async () => {
    // A proxy that passes the first connection (the pins) and cuts the second (the contents) after 100 KB.
    let connections = 0;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const n = ++connections;
      const upstream = connect(server.daemon.port, '127.0.0.1');
      sockets.add(client).add(upstream);
      let sent = 0;
      upstream.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        if (n >= 2 && sent > 100_000) {
          client.destroy();
          upstream.destroy();
        } else client.write(chunk);
      });
      client.on('data', (chunk: Buffer) => upstream.write(chunk));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    try {
      const lang = await languageRepo(Object.fromEntries(names.map((n) => [`sdk/${n}/assets.json`, tagAssetsJson('python', `python/${n}`, `python/${n}_x`)])));
      const cut = { ...server.env, ASSET_SYNC_REMOTE_URL_TEMPLATE: `git://127.0.0.1:${port}/{repo}.git`, ASSET_SYNC_NETWORK_ATTEMPTS: '1' };
      const failed = await cli(['restore', '--all'], lang, cut);
      expect(failed.exitCode).toBe(1);
      // One block for the one error, naming the three packages it concerns.
      expect(failed.stdout).toMatch(/failed \(3\):\n {2}3 packages \(sdk\/one\/assets\.json, sdk\/three\/assets\.json, sdk\/two\/assets\.json\): /);
      expect(failed.stdout.match(/hint:/g)?.length ?? 0).toBeLessThanOrEqual(1);
      const pack = join(lang, '.assets/.store', `${ASSETS_REPO}.git`, 'objects/pack');
      expect(readdirSync(pack).filter((f) => f.startsWith('tmp_') || f.startsWith('.tmp'))).toEqual([]);
      const again = await cli(['restore', '--all'], lang, server.env);
      expect(again.exitCode, again.stdout).toBe(0);
      for (const n of names) {
        const commit = await git(['--git-dir', repo, 'rev-parse', `python/${n}_x^{commit}`]);
        await expectSameFiles(join(lang, '.assets', ASSETS_REPO, 'python/sdk', n), repo, commit, `python/sdk/${n}`);
      }
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
