import { lstat, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import fastGlob from 'fast-glob';
import pLimit from 'p-limit';
import { ALWAYS_IGNORED } from '@asset-sync/config';
import { ignoredPaths } from '@asset-sync/git-store';
import { isUnsafeName, outermostFolders, type RecordingFile, type RecordingsFolder, type UnsupportedFile } from './plan.js';

export interface ScanResult {
  folders: RecordingsFolder[];
  files: RecordingFile[];
  unsupported: UnsupportedFile[];
}

const toPosix = (path: string): string => (sep === '/' ? path : path.split(sep).join('/'));

/** The assets dir relative to the repo root, when it is inside it. */
export function assetsDirInside(repoRoot: string, assetsDir: string): string | undefined {
  const rel = toPosix(relative(resolve(repoRoot), resolve(assetsDir)));
  return rel === '' || rel.startsWith('..') || rel.startsWith('/') ? undefined : rel;
}

/**
 * The recordings folders the globs match and every file in them, as they are on disk (tracked,
 * changed or new; files git ignores are left out and reported). Symbolic links are not followed:
 * they are reported and left where they are.
 */
export async function scanRecordings(repoRoot: string, globs: string[], assetsDir: string): Promise<ScanResult> {
  const root = resolve(repoRoot);
  const ignore = [...ALWAYS_IGNORED];
  const inside = assetsDirInside(root, assetsDir);
  if (inside) ignore.push(`${fastGlob.escapePath(inside)}/**`);
  const folders: RecordingsFolder[] = [];
  const linkedFolders: string[] = [];
  for (const glob of globs) {
    const pattern = glob.replace(/\/+$/, '');
    // Every entry the glob names, links too: a linked recordings folder is reported, not skipped unseen.
    const matched = await fastGlob(pattern, {
      cwd: root,
      ignore,
      onlyFiles: false,
      objectMode: true,
      followSymbolicLinks: false,
      caseSensitiveMatch: true,
      dot: true,
      unique: true,
      suppressErrors: true,
    });
    for (const entry of matched) {
      const path = toPosix(entry.path).replace(/\/+$/, '');
      if (entry.dirent.isDirectory()) folders.push({ path, glob: pattern });
      else if (entry.dirent.isSymbolicLink()) linkedFolders.push(path);
    }
  }
  // Outermost folders only: a folder inside another is walked with it.
  const outer = outermostFolders(folders);

  const files: RecordingFile[] = [];
  const unsupported: UnsupportedFile[] = linkedFolders.map((path) => ({
    path,
    size: 0,
    reason: 'a symbolic link to a recordings folder: not followed, its recordings stay where they are (migrate the folder it points to instead)',
  }));
  const limit = pLimit(32);
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(join(root, dir), { withFileTypes: true });
    await Promise.all(
      entries.map((entry) =>
        limit(async () => {
          const path = `${dir}/${entry.name}`;
          if (entry.isDirectory()) return;
          const info = await lstat(join(root, path));
          if (info.isFile()) files.push({ path, size: info.size, mode: info.mode & 0o111 ? '100755' : '100644' });
          else unsupported.push({ path, size: info.size, reason: info.isSymbolicLink() ? 'a symbolic link (not followed)' : 'not a regular file' });
        }),
      ),
    );
    for (const entry of entries) if (entry.isDirectory() && entry.name !== '.git') await walk(`${dir}/${entry.name}`);
  };
  for (const folder of outer) await walk(folder.path);

  // Names git cannot take safely are reported by the plan; git is not asked about them.
  const ignored = await ignoredPaths(root, files.map((f) => f.path).filter((p) => !isUnsafeName(p)));
  const kept = files.filter((f) => !ignored.has(f.path));
  for (const f of files) if (ignored.has(f.path)) unsupported.push({ path: f.path, size: f.size, reason: 'ignored by .gitignore' });
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { folders: outer, files: kept.sort(byPath), unsupported: unsupported.sort(byPath) };
}

/** Bytes of every file of the working tree, .git and the assets dir aside. */
export async function workingTreeBytes(repoRoot: string, assetsDir: string): Promise<number> {
  const root = resolve(repoRoot);
  const skip = new Set([join(root, '.git'), resolve(assetsDir)]);
  let total = 0;
  const limit = pLimit(32);
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const sizes = await Promise.all(
      entries.map((entry) =>
        limit(async () => {
          const full = join(dir, entry.name);
          if (entry.isDirectory() || skip.has(full)) return 0;
          return (await lstat(full).catch(() => ({ size: 0 }))).size;
        }),
      ),
    );
    for (const size of sizes) total += size;
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory() && !skip.has(full)) await walk(full);
    }
  };
  await walk(root);
  return total;
}
