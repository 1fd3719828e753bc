import { createHash } from 'node:crypto';

/** Where a package's recordings live in the assets repo: `<prefix>/<packagePath>`. */
export function assetsPathOf(prefix: string, packagePath: string): string {
  return [prefix, packagePath]
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/** True when `inner` is `outer` or lies below it ('' contains everything). */
export function isSameOrBelow(inner: string, outer: string): boolean {
  return outer === '' || inner === outer || inner.startsWith(`${outer}/`);
}

/** Drops paths that lie below another path in the list: a sparse pattern for a folder covers them. */
export function outermostPaths(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  const kept: string[] = [];
  for (const path of sorted) {
    if (!kept.some((outer) => isSameOrBelow(path, outer))) kept.push(path);
  }
  return kept;
}

/**
 * The folder name the Azure test-proxy gives an assets.json: the first 10 letters or digits of
 * base64(SHA-1(AssetsRepo + assets.json path relative to the repo root, forward slashes)).
 * Using the same name lets teams keep the unmodified proxy for playback.
 */
export function testProxyHash(assetsRepo: string, assetsJsonPath: string): string {
  const digest = createHash('sha1')
    .update(assetsRepo + assetsJsonPath.replaceAll('\\', '/'), 'utf8')
    .digest('base64');
  return [...digest].filter((c) => /[A-Za-z0-9]/.test(c)).slice(0, 10).join('');
}

/**
 * Directory of the shared checkout of an assets repo, relative to the assets dir: one per assets
 * repo, whatever its pins, so the path `locate` prints never changes.
 */
export function sharedCheckoutDir(assetsRepo: string): string {
  return assetsRepo;
}

/**
 * The package that owns a file of a checkout: the one with the deepest folder containing it
 * (a nested package's files are its own, not its service-level parent's). `sortedPaths` must be
 * sorted; undefined when the file is outside every package folder.
 */
export function ownerOf(file: string, sortedPaths: readonly string[]): string | undefined {
  // Walk up the file's folders, each looked up by binary search: depth x log n, not a scan.
  let at = file;
  for (;;) {
    const slash = at.lastIndexOf('/');
    if (slash < 0) return binaryHas(sortedPaths, '') ? '' : undefined;
    at = at.slice(0, slash);
    if (binaryHas(sortedPaths, at)) return at;
  }
}

function binaryHas(sorted: readonly string[], value: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** Folders in `sortedPaths` strictly below `path`: the nested packages a package's own files exclude. */
export function nestedBelow(path: string, sortedPaths: readonly string[]): string[] {
  const below = path === '' ? '' : `${path}/`;
  let lo = 0;
  let hi = sortedPaths.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedPaths[mid]! < below) lo = mid + 1;
    else hi = mid;
  }
  const found: string[] = [];
  for (let i = lo; i < sortedPaths.length && sortedPaths[i]!.startsWith(below); i++) if (sortedPaths[i] !== path) found.push(sortedPaths[i]!);
  return found;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 10);
}
