import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GcReport, MergeReport } from '@asset-sync/executor';
import type { RestorePlan } from '@asset-sync/planner';
import { commitFiles, git, readFilesInDir, tagCommit } from '@asset-sync/git-harness';
import { ASSETS_REPO, asJson, cli, ensureBareRepo, languageRepo, startServer, tagAssetsJson, type Server } from './helpers.js';

const pkg = (i: number): string => `sdk/svc${i}/azure-svc${i}`;
const file = (i: number): string => `python/${pkg(i)}/tests/recordings/test_${i}.json`;
const body = (i: number, version: string): string => `{"Entries":[{"RequestUri":"https://fake/${i}","ResponseBody":"${version}"}]}\n`;

/** Every restored recording of every package, keyed by package and file. */
async function snapshot(lang: string, env: Record<string, string>): Promise<Map<string, string>> {
  const all = new Map<string, string>();
  for (let i = 0; i < 10; i++) {
    const root = (await cli(['locate', pkg(i)], lang, env)).stdout.trim();
    for (const [path, bytes] of await readFilesInDir(join(root, pkg(i)))) all.set(`${pkg(i)}/${path}`, bytes.toString('utf8'));
  }
  return all;
}

/** c0 on main with ten packages; nine pushes off c0, each tagged; main moved on with svc0 changed. */
async function buildAssets(server: Server): Promise<{ c0: string; mainHead: string; tags: string[] }> {
  const tags: string[] = [];
  const repo = await ensureBareRepo(server);
  const initial: Record<string, string> = {};
  for (let i = 0; i < 10; i++) initial[file(i)] = body(i, 'v0');
  const c0 = await commitFiles(repo, initial, { date: 1_700_000_000 });
  tags[0] = `python/svc0/azure-svc0_${c0.slice(0, 10)}`;
  await tagCommit(repo, tags[0], c0);
  // Nine pushes, each on its own commit off c0 (as the test-proxy makes them), each tagged.
  for (let i = 1; i < 10; i++) {
    const commit = await commitFiles(repo, { [file(i)]: body(i, `v${i}`) }, { parent: c0, branch: `auto/svc${i}`, date: 1_700_000_000 + i });
    tags[i] = `python/svc${i}/azure-svc${i}_${commit.slice(0, 10)}`;
    await tagCommit(repo, tags[i]!, commit);
  }
    // main moved on: svc0 changed there after svc0's pin.
  const mainHead = await commitFiles(repo, { [file(0)]: body(0, 'main-newer') }, { parent: c0, date: 1_700_000_100 });
  return { c0, mainHead, tags };
}

