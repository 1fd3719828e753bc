import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  FastImportWriter,
  cliBinPath,
  cliEnv,
  git,
  listFilesAt,
  makeBareAssetsRepo,
  makeLanguageRepo,
  makeTempDir,
  readFilesInDir,
  runCli,
  runGit,
  startGitDaemon,
  type CliResult,
  type GitDaemon,
} from '@asset-sync/git-harness';

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

export interface WorldPackage {
  /** Folder of the assets.json in the language repo. */
  packagePath: string;
  tagPrefix: string;
  /** Every push, oldest first: commit and tag. */
  pushes: Array<{ commit: string; tag: string }>;
}

/**
 * An assets repo shaped like production: `main` holds only `eng/` and `.gitignore`; every package
 * is a chain of pushes of its own, each a commit on top of the package's previous push, each
 * tagged `<TagPrefix>_<sha10>`; nothing is merged into main. So every pin is a distinct commit.
 */
export async function buildProductionWorld(repo: string, options: { packages: number; pushes?: number; prefix?: string; service?: (i: number) => string }): Promise<WorldPackage[]> {
  const prefix = options.prefix ?? 'python';
  const pushes = options.pushes ?? 2;
  const writer = await FastImportWriter.start(repo);
  await writer.commit({ ref: 'refs/heads/main', mark: 1, message: 'eng', date: 1_700_000_000 });
  await writer.modify('eng/common/README.md', '# eng\n');
  await writer.modify('.gitignore', '[Bb]in/\n[Ll]og/\n*.log\n.env\n');
  const specs: Array<{ packagePath: string; tagPrefix: string; marks: number[] }> = [];
  let mark = 2;
  for (let i = 0; i < options.packages; i++) {
    const service = options.service?.(i) ?? `svc${String(i).padStart(3, '0')}`;
    const packagePath = `sdk/${service}/azure-${service}`;
    const marks: number[] = [];
    for (let p = 0; p < pushes; p++) {
      await writer.commit({ ref: `refs/heads/chain/${i}`, mark, message: `push ${p} of ${packagePath}`, date: 1_700_000_000 + i * 10 + p, ...(p === 0 ? { from: ':1' } : {}) });
      for (let f = 0; f < 3; f++) {
        // Each push re-records one file; the rest carry over from the previous push.
        if (p === 0 || f === p % 3) await writer.modify(`${prefix}/${packagePath}/tests/recordings/test_${f}.json`, `{"Entries":[{"RequestUri":"https://fake.${service}.azure.net/${f}","Body":"push ${p}"}],"Variables":{}}\n`);
      }
      marks.push(mark++);
    }
    specs.push({ packagePath, tagPrefix: `${prefix}/${service}/azure-${service}`, marks });
  }
  const commits = await writer.finish();
  const world = specs.map((s) => ({ packagePath: s.packagePath, tagPrefix: s.tagPrefix, pushes: s.marks.map((m) => ({ commit: commits.get(m)!, tag: `${s.tagPrefix}_${commits.get(m)!.slice(0, 10)}` })) }));
  const updates = world.flatMap((w, i) => [...w.pushes.map((p) => `create refs/tags/${p.tag} ${p.commit}\n`), `delete refs/heads/chain/${i}\n`]).join('');
  await runGit(['--git-dir', repo, 'update-ref', '--stdin'], { input: updates });
  return world;
}

/** The language repo files that pin each package of a world at push `at(i)` (default: the newest). */
export function worldLanguageRepo(world: WorldPackage[], at: (i: number) => number = (i) => world[i]!.pushes.length - 1, prefix = 'python'): Record<string, string> {
  const files: Record<string, string> = { 'README.md': '# language repo\n' };
  world.forEach((w, i) => (files[`${w.packagePath}/assets.json`] = tagAssetsJson(prefix, w.tagPrefix, w.pushes[at(i)]!.tag)));
  return files;
}
