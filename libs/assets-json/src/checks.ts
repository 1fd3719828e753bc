/**
 * Checks for values that end up in git command lines and filesystem paths. Each returns
 * undefined when the value is fine, otherwise what is wrong, phrased to follow "found ...".
 */

const REPO_PART = /^[A-Za-z0-9._-]+$/;

/**
 * True when the value has a C0 control character or DEL: such a value in a git command line, a
 * ref, a path or a log line is refused everywhere, by this one test.
 */
export function hasControlCharacter(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point of this test
  return /[\u0000-\u001f\u007f]/.test(value);
}

/** `owner/name`, each part of `[A-Za-z0-9._-]`, neither `.`/`..` nor starting with `-`. */
export function checkAssetsRepo(value: string): string | undefined {
  const parts = value.split('/');
  if (parts.length !== 2 || parts.some((part) => part === '')) return 'which is not of the form "owner/name"';
  for (const part of parts) {
    if (!REPO_PART.test(part)) return `whose "${part}" has characters other than letters, digits, ".", "_" and "-"`;
    if (part === '.' || part === '..') return `whose "${part}" is not a name`;
    if (part.startsWith('-')) return `whose "${part}" starts with "-"`;
  }
  return undefined;
}

/**
 * A path inside the assets repo (`AssetsRepoPrefixPath`): relative, `/`-separated, no `..`
 * segments, no control characters. A `.git` segment is refused as well: files restored there
 * would land in the assets repo's own git directory.
 */
export function checkPrefixPath(value: string): string | undefined {
  if (hasControlCharacter(value)) return 'which contains a control character';
  if (value.includes('\\')) return 'which contains "\\" (use "/" between folders)';
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value)) return 'which is an absolute path';
  const segments = value.split('/');
  if (segments.includes('..')) return 'which contains a ".." segment';
  if (segments.some((segment) => segment.toLowerCase() === '.git')) return 'which contains a ".git" segment';
  if (normalizePrefixPath(value).startsWith('-')) return 'which starts with "-"';
  return undefined;
}

/** Drops empty and `.` segments: `recordings/` and `./recordings` both become `recordings`. */
export function normalizePrefixPath(value: string): string {
  return value
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/** `AssetsRepoId` names one local folder: a single safe path segment, or ''. */
export function checkFolderName(value: string): string | undefined {
  if (value === '') return undefined;
  if (!REPO_PART.test(value)) return 'which has characters other than letters, digits, ".", "_" and "-"';
  if (value === '.' || value === '..') return 'which is not a folder name';
  if (value.startsWith('-')) return 'which starts with "-"';
  return undefined;
}

export function isFullSha(value: string): boolean {
  return /^[0-9a-fA-F]{40}$/.test(value);
}
