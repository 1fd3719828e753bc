import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssetSyncError, redact } from '@asset-sync/errors';

/**
 * Every git process asset-sync starts goes through this file: one environment, one redaction,
 * one error type, one retry policy. Commands run through a plain spawn, which can feed stdin
 * (cat-file --batch-check, rev-list --stdin, fetch --stdin, update-index). simple-git is used
 * where its parsers earn their keep (`git push` results, the version check), not on the hot
 * path: it waits 50 ms after every command that prints nothing, and restore runs dozens of those.
 */

export interface RunOptions {
  /** Working directory (a worktree) or a bare store. */
  cwd: string;
  /** Fed to stdin; switches to the spawn path. */
  input?: string | Buffer;
  /** Extra environment (GIT_INDEX_FILE, GIT_WORK_TREE, identity...). */
  env?: Record<string, string | undefined>;
  /** Talks to a remote: transient failures are retried with backoff, and classified. */
  network?: boolean;
  /** Exit codes that are answers rather than failures (e.g. 1 for merge-base --is-ancestor). */
  okExitCodes?: number[];
  /** Each stderr chunk as it arrives (progress lines). */
  onStderr?: (text: string) => void;
  /** With dryRun set, the command is described and not run. */
  dryRun?: boolean;
  /** Printed where the command would have run with dryRun. */
  onDryRun?: (description: string) => void;
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
 * The base environment: no prompts, stable English output to parse, and GIT_TOKEN passed as an
 * http.extraHeader through GIT_CONFIG_* variables, so it is never written to a config file, a
 * command line (visible in `ps`) or a log.
 */
export function gitEnvironment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANG: 'C', GIT_PAGER: 'cat' };
  delete env['GIT_DIR'];
  delete env['GIT_WORK_TREE'];
  delete env['GIT_INDEX_FILE'];
  const token = process.env['GIT_TOKEN'];
  if (token) {
    const count = Number(env['GIT_CONFIG_COUNT'] ?? '0') || 0;
    env['GIT_CONFIG_COUNT'] = String(count + 1);
    env[`GIT_CONFIG_KEY_${count}`] = 'http.extraHeader';
    env[`GIT_CONFIG_VALUE_${count}`] = `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
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

/** Counts a process started outside runGit (simple-git), for gitProcessCount(). */
export function countProcess(): void {
  runCount++;
}
/** How many git processes this process has started: the no-op restore test reads it. */
export function gitProcessCount(): number {
  return runCount;
}

export async function runGit(args: string[], options: RunOptions): Promise<RunResult> {
  const full = [...FIXED_CONFIG.flatMap((c) => ['-c', c]), ...args];
  if (options.dryRun) {
    options.onDryRun?.(`would run: git ${args.join(' ')}`);
    return { stdout: '', stdoutBuffer: Buffer.alloc(0), stderr: '', exitCode: 0 };
  }
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

function gitFailure(args: string[], result: RunResult, network: boolean): AssetSyncError {
  const stderr = redact(result.stderr.trim());
  const command = redact(`git ${args.filter((a) => !a.startsWith('http.extraHeader')).join(' ')}`);
  const detail = stderr.split('\n').filter(Boolean).slice(-6).join('\n') || `exit code ${result.exitCode}`;
  if (network && isUnreachable(result.stderr)) {
    return new AssetSyncError('REMOTE_UNREACHABLE', `${command} could not reach the assets repo:\n${detail}`, {
      hint: 'Check the network and the remote URL (asset-sync config show); set GIT_TOKEN for private https remotes.',
    });
  }
  return new AssetSyncError(network && isTransient(result.stderr) ? 'NETWORK' : 'GIT_FAILED', `${command} failed:\n${detail}`);
}

async function runOnce(args: string[], options: RunOptions): Promise<RunResult> {
  runCount++;
  return spawnGit(args, options, gitEnvironment(options.env));
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
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new AssetSyncError('GIT_MISSING', 'git was not found on PATH', { hint: 'Install git 2.36 or newer.' })
          : error,
      );
    });
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
