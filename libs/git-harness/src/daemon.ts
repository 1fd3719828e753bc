import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createServer } from 'node:net';
import { stopAtExit } from './children.js';
import { isolatedGitEnv } from './git.js';

export type DaemonService = 'upload-pack' | 'receive-pack' | 'upload-archive';

/** One request the daemon logged: a client connected and asked for a service on a repository. */
export interface DaemonRequest {
  /** Pid of the daemon child that served the connection. */
  pid: number;
  service: DaemonService;
  /** The path the client asked for, e.g. `/Azure/azure-sdk-assets.git`. */
  path: string;
}

export interface GitDaemon {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Process id of the git daemon itself (not of its watchdog). */
  readonly pid: number;
  /** The directory served as `/`. */
  readonly root: string;
  /** `git://127.0.0.1:<port>/<repo>.git` for a name such as `Azure/azure-sdk-assets`. */
  url(repo: string): string;
  /** `git://127.0.0.1:<port>/{repo}.git`, the shape asset-sync's remote template takes. */
  readonly urlTemplate: string;
  /** Everything the daemon logged so far (`--verbose`). */
  log(): string;
  /** Forgets the log so far, e.g. before the operation whose requests a test counts. */
  clearLog(): void;
  /** The requests logged so far, once the log has gone quiet. */
  requests(): Promise<DaemonRequest[]>;
  /** How many connections asked for `service` (default upload-pack), optionally on one repo. */
  countRequests(service?: DaemonService, repo?: string): Promise<number>;
  /** Kills the daemon and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartGitDaemonOptions {
  /** Services besides upload-pack; default receive-pack, so pushes work. */
  enable?: DaemonService[];
  /**
   * Services a repository's own config (`daemon.receivepack`, which fixture repos set) may not
   * switch on: with `enable: []`, `forbidOverride: ['receive-pack']` serves a read-only remote.
   */
  forbidOverride?: DaemonService[];
  /** How long to wait for "Ready to rumble"; default 10 s. */
  readyTimeoutMs?: number;
}

/**
 * Runs the daemon under a tiny Node watchdog that stops it when its stdin closes: that happens
 * when stop() ends it or when this process dies by any means, even SIGKILL, so no daemon
 * outlives the tests that started it.
 */
export const WATCHDOG_SCRIPT = `
const { spawn } = require('node:child_process');
const [cmd, ...args] = JSON.parse(process.argv[1]);
const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 2000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('error', (error) => { process.stderr.write(String(error) + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => process.exit(stopping ? 0 : code ?? 1));
`;

async function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function repoPath(repo: string): string {
  const clean = repo.replace(/^\/+/, '');
  return clean.endsWith('.git') ? clean : `${clean}.git`;
}

const REQUEST_LINE = /^\[(\d+)\] Request (upload-pack|receive-pack|upload-archive) for '([^']*)'/gm;

/**
 * Serves every repository under `root` over git:// on 127.0.0.1 with a free port, pushes enabled,
 * and a verbose log for counting requests. Resolves once the daemon is listening.
 */
export async function startGitDaemon(root: string, options: StartGitDaemonOptions = {}): Promise<GitDaemon> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await pickFreePort();
    try {
      return await launch(root, port, options);
    } catch (error) {
      lastError = error as Error;
      // Another process took the port between our probe and the daemon's bind: try another.
      if (!/Address already in use|unable to allocate any listen sockets/i.test(lastError.message)) throw error;
    }
  }
  throw lastError ?? new Error('git daemon did not start');
}

function daemonArgs(root: string, port: number, options: StartGitDaemonOptions): string[] {
  const enable = options.enable ?? ['receive-pack'];
  return [
    'daemon',
    '--reuseaddr',
    `--base-path=${root}`,
    '--export-all',
    ...enable.map((service) => `--enable=${service}`),
    ...(options.forbidOverride ?? []).map((service) => `--forbid-override=${service}`),
    '--listen=127.0.0.1',
    `--port=${port}`,
    '--informative-errors',
    '--verbose',
    root,
  ];
}

type DaemonProcess = ChildProcessByStdio<Writable, null, Readable>;

/** What the daemon wrote to stderr so far, and when it last wrote. */
interface DaemonLog {
  text: string;
  lastDataAt: number;
}

async function launch(root: string, port: number, options: StartGitDaemonOptions): Promise<GitDaemon> {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, JSON.stringify(['git', ...daemonArgs(root, port, options)])], {
    env: isolatedGitEnv(),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  stopAtExit(child);

  const log: DaemonLog = { text: '', lastDataAt: Date.now() };
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      resolve(code);
    });
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    log.text += chunk;
    log.lastDataAt = Date.now();
  });

  if (!(await readyToRumble(child, log, exited, options.readyTimeoutMs ?? 10_000))) {
    child.stdin?.end();
    child.kill('SIGTERM');
    await exited;
    throw new Error(`git daemon did not start on 127.0.0.1:${port}: ${log.text.trim() || 'no output'}`);
  }
  return daemonHandle(root, port, child, log, exited);
}

/** True once the daemon says it listens; false when it exits or the time runs out first. */
function readyToRumble(child: DaemonProcess, log: DaemonLog, exited: Promise<number | null>, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const check = (): void => {
      if (log.text.includes('Ready to rumble')) {
        clearTimeout(timer);
        child.stderr.off('data', check);
        resolve(true);
      }
    };
    child.stderr.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(log.text.includes('Ready to rumble'));
    });
    check();
  });
}

function daemonHandle(root: string, port: number, child: DaemonProcess, log: DaemonLog, exited: Promise<number | null>): GitDaemon {
  const pid = Number(/\[(\d+)\] Ready to rumble/.exec(log.text)?.[1] ?? 0);
  let stopped: Promise<void> | undefined;
  const settle = async (): Promise<void> => {
    // Log lines come from the daemon's children through a pipe; wait until it has been quiet a moment.
    const deadline = Date.now() + 1000;
    while (Date.now() - log.lastDataAt < 50 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  const requests = async (): Promise<DaemonRequest[]> => {
    await settle();
    return [...log.text.matchAll(REQUEST_LINE)].map((match) => ({
      pid: Number(match[1]),
      service: match[2] as DaemonService,
      path: match[3] as string,
    }));
  };

  return {
    host: '127.0.0.1',
    port,
    pid,
    root,
    url: (repo) => `git://127.0.0.1:${port}/${repoPath(repo)}`,
    urlTemplate: `git://127.0.0.1:${port}/{repo}.git`,
    log: () => log.text,
    clearLog: () => {
      log.text = '';
    },
    requests,
    countRequests: async (service = 'upload-pack', repo) => {
      const wanted = repo === undefined ? undefined : `/${repoPath(repo)}`;
      return (await requests()).filter(
        (request) => request.service === service && (wanted === undefined || request.path === wanted),
      ).length;
    },
    stop: () => {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.stdin?.end();
          child.kill('SIGTERM');
        }
        await exited;
      })();
      return stopped;
    },
  };
}
