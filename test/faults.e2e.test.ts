import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastImportWriter, cliBinPath, cliEnv, git, listFilesAt, makeLanguageRepo, makeTempDir, runGit } from '@asset-sync/git-harness';
import { Prng } from '@asset-sync/corpus';
import { ASSETS_REPO, asJson, cli, ensureBareRepo, expectSameFiles, languageRepo, startServer, tagAssetsJson, type Server } from './helpers.js';

/**
 * kill -9 at seeded points: either at a named point inside the command (ASSET_SYNC_CRASH_AFTER)
 * or after a seeded delay, killing the whole process group as a CI agent cancelling a job does.
 * After each kill the command runs again and everything must be exact, and nothing unpushed lost.
 * The seed makes the sequence of kills reproducible; `FAULT_SEED` picks another.
 */
const SEED = process.env['FAULT_SEED'] ?? 'asset-sync-faults-1';
const prng = new Prng(SEED);

type Kill = { point: string } | { afterMs: number };

/** Starts the CLI in its own process group and kills the group at the point or after the delay. */
function runKilled(args: string[], cwd: string, env: Record<string, string>, kill: Kill): Promise<{ signal: NodeJS.Signals | null; exitCode: number | null }> {
  return new Promise((resolve) => {
    const extra = 'point' in kill ? { ASSET_SYNC_CRASH_AFTER: kill.point } : {};
    const child = spawn(process.execPath, [cliBinPath(), ...args], { cwd, env: cliEnv({ ...env, ...extra }) as NodeJS.ProcessEnv, detached: true, stdio: 'ignore' });
    const timer = 'afterMs' in kill ? setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already done */ } }, kill.afterMs) : undefined;
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      // Anything the run started (git) goes with it, as when a job is cancelled.
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* none left */ }
      resolve({ signal, exitCode });
    });
  });
}

const describeKill = (k: Kill): string => ('point' in k ? `at ${k.point}` : `after ${k.afterMs} ms`);

interface Pkg { path: string; tagPrefix: string; pushes: Array<{ commit: string; tag: string }> }

/** Ten packages, two pushes each, with recordings of a few hundred KB so a restore takes a while. */
async function world(repo: string): Promise<Pkg[]> {
  const writer = await FastImportWriter.start(repo);
  await writer.commit({ ref: 'refs/heads/main', mark: 1, message: 'eng', date: 1_700_000_000 });
  await writer.modify('eng/README.md', '# eng\n');
  const marks: number[][] = [];
  let mark = 2;
  const rng = new Prng(`${SEED}/world`);
  for (let i = 0; i < 10; i++) {
    const mine: number[] = [];
    for (let p = 0; p < 2; p++) {
      await writer.commit({ ref: `refs/heads/chain/${i}`, mark, message: 'push', date: 1_700_000_000 + i, ...(p === 0 ? { from: ':1' } : {}) });
      for (let f = 0; f < 6; f++) if (p === 0 || f % 2 === 0) await writer.modify(`python/sdk/s${i}/p${i}/tests/recordings/r${f}.json`, `{"push":${p},"body":"${randomBytes(rng.int(20_000, 90_000)).toString('base64')}"}\n`);
      mine.push(mark++);
    }
    marks.push(mine);
  }
  const ids = await writer.finish();
  const pkgs = marks.map((m, i) => ({ path: `sdk/s${i}/p${i}`, tagPrefix: `python/s${i}/p${i}`, pushes: m.map((x) => ({ commit: ids.get(x)!, tag: `python/s${i}/p${i}_${ids.get(x)!.slice(0, 10)}` })) }));
  await runGit(['--git-dir', repo, 'update-ref', '--stdin'], { input: pkgs.flatMap((p, i) => [...p.pushes.map((x) => `create refs/tags/${x.tag} ${x.commit}\n`), `delete refs/heads/chain/${i}\n`]).join('') });
  return pkgs;
}

const files = (pkgs: Pkg[], at: number): Record<string, string> => Object.fromEntries(pkgs.map((p) => [`${p.path}/assets.json`, tagAssetsJson('python', p.tagPrefix, p.pushes[at]!.tag)]));

