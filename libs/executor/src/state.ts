import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@asset-sync/assets-json';
import type { Layout, RestoredPackage } from '@asset-sync/planner';

/**
 * What restore recorded about the assets dir. It is a record, not the truth: every run checks it
 * against the disk (the checkout's git metadata and, through git's index, every file), so a
 * deleted or tampered checkout is noticed and repaired rather than trusted, and a record that
 * makes no sense is dropped rather than fatal.
 */
export interface RestoreState {
  version: 2;
  /** The language repo this assets dir belongs to: a second clone must not share it by accident. */
  repoRoot?: string;
  /** Each layout's checkouts and packages; the two layouts never share a folder. */
  layouts: Partial<Record<Layout, LayoutState>>;
}

export interface LayoutState {
  checkouts: Record<string, CheckoutRecord>;
  packages: Record<string, PackageRecord>;
}

export interface CheckoutRecord {
  assetsRepo: string;
  /** Shared layout: the composed tree and its synthetic commit. Test-proxy: the pin's commit and root tree. */
  tree: string;
  commit: string;
  /**
   * Set from just before files are written until the move is complete: the folders being
   * rewritten. A run that finds it finishes the move before anything else, so an interrupted
   * restore never looks complete.
   */
  moving?: { folders: string[]; excludes: string[] };
}

export type PackageRecord = RestoredPackage;

export function emptyState(): RestoreState {
  return { version: 2, layouts: {} };
}

export function layoutState(state: RestoreState, layout: Layout): LayoutState {
  return (state.layouts[layout] ??= { checkouts: {}, packages: {} });
}

export function stateDir(assetsDir: string): string {
  return join(assetsDir, '.asset-sync');
}

export function statePath(assetsDir: string): string {
  return join(stateDir(assetsDir), 'state.json');
}

/** The record as written by this release, or the previous one's (version 1), or empty. */
export async function readStateFile(assetsDir: string): Promise<{ version: 1; raw: unknown } | RestoreState> {
  const file = statePath(assetsDir);
  if (!existsSync(file)) return emptyState();
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown };
    if (parsed.version === 1) return { version: 1, raw: parsed };
    if (parsed.version !== 2) return emptyState();
    return sanitize(parsed as RestoreState);
  } catch {
    // A torn or hand-edited record only costs a re-check: everything is verified against the disk anyway.
    return emptyState();
  }
}

/** Drops entries of the wrong shape instead of trusting them; the planner tolerates the rest. */
function sanitize(state: RestoreState): RestoreState {
  const clean = emptyState();
  if (typeof state.repoRoot === 'string') clean.repoRoot = state.repoRoot;
  for (const layout of ['shared', 'test-proxy'] as const) {
    const raw = state.layouts?.[layout];
    if (!raw || typeof raw !== 'object') continue;
    const into = layoutState(clean, layout);
    for (const [dir, c] of Object.entries(raw.checkouts ?? {})) {
      if (c && typeof c.assetsRepo === 'string' && typeof c.tree === 'string' && typeof c.commit === 'string') into.checkouts[dir] = c;
    }
    for (const [id, p] of Object.entries(raw.packages ?? {})) {
      if (p && p.id === id && typeof p.checkout === 'string' && typeof p.path === 'string' && typeof p.commit === 'string' && p.pin && typeof p.pin === 'object') into.packages[id] = p;
    }
  }
  return clean;
}

/**
 * Written to a temporary file and renamed, so readers never see half a record; writes from
 * parallel checkouts of one run are serialized (the atomic write queues them per file).
 */
export async function writeState(assetsDir: string, state: RestoreState): Promise<void> {
  await mkdir(stateDir(assetsDir), { recursive: true });
  await writeFileAtomically(statePath(assetsDir), JSON.stringify(state));
}
