import { spawn } from 'node:child_process';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoNx } from '@asset-sync/nx';
import {
  cliEnv,
  commitFiles,
  commitWorkingFiles,
  git,
  makeLanguageRepo,
  makeTempDir,
  readFilesInDir,
  runCli,
  startGitDaemon,
  workspaceRoot,
  type GitDaemon,
} from '@asset-sync/git-harness';
import {
  assetsJsonFor,
  generateCorpus,
  writeLanguageRepoFromCorpus,
  type CorpusManifest,
  type CorpusPackage,
} from '@asset-sync/corpus';

/**
 * The Nx plugin in a generated language repo that is an Nx workspace: real `nx` (daemon and
 * cloud off), the built plugin resolved through node_modules as an installed package is, the
 * built CLI on node_modules/.bin, and the assets repo behind a git daemon on loopback.
 */

const ASSETS_REPO = 'Azure/azure-sdk-assets';
const NX = join(workspaceRoot(), 'node_modules', '.bin', 'nx');
const DUPLICATE_TAG = 'python/tests_0000000dup';
const DUPLICATES = ['sdk/alpha/tests', 'sdk/beta/tests'];

interface NxResult {
  exitCode: number | null;
  output: string;
  durationMs: number;
}

let daemon: GitDaemon;
let manifest: CorpusManifest;
let lang: string;
let env: NodeJS.ProcessEnv;
/** Every assets.json of the language repo: the corpus's packages and the two duplicates. */
let assetsJsonPaths: string[];

function nx(args: string[], options: { env?: Record<string, string> } = {}): Promise<NxResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(NX, args, { cwd: lang, env: { ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output, durationMs: Date.now() - started }));
  });
}

