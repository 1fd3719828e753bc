import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliEnv,
  commitFiles,
  makeBareAssetsRepo,
  makeLanguageRepo,
  makeTempDir,
  removeTempDir,
  startGitDaemon,
  tagCommit,
  workspaceRoot,
  type GitDaemon,
} from '@asset-sync/git-harness';
import { expectSameFiles, tagAssetsJson } from './helpers.js';

/**
 * What a language repo does to use asset-sync: install the two packed tarballs (and nx) into a
 * repo outside this workspace, then restore with the CLI, with the programmatic API and with Nx.
 * Nothing here may come from the workspace's node_modules; the npm cache `npm ci` filled serves
 * the third-party packages.
 */

const TABLES = { dir: 'sdk/tables/azure-data-tables', tagPrefix: 'python/tables/azure-data-tables' };
const BLOB = { dir: 'sdk/storage/azure-storage-blob', tagPrefix: 'python/storage/azure-storage-blob' };
const ASSETS_PATH = (pkg: { dir: string }): string => `python/${pkg.dir}`;
// Bytes a careless copy would change: CRLF, no final newline, binary, an empty file.
const RECORDINGS = {
  [`${ASSETS_PATH(TABLES)}/tests/recordings/test_create.json`]: '{"Entries":[{"RequestUri":"https://fake.table.core.windows.net/t"}]}\r\n',
  [`${ASSETS_PATH(TABLES)}/tests/recordings/test_binary.bin`]: Buffer.from([0, 255, 13, 10, 1, 2, 3, 128]),
  [`${ASSETS_PATH(BLOB)}/tests/recordings/test_upload.json`]: '{"Entries":[]}',
  [`${ASSETS_PATH(BLOB)}/tests/recordings/empty.json`]: '',
};

interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

let packs: string;
let server: string;
let lang: string;
let daemon: GitDaemon | undefined;
let assetsRepo: string;
let commit: string;
let env: NodeJS.ProcessEnv;
let tarballs: Array<{ name: string; tarball: string; bytes: number; dependencies: Record<string, string> }>;