describe(`kill -9 at seeded points (seed ${SEED})`, () => {
  let server: Server;
  let repo: string;
  let pkgs: Pkg[];
  const env = (): Record<string, string> => ({ ...server.env, GIT_COMMIT_OWNER: 'Test', GIT_COMMIT_EMAIL: 'test@example.com' });

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    pkgs = await world(repo);
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  const restoreKills: Kill[] = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? { point: prng.pick(['store-init', 'fetch-pins', 'fetch-objects', 'checkout', 'worktree-added']) } : { afterMs: prng.int(150, 2500) }));
  it.each(restoreKills.map((k, i) => [i, k] as const))('restore --all killed (run %i, %o), then re-run: exact, and an unpushed edit survives', async (i, kill) => {
    const lang = await languageRepo(files(pkgs, 0));
    const checkout = join(lang, '.assets', ASSETS_REPO, 'python');
    const edit = join(checkout, pkgs[0]!.path, 'tests/recordings/r1.json');
    // Odd runs kill a run that moves pins (an update); even runs a restore from scratch.
    const moving = i % 2 === 1;
    if (moving) {
      expect((await cli(['restore', '--all'], lang, env())).exitCode).toBe(0);
      await writeFile(edit, '{"unpushed":true}\n');
      for (const p of pkgs.slice(1)) await writeFile(join(lang, p.path, 'assets.json'), tagAssetsJson('python', p.tagPrefix, p.pushes[1]!.tag));
    }
    const killed = await runKilled(['restore', '--all'], lang, env(), kill);
    expect(killed.signal === 'SIGKILL' || killed.exitCode === 0, describeKill(kill)).toBe(true);
    const rerun = await cli(['restore', '--all', '--json'], lang, env());
    expect(rerun.exitCode, `${describeKill(kill)}: ${rerun.stdout}\n${rerun.stderr}`).toBe(0);
    for (const [n, p] of pkgs.entries()) {
      if (moving && n === 0) continue;
      await expectSameFiles(join(checkout, p.path), repo, p.pushes[moving ? 1 : 0]!.commit, `python/${p.path}`);
    }
    if (moving) {
      // The package with the edit kept its pin; its other files are the pin's, the edit is still there.
      expect(await readFile(edit, 'utf8')).toBe('{"unpushed":true}\n');
      const pinned = await listFilesAt(repo, pkgs[0]!.pushes[0]!.commit, `python/${pkgs[0]!.path}`);
      for (const [file, bytes] of pinned) if (file !== 'tests/recordings/r1.json') expect((await readFile(join(checkout, pkgs[0]!.path, file))).equals(bytes), file).toBe(true);
    }
    const status = asJson<Array<{ id: string; restored: boolean; upToDate: boolean; pending?: unknown }>>(await cli(['status', '--all', '--json'], lang, env()));
    expect(status.every((s) => s.restored && s.upToDate), JSON.stringify(status)).toBe(true);
    expect(status.filter((s) => s.pending).map((s) => s.id)).toEqual(moving ? [`${pkgs[0]!.path}/assets.json`] : []);
  });

  const pushKills: Kill[] = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? { point: prng.pick(['push-commit', 'push-publish', 'push-state']) } : { afterMs: prng.int(100, 1500) }));
  it.each(pushKills.map((k, i) => [i, k] as const))('push killed (run %i, %o), then re-run: the edit is published, pinned and clean', async (i, kill) => {
    const lang = await languageRepo(files(pkgs, 1));
    expect((await cli(['restore', '--all'], lang, env())).exitCode).toBe(0);
    const p = pkgs[2 + i]!;
    const file = join(lang, '.assets', ASSETS_REPO, 'python', p.path, 'tests/recordings/r3.json');
    const content = `{"re-recorded":${i},"seed":"${SEED}"}\n`;
    await writeFile(file, content);
    await runKilled(['push', p.path], lang, env(), kill);
    const again = await cli(['push', p.path, '--json'], lang, env());
    expect(again.exitCode, `${describeKill(kill)}: ${again.stdout}${again.stderr}`).toBe(0);
    const pin = JSON.parse(await readFile(join(lang, p.path, 'assets.json'), 'utf8')).Tag as string;
    expect(pin).not.toBe(p.pushes[1]!.tag);
    expect((await listFilesAt(repo, pin, `python/${p.path}/tests/recordings`)).get('r3.json')?.toString()).toBe(content);
    expect(await readFile(file, 'utf8')).toBe(content);
    const status = asJson<Array<{ restored: boolean; upToDate: boolean; pending?: unknown }>>(await cli(['status', p.path, '--json'], lang, env()))[0]!;
    expect(status).toMatchObject({ restored: true, upToDate: true });
    expect(status.pending).toBeUndefined();
    expect(asJson<{ summary: { restored: number } }>(await cli(['restore', '--all', '--json'], lang, env())).summary.restored).toBe(0);
  });

  const migrateKills: Kill[] = Array.from({ length: 6 }, (_, i) => (i % 3 === 0 ? { point: `migrate-${prng.pick(['write', 'publish', 'pin', 'verify'])}` } : { afterMs: prng.int(300, 4000) }));
  it.each(migrateKills.map((k, i) => [i, k] as const))('migrate killed (run %i, %o), then re-run: every recording moved exactly once', async (i, kill) => {
    const name = `Azure/migrate-faults-${i}`;
    const target = await ensureBareRepo(server, name);
    await git(['--git-dir', target, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
    const rng = new Prng(`${SEED}/migrate/${i}`);
    const originals: Record<string, string> = {};
    for (let pkg = 0; pkg < 4; pkg++) for (let f = 0; f < 5; f++) originals[`sdk/svc${pkg}/azure-svc${pkg}/tests/recordings/test_${f}.json`] = `{"body":"${randomBytes(rng.int(1_000, 60_000)).toString('base64')}"}\n`;
    const dir = await makeTempDir('lang-');
    await makeLanguageRepo(dir, { files: { ...originals, 'setup.py': '#\n' } });
    const args = ['migrate', '--assets-repo', name, '--prefix', 'python', '--yes'];
    await runKilled(args, dir, env(), kill);
    const again = await cli([...args, '--json'], dir, env());
    expect(again.exitCode, `${describeKill(kill)}: ${again.stdout}${again.stderr}`).toBe(0);
    // Each package pins exactly its recordings, byte for byte, and the originals are gone from the working tree.
    for (let pkg = 0; pkg < 4; pkg++) {
      const path = `sdk/svc${pkg}/azure-svc${pkg}`;
      const pin = JSON.parse(await readFile(join(dir, path, 'assets.json'), 'utf8')).Tag as string;
      const stored = await listFilesAt(target, pin, `python/${path}`);
      const expected = Object.entries(originals).filter(([k]) => k.startsWith(`${path}/`));
      expect([...stored.keys()].sort()).toEqual(expected.map(([k]) => k.slice(path.length + 1)).sort());
      for (const [k, v] of expected) expect(stored.get(k.slice(path.length + 1))?.toString(), k).toBe(v);
    }
    const tags = (await git(['--git-dir', target, 'tag', '--list'])).split('\n').filter(Boolean);
    expect(tags).toHaveLength(4);
  });

  it('ran at least 20 kills', () => {
    expect(restoreKills.length + pushKills.length + migrateKills.length).toBeGreaterThanOrEqual(20);
  });
});