function json<T>(result: NxResult): T {
  expect(result.exitCode, result.output).toBe(0);
  return JSON.parse(result.output.slice(result.output.search(/[[{]/))) as T;
}

/** The name the plugin documents: the folder, or `<parent>-<folder>` where two folders share it. */
function expectedNames(): Map<string, string> {
  const folders = assetsJsonPaths.map((p) => posix.dirname(p));
  const count = new Map<string, number>();
  for (const folder of folders) count.set(posix.basename(folder), (count.get(posix.basename(folder)) ?? 0) + 1);
  const js = new Set(manifest.packages.filter((p) => p.language === 'js').map((p) => p.packagePath));
  return new Map(
    folders.map((folder) => {
      const base = posix.basename(folder);
      // js packages have a package.json: the targets join the project Nx makes of it.
      if (js.has(folder)) return [folder, `@azure/${base}`];
      return [folder, count.get(base)! > 1 ? `${posix.basename(posix.dirname(folder))}-${base}` : base];
    }),
  );
}

/** A package of the corpus with nothing nested in it and a name of its own. */
function plainPackage(): CorpusPackage {
  const names = expectedNames();
  const pkg = manifest.packages.find((p) => p.language === 'python' && !p.nesting && p.files > 0 && names.get(p.packagePath) === posix.basename(p.packagePath));
  if (!pkg) throw new Error('the corpus has no plain python package');
  return pkg;
}

const restoredLines = (output: string): string[] => output.match(/^(restored|up-to-date) \S+\/assets\.json -> \S+$/gm) ?? [];

beforeAll(async () => {
  const server = await makeTempDir('nx-e2e-server-');
  manifest = await generateCorpus({ root: server, shape: 'shared', packages: 50, recordingsPerPackage: 6, nestedServicePins: 1, seed: 'nx-plugin-e2e' });
  // Two packages whose folders share a basename, with recordings of their own.
  await commitFiles(
    manifest.repoPath,
    Object.fromEntries(DUPLICATES.map((d) => [`python/${d}/tests/recordings/test_${posix.basename(posix.dirname(d))}.json`, '{"Entries":[]}\n'])),
    { tag: DUPLICATE_TAG, message: 'Recordings for two packages named tests' },
  );
  daemon = await startGitDaemon(server);
  lang = await makeTempDir('nx-e2e-lang-');
  const duplicateFiles = Object.fromEntries(
    DUPLICATES.map((d) => [
      `${d}/assets.json`,
      `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', TagPrefix: 'python/tests', Tag: DUPLICATE_TAG }, null, 2)}\n`,
    ]),
  );
  const written = await writeLanguageRepoFromCorpus(lang, manifest, {
    extraFiles: {
      ...duplicateFiles,
      '.gitignore': '.assets/\nnode_modules\n.nx/\n',
      'package.json': `${JSON.stringify({ name: 'azure-sdk-for-test', private: true }, null, 2)}\n`,
      'nx.json': `${JSON.stringify({ neverConnectToCloud: true, useDaemonProcess: false, plugins: ['@asset-sync/nx'] }, null, 2)}\n`,
    },
  });
  assetsJsonPaths = [...written.assetsJsonPaths, ...Object.keys(duplicateFiles)].sort();
  // The plugin, nx and the CLI resolve from here as from an install (the workspace links its packages).
  await symlink(join(workspaceRoot(), 'node_modules'), join(lang, 'node_modules'), 'dir');
  env = cliEnv({
    ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_INTERACTIVE: 'false',
    NX_BATCH_MODE: undefined,
    NX_VERBOSE_LOGGING: undefined,
  });
});

afterAll(async () => {
  await daemon?.stop();
});

describe('nx show', () => {
  it('lists one project per assets.json, nested ones and duplicate basenames included', async () => {
    const projects = json<string[]>(await nx(['show', 'projects', '--with-target', 'restore', '--json']));
    expect(assetsJsonPaths.length).toBeGreaterThanOrEqual(52);
    expect(projects).toHaveLength(assetsJsonPaths.length);
    expect([...projects].sort()).toEqual([...expectedNames().values()].sort());
    expect(projects).toEqual(expect.arrayContaining(['alpha-tests', 'beta-tests']));
    const nested = manifest.packages.filter((p) => p.nesting);
    expect(nested).toHaveLength(2);
    for (const pkg of nested) expect(projects).toContain(expectedNames().get(pkg.packagePath));
  });

  it('shows the five targets with descriptions, on a plugin project and on a package.json project', async () => {
    const pkg = plainPackage();
    const project = json<{ root: string; targets: Record<string, { executor: string; cache?: boolean; parallelism?: boolean; metadata?: { description?: string } }> }>(
      await nx(['show', 'project', posix.basename(pkg.packagePath), '--json']),
    );
    expect(project.root).toBe(pkg.packagePath);
    expect(Object.keys(project.targets).sort()).toEqual(['locate', 'push', 'reset', 'restore', 'status']);
    for (const [name, target] of Object.entries(project.targets)) expect(target.metadata?.description, name).toMatch(/\w{3,}/);
    expect(project.targets['restore']!.executor).toBe('@asset-sync/nx:restore');
    expect(project.targets['push']!.parallelism).toBe(false);
    expect(project.targets['push']!.cache).toBe(false);

    const js = manifest.packages.find((p) => p.language === 'js')!;
    const jsProject = json<{ root: string; targets: Record<string, unknown> }>(await nx(['show', 'project', `@azure/${posix.basename(js.packagePath)}`, '--json']));
    expect(jsProject.root).toBe(js.packagePath);
    expect(Object.keys(jsProject.targets)).toEqual(expect.arrayContaining(['restore', 'push', 'reset', 'status', 'locate']));
  });
});

describe('nx run', () => {
  it('<project>:restore restores that package, and asset-sync locate agrees', async () => {
    const pkg = plainPackage();
    const result = await nx(['run', `${posix.basename(pkg.packagePath)}:restore`]);
    expect(result.exitCode, result.output).toBe(0);
    const printed = new RegExp(`^restored ${pkg.packagePath}/assets\\.json -> (\\S+)$`, 'm').exec(result.output);
    expect(printed, result.output).not.toBeNull();
    expect(result.output).toMatch(/one plan for 1 assets\.json, 1 checkout/);

    const located = await runCli(['locate', pkg.packagePath], { cwd: lang, env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate } });
    expect(located.exitCode, located.stderr).toBe(0);
    expect(located.stdout.trim()).toBe(printed![1]);
    const files = await readFilesInDir(join(printed![1]!, pkg.packagePath));
    expect([...files.keys()].sort()).toEqual([...pkg.paths].sort());

    // Only that package: another one is not restored.
    const other = manifest.packages.find((p) => p !== pkg && !p.nesting && p.files > 0)!;
    const notThere = await runCli(['locate', other.packagePath], { cwd: lang });
    expect(notThere.exitCode).not.toBe(0);
    expect(notThere.stderr).toContain('is not restored');
  });
});

describe('nx run-many -t restore', () => {
  it('--batch restores every project with one plan and one fetch; without it, one task at a time (both timed)', async () => {
    const count = assetsJsonPaths.length;

    await rm(join(lang, '.assets'), { recursive: true, force: true });
    daemon.clearLog();
    const single = await nx(['run-many', '-t', 'restore']);
    expect(single.exitCode, single.output).toBe(0);
    expect(restoredLines(single.output)).toHaveLength(count);
    expect(single.output).not.toContain(`one plan for ${count} assets.json`);
    const singleRequests = await daemon.countRequests('upload-pack', ASSETS_REPO);

    await rm(join(lang, '.assets'), { recursive: true, force: true });
    daemon.clearLog();
    const batch = await nx(['run-many', '-t', 'restore', '--batch']);
    expect(batch.exitCode, batch.output).toBe(0);
    expect(restoredLines(batch.output)).toHaveLength(count);
    expect(batch.output).toContain(`Running ${count} tasks with @asset-sync/nx:restore`);
    const summary = /^asset-sync: one plan for (\d+) assets\.json, (\d+) checkouts? .*fetched: pins in (\d+) requests?, (\d+) recordings in (\d+) requests?.*$/m.exec(batch.output);
    expect(summary, batch.output).not.toBeNull();
    expect(Number(summary![1])).toBe(count);
    expect(Number(summary![3])).toBe(1);
    expect(Number(summary![5])).toBe(1);
    // The server saw exactly those two fetches: one for the pins, one for the recordings.
    const batchRequests = await daemon.countRequests('upload-pack', ASSETS_REPO);
    expect(batchRequests).toBe(2);
    expect(singleRequests).toBeGreaterThan(batchRequests);

    const status = await runCli(['status', '--all', '--json'], { cwd: lang });
    const reports = JSON.parse(status.stdout) as Array<{ id: string; restored: boolean; upToDate: boolean }>;
    expect(reports.map((r) => r.id).sort()).toEqual(assetsJsonPaths);
    expect(reports.filter((r) => !r.restored || !r.upToDate)).toEqual([]);

    console.log(
      `nx run-many -t restore over ${count} projects: without --batch ${(single.durationMs / 1000).toFixed(1)} s ` +
        `(${singleRequests} upload-pack requests), with --batch ${(batch.durationMs / 1000).toFixed(1)} s (${batchRequests} requests)\n${summary![0]}`,
    );
  });
});

describe('nx affected -t restore', () => {
  it('restores only the packages whose folders changed', async () => {
    const pkg = plainPackage();
    const name = posix.basename(pkg.packagePath);
    const path = `${pkg.packagePath}/assets.json`;
    const text = await readFile(join(lang, path), 'utf8');
    await commitWorkingFiles(lang, { [path]: `${text}\n` }, `Touch ${path}`);
    const result = await nx(['affected', '-t', 'restore', '--base=HEAD~1', '--head=HEAD']);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output.match(/^> nx run \S+:restore/gm)).toEqual([`> nx run ${name}:restore`]);
    expect(restoredLines(result.output)).toEqual([expect.stringMatching(new RegExp(`^up-to-date ${path} -> `))]);
  });
});

