import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssetSyncError, redact } from '@asset-sync/errors';
import { assertSupportedGit } from './version.js';

/**
 * Every git process asset-sync starts goes through this file: one environment, one redaction,
 * one error type, one retry policy, one version check. Commands run through a plain spawn, which
 * can feed stdin (cat-file --batch-check, rev-list --stdin, fetch --stdin, update-index) and
 * read binary stdout (cat-file --batch). Callers outside git-store do not pass argv here: they
 * call its named operations.
 */

export interface RunOptions {
  /** Working directory (a worktree) or a bare store. */
  cwd: string;
  /** Fed to stdin. */
  input?: string | Buffer;
  /** Extra environment (GIT_INDEX_FILE, GIT_WORK_TREE, identity...). */
  env?: Record<string, string | undefined>;
  /** Settings for this process only (credentials scoped to a URL), passed through GIT_CONFIG_*. */
  config?: Array<[string, string]>;
  /** Talks to a remote: transient failures are retried with backoff, and classified. */
  network?: boolean;
  /** Exit codes that are answers rather than failures (e.g. 1 for merge-base --is-ancestor). */
  okExitCodes?: number[];
  /** Each stderr chunk as it arrives (progress lines). */
  onStderr?: (text: string) => void;
}

export interface RunResult {
  stdout: string;
  /** The same output as bytes, for binary protocols (cat-file --batch). */
  stdoutBuffer: Buffer;
  stderr: string;
  exitCode: number;
}

/** Settings every invocation carries on its command line: nothing may prompt, sign or page. */
export const FIXED_CONFIG = [
  'credential.interactive=false',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'tag.forceSignAnnotated=false',
  'push.gpgSign=false',
  'advice.detachedHead=false',
  'maintenance.auto=false',
  'gc.auto=0',
];

/**
 * The base environment: no prompts, stable English output to parse, and credentials passed as
 * `http.<url>.extraHeader` through GIT_CONFIG_* variables, so they are never written to a config
 * file, a command line (visible in `ps`) or a log. `config` adds settings for this one process.
 */
export function gitEnvironment(extra: Record<string, string | undefined> = {}, config: Array<[string, string]> = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANG: 'C', GIT_PAGER: 'cat' };
  delete env['GIT_DIR'];
  delete env['GIT_WORK_TREE'];
  delete env['GIT_INDEX_FILE'];
  let count = Number(env['GIT_CONFIG_COUNT'] ?? '0') || 0;
  for (const [key, value] of [...tokenConfig(), ...config]) {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    env['GIT_CONFIG_COUNT'] = String(++count);
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * GIT_TOKEN goes only where it is meant to: over https, to github.com and to the hosts named in
 * ASSET_SYNC_TOKEN_HOSTS (comma-separated, `host` or `host:port`). That list comes from the
 * environment only, never from the language repo's files: a pull request that edits
 * asset-sync.yaml to point a remote at its own server must not receive CI's token.
 */
export function tokenHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env['ASSET_SYNC_TOKEN_HOSTS'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => /^[a-z0-9.-]+(:\d+)?$/.test(h));
  return [...new Set(['github.com', ...extra])];
}

function tokenConfig(): Array<[string, string]> {
  const token = process.env['GIT_TOKEN'];
  if (!token) return [];
  const header = `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  return tokenHosts().map((host) => [`http.https://${host}/.extraHeader`, header]);
}

/**
 * A remote URL without the credentials written into it, and those credentials as a header
 * scoped to that URL: the URL goes into the store's config, the header only into the
 * environment of the commands that talk to the remote, so a cached `.assets` carries no secret.
 */
export function splitCredentials(url: string): { url: string; config: Array<[string, string]> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, config: [] };
  }
  if (!/^https?:$/.test(parsed.protocol) || (parsed.username === '' && parsed.password === '')) return { url, config: [] };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const clean = parsed.toString();
  return { url: clean, config: [[`http.${clean}.extraHeader`, `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`]] };
}

/** Retry policy for network commands; the environment can shorten it (tests of unreachable remotes). */
function retryPolicy(): { attempts: number; baseMs: number } {
  const attempts = Number(process.env['ASSET_SYNC_NETWORK_ATTEMPTS'] ?? '3');
  const baseMs = Number(process.env['ASSET_SYNC_RETRY_BASE_MS'] ?? '500');
  return { attempts: Number.isFinite(attempts) && attempts >= 1 ? attempts : 3, baseMs: Number.isFinite(baseMs) ? baseMs : 500 };
}

const TRANSIENT = [
  /connection reset/i,
  /connection refused/i,
  /timed out/i,
  /the remote end hung up unexpectedly/i,
  /early EOF/i,
  /RPC failed/i,
  /returned error: (429|5\d\d)/i,
  /HTTP (429|5\d\d)/i,
  /temporary failure in name resolution/i,
  /could not resolve host/i,
  /unexpected disconnect/i,
  /operation too slow/i,
  /unable to access .*: (Failed to connect|Recv failure|SSL)/i,
];
const UNREACHABLE = [/connection refused/i, /could not resolve host/i, /unable to connect/i, /unable to access/i, /timed out/i, /no route to host/i, /name or service not known/i, /Could not read from remote repository/i];

export function isTransient(stderr: string): boolean {
  return TRANSIENT.some((pattern) => pattern.test(stderr));
}

