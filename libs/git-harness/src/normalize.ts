import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface NormalizeOptions {
  /**
   * Directories to replace: a list (each becomes `<tmp>`) or placeholder → path, e.g.
   * `{ '<repo>': repoDir, '<server>': serverRoot }`. Longer paths are replaced first, so a
   * directory inside another keeps its own placeholder.
   */
  tmpDirs?: readonly string[] | Readonly<Record<string, string>>;
  /** Replace 7-12 hex abbreviated commit ids too (default true). */
  shortShas?: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Makes CLI output stable for snapshot-style assertions: temp paths, commit ids, tag suffixes,
 * UUIDs, dates, durations and ports become placeholders, and CRLF becomes LF.
 */
export function normalizeOutput(text: string, options: NormalizeOptions = {}): string {
  let out = text.replace(/\r\n/g, '\n');

  const pairs: Array<[string, string]> = [];
  const given = options.tmpDirs ?? [];
  const entries: Array<[string, string]> = Array.isArray(given)
    ? (given as readonly string[]).map((dir) => ['<tmp>', dir])
    : Object.entries(given as Record<string, string>);
  for (const [placeholder, dir] of entries) {
    for (const variant of new Set([dir, realpathOrSelf(dir)])) {
      if (variant.length > 1) pairs.push([variant.replace(/[\\/]+$/, ''), placeholder]);
    }
  }
  pairs.sort((a, b) => b[0].length - a[0].length);
  for (const [dir, placeholder] of pairs) out = out.split(dir).join(placeholder);
  // Any other fresh directory under the OS temp dir (mkdtemp names end in a random suffix).
  for (const root of new Set([tmpdir(), realpathOrSelf(tmpdir())])) {
    out = out.replace(new RegExp(`${escapeRegExp(root.replace(/[\\/]+$/, ''))}[\\\\/][^\\s'"\`:,;)\\]/\\\\]+`, 'g'), '<tmp>');
  }

  out = out
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b[0-9a-f]{64}\b/g, '<sha256>')
    .replace(/\b[0-9a-f]{40}\b/g, '<sha>')
    .replace(/_[0-9a-f]{10}(?![0-9a-zA-Z])/g, '_<sha10>')
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<date>')
    .replace(
      /\b\d+(?:\.\d+)?\s?(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)\b(?:\s*\d+(?:\.\d+)?\s?(?:ms|s|m|h)\b)*/g,
      '<duration>',
    )
    .replace(/\b(127\.0\.0\.1|localhost|\[::1\]):\d{2,5}\b/g, '$1:<port>');

  if (options.shortShas !== false) {
    out = out.replace(/\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,12}\b/g, '<short-sha>');
  }
  return out;
}
