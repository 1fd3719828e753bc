import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliBinPath, cliEnv, git, makeTempDir, workspaceRoot } from '@asset-sync/git-harness';
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
import type { GcStoreReport, RestoreReport as Report } from '@asset-sync/executor';


/**
 * One object store per machine (`storeDir` / ASSET_SYNC_STORE_DIR): clones and language repos
 * that share it download each recording once, restore at the same time safely, and `gc --store`
 * keeps what the clones that still exist need. The CI-cache recipe is played here with a copied
 * store folder.
 */

let server: Server;
let repo: string;
let world: WorldPackage[];

beforeAll(async () => {
  server = await startServer();
  repo = await ensureBareRepo(server);
  world = await buildProductionWorld(repo, { packages: 12, pushes: 2 });
});
afterAll(async () => {
  await server?.daemon.stop();
});

const storeOf = (storeDir: string): string => join(storeDir, `${ASSETS_REPO}.git`);

async function restoreAll(lang: string, env: Record<string, string>, args: string[] = []): Promise<Report> {
  const result = await cli(['restore', '--all', '--json', ...args], lang, env);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  return asJson<Report>(result);
}

/** Every package restored at the pin `at(i)` is on disk exactly as the assets repo has it. */
async function expectExact(report: Report, at: (i: number) => number, only?: Set<string>): Promise<void> {
  for (const [i, w] of world.entries()) {
    const id = `${w.packagePath}/assets.json`;
    if (only && !only.has(id)) continue;
    const p = report.packages.find((x) => x.id === id);
    expect(p?.locate, id).toBeDefined();
    await expectSameFiles(join(p!.locate!, w.packagePath), repo, w.pushes[at(i)]!.commit, `python/${w.packagePath}`);
  }
}

/** Object ids the store holds, listed without asking git for any (which would fetch a missing one). */
async function objectsIn(gitDir: string): Promise<Set<string>> {
  return new Set((await git(['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)'])).split('\n').filter(Boolean));
}

async function worktreesOf(gitDir: string): Promise<string[]> {
  const listed = await git(['--git-dir', gitDir, 'worktree', 'list', '--porcelain']);
  return listed.split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length)).filter((p) => p !== gitDir);
}

