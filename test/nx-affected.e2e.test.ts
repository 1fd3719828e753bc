import { spawn } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, commitWorkingFiles, git, runCli, workspaceRoot } from '@asset-sync/git-harness';
import { buildProductionWorld, ensureBareRepo, expectSameFiles, languageRepo, startServer, tagAssetsJson, type Server, type WorldPackage } from './helpers.js';

/**
 * `nx affected -t restore --batch` on a generated language repo that is an Nx workspace: real
 * `nx`, the built plugin, a base commit, then one changed assets.json and one changed source file
 * in a project another project depends on (through package.json, which is how Nx knows it).
 */

const NX = join(workspaceRoot(), 'node_modules', '.bin', 'nx');

let server: Server;
let repo: string;
let world: WorldPackage[];
let lang: string;
let base: string;
let env: NodeJS.ProcessEnv;

function nx(args: string[]): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NX, args, { cwd: lang, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

const packageJson = (name: string, dependencies: Record<string, string> = {}): string => `${JSON.stringify({ name, version: '1.0.0', dependencies }, null, 2)}\n`;

beforeAll(async () => {
  server = await startServer();
  repo = await ensureBareRepo(server);
  world = await buildProductionWorld(repo, { packages: 5, pushes: 2 });
  const [app, lib, py, other, idle] = world as [WorldPackage, WorldPackage, WorldPackage, WorldPackage, WorldPackage];
  const files: Record<string, string> = {
    '.gitignore': '.assets/\nnode_modules\n.nx/\n',
    'package.json': `${JSON.stringify({ name: 'azure-sdk-for-test', private: true, workspaces: ['sdk/*/*'] }, null, 2)}\n`,
    'nx.json': `${JSON.stringify({ neverConnectToCloud: true, useDaemonProcess: false, plugins: ['@asset-sync/nx'] }, null, 2)}\n`,
    // The app depends on the library: a change to the library affects both.
    [`${app.packagePath}/package.json`]: packageJson('@test/app', { '@test/lib': '1.0.0' }),
    [`${app.packagePath}/src/index.js`]: "export { lib } from '@test/lib';\n",
    [`${lib.packagePath}/package.json`]: packageJson('@test/lib'),
    [`${lib.packagePath}/src/index.js`]: 'export const lib = 1;\n',
    [`${other.packagePath}/package.json`]: packageJson('@test/other'),
    [`${other.packagePath}/src/index.js`]: 'export const other = 1;\n',
  };
  for (const w of [app, lib, py, other, idle]) files[`${w.packagePath}/assets.json`] = tagAssetsJson('python', w.tagPrefix, w.pushes[1]!.tag);
  lang = await languageRepo(files);
  await symlink(join(workspaceRoot(), 'node_modules'), join(lang, 'node_modules'), 'dir');
  base = await git(['rev-parse', 'HEAD'], { cwd: lang });
  await commitWorkingFiles(
    lang,
    {
      [`${py.packagePath}/assets.json`]: tagAssetsJson('python', py.tagPrefix, py.pushes[0]!.tag),
      [`${lib.packagePath}/src/index.js`]: 'export const lib = 2;\n',
    },
    'Re-pin one package, change the library the app depends on',
  );
  env = cliEnv({
    ASSET_SYNC_REMOTE_URL_TEMPLATE: server.daemon.urlTemplate,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_INTERACTIVE: 'false',
    NX_BATCH_MODE: undefined,
    NX_VERBOSE_LOGGING: undefined,
  });
});

afterAll(async () => {
  await server?.daemon.stop();
});

describe('nx affected -t restore --batch', () => {
  it('restores exactly the affected projects (a re-pinned one, a changed library and the app that depends on it) in one plan', async () => {
    const [app, lib, py, other, idle] = world as [WorldPackage, WorldPackage, WorldPackage, WorldPackage, WorldPackage];
    const affected = await nx(['show', 'projects', '--affected', `--base=${base}`, '--head=HEAD', '--json']);
    expect(affected.exitCode, affected.output).toBe(0);
    const names = JSON.parse(affected.output.slice(affected.output.indexOf('['))) as string[];
    expect(names.sort()).toEqual(['@test/app', '@test/lib', 'azure-svc002'].sort());

    server.daemon.clearLog();
    const result = await nx(['affected', '-t', 'restore', '--batch', `--base=${base}`, '--head=HEAD']);
    expect(result.exitCode, result.output).toBe(0);
    const restored = (result.output.match(/^restored (\S+)\/assets\.json -> \S+$/gm) ?? []).map((l) => l.split(' ')[1]!.replace(/\/assets\.json$/, ''));
    expect(restored.sort()).toEqual([app.packagePath, lib.packagePath, py.packagePath].sort());
    expect(result.output).toMatch(/^asset-sync: one plan for 3 assets\.json, 1 checkout .*fetched: pins in 1 request, \d+ recordings in 1 request/m);
    expect(await server.daemon.countRequests('upload-pack')).toBe(2);

    // The affected ones are on disk at their pins; the others were not restored.
    const status = JSON.parse((await runCli(['status', '--all', '--json'], { cwd: lang, env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: server.daemon.urlTemplate } })).stdout) as Array<{ id: string; restored: boolean; locate?: string }>;
    const byId = new Map(status.map((s) => [s.id.replace(/\/assets\.json$/, ''), s]));
    for (const w of [other, idle]) expect(byId.get(w.packagePath)?.restored, w.packagePath).toBe(false);
    for (const [w, push] of [[app, 1], [lib, 1], [py, 0]] as const) {
      const s = byId.get(w.packagePath)!;
      expect(s.restored).toBe(true);
      await expectSameFiles(join(s.locate!, w.packagePath), repo, w.pushes[push]!.commit, `python/${w.packagePath}`);
    }
  });

  it('restores nothing when nothing is affected', async () => {
    const result = await nx(['affected', '-t', 'restore', '--batch', '--base=HEAD', '--head=HEAD']);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).not.toMatch(/^restored /m);
    expect(result.output).toContain('No tasks were run');
  });
});