function run(command: string, args: string[], cwd: string, runEnv: NodeJS.ProcessEnv = env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

function expectOk(result: Run, what: string): Run {
  expect(result.exitCode, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** The exact version the workspace installed, so npm finds it in the cache `npm ci` filled. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(workspaceRoot(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The environment of a language repo's shell: the test environment without anything an
 * enclosing `npm test` sets (npm_* settings, the workspace's node_modules/.bin on PATH).
 */
function languageRepoEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const base = cliEnv(overrides);
  for (const name of Object.keys(base)) if (/^npm_/i.test(name)) delete base[name];
  base['PATH'] = (base['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => !dir.startsWith(workspaceRoot()))
    .join(delimiter);
  return base;
}

beforeAll(async () => {
  packs = await makeTempDir('install-packs-');
  const packed = expectOk(await run('npm', ['run', '--silent', 'pack', '--', '--out', packs, '--json'], workspaceRoot(), process.env), 'npm run pack');
  tarballs = JSON.parse(packed.stdout) as typeof tarballs;

  server = await makeTempDir('install-server-');
  assetsRepo = await makeBareAssetsRepo(server);
  commit = await commitFiles(assetsRepo, RECORDINGS, { message: 'Recordings of two packages' });
  await tagCommit(assetsRepo, `${TABLES.tagPrefix}_${commit.slice(0, 10)}`, commit);
  await tagCommit(assetsRepo, `${BLOB.tagPrefix}_${commit.slice(0, 10)}`, commit);
  daemon = await startGitDaemon(server);

  lang = await makeTempDir('install-lang-');
  await makeLanguageRepo(lang, {
    files: {
      'package.json': `${JSON.stringify({ name: 'azure-sdk-for-python', private: true }, null, 2)}\n`,
      'nx.json': `${JSON.stringify({ neverConnectToCloud: true, useDaemonProcess: false, plugins: ['@asset-sync/nx'] }, null, 2)}\n`,
      '.gitignore': '.assets/\nnode_modules/\n.nx/\n',
      [`${TABLES.dir}/assets.json`]: tagAssetsJson('python', TABLES.tagPrefix, `${TABLES.tagPrefix}_${commit.slice(0, 10)}`),
      [`${BLOB.dir}/assets.json`]: tagAssetsJson('python', BLOB.tagPrefix, `${BLOB.tagPrefix}_${commit.slice(0, 10)}`),
    },
  });
  env = languageRepoEnv({
    ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate,
    ASSET_SYNC_RETRY_BASE_MS: '10',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_INTERACTIVE: 'false',
  });
  const dependencies = [
    ...tarballs.map((t) => t.tarball),
    `nx@${installedVersion('nx')}`,
    `typescript@${installedVersion('typescript')}`,
    `@types/node@${installedVersion('@types/node')}`,
  ];
  expectOk(await run('npm', ['install', '-D', '--prefer-offline', '--no-audit', '--no-fund', ...dependencies], lang), 'npm install');
}, 300_000);

afterAll(async () => {
  await daemon?.stop();
  for (const dir of [lang, server, packs]) if (dir) await removeTempDir(dir);
});

describe('the packed packages', () => {
  it('install on their own: no workspace package, no dev-only dependency', async () => {
    expect(tarballs.map((t) => t.name)).toEqual(['asset-sync', '@asset-sync/nx']);
    const fromRepo = createRequire(join(lang, 'package.json'));
    // The language repo is outside the workspace: nothing of it resolves from there...
    for (const name of ['@asset-sync/errors', '@asset-sync/executor', 'vitest', 'esbuild']) expect(() => fromRepo.resolve(name), name).toThrow();
    // ...except what was installed from the tarballs.
    expect(fromRepo.resolve('asset-sync')).toBe(join(lang, 'node_modules', 'asset-sync', 'dist', 'index.js'));
    expect(fromRepo.resolve('@asset-sync/nx')).toBe(join(lang, 'node_modules', '@asset-sync', 'nx', 'dist', 'index.js'));
    for (const { name, dependencies } of tarballs) {
      const installed = JSON.parse(await readFile(join(lang, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(installed.dependencies).toEqual(dependencies);
      for (const dep of Object.keys(dependencies)) {
        expect(dep, `${name} depends on ${dep}`).not.toMatch(/^@types\/|^@asset-sync\/|^(typescript|vitest|esbuild)$/);
      }
    }
    // The plugin's asset-sync is the tarball's, not a second copy.
    expect(existsSync(join(lang, 'node_modules', '@asset-sync', 'nx', 'node_modules', 'asset-sync'))).toBe(false);
  });

  it('npx asset-sync restore --all restores every recording byte for byte', async () => {
    const restored = expectOk(await run('npx', ['asset-sync', 'restore', '--all', '--json'], lang), 'asset-sync restore --all');
    const report = JSON.parse(restored.stdout) as { ok: boolean; packages: Array<{ id: string; status: string; locate: string }> };
    expect(report.ok).toBe(true);
    expect(report.packages.map((p) => [p.id, p.status])).toEqual([
      [`${BLOB.dir}/assets.json`, 'restored'],
      [`${TABLES.dir}/assets.json`, 'restored'],
    ]);
    for (const [pkg, outcome] of [[BLOB, report.packages[0]!], [TABLES, report.packages[1]!]] as const) {
      await expectSameFiles(join(outcome.locate, pkg.dir), assetsRepo, commit, ASSETS_PATH(pkg));
    }
  });
});

/** A test framework's setup, in the language repo: the programmatic API, in-process. */
const API_SCRIPT = `
import { AssetSyncError, locate, restore, status } from 'asset-sync';

const cwd = process.cwd();
const report = await restore({ cwd, paths: ['${TABLES.dir}', '${BLOB.dir}'] });
const found = await locate({ cwd, path: '${TABLES.dir}' });
const statuses = await status({ cwd, all: true });
let failure;
try {
  await restore({ cwd, paths: ['sdk/missing'] });
} catch (error) {
  failure = { isAssetSyncError: error instanceof AssetSyncError, code: error.code, report: error.report };
}
console.log(JSON.stringify({ report, found, statuses, failure }));
`;

/** The same calls, type-checked against the CLI package's declarations. */
const TYPED_API = `
import { AssetSyncError, isAssetSyncError, restore, status, type PackageStatusReport, type RestoreReport } from 'asset-sync';

const report: RestoreReport = await restore({ cwd: process.cwd(), filter: ['sdk/**'], jobs: 2 });
const restored: number = report.summary.restored;
const statuses: PackageStatusReport[] = await status({ all: true });
// @ts-expect-error: options are checked, so the declarations resolved (an unresolved import is any)
await restore({ all: 'yes' });
try {
  await restore({});
} catch (error) {
  if (isAssetSyncError(error)) console.log(error.code, error.hint, error.report, error instanceof AssetSyncError);
}
console.log(restored, statuses.length);
`;

/** The plugin's options type, as a language repo's own Nx tooling would import it. */
const TYPED_PLUGIN = `
import { createNodesV2, type AssetSyncPluginOptions } from '@asset-sync/nx';

const options: AssetSyncPluginOptions = { include: ['sdk/**/assets.json'], restoreTargetName: 'assets-restore' };
// @ts-expect-error: the option types resolved
const wrong: AssetSyncPluginOptions = { include: 'sdk' };
const glob: string = createNodesV2[0];
console.log(options, wrong, glob);
`;

async function typeCheck(file: string, text: string, skipLibCheck: boolean): Promise<Run> {
  await writeFile(join(lang, file), text);
  const tsconfig = { compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck, types: ['node'] }, files: [file] };
  await writeFile(join(lang, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  return run('npx', ['tsc', '-p', 'tsconfig.json'], lang);
}

describe('the programmatic API', () => {
  it('restores, locates and reports status in-process, and fails with an AssetSyncError carrying the report', async () => {
    await writeFile(join(lang, 'api-check.mjs'), API_SCRIPT);
    const missing = join(lang, 'sdk', 'missing', 'assets.json');
    await mkdir(join(lang, 'sdk', 'missing'), { recursive: true });
    await writeFile(missing, tagAssetsJson('python', 'python/missing', 'python/missing_0000000000'));
    let out: Run;
    try {
      out = expectOk(await run(process.execPath, ['api-check.mjs'], lang), 'node api-check.mjs');
    } finally {
      await rm(join(lang, 'sdk', 'missing'), { recursive: true, force: true });
    }
    const result = JSON.parse(out.stdout) as {
      report: { ok: boolean; packages: Array<{ id: string; status: string }> };
      found: { id: string; recordings: string };
      statuses: Array<{ id: string; restored: boolean; upToDate: boolean }>;
      failure?: { isAssetSyncError: boolean; code: string; report: { ok: boolean; packages: Array<{ id: string; status: string }> } };
    };
    // The CLI restored them already: the same report restore --json prints, now with nothing to do.
    expect(result.report.ok).toBe(true);
    expect(result.report.packages.map((p) => p.status)).toEqual(['up-to-date', 'up-to-date']);
    expect(result.found.id).toBe(`${TABLES.dir}/assets.json`);
    await expectSameFiles(result.found.recordings, assetsRepo, commit, ASSETS_PATH(TABLES));
    expect(result.statuses.filter((s) => s.restored && s.upToDate).map((s) => s.id)).toEqual([`${BLOB.dir}/assets.json`, `${TABLES.dir}/assets.json`]);
    expect(result.failure).toMatchObject({ isAssetSyncError: true, code: 'PIN_NOT_FOUND', report: { ok: false, packages: [{ id: 'sdk/missing/assets.json', status: 'failed' }] } });
  });

  it('ships declarations a TypeScript project compiles against (tsc --noEmit)', async () => {
    // Every declaration the API reaches is checked (skipLibCheck off)...
    expectOk(await typeCheck('typed-api.mts', TYPED_API, false), 'tsc: the API');
    // ...the plugin's with nx's own skipped: they do not compile under strict settings by themselves.
    expectOk(await typeCheck('typed-plugin.mts', TYPED_PLUGIN, true), 'tsc: the plugin');
  });
});

describe('the Nx plugin from nx.json', () => {
  it('nx show projects lists one project per assets.json', async () => {
    const shown = expectOk(await run('npx', ['nx', 'show', 'projects', '--json'], lang), 'nx show projects');
    const projects = JSON.parse(shown.stdout.slice(shown.stdout.indexOf('['))) as string[];
    expect([...projects].sort()).toEqual(['azure-data-tables', 'azure-storage-blob']);
  });

  it('nx run-many -t restore --batch restores every project in one plan, and the CLI targets run the installed bin', async () => {
    await rm(join(lang, '.assets'), { recursive: true, force: true });
    const batch = expectOk(await run('npx', ['nx', 'run-many', '-t', 'restore', '--batch'], lang), 'nx run-many -t restore --batch');
    expect(batch.stdout).toMatch(/one plan for 2 assets\.json, 1 checkout \(restored 2 /);
    const located = expectOk(await run('npx', ['nx', 'run', 'azure-data-tables:locate'], lang), 'nx run azure-data-tables:locate');
    const dir = /^(\/\S+)$/m.exec(located.stdout)?.[1];
    expect(dir, located.stdout).toBeDefined();
    await expectSameFiles(join(dir!, TABLES.dir), assetsRepo, commit, ASSETS_PATH(TABLES));
    await expectSameFiles(join(dir!, BLOB.dir), assetsRepo, commit, ASSETS_PATH(BLOB));
  });
});
