import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from './state.js';
import type { PackageEntry } from './types.js';

/** What a push that stopped after building its commit left behind, so a re-run can finish it. */
export interface PushJournal {
  id: string;
  assetsRepo: string;
  previousPin: string;
  parent: string;
  commit: string;
  tree: string;
  ref: string;
  pin: string;
}

export function journalDir(assetsDir: string): string {
  return join(stateDir(assetsDir), 'push');
}

export function journalPath(assetsDir: string, id: string): string {
  return join(journalDir(assetsDir), `${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
}

export async function readJournal(file: string, id: string): Promise<PushJournal | undefined> {
  try {
    const journal = JSON.parse(await readFile(file, 'utf8')) as PushJournal;
    return journal.id === id ? journal : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Packages whose push published a new pin but stopped before writing it into assets.json: their
 * assets.json still names the pin the push started from. Restore leaves them be, so the new
 * recordings are not replaced by the old pin's before push is run again to finish.
 */
export async function pushesInProgress(assetsDir: string, entries: PackageEntry[]): Promise<string[]> {
  const names = await readdir(journalDir(assetsDir)).catch(() => [] as string[]);
  if (names.length === 0) return [];
  const ids: string[] = [];
  for (const entry of entries) {
    if (!entry.settings || !names.includes(journalPath(assetsDir, entry.path).split('/').pop()!)) continue;
    const journal = await readJournal(journalPath(assetsDir, entry.path), entry.path);
    if (journal && journal.previousPin === entry.settings.pinText && journal.pin !== entry.settings.pinText) ids.push(entry.path);
  }
  return ids;
}