describe('a broken assets.json', () => {
  it('fails its own project with the message the CLI gives; every other project loads and restores', async () => {
    const pkg = plainPackage();
    const name = posix.basename(pkg.packagePath);
    const path = `${pkg.packagePath}/assets.json`;
    const original = await readFile(join(lang, path), 'utf8');
    await writeFile(join(lang, path), '{ "AssetsRepo": "Azure/azure-sdk-assets", "Tag": 42 ');
    try {
      const cli = await runCli(['restore', pkg.packagePath], { cwd: lang, env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate } });
      expect(cli.exitCode).toBe(1);
      const message = /^failed \(1\):\n {2}(.+)\n {4}hint: (.+)$/m.exec(cli.stdout);
      expect(message, cli.stdout).not.toBeNull();

      // The graph still loads: every project is there, the broken one too.
      const projects = json<string[]>(await nx(['show', 'projects', '--with-target', 'restore', '--json']));
      expect(projects).toHaveLength(assetsJsonPaths.length);
      expect(projects).toContain(name);

      const batch = await nx(['run-many', '-t', 'restore', '--batch']);
      expect(batch.exitCode).toBe(1);
      expect(batch.output).toContain(`failed ${path}\n  ${message![1]}\n  hint: ${message![2]}`);
      expect(restoredLines(batch.output)).toHaveLength(assetsJsonPaths.length - 1);
      expect(batch.output).toMatch(new RegExp(`Failed tasks:\\s+- ${name.replace(/[.]/g, '\\.')}:restore\\s*$`, 'm'));
      expect(batch.output.match(/^- \S+:restore$/gm)).toEqual([`- ${name}:restore`]);

      const single = await nx(['run', `${name}:restore`]);
      expect(single.exitCode).toBe(1);
      expect(single.output).toContain(message![1]);
    } finally {
      await writeFile(join(lang, path), original);
    }
  });
});

