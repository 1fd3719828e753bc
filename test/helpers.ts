import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  cliBinPath,
  cliEnv,
  git,
  listFilesAt,
  makeBareAssetsRepo,
  makeLanguageRepo,
  makeTempDir,
  readFilesInDir,
  runCli,
  startGitDaemon,
  type CliResult,
  type GitDaemon,
} from '@asset-sync/test-utils';

export const ASSETS_REPO = 'Azure/azure-sdk-assets';

/** A bare assets repo (or several) behind a git daemon, and the env that points asset-sync at it. */
export interface Server {
  root: string;
  daemon: GitDaemon;
  env: Record<string, string>;
  repoPath(name?: string): string;
}

export async function startServer(root?: string): Promise<Server> {
  const serverRoot = root ?? (await makeTempDir('assets-server-'));
  const daemon = await startGitDaemon(serverRoot);
  return {
    root: serverRoot,
    daemon,
    env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate, ASSET_SYNC_RETRY_BASE_MS: '10', ASSET_SYNC_NETWORK_ATTEMPTS: '2' },
    repoPath: (name = ASSETS_REPO) => join(serverRoot, ...name.split('/')) + '.git',
  };
}

export async function ensureBareRepo(server: Server, name = ASSETS_REPO): Promise<string> {
  return makeBareAssetsRepo(server.root, name);
}

/** The assets.json text production writes (2-space JSON, final newline). */
export function tagAssetsJson(prefix: string, tagPrefix: string, tag: string, assetsRepo = ASSETS_REPO): string {
  return `${JSON.stringify({ AssetsRepo: assetsRepo, AssetsRepoPrefixPath: prefix, TagPrefix: tagPrefix, Tag: tag }, null, 2)}\n`;
}

export async function languageRepo(files: Record<string, string>): Promise<string> {
  const dir = await makeTempDir('lang-');
  await makeLanguageRepo(dir, { files });
  return dir;
}

export function asJson<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}

export async function cli(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<CliResult> {
  return runCli(args, { cwd, env });
}

/**
 * Asserts that the recordings of a package on disk are exactly the files of its pinned commit
 * (compared byte for byte with the object database of the server's repo).
 */
export async function expectSameFiles(onDisk: string, serverRepo: string, commit: string, path: string, exclude: string[] = []): Promise<number> {
  const expected = await listFilesAt(serverRepo, commit, path);
  for (const prefix of exclude) for (const key of [...expected.keys()]) if (key.startsWith(`${prefix}/`)) expected.delete(key);
  const actual = await readFilesInDir(onDisk);
  for (const prefix of exclude) for (const key of [...actual.keys()]) if (key.startsWith(`${prefix}/`)) actual.delete(key);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [file, bytes] of expected) {
    expect(actual.get(file)?.equals(bytes), `${onDisk}/${file} differs from ${commit.slice(0, 10)}:${path}/${file}`).toBe(true);
  }
  return expected.size;
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

export async function headOf(repo: string, ref = 'refs/heads/main'): Promise<string> {
  return git(['--git-dir', repo, 'rev-parse', ref]);
}

/** Starts the CLI without waiting, for parallel runs. */
export function startCli(args: string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBinPath(), ...args], { cwd, env: cliEnv(env) as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code, signal) => resolve({ stdout, stderr, exitCode: code, signal }));
  });
}
