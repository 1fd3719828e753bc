import { AssetSyncError } from '@asset-sync/errors';

/** What `asset-sync grep` looks for. */
export interface GrepPattern {
  pattern: string;
  /** The pattern is a plain string, not a regular expression (-F). */
  fixed?: boolean;
  ignoreCase?: boolean;
}

export type LineMatcher = (line: string) => boolean;

/**
 * A test for one line. Regular expressions are JavaScript's (what `grep -E` users expect, with
 * `\d` and friends); -F takes the pattern literally.
 *
 * @throws AssetSyncError USAGE for a regular expression that does not compile.
 */
export function lineMatcher(grep: GrepPattern): LineMatcher {
  if (grep.pattern === '') throw new AssetSyncError('USAGE', 'the pattern is empty', { hint: 'Give a string or a regular expression to search for.' });
  if (grep.fixed) {
    const needle = grep.ignoreCase ? grep.pattern.toLowerCase() : grep.pattern;
    return grep.ignoreCase ? (line) => line.toLowerCase().includes(needle) : (line) => line.includes(needle);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(grep.pattern, grep.ignoreCase ? 'iu' : 'u');
  } catch (error) {
    throw new AssetSyncError('USAGE', `not a regular expression: ${grep.pattern} (${(error as Error).message})`, { hint: 'Escape special characters, or pass -F to search for the string as it is.' });
  }
  return (line) => regex.test(line);
}

export type BlobMatches = { binary: true } | { binary: false; lines: Array<{ line: number; text: string }> };

/**
 * The matching lines of a file's content, numbered from 1; a file with a NUL byte in its first
 * 8000 bytes is binary (git's rule) and only says whether it matches. Undefined when nothing does.
 */
export function searchContent(content: Buffer, matches: LineMatcher): BlobMatches | undefined {
  const binary = content.subarray(0, 8000).includes(0);
  const text = content.toString(binary ? 'latin1' : 'utf8');
  const lines: Array<{ line: number; text: string }> = [];
  let start = 0;
  for (let number = 1; start <= text.length; number++) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
    if (!(end < 0 && line === '' && start > 0) && matches(line)) {
      if (binary) return { binary: true };
      lines.push({ line: number, text: line });
    }
    if (end < 0) break;
    start = end + 1;
  }
  return lines.length > 0 ? { binary: false, lines } : undefined;
}