describe('two clones, one shared store', () => {
  it('the second clone restores everything with no request to the server, byte for byte, reading the first one\'s objects in place', async () => {
    const storeDir = await makeTempDir('shared-store-');
    const env = { ...server.env, ASSET_SYNC_STORE_DIR: storeDir };
    const first = await languageRepo(worldLanguageRepo(world));
    const second = await languageRepo(worldLanguageRepo(world));

    server.daemon.clearLog();
    const one = await restoreAll(first, env);
    expect(one.network).toMatchObject({ pinFetches: 1, pins: 12, objectFetches: 1 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(2);

    // The second clone names the store through a symlink (a ~/.cache that links elsewhere).
    const link = join(await makeTempDir('store-link-'), 'cache');
    await symlink(storeDir, link);
    const linked = { ...server.env, ASSET_SYNC_STORE_DIR: link };
    server.daemon.clearLog();
    const two = await restoreAll(second, linked);
    expect(two.network).toEqual({ pinFetches: 0, pins: 0, objectFetches: 0, objects: 0, bytes: 0 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    expect(two.packages.every((p) => p.status === 'restored')).toBe(true);
    await expectExact(two, (i) => world[i]!.pushes.length - 1);

    // Both checkouts are worktrees of the one store; neither clone has a store of its own.
    expect((await worktreesOf(storeOf(storeDir))).sort()).toEqual([join(first, '.assets', ASSETS_REPO), join(second, '.assets', ASSETS_REPO)].sort());
    for (const lang of [first, second]) expect(existsSync(join(lang, '.assets', '.store'))).toBe(false);
    const dotGit = await readFile(join(second, '.assets', ASSETS_REPO, '.git'), 'utf8');
    expect(dotGit.trim()).toMatch(new RegExp(`^gitdir: ${storeOf(storeDir).replace(/[.]/g, '\\.')}/worktrees/`));

    // Found again as the store's checkout: nothing to repair, copy or register again.
    const packs = async (): Promise<string[]> => (await readdir(join(storeOf(storeDir), 'objects', 'pack'))).sort();
    const packsBefore = await packs();
    expect((await restoreAll(second, linked)).checkouts).toEqual([expect.objectContaining({ dir: ASSETS_REPO, action: 'unchanged' })]);
    expect(await readFile(join(second, '.assets', ASSETS_REPO, '.git'), 'utf8')).toBe(dotGit);
    expect(await packs()).toEqual(packsBefore);
    const shown = asJson<{ config: { storeDir: string; sources: Record<string, string> } }>(await cli(['config', 'show', '--json'], second, env));
    expect(shown.config.storeDir).toBe(storeDir);
    expect(shown.config.sources['storeDir']).toBe('env:ASSET_SYNC_STORE_DIR');
    console.log(`shared store, 12 packages: first clone ${one.summary.durationMs} ms (${one.network.objects} recordings, ${one.network.bytes} bytes), second clone ${two.summary.durationMs} ms (0 requests, 0 bytes)`);
  });

  it('three restores from three language repos at once all end right, and no recording is downloaded twice', async () => {
    const storeDir = await makeTempDir('shared-store-');
    const env = { ...server.env, ASSET_SYNC_STORE_DIR: storeDir };
    // Overlapping selections at overlapping pins: 0-7 at the newest push, 4-11 at the first, all of them mixed.
    const pinsA = (i: number): number => (i < 8 ? 1 : 0);
    const pinsB = (i: number): number => (i < 4 ? 1 : 0);
    const pinsC = (i: number): number => i % 2;
    const langs = await Promise.all([pinsA, pinsB, pinsC].map((at) => languageRepo(worldLanguageRepo(world, at))));
    server.daemon.clearLog();
    const results = await Promise.all(langs.map((lang) => startCli(['restore', '--all', '--json'], lang, env)));
    for (const r of results) expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const reports = results.map((r) => JSON.parse(r.stdout) as Report);
    for (const [k, at] of [pinsA, pinsB, pinsC].entries()) await expectExact(reports[k]!, at);

    // Each distinct recording (blob) was asked for by exactly one of the three runs.
    const needed = new Set<string>();
    for (const at of [pinsA, pinsB, pinsC]) {
      for (const [i, w] of world.entries()) {
        const listed = await git(['--git-dir', repo, 'ls-tree', '-r', '--object-only', w.pushes[at(i)]!.commit, '--', `python/${w.packagePath}`]);
        for (const oid of listed.split('\n').filter(Boolean)) needed.add(oid);
      }
    }
    expect(reports.reduce((sum, r) => sum + r.network.objects, 0)).toBe(needed.size);
    // And each distinct pin by exactly one.
    const pins = new Set([pinsA, pinsB, pinsC].flatMap((at) => world.map((w, i) => w.pushes[at(i)]!.tag)));
    expect(reports.reduce((sum, r) => sum + r.network.pins, 0)).toBe(pins.size);
    expect((await worktreesOf(storeOf(storeDir))).length).toBe(3);
    // Nothing left locked or leased.
    expect(await readdir(join(storeOf(storeDir), 'asset-sync', 'leases'))).toEqual([]);
    for (const lang of langs) expect((await restoreAll(lang, env)).network).toMatchObject({ pinFetches: 0, objectFetches: 0 });
  });
});

describe('the test-proxy layout, one assets dir per tox environment', () => {
  it('a second environment (its own PROXY_ASSETS_FOLDER) restores with no request; gc --store keeps what both hold', async () => {
    const storeDir = await makeTempDir('shared-store-');
    const lang = await languageRepo(worldLanguageRepo(world.slice(0, 4)));
    const envOf = (name: string): Record<string, string> => ({ ...server.env, ASSET_SYNC_STORE_DIR: storeDir, PROXY_ASSETS_FOLDER: join(lang, 'l', name) });
    const first = await restoreAll(lang, envOf('py39'), ['--layout', 'test-proxy']);
    expect(first.network).toMatchObject({ pinFetches: 1, objectFetches: 1 });
    server.daemon.clearLog();
    const second = await restoreAll(lang, envOf('py312'), ['--layout', 'test-proxy']);
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    expect(second.network).toMatchObject({ pinFetches: 0, objectFetches: 0 });
    for (const report of [first, second]) {
      for (const w of world.slice(0, 4)) {
        const p = report.packages.find((x) => x.id === `${w.packagePath}/assets.json`)!;
        await expectSameFiles(join(p.locate!, w.packagePath), repo, w.pushes[1]!.commit, `python/${w.packagePath}`);
      }
    }
    const gc = asJson<GcStoreReport>(await cli(['gc', '--store', '--expire', 'now', '--json'], lang, envOf('py39'))).stores[0]!;
    expect(gc).toMatchObject({ checkouts: 8, prunedCheckouts: 0, droppedRefs: [] });
    server.daemon.clearLog();
    await rm(join(lang, 'l', 'py312'), { recursive: true, force: true });
    const again = await restoreAll(lang, envOf('py312'), ['--layout', 'test-proxy']);
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    expect(again.packages.every((p) => p.status === 'restored')).toBe(true);
  });
});

describe('a deleted clone, then gc --store', () => {
  it('forgets the deleted clone\'s checkout and drops what only it needed; the other clone keeps every object it uses', async () => {
    const storeDir = await makeTempDir('shared-store-');
    const env = { ...server.env, ASSET_SYNC_STORE_DIR: storeDir };
    const kept = world.slice(0, 6);
    const gone = world.slice(6);
    const keeper = await languageRepo(worldLanguageRepo(kept));
    const deleted = await languageRepo(worldLanguageRepo(gone));
    const keeperReport = await restoreAll(keeper, env);
    await restoreAll(deleted, env);
    const store = storeOf(storeDir);
    const before = await objectsIn(store);
    const onlyGone = new Set<string>();
    for (const w of gone) {
      const listed = await git(['--git-dir', repo, 'ls-tree', '-r', '--object-only', w.pushes[1]!.commit, '--', `python/${w.packagePath}`]);
      for (const oid of listed.split('\n').filter(Boolean)) onlyGone.add(oid);
    }
    for (const oid of onlyGone) expect(before.has(oid)).toBe(true);
    await rm(deleted, { recursive: true, force: true });

    // The deleted clone's checkout is forgotten, and the recordings only it held go; refs younger
    // than the default hour stay (a command may be about to use them).
    const first = await cli(['gc', '--store', '--json'], keeper, env);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const young = asJson<GcStoreReport>(first);
    expect(young.shared).toBe(true);
    expect(young.stores).toHaveLength(1);
    expect(young.stores[0]).toMatchObject({ assetsRepo: ASSETS_REPO, prunedCheckouts: 1, checkouts: 1, droppedRefs: [] });
    expect(young.stores[0]!.objectsAfter).toBeLessThan(young.stores[0]!.objectsBefore);
    const between = await objectsIn(store);
    for (const oid of onlyGone) expect(between.has(oid), `recording ${oid} of the deleted clone`).toBe(false);
    for (const w of gone) expect(between.has(w.pushes[1]!.commit)).toBe(true);

    // With --expire now, the refs of pins no checkout serves go too, and their commits and trees.
    const trimmed = asJson<GcStoreReport>(await cli(['gc', '--store', '--expire', 'now', '--json'], keeper, env)).stores[0]!;
    expect(trimmed).toMatchObject({ prunedCheckouts: 0, checkouts: 1 });
    expect(trimmed.droppedRefs.filter((r) => r.startsWith('refs/tags/'))).toEqual(gone.map((w) => `refs/tags/${w.pushes[1]!.tag}`).sort());
    // The other ref dropped is the anchor of the forgotten checkout.
    expect(trimmed.droppedRefs.filter((r) => !r.startsWith('refs/tags/'))).toEqual([expect.stringMatching(/^refs\/asset-sync\/checkouts\//)]);
    expect(trimmed.objectsAfter).toBeLessThan(trimmed.objectsBefore);
    const after = await objectsIn(store);
    for (const w of gone) expect(after.has(w.pushes[1]!.commit)).toBe(false);
    // The keeper's recordings and the commits of its pins (push and resolve build on them) stay.
    for (const w of kept) {
      expect(after.has(w.pushes[1]!.commit)).toBe(true);
      const listed = await git(['--git-dir', repo, 'ls-tree', '-r', '--object-only', w.pushes[1]!.commit, '--', `python/${w.packagePath}`]);
      for (const oid of listed.split('\n').filter(Boolean)) expect(after.has(oid)).toBe(true);
    }
    expect(await worktreesOf(store)).toEqual([join(keeper, '.assets', ASSETS_REPO)]);

    // The keeper restores with no request, byte for byte, and its status is clean.
    server.daemon.clearLog();
    const again = await restoreAll(keeper, env);
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    await expectExact(keeperReport, () => 1, new Set(kept.map((w) => `${w.packagePath}/assets.json`)));
    const status = JSON.parse((await cli(['status', '--all', '--json'], keeper, env)).stdout) as Array<{ restored: boolean; upToDate: boolean; pending?: unknown }>;
    expect(status.every((s) => s.restored && s.upToDate && !s.pending)).toBe(true);
    expect(again.packages.every((p) => p.status === 'up-to-date')).toBe(true);
  });

  it('waits for a run that holds a lease on the store, and ignores the lease of a run that died', async () => {
    const storeDir = await makeTempDir('shared-store-');
    const env = { ...server.env, ASSET_SYNC_STORE_DIR: storeDir };
    const lang = await languageRepo(worldLanguageRepo(world.slice(0, 2)));
    await restoreAll(lang, env);
    const leases = join(storeOf(storeDir), 'asset-sync', 'leases');
    const hostname = (await import('node:os')).hostname();
    // This test's own process is alive: its lease holds gc off.
    await writeFile(join(leases, 'live'), JSON.stringify({ host: hostname, pid: process.pid, started: new Date().toISOString() }));
    const refused = await cli(['gc', '--store'], lang, { ...env, ASSET_SYNC_LOCK_WAIT_MS: '300' });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`in use by 1 asset-sync run (pid ${process.pid} on ${hostname}`);
    await rm(join(leases, 'live'));
    // A process id that is not running: its lease counts for nothing and is removed.
    await writeFile(join(leases, 'dead'), JSON.stringify({ host: hostname, pid: 2 ** 22 + 17, started: new Date().toISOString() }));
    expect((await cli(['gc', '--store'], lang, { ...env, ASSET_SYNC_LOCK_WAIT_MS: '300' })).exitCode).toBe(0);
    expect(await readdir(leases)).toEqual([]);
  });
});

describe('CI cache of the store', () => {
  it('a run restoring from a cached copy of the store fetches only the pins that changed since, at the same workspace path', async () => {
    const ci = await makeTempDir('ci-agent-');
    const workspace = join(ci, 'work', 'azure-sdk-for-python');
    const storeDir = join(ci, 'cache', 'asset-sync');
    const saved = join(ci, 'saved-cache');
    const env = { ...server.env, ASSET_SYNC_STORE_DIR: storeDir };
    const origin = await languageRepo(worldLanguageRepo(world, () => 0));

    // Run 1: clone, restore, save the cache, and the agent is thrown away.
    await git(['clone', '--quiet', origin, workspace]);
    const key1 = (await cli(['cache-key'], workspace, env)).stdout.trim();
    const first = await restoreAll(workspace, env);
    expect(first.network.pins).toBe(12);
    await cp(storeDir, saved, { recursive: true });
    await rm(join(ci, 'work'), { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });

    // Meanwhile two packages are re-recorded, and one assets.json is only reformatted.
    const [a, b, c] = [world[2]!, world[9]!, world[5]!];
    for (const w of [a, b]) await writeFile(join(origin, w.packagePath, 'assets.json'), tagAssetsJson('python', w.tagPrefix, w.pushes[1]!.tag));
    await writeFile(join(origin, c.packagePath, 'assets.json'), JSON.stringify({ Tag: c.pushes[0]!.tag, AssetsRepoPrefixPath: 'python', AssetsRepo: ASSETS_REPO, TagPrefix: c.tagPrefix }));
    await git(['commit', '--quiet', '-am', 'Re-record two packages'], { cwd: origin });

    // Run 2: a fresh clone at the same path; the cache is restored by key prefix.
    await git(['clone', '--quiet', origin, workspace]);
    const key2 = (await cli(['cache-key'], workspace, env)).stdout.trim();
    expect(key2).toMatch(/^[0-9a-f]{64}$/);
    expect(key2).not.toBe(key1);
    await cp(saved, storeDir, { recursive: true });
    server.daemon.clearLog();
    const second = await restoreAll(workspace, env);
    expect(second.network).toMatchObject({ pinFetches: 1, pins: 2, objectFetches: 1, objects: 2 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(2);
    await expectExact(second, (i) => ([2, 9].includes(i) ? 1 : 0));
    // The previous agent's checkout was forgotten, not left registered at the same path.
    expect(await worktreesOf(storeOf(storeDir))).toEqual([join(workspace, '.assets', ASSETS_REPO)]);

    // Reformatting alone keeps the key: only the reformatted file is put back to be sure.
    await writeFile(join(workspace, c.packagePath, 'assets.json'), tagAssetsJson('python', c.tagPrefix, c.pushes[0]!.tag));
    expect((await cli(['cache-key'], workspace, env)).stdout.trim()).toBe(key2);
  });
});

describe('restore --all --shard', () => {
  it('the shards of n restore disjoint parts that together are every package', async () => {
    const lang = await languageRepo(worldLanguageRepo(world));
    const restoredBy: string[][] = [];
    for (const index of [1, 2, 3]) {
      const report = await restoreAll(lang, server.env, ['--shard', `${index}/3`]);
      restoredBy.push(report.packages.filter((p) => p.status === 'restored').map((p) => p.id));
      // Only that shard is restored: the others are not touched, and not removed.
      expect(report.packages.map((p) => p.id).sort()).toEqual(restoredBy[index - 1]!.sort());
    }
    const all = restoredBy.flat();
    expect(all.sort()).toEqual(world.map((w) => `${w.packagePath}/assets.json`).sort());
    expect(new Set(all).size).toBe(world.length);
    for (const shard of restoredBy) expect(shard.length).toBeGreaterThan(0);
    const status = JSON.parse((await cli(['status', '--all', '--json'], lang, server.env)).stdout) as Array<{ restored: boolean }>;
    expect(status.every((s) => s.restored)).toBe(true);

    const usage = await cli(['restore', '--shard', '1/3'], lang, server.env);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('--shard splits the packages of --all');
    expect((await cli(['restore', '--all', '--shard', '4/3'], lang, server.env)).exitCode).toBe(2);
  });
});

describe('switching a clone to a shared store', () => {
  it('keeps its checkout, pending changes included, and moves it to the shared store', async () => {
    const lang = await languageRepo(worldLanguageRepo(world.slice(0, 3)));
    const report = await restoreAll(lang, server.env);
    const w = world[0]!;
    const locate = report.packages.find((p) => p.id === `${w.packagePath}/assets.json`)!.locate!;
    const edited = join(locate, w.packagePath, 'tests/recordings/test_0.json');
    await writeFile(edited, 're-recorded, not pushed\n');

    const storeDir = await makeTempDir('shared-store-');
    const env = { ...server.env, ASSET_SYNC_STORE_DIR: storeDir };
    server.daemon.clearLog();
    const result = await cli(['restore', '--all', '--json'], lang, env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(await readFile(edited, 'utf8')).toBe('re-recorded, not pushed\n');
    expect(await worktreesOf(storeOf(storeDir))).toEqual([join(lang, '.assets', ASSETS_REPO)]);
    const status = JSON.parse((await cli(['status', '--all', '--json'], lang, env)).stdout) as Array<{ id: string; pending?: { modified: string[] } }>;
    expect(status.find((s) => s.id === `${w.packagePath}/assets.json`)!.pending!.modified).toEqual([`python/${w.packagePath}/tests/recordings/test_0.json`]);
    // The recordings came from the old store, not the network; the old store forgot the checkout.
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
    expect(await worktreesOf(join(lang, '.assets', '.store', `${ASSETS_REPO}.git`))).toEqual([]);
    for (const other of world.slice(1, 3)) {
      const at = report.packages.find((p) => p.id === `${other.packagePath}/assets.json`)!.locate!;
      await expectSameFiles(join(at, other.packagePath), repo, other.pushes[1]!.commit, `python/${other.packagePath}`);
    }
  });
});

/** A step of a GitHub Actions job, as docs/ci.md writes them. */
interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

async function ciRecipes(): Promise<unknown[]> {
  const text = await readFile(join(workspaceRoot(), 'docs', 'ci.md'), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as unknown);
}

/** Runs a shell line as a CI step would, with `npx asset-sync` being the CLI under test. */
async function shell(line: string, cwd: string, env: Record<string, string>): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', line], { cwd, env: cliEnv(env) });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

/**
 * Plays a GitHub Actions job of docs/ci.md: its `run` lines in bash, `actions/cache` as a folder
 * of saved caches (exact key, else the newest matching a restore-keys prefix; saved after the job
 * on a miss), with `${{ runner.os }}` and step outputs filled in. Checkout, setup-node, npm ci and
 * npm test are the test's business.
 */
async function runGitHubJob(job: { env: Record<string, string>; steps: Step[] }, run: { workspace: string; home: string; caches: string; bin: string }): Promise<string[]> {
  const outputs: Record<string, Record<string, string>> = {};
  const expand = (text: string): string =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
      if (expr === 'runner.os') return 'Linux';
      const step = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
      if (step) return outputs[step[1]!]?.[step[2]!] ?? '';
      throw new Error(`the recipe uses \${{ ${expr} }}, which this player does not know`);
    });
  const home = (path: string): string => path.replace(/^~(?=\/)/, run.home);
  const printed: string[] = [];
  let save: { key: string; path: string } | undefined;
  for (const step of job.steps) {
    if (step.uses?.startsWith('actions/cache@')) {
      const key = expand(step.with!['key']!);
      const path = home(step.with!['path']!);
      const saved = (await readdir(run.caches).catch(() => [] as string[])).sort();
      const prefixes = expand(step.with!['restore-keys'] ?? '').split('\n').map((p) => p.trim()).filter(Boolean);
      const hit = saved.includes(key) ? key : prefixes.map((p) => saved.filter((k) => k.startsWith(p)).pop()).find(Boolean);
      if (hit) await cp(join(run.caches, hit), path, { recursive: true });
      if (hit !== key) save = { key, path };
      continue;
    }
    if (!step.run || step.uses || ['npm ci', 'npm test'].includes(step.run)) continue;
    const outputFile = join(run.home, `output-${step.id ?? 'step'}`);
    await writeFile(outputFile, '');
    const result = await shell(expand(step.run), run.workspace, { ...server.env, ...job.env, HOME: run.home, GITHUB_OUTPUT: outputFile, PATH: `${run.bin}:${process.env['PATH']}` });
    expect(result.exitCode, `${step.run}\n${result.output}`).toBe(0);
    printed.push(result.output);
    if (step.id) outputs[step.id] = Object.fromEntries((await readFile(outputFile, 'utf8')).split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }
  if (save) await cp(save.path, join(run.caches, save.key), { recursive: true });
  return printed;
}

describe('the CI recipes in docs/ci.md', () => {
  it('the GitHub Actions job, played twice on fresh agents, fetches on the second run only what changed', async () => {
    const recipes = await ciRecipes();
    const job = (recipes[0] as { jobs: { test: { env: Record<string, string>; steps: Step[] } } }).jobs.test;
    const agent = await makeTempDir('ci-recipe-');
    const caches = join(agent, 'caches');
    const bin = join(agent, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = asset-sync ] && shift\nexec "${process.execPath}" "${cliBinPath()}" "$@"\n`);
    await chmod(join(bin, 'npx'), 0o755);
    const origin = await languageRepo(worldLanguageRepo(world, () => 0));
    const fresh = async (name: string): Promise<{ workspace: string; home: string; caches: string; bin: string }> => {
      const home = join(agent, name, 'home');
      await mkdir(home, { recursive: true });
      const workspace = join(agent, name, 'work');
      await git(['clone', '--quiet', origin, workspace]);
      return { workspace, home, caches, bin };
    };

    const first = await fresh('run1');
    const printed1 = (await runGitHubJob(job, first)).join('');
    expect(printed1).toMatch(/Restored 12 of 12 assets\.json/);
    expect(await readdir(caches)).toHaveLength(1);
    expect(existsSync(join(first.home, '.cache', 'asset-sync', `${ASSETS_REPO}.git`))).toBe(true);

    const [a, b] = [world[4]!, world[7]!];
    for (const w of [a, b]) await writeFile(join(origin, w.packagePath, 'assets.json'), tagAssetsJson('python', w.tagPrefix, w.pushes[1]!.tag));
    await git(['commit', '--quiet', '-am', 'Re-record two packages'], { cwd: origin });
    const second = await fresh('run2');
    server.daemon.clearLog();
    const printed2 = (await runGitHubJob(job, second)).join('');
    // From the cache of run 1 (a restore-keys hit): one request for the two new pins, one for their two recordings.
    expect(printed2).toMatch(/fetched: pins in 1 request, 2 recordings in 1 request/);
    expect(await server.daemon.countRequests('upload-pack')).toBe(2);
    expect((await readdir(caches)).sort()).toHaveLength(2);
    const status = JSON.parse((await cli(['status', '--all', '--json'], second.workspace, { ...server.env, ASSET_SYNC_STORE_DIR: join(second.home, '.cache', 'asset-sync') })).stdout) as Array<{ restored: boolean; upToDate: boolean }>;
    expect(status.every((x) => x.restored && x.upToDate)).toBe(true);
  });

  it('every recipe parses, and caches the folder ASSET_SYNC_STORE_DIR names under the key asset-sync cache-key prints', async () => {
    const [github, azure, shards] = (await ciRecipes()) as [
      { jobs: { test: { env: Record<string, string>; steps: Step[] } } },
      { variables: Record<string, string>; steps: Array<{ script?: string; task?: string; inputs?: Record<string, string> }> },
      { strategy: { matrix: { shard: number[] } }; steps: Step[] },
    ];
    const job = github.jobs.test;
    const cacheAt = job.steps.findIndex((s) => s.uses?.startsWith('actions/cache@'));
    const cache = job.steps[cacheAt]!;
    expect(cache.with!['path']).toBe(job.env['ASSET_SYNC_STORE_DIR']);
    const keyAt = job.steps.findIndex((s) => s.id !== undefined && cache.with!['key']!.includes(`steps.${s.id}.outputs.key`));
    expect(job.steps[keyAt]!.run).toContain('npx asset-sync cache-key');
    const restoreAt = job.steps.findIndex((s) => s.run?.includes('asset-sync restore --all'));
    expect(keyAt).toBeLessThan(cacheAt);
    expect(cacheAt).toBeLessThan(restoreAt);

    const task = azure.steps.find((s) => s.task === 'Cache@2')!;
    expect(task.inputs!['path']).toBe('$(ASSET_SYNC_STORE_DIR)');
    expect(azure.variables['ASSET_SYNC_STORE_DIR']).toBeDefined();
    expect(task.inputs!['key']).toContain('"$(ASSET_SYNC_CACHE_KEY)"');
    const setsKey = azure.steps.findIndex((s) => s.script?.includes('task.setvariable variable=ASSET_SYNC_CACHE_KEY]$(npx asset-sync cache-key)'));
    expect(setsKey).toBeGreaterThanOrEqual(0);
    expect(setsKey).toBeLessThan(azure.steps.indexOf(task));
    expect(azure.steps.findIndex((s) => s.script?.includes('asset-sync restore --all'))).toBeGreaterThan(azure.steps.indexOf(task));

    const n = shards.strategy.matrix.shard.length;
    const lines = shards.steps.map((s) => s.run ?? '').join('\n');
    expect(lines).toContain(`cache-key --shard \${{ matrix.shard }}/${n}`);
    expect(lines).toContain(`restore --all --shard \${{ matrix.shard }}/${n}`);
  });
});
