import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created = new Set<string>();
let exitHookInstalled = false;

/** Set ASSET_SYNC_KEEP_TEMP=1 to keep every temp dir for a post-mortem. */
function keepTemp(): boolean {
  return process.env['ASSET_SYNC_KEEP_TEMP'] === '1';
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    if (keepTemp()) return;
    for (const dir of created) rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Test runners end their workers without an 'exit' event, and a killed process runs no hook at
 * all. A janitor process, told about every dir over a pipe, removes what is left when that pipe
 * closes, however this process ended. It never keeps this process alive.
 */
export const JANITOR_SCRIPT = `
const { rmSync } = require('node:fs');
const dirs = new Set();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\\n')) !== -1) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    if (line.startsWith('+')) dirs.add(line.slice(1));
    else if (line.startsWith('-')) dirs.delete(line.slice(1));
  }
});
const clean = () => {
  for (const dir of dirs) {
    try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch {}
  }
  process.exit(0);
};
process.stdin.on('end', clean);
process.stdin.on('close', clean);
process.stdin.on('error', clean);
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
`;

let janitor: ChildProcess | undefined;

function tellJanitor(line: string): void {
  if (keepTemp()) return;
  if (janitor === undefined) {
    janitor = spawn(process.execPath, ['-e', JANITOR_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'] });
    janitor.on('error', () => undefined);
    janitor.stdin?.on('error', () => undefined);
    janitor.unref();
    (janitor.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }
  janitor.stdin?.write(`${line}\n`);
}

/**
 * Creates a fresh directory under the OS temp dir, resolved through symlinks (so the path the CLI
 * prints is the path normalizeOutput replaces). It is removed by removeTempDir, removeTempDirs or,
 * at the latest, when the process exits.
 */
export async function makeTempDir(prefix = 'asset-sync-'): Promise<string> {
  const safePrefix = prefix.replace(/[^A-Za-z0-9._-]/g, '-');
  const dir = await mkdtemp(join(realpathSync(tmpdir()), safePrefix.endsWith('-') ? safePrefix : `${safePrefix}-`));
  created.add(dir);
  installExitHook();
  tellJanitor(`+${dir}`);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  created.delete(dir);
  if (keepTemp()) return;
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  tellJanitor(`-${dir}`);
}

/** Removes every temp dir this process created and has not removed yet. */
export async function removeTempDirs(): Promise<void> {
  const dirs = [...created];
  await Promise.all(dirs.map((dir) => removeTempDir(dir)));
}

/** The temp dirs still alive, e.g. to hand to normalizeOutput. */
export function liveTempDirs(): string[] {
  return [...created];
}

/** Runs `fn` with a fresh temp dir and removes it afterwards, whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir(prefix);
  try {
    return await fn(dir);
  } finally {
    await removeTempDir(dir);
  }
}