describe('push, reset and status targets', () => {
  it('run the CLI on the project: status shows pending changes, reset discards them, push publishes them and repins', async () => {
    const pkg = plainPackage();
    const name = posix.basename(pkg.packagePath);
    const restore = await nx(['run', `${name}:restore`]);
    expect(restore.exitCode, restore.output).toBe(0);
    const locate = /-> (\S+)$/m.exec(restore.output)![1]!;
    const recording = join(locate, pkg.packagePath, pkg.paths[0]!);
    const original = await readFile(recording, 'utf8');
    const changed = '{"Entries":[],"Variables":{"changed":"by the nx e2e test"}}\n';

    await writeFile(recording, changed);
    const status = await nx(['run', `${name}:status`]);
    expect(status.exitCode, status.output).toBe(0);
    expect(status.output).toContain(`pending changes: modified: ${pkg.prefix}/${pkg.packagePath}/${pkg.paths[0]}`);

    // Not a terminal: reset asks for --yes instead of discarding anything.
    const refused = await nx(['run', `${name}:reset`]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.output).toContain('--yes');
    expect(await readFile(recording, 'utf8')).toBe(changed);
    const reset = await nx(['run', `${name}:reset`, '--yes']);
    expect(reset.exitCode, reset.output).toBe(0);
    expect(await readFile(recording, 'utf8')).toBe(original);

    await writeFile(recording, changed);
    const before = JSON.parse(await readFile(join(lang, pkg.packagePath, 'assets.json'), 'utf8')) as { Tag: string };
    const push = await nx(['run', `${name}:push`]);
    expect(push.exitCode, push.output).toBe(0);
    const after = JSON.parse(await readFile(join(lang, pkg.packagePath, 'assets.json'), 'utf8')) as { Tag: string };
    expect(after.Tag).not.toBe(before.Tag);
    expect(push.output).toContain(`new pin: ${after.Tag}`);
    const commit = await git(['--git-dir', manifest.repoPath, 'rev-parse', '--verify', `refs/tags/${after.Tag}^{commit}`]);
    expect(await git(['--git-dir', manifest.repoPath, 'show', `${commit}:${pkg.prefix}/${pkg.packagePath}/${pkg.paths[0]}`])).toBe(changed.trim());
    const clean = await nx(['run', `${name}:status`]);
    expect(clean.output).toContain(`${pkg.packagePath}/assets.json: restored (pin ${after.Tag})`);
    expect(clean.output).not.toContain('pending changes');
  });
});

describe('demoNx', () => {
  it('makes a language repo an Nx workspace and shows nx run and nx run-many --batch on it, leaving git status clean', async () => {
    const packages = manifest.packages.filter((p) => !p.nesting && p.files > 0 && p.language !== 'js').slice(0, 3);
    const dir = await makeTempDir('nx-e2e-demo-');
    await makeLanguageRepo(dir, {
      files: { '.gitignore': '.assets/\n', ...Object.fromEntries(packages.map((p) => [`${p.packagePath}/assets.json`, assetsJsonFor(p, ASSETS_REPO)])) },
    });
    let printed = '';
    const steps = await demoNx(dir, env, { out: (text) => (printed += text) });

    expect(steps.map((s) => [s.command, s.exitCode])).toEqual([
      ['nx show projects --with-target restore --json', 0],
      [`nx run ${[...packages.map((p) => posix.basename(p.packagePath))].sort()[0]}:restore`, 0],
      ['nx run-many -t restore --batch', 0],
    ]);
    expect(printed).toContain('$ nx run-many -t restore --batch');
    expect(printed).toMatch(/one plan for 3 assets\.json, \d+ checkouts? .*pins in 1 request/);
    expect(restoredLines(printed)).toHaveLength(4);
    expect(await git(['status', '--porcelain'], { cwd: dir })).toBe('');
  });
});
