import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
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
} from '@asset-sync/test-utils';
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
