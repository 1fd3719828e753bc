import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedGitEnv } from './git.js';

const CLI_BIN = join('apps', 'asset-sync', 'bin', 'asset-sync.js');

let cachedRoot: string | undefined;

/** The workspace root, found from this file (src/ under vitest, dist/ at run time). */
export function workspaceRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, CLI_BIN))) return (cachedRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${CLI_BIN} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Path of the CLI entry point the runner starts (`apps/asset-sync/bin/asset-sync.js`). */
export function cliBinPath(): string {
  return join(workspaceRoot(), CLI_BIN);
}

export interface RunCliOptions {
  cwd: string;
  /** Merged over the test environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (stdin is always closed, never a terminal). */
  input?: string;
  /** Run with a global git config that has no identity (`user.useConfigOnly`). */
  gitIdentity?: boolean;
  /** Kill the CLI after this long; default 120 s. */
  timeoutMs?: number;
  /** A script to run instead of the CLI's bin (for testing the runner itself). */
  bin?: string;
}

export interface CliResult {
  stdout: string;
  stderr: string;
  /** The exit code; null only when the process was killed by a signal. */
  exitCode: number | null;
  /** Set when the process was killed, by the timeout or otherwise. */
  signal: NodeJS.Signals | null;
}

/**
 * The environment the CLI runs with: the caller's minus anything that points git (or asset-sync's
 * own settings) elsewhere, plus CI=true, NO_COLOR=1, no terminal prompts, no system git config and
 * a private global git config with a test identity.
 */
export function cliEnv(
  overrides: Record<string, string | undefined> = {},
  options: { gitIdentity?: boolean } = {},
): NodeJS.ProcessEnv {
  const base = isolatedGitEnv({}, { identity: options.gitIdentity !== false });
  for (const name of Object.keys(base)) {
    if (name.startsWith('ASSET_SYNC_') && name !== 'ASSET_SYNC_KEEP_TEMP') delete base[name];
  }
  delete base['FORCE_COLOR'];
  base['CI'] = 'true';
  base['NO_COLOR'] = '1';
  base['GIT_TERMINAL_PROMPT'] = '0';
  base['GIT_CONFIG_NOSYSTEM'] = '1';
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

/** Runs `node apps/asset-sync/bin/asset-sync.js <args>` (the built CLI) and collects its output. */
export function runCli(args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? cliBinPath(), ...args], {
      cwd: options.cwd,
      env: cliEnv(options.env, { gitIdentity: options.gitIdentity !== false }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code,
        signal,
      });
    });
  });
}

/**
 * A path inside the real-world fixtures kept with the tests (`test/fixtures/real-world`, copied
 * unmodified from the shared fixtures so `npm test` runs on any machine). Only tests read them.
 */
export function realWorldFixture(...segments: string[]): string {
  return join(workspaceRoot(), 'test', 'fixtures', 'real-world', ...segments);
}