const languageFilesFor = (tags: string[]): Record<string, string> =>
  Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${pkg(i)}/assets.json`, tagAssetsJson('python', `python/svc${i}/azure-svc${i}`, tags[i]!)]));

describe('nightly merge and gc', () => {
  let server: Server;
  let c0: string;
  let mainHead: string;
  let tags: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    ({ c0, mainHead, tags } = await buildAssets(server));
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  const languageFiles = (): Record<string, string> => languageFilesFor(tags);

  it('merges ten pins into one commit on main, repins all ten, and the whole repo then needs one checkout with the same bytes', async () => {
    const lang = await languageRepo(languageFiles());
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const before = await snapshot(lang, server.env);
    const pinnedCommits = (plan: RestorePlan): string[] => [...new Set(plan.packages.map((p) => p.commit!))];
    expect(pinnedCommits(asJson<RestorePlan>(await cli(['plan', '--all', '--json'], lang, server.env))).length).toBeGreaterThan(1);

    const dry = asJson<MergeReport>(await cli(['merge', '--dry-run', '--json'], lang, server.env));
    expect(dry.moved).toHaveLength(10);
    expect(await git(['--git-dir', server.repoPath(), 'rev-parse', 'refs/heads/main'])).toBe(mainHead);
    expect(JSON.parse(await readFile(join(lang, pkg(3), 'assets.json'), 'utf8')).Tag).toBe(tags[3]);

    const merged = await cli(['merge', '--json'], lang, server.env);
    expect(merged.exitCode, merged.stderr + merged.stdout).toBe(0);
    const report = asJson<MergeReport>(merged);
    const repo = report.repos[0]!;
    expect(repo).toMatchObject({ base: mainHead, created: true, pushed: true });
    expect(await git(['--git-dir', server.repoPath(), 'rev-parse', 'refs/heads/main'])).toBe(repo.commit);
    // A real merge: main's head and the nine pinned commits off it are its parents.
    expect(repo.parents[0]).toBe(mainHead);
    expect(repo.parents).toHaveLength(10);
    expect(report.moved).toHaveLength(10);
    for (let i = 0; i < 10; i++) {
      expect(JSON.parse(await readFile(join(lang, pkg(i), 'assets.json'), 'utf8')).Tag).toBe(`python/svc${i}/azure-svc${i}_${repo.commit.slice(0, 10)}`);
    }
    // svc0 keeps ITS pinned content, not main's newer files.
    expect(await git(['--git-dir', server.repoPath(), 'show', `${repo.commit}:${file(0)}`])).toBe(body(0, 'v0').trimEnd());

    const plan = asJson<RestorePlan>(await cli(['plan', '--all', '--json'], lang, server.env));
    expect(pinnedCommits(plan)).toEqual([repo.commit]);
    expect(plan.checkouts.map((c) => c.dir)).toEqual(['Azure/azure-sdk-assets']);
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    expect(await snapshot(lang, server.env)).toEqual(before);

    // Safe to run twice: nothing to do.
    const again = asJson<MergeReport>(await cli(['merge', '--json'], lang, server.env));
    expect(again.repos[0]).toMatchObject({ created: false, commit: repo.commit });
    expect(again.moved).toEqual([]);
    expect(again.unchanged).toHaveLength(10);
  });

  it('skips a package with local unpushed changes, with a warning', async () => {
    const lang = await languageRepo(languageFiles());
    expect((await cli(['restore', '--all'], lang, server.env)).exitCode).toBe(0);
    const root = (await cli(['locate', pkg(4)], lang, server.env)).stdout.trim();
    await writeFile(join(root, pkg(4), 'tests/recordings/test_4.json'), 'local\n');
    const report = asJson<MergeReport>(await cli(['merge', '--dry-run', '--json'], lang, server.env));
    expect(report.skipped).toEqual([{ id: `${pkg(4)}/assets.json`, reason: expect.stringContaining('unpushed changes') as unknown as string }]);
    expect(report.moved.map((m) => m.id)).not.toContain(`${pkg(4)}/assets.json`);
  });

  it('gc keeps everything a release tag of the language repo references, and deletes the rest only with --delete', async () => {
    const repo = server.repoPath();
    // An unreferenced push, and an auto branch nobody names but whose commit a release pins by SHA.
    const stray = await commitFiles(repo, { [file(5)]: body(5, 'stray') }, { parent: c0, branch: 'auto/stray', date: 1_700_000_500 });
    await tagCommit(repo, `python/svc5/azure-svc5_${stray.slice(0, 10)}`, stray);
    const pinnedBySha = await commitFiles(repo, { [file(6)]: body(6, 'sha-pinned') }, { parent: c0, branch: 'auto/old-branch', date: 1_700_000_600 });

    const files = languageFiles();
    files['sdk/legacy/azure-legacy/assets.json'] = `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', AssetsRepoBranch: 'auto/legacy', SHA: pinnedBySha }, null, 2)}\n`;
    const lang = await languageRepo(files);
    // The release tag pins today's (pre-merge) tags; main will move past them.
    await git(['tag', 'release/1.0.0'], { cwd: lang });
    const mergeRun = await cli(['merge'], lang, server.env);
    expect(mergeRun.exitCode, mergeRun.stderr + mergeRun.stdout).toBe(0);
    await git(['add', '-A'], { cwd: lang });
    await git(['commit', '--quiet', '-m', 'repin after merge'], { cwd: lang });

    const listed = await cli(['gc', '--json'], lang, server.env);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const dry = asJson<GcReport>(listed).repos[0]!;
    const unreferenced = dry.unreferenced.map((u) => u.ref);
    expect(unreferenced).toContain(`refs/tags/python/svc5/azure-svc5_${stray.slice(0, 10)}`);
    expect(unreferenced).toContain('refs/heads/auto/stray');
    for (const tag of tags) expect(unreferenced).not.toContain(`refs/tags/${tag}`);
    expect(unreferenced).not.toContain('refs/heads/main');
    expect(unreferenced).not.toContain('refs/heads/auto/old-branch');
    expect(dry.objects).toBeGreaterThan(0);
    // A dry run downloads no file contents: their size is unknown, the rest is counted.
    expect(dry.bytes).toBeNull();
    expect(dry.unknownObjects).toBeGreaterThan(0);
    expect(dry.knownBytes).toBeGreaterThan(0);
    expect(dry.deleted).toEqual([]);
    // Dry run: the server still has everything.
    expect(await git(['--git-dir', repo, 'tag', '--list', 'python/svc5/*'])).toContain(stray.slice(0, 10));

    const done = asJson<GcReport>(await cli(['gc', '--delete', '--no-backup', '--json'], lang, server.env)).repos[0]!;
    expect(done.deleted.sort()).toEqual(unreferenced.sort());
    expect(await git(['--git-dir', repo, 'tag', '--list', 'python/svc5/*'])).not.toContain(stray.slice(0, 10));
    // Everything the release tag references still resolves on the server.
    for (const tag of tags) expect(await git(['--git-dir', repo, 'rev-parse', `refs/tags/${tag}`])).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(['--git-dir', repo, 'cat-file', '-t', pinnedBySha])).toBe('commit');
    expect(await git(['--git-dir', repo, 'rev-parse', 'refs/heads/auto/old-branch'])).toBe(pinnedBySha);
  });
});

