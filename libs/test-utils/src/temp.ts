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
 * Creates a fresh directory under the OS temp dir, resolved through symlinks (so the path the CLI
 * prints is the path normalizeOutput replaces). It is removed by removeTempDir, removeTempDirs or,
 * at the latest, when the process exits.
 */
export async function makeTempDir(prefix = 'asset-sync-'): Promise<string> {
  const safePrefix = prefix.replace(/[^A-Za-z0-9._-]/g, '-');
  const dir = await mkdtemp(join(realpathSync(tmpdir()), safePrefix.endsWith('-') ? safePrefix : `${safePrefix}-`));
  created.add(dir);
  installExitHook();
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  created.delete(dir);
  if (keepTemp()) return;
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
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
