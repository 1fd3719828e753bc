import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layout, PinRef } from '@asset-sync/planner';

/**
 * What restore recorded about the assets dir. It is a record, not the truth: every use checks it
 * against the disk (the worktree's HEAD, and each file's size and mtime against the manifest), so
 * a deleted or tampered checkout is noticed and repaired rather than trusted.
 */
export interface RestoreState {
  version: 1;
  layout: Layout;
  checkouts: Record<string, CheckoutRecord>;
  /** Per assets.json: where it was restored and at which pin. */
  requests: Record<string, RequestRecord>;
  /** Ancestry is immutable, so it is cached: `<repo>` -> `<commit>` -> ancestors among candidates. */
  ancestry: Record<string, Record<string, string[]>>;
}

export interface CheckoutRecord {
  assetsRepo: string;
  commit: string;
  /** Materialized folders. */
  paths: string[];
  /** `syncing` while restore works on it: a killed run leaves it so, and the next run redoes it. */
  status: 'complete' | 'syncing';
  /** Paths that had pending local changes when a sync began; a resumed sync keeps them. */
  keepPaths?: string[];
  /** Every file below `paths`: relative path -> [size, mtimeMs]. */
  manifest?: Record<string, [number, number]>;
  completedAt?: string;
}

export interface RequestRecord {
  assetsRepo: string;
  pin: PinRef;
  commit: string;
  /** Path of its recordings inside the assets repo. */
  path: string;
  prefix: string;
  /** Checkout dir (relative to the assets dir) that serves it. */
  checkout: string;
  /** Folders of nested packages below it, excluded from its status and push. */
  excludes: string[];
}

export function emptyState(layout: Layout = 'shared'): RestoreState {
  return { version: 1, layout, checkouts: {}, requests: {}, ancestry: {} };
}

export function statePath(assetsDir: string): string {
  return join(assetsDir, '.asset-sync', 'state.json');
}

export async function readState(assetsDir: string): Promise<RestoreState> {
  const file = statePath(assetsDir);
  if (!existsSync(file)) return emptyState();
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as RestoreState;
    if (parsed.version !== 1 || typeof parsed.checkouts !== 'object') return emptyState();
    parsed.requests ??= {};
    parsed.ancestry ??= {};
    return parsed;
  } catch {
    // A torn or hand-edited record only costs a re-verification: everything is checked anyway.
    return emptyState();
  }
}

/** Written to a temporary file and renamed, so readers never see half a record. */
export async function writeState(assetsDir: string, state: RestoreState): Promise<void> {
  const file = statePath(assetsDir);
  await mkdir(join(assetsDir, '.asset-sync'), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state));
  await rename(temp, file);
}

/**
 * Size and mtime of every file below `paths` of a checkout. Synchronous on purpose: thousands of
 * lstat calls through the promise API cost more in scheduling than in the system calls.
 */
export function buildManifest(checkoutDir: string, paths: string[]): Record<string, [number, number]> {
  const manifest: Record<string, [number, number]> = {};
  const visit = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(checkoutDir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!(rel === '' && entry.name === '.git')) visit(child);
      } else {
        const info = lstatSync(join(checkoutDir, child));
        manifest[child] = [info.size, Math.round(info.mtimeMs)];
      }
    }
  };
  for (const path of paths) visit(path);
  return manifest;
}

/** True when the files on disk are exactly the recorded ones, unchanged by size and mtime. */
export function manifestMatches(checkoutDir: string, paths: string[], manifest: Record<string, [number, number]>): boolean {
  const now = buildManifest(checkoutDir, paths);
  const keys = Object.keys(now);
  if (keys.length !== Object.keys(manifest).length) return false;
  return keys.every((key) => {
    const recorded = manifest[key];
    const current = now[key]!;
    return recorded !== undefined && recorded[0] === current[0] && recorded[1] === current[1];
  });
}