describe('nightly merge, interrupted', () => {
  it('resumes after being killed before and after moving main, with one merged commit in the end', async () => {
    const server = await startServer();
    try {
      const { mainHead, tags } = await buildAssets(server);
      const lang = await languageRepo(languageFilesFor(tags));
      for (const point of ['merge-commit', 'merge-push']) {
        const killed = await cli(['merge'], lang, { ...server.env, ASSET_SYNC_CRASH_AFTER: point });
        expect(killed.signal, point).toBe('SIGKILL');
        // No assets.json was touched.
        for (let i = 0; i < 10; i++) expect(JSON.parse(await readFile(join(lang, pkg(i), 'assets.json'), 'utf8')).Tag).toBe(tags[i]);
      }
      const pushedHead = await git(['--git-dir', server.repoPath(), 'rev-parse', 'refs/heads/main']);
      expect(pushedHead).not.toBe(mainHead);
      const rerun = asJson<MergeReport>(await cli(['merge', '--json'], lang, server.env));
      // The run killed after moving main left the merged commit there; the re-run only repins.
      expect(rerun.repos[0]).toMatchObject({ created: false, commit: pushedHead });
      expect(rerun.moved).toHaveLength(10);
      expect(await git(['--git-dir', server.repoPath(), 'rev-list', '--count', '--first-parent', `${mainHead}..refs/heads/main`])).toBe('1');
      const plan = asJson<RestorePlan>(await cli(['plan', '--all', '--json'], lang, server.env));
      expect([...new Set(plan.packages.map((p) => p.commit))]).toEqual([pushedHead]);
    } finally {
      await server.daemon.stop();
    }
  });
});