export function isUnreachable(stderr: string): boolean {
  return UNREACHABLE.some((pattern) => pattern.test(stderr));
}

/** Refuses values that git would read as options; assets.json is untrusted input. */
export function assertNotOption(value: string, what: string): void {
  if (value.startsWith('-')) {
    throw new AssetSyncError('GIT_FAILED', `refusing to pass ${what} ${JSON.stringify(value)} to git: it starts with "-"`);
  }
}

let runCount = 0;

/** Counts a git process started outside runGit (fast-import's streaming spawn), for gitProcessCount(). */
export function countProcess(): void {
  runCount++;
}
/** How many git processes this process has started. */
export function gitProcessCount(): number {
  return runCount;
}

/** The error for a git that cannot be started at all. */
export function gitNotFound(): AssetSyncError {
  return new AssetSyncError('GIT_MISSING', 'git was not found on PATH', { hint: 'Install git 2.36 or newer.' });
}

let versionChecked: Promise<void> | undefined;

/**
 * Fails with GIT_MISSING unless the git on PATH is 2.36 or newer. One `git --version` per
 * process, started with the first git command and awaited after it (see runGit), so it adds no
 * wait to a run.
 */
export function checkGitVersion(): Promise<void> {
  if (!versionChecked) {
    runCount++;
    versionChecked = spawnGit(['--version'], { cwd: tmpdir() }, gitEnvironment()).then((result) => assertSupportedGit(result.stdout));
    // Awaited by every runGit; until then a failure must not count as unhandled.
    versionChecked.catch(() => undefined);
  }
  return versionChecked;
}

export async function runGit(args: string[], options: RunOptions): Promise<RunResult> {
  const supported = checkGitVersion();
  // A git too old to understand the command fails it too: the version is the error to report.
  const result = await runWithRetries(args, options).catch(async (error: unknown) => {
    await supported;
    throw error;
  });
  await supported;
  return result;
}

async function runWithRetries(args: string[], options: RunOptions): Promise<RunResult> {
  const full = [...FIXED_CONFIG.flatMap((c) => ['-c', c]), ...args];
  const { attempts, baseMs } = options.network ? retryPolicy() : { attempts: 1, baseMs: 0 };
  let last: RunResult | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    last = await runOnce(full, options);
    if ((options.okExitCodes ?? [0]).includes(last.exitCode) || last.exitCode === 0) return last;
    if (!options.network || !isTransient(last.stderr) || attempt === attempts) break;
    await sleep(baseMs * 2 ** (attempt - 1));
  }
  throw gitFailure(args, last as RunResult, options.network === true);
}

/** Progress lines git writes to stderr (with `\r` between updates): noise in an error message. */
const PROGRESS = /^(remote: )?(Enumerating|Counting|Compressing|Receiving|Resolving|Unpacking|Writing|Updating files|Checking out files|Filtering content|Updating index flags)\b.*(\d+%|done)|^(remote: )?Total \d+/;

function gitFailure(args: string[], result: RunResult, network: boolean): AssetSyncError {
  const stderr = redact(result.stderr);
  const lines = stderr.split(/[\r\n]+/).map((line) => line.trim()).filter((line) => line !== '' && !PROGRESS.test(line));
  const detail = lines.slice(-6).join('\n') || `exit code ${result.exitCode}`;
  const shown = args.length > 12 ? [...args.slice(0, 12), `... (${args.length - 12} more)`] : args;
  const command = redact(`git ${shown.join(' ')}`);
  if (/No space left on device|ENOSPC/i.test(stderr)) {
    return new AssetSyncError('WRITE_FAILED', `${command} failed: the disk is full:\n${detail}`, {
      hint: 'Free space on the disk that holds the assets dir, then run the command again: it finishes where it stopped.',
    });
  }
  if (!network && /Permission denied|Read-only file system|Operation not permitted/i.test(stderr)) {
    return new AssetSyncError('WRITE_FAILED', `${command} failed: not allowed to write:\n${detail}`, {
      hint: 'Make the assets dir writable (or point ASSET_SYNC_DIR at one that is), then run the command again.',
    });
  }
  if (network && isUnreachable(result.stderr)) {
    return new AssetSyncError('REMOTE_UNREACHABLE', `${command} could not reach the assets repo:\n${detail}`, {
      hint: 'Check the network and the remote URL (asset-sync config show); set GIT_TOKEN for private https remotes.',
    });
  }
  return new AssetSyncError(network && isTransient(result.stderr) ? 'NETWORK' : 'GIT_FAILED', `${command} failed:\n${detail}`);
}

async function runOnce(args: string[], options: RunOptions): Promise<RunResult> {
  runCount++;
  return spawnGit(args, options, gitEnvironment(options.env, options.config));
}

function spawnGit(args: string[], options: RunOptions, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr += text;
      options.onStderr?.(text);
    });
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? gitNotFound() : error));
    child.stdin.on('error', () => {
      // git may exit before reading all input (e.g. a bad object name); the exit code tells.
    });
    child.on('close', (code) => {
      const stdoutBuffer = Buffer.concat(out);
      resolve({ stdout: stdoutBuffer.toString('utf8'), stdoutBuffer, stderr, exitCode: code ?? 128 });
    });
    child.stdin.end(options.input ?? '');
  });
}
