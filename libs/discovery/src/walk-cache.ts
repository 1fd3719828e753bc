import * as nodeFs from 'node:fs';
import { mkdirSync, readFileSync, type Dirent } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomically } from '@asset-sync/assets-json';
import { toPosixPath } from './repo.js';

/**
 * What a walk of the language repo saw, so the next run can skip it: every folder the walk read,
 * with its inode, its mtime and its entries, and the paths the globs matched. Like git's
 * untracked cache, it is checked against the disk before it is used: a folder whose entries
 * changed has a new mtime. A folder whose mtime is too recent to tell (changed again within the
 * file system's timestamp granularity) has its entries read and compared instead.
 */
interface WalkRecord {
  version: typeof VERSION;
  /** The walk's inputs: root, globs and ignores. A record of another walk is not used. */
  key: string;
  /** When the walk began (ns since the epoch): a folder changed after that is not trusted by its mtime. */
  at: string;
  /** Repo-relative folder ('' is the root) → what it held. */
  dirs: Record<string, FolderRecord>;
  matches: string[];
}

interface FolderRecord {
  ino: string;
  mtime: string;
  /** Entry names, sorted; folders end in '/', links in '@'. */
  entries: string[];
}

export interface WalkCacheOptions {
  /** The record's file, in the assets dir. */
  file: string;
  /** Create the file's folder when it is missing (a command that creates the assets dir anyway); otherwise the record is written only where that folder exists. */
  create?: boolean;
}

const VERSION = 1;
/**
 * How recent a folder's mtime must be to be checked by its entries: file systems stamp with a
 * coarse clock (a few ms on Linux, up to 2 s on FAT), so a change just after the walk read the
 * folder can leave its mtime as it was.
 */
const RACY_NS = 2_000_000_000n;

/**
 * The matches of the recorded walk when the disk still agrees with it, else undefined; `written`
 * settles when a record refreshed on the way is on disk.
 */
export function recordedMatches(cache: WalkCacheOptions, root: string, key: string): { matches: string[]; written: Promise<void> } | undefined {
  const record = readRecord(cache.file, key);
  if (!record) return undefined;
  const at = BigInt(record.at);
  let refreshed = false;
  for (const [rel, folder] of Object.entries(record.dirs)) {
    const abs = rel === '' ? root : join(root, ...rel.split('/'));
    const info = nodeFs.lstatSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!info?.isDirectory() || String(info.ino) !== folder.ino) return undefined;
    if (String(info.mtimeNs) === folder.mtime && BigInt(folder.mtime) < at - RACY_NS) continue;
    const entries = entriesOf(abs);
    if (entries === undefined || !sameList(entries, folder.entries)) return undefined;
    // Same entries: the folder is as recorded. Its new stat goes in the record, so the next run trusts it by its mtime.
    record.dirs[rel] = { ...folder, mtime: String(info.mtimeNs) };
    refreshed = true;
  }
  const written = refreshed ? writeRecord(cache, { ...record, at: String(nowNs()) }) : Promise.resolve();
  return { matches: record.matches, written };
}

/**
 * A node fs for fast-glob that notes each folder it reads: stat first, then the entries, so a
 * change between the two leaves a newer mtime than the one noted. Returns the fs and a function
 * that writes the record of the walk once it is done.
 */
export function recordingFs(cache: WalkCacheOptions, root: string, key: string): { fs: { readdirSync: typeof nodeFs.readdirSync }; save(matches: string[]): Promise<void> } {
  const at = nowNs();
  const dirs: Record<string, FolderRecord> = {};
  let complete = true;
  const readdirSync = ((path: string, options?: unknown) => {
    try {
      const info = nodeFs.lstatSync(path, { bigint: true });
      const result = nodeFs.readdirSync(path, options as { withFileTypes: true });
      if (Array.isArray(result) && (result.length === 0 || typeof result[0] !== 'string')) {
        dirs[toPosixPath(relative(root, path))] = { ino: String(info.ino), mtime: String(info.mtimeNs), entries: namesOf(result as Dirent[]) };
      } else complete = false;
      return result;
    } catch (error) {
      // An unreadable folder is skipped by the walk; a record without it would be wrong next time.
      complete = false;
      throw error;
    }
  }) as typeof nodeFs.readdirSync;
  return {
    fs: { readdirSync },
    save(matches: string[]): Promise<void> {
      return complete ? writeRecord(cache, { version: VERSION, key, at: String(at), dirs, matches }) : Promise.resolve();
    },
  };
}

function readRecord(file: string, key: string): WalkRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<WalkRecord>;
    if (value.version !== VERSION || value.key !== key || typeof value.at !== 'string' || !/^\d+$/.test(value.at)) return undefined;
    if (typeof value.dirs !== 'object' || value.dirs === null || !Array.isArray(value.matches)) return undefined;
    if (!value.matches.every(isSafeRelative)) return undefined;
    for (const [rel, folder] of Object.entries(value.dirs)) {
      if ((rel !== '' && !isSafeRelative(rel)) || !isFolderRecord(folder)) return undefined;
    }
    return value as WalkRecord;
  } catch {
    // No record, or one this release cannot read: walk.
    return undefined;
  }
}

function isFolderRecord(value: unknown): value is FolderRecord {
  const folder = value as FolderRecord;
  return (
    typeof folder === 'object' && folder !== null && /^\d+$/.test(String(folder.ino)) && /^\d+$/.test(String(folder.mtime)) && Array.isArray(folder.entries) && folder.entries.every((e) => typeof e === 'string')
  );
}

/** A repo-relative path that stays inside the repo: the record is a file on disk like any other. */
function isSafeRelative(path: unknown): boolean {
  return typeof path === 'string' && path !== '' && !path.startsWith('/') && !path.includes('\\') && !path.includes('\0') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Writes the record; a record that cannot be written only costs the next run a walk, so failures are dropped. */
async function writeRecord(cache: WalkCacheOptions, record: WalkRecord): Promise<void> {
  const folder = dirname(cache.file);
  try {
    if (cache.create) mkdirSync(folder, { recursive: true });
    else if (!nodeFs.existsSync(folder)) return;
    await writeFileAtomically(cache.file, JSON.stringify(record));
  } catch {
    // As above.
  }
}

function entriesOf(abs: string): string[] | undefined {
  try {
    return namesOf(nodeFs.readdirSync(abs, { withFileTypes: true }));
  } catch {
    return undefined;
  }
}

function namesOf(entries: Dirent[]): string[] {
  return entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.isSymbolicLink() ? `${e.name}@` : e.name)).sort();
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
