import { posix } from 'node:path';

/** One entry of a pinned folder, as git lists it (path relative to the assets repo root). */
export interface TreeFile {
  path: string;
  /** `100644`, `100755`, `120000` (symlink), `160000` (submodule). */
  mode: string;
}

export interface UnsafePath {
  path: string;
  reason: string;
}

export interface PathRules {
  /** Whose rules decide what can exist on disk: Windows forbids far more names than Linux. */
  platform: NodeJS.Platform;
  /** The longest path the platform takes from the checkout root, in bytes. */
  maxPathBytes?: number;
}

const NAME_MAX_BYTES = 255;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
// eslint-disable-next-line no-control-regex -- Windows forbids control characters in file names, so a tree holding one cannot be checked out there
const WINDOWS_FORBIDDEN = /[<>:"|?*\\\u0000-\u001f]/;

/**
 * Paths of a pinned folder that git cannot check out here, or that asset-sync refuses: a `.git`
 * component anywhere (git's own rule, and what would let a recording rewrite git config), `.` and
 * `..`, names longer than the file system takes, submodules, and on Windows reserved device names,
 * forbidden characters and trailing dots or spaces. A package holding any of them fails alone,
 * before anything is written, instead of failing the whole checkout's update.
 */
export function unsafeTreePaths(files: readonly TreeFile[], rules: PathRules): UnsafePath[] {
  const found: UnsafePath[] = [];
  const windows = rules.platform === 'win32';
  const maxPath = rules.maxPathBytes ?? (windows ? 32_000 : 4_000);
  for (const file of files) {
    const reason = pathProblem(file, windows, maxPath);
    if (reason) found.push({ path: file.path, reason });
  }
  return found;
}

function pathProblem(file: TreeFile, windows: boolean, maxPath: number): string | undefined {
  if (file.mode === '160000') return 'is a submodule (gitlink); recordings are files';
  if (Buffer.byteLength(file.path) > maxPath) return `is ${Buffer.byteLength(file.path)} bytes long; the limit here is ${maxPath}`;
  for (const name of file.path.split('/')) {
    const problem = nameProblem(name, windows);
    if (problem) return problem;
  }
  return undefined;
}

/** Why one path component cannot be written, or undefined. */
export function nameProblem(name: string, windows: boolean): string | undefined {
  if (name === '' || name === '.' || name === '..') return `has a "${name}" component`;
  // git refuses `.git` in any case, and on NTFS also with trailing dots/spaces and as its 8.3 name.
  if (/^\.git[. ]*$/i.test(name) || (windows && /^git~\d+$/i.test(name))) return 'has a ".git" component, which git refuses to check out';
  if (Buffer.byteLength(name) > NAME_MAX_BYTES) return `has a name of ${Buffer.byteLength(name)} bytes; file systems take at most ${NAME_MAX_BYTES}`;
  if (!windows) return undefined;
  if (WINDOWS_FORBIDDEN.test(name)) return `has a name with a character Windows forbids (${JSON.stringify(name)})`;
  if (WINDOWS_RESERVED.test(name)) return `has a name Windows reserves for a device (${JSON.stringify(name)})`;
  if (/[. ]$/.test(name)) return `has a name ending in a dot or space, which Windows drops (${JSON.stringify(name)})`;
  return undefined;
}

/**
 * Symlinks in a pinned folder whose target leaves that folder: an absolute target, or one that
 * climbs out with `..`. Checked out, such a link would let recordings be read from or written to
 * a place the assets repo's author chose. `targets` maps each link's path to its link text.
 */
export function escapingSymlinks(folder: string, targets: ReadonlyMap<string, string>): UnsafePath[] {
  const found: UnsafePath[] = [];
  for (const [path, target] of targets) {
    const reason = symlinkProblem(folder, path, target);
    if (reason) found.push({ path, reason });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : 1));
}

export function symlinkProblem(folder: string, path: string, target: string): string | undefined {
  if (target.includes('\0') || target === '') return 'is a symlink with an unreadable target';
  if (posix.isAbsolute(target) || /^[A-Za-z]:/.test(target) || target.startsWith('\\')) return `is a symlink to an absolute path (${JSON.stringify(target)})`;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target.replaceAll('\\', '/')));
  const inside = folder === '' ? !resolved.startsWith('..') : resolved === folder || resolved.startsWith(`${folder}/`);
  return inside ? undefined : `is a symlink that leaves its package folder (${JSON.stringify(target)})`;
}
