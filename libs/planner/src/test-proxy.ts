/**
 * The Azure test-proxy's rules for its `.assets/<hash>` folders, as its GitStore reads and
 * writes them (azure-sdk-tools, `Store/GitStore.cs`, `GitStoreBreadcrumb.cs`). The test-proxy
 * layout follows them exactly, so the unmodified proxy can restore and push in asset-sync's
 * folders and asset-sync can take over folders the proxy made. The folder name is
 * `testProxyHash` in paths.ts.
 */

/** The branch the proxy's push diffs `eng/` and `.gitignore` against: every folder's store needs it locally. */
export const TEST_PROXY_MAIN = 'main';

/**
 * The proxy's sparse patterns for a package folder (non-cone, `GitStore.ResolveCheckoutPaths`):
 * the folder, every `eng/` folder and every `.gitignore`. Writing exactly these makes a restore
 * by the proxy in the same folder change no file. For a package at the root of the assets repo
 * the proxy writes `./`, which matches nothing in non-cone mode; `/*` matches what it means.
 */
export function testProxySparsePatterns(folder: string): string[] {
  return [folder === '' ? '/*' : folder, 'eng/', '.gitignore'];
}

/** The names those patterns add besides the package folder (`eng` folders, `.gitignore` files). */
export const TEST_PROXY_SHARED_NAMES: readonly string[] = ['eng', '.gitignore'];

/** The branches the proxy's push creates and leaves behind: `git branch <first 8 hex of a GUID>`. */
export function isTestProxyPushBranch(name: string): boolean {
  return /^[0-9a-f]{8}$/.test(name);
}

export interface BreadcrumbLine {
  /** The assets.json path relative to the language repo root, forward slashes. */
  path: string;
  hash: string;
  tag: string;
}

/** What a breadcrumb file holds; `problems` are what makes the proxy answer HTTP 400 when it reads it. */
export interface ParsedBreadcrumb {
  lines: BreadcrumbLine[];
  problems: string[];
}

/**
 * Reads a breadcrumb file as the proxy does (a UTF-8 BOM skipped, LF, CRLF or CR line ends, the
 * three `;`-separated fields trimmed), but keeps going where the proxy fails: a blank or
 * malformed line, or a second line for one assets.json, is reported and left out (the later
 * duplicate wins).
 */
export function parseBreadcrumb(text: string): ParsedBreadcrumb {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const raw = body.split(/\r\n|\n|\r/);
  if (raw[raw.length - 1] === '') raw.pop();
  const byPath = new Map<string, BreadcrumbLine>();
  const problems: string[] = [];
  raw.forEach((line, i) => {
    const fields = line.split(';').map((f) => f.trim());
    if (fields.length !== 3 || fields[0] === '' || fields[1] === '') {
      problems.push(`line ${i + 1}: ${line.trim() === '' ? 'blank' : `not <assets.json>;<hash>;<tag>: ${JSON.stringify(line)}`}`);
      return;
    }
    const [path, hash, tag] = fields as [string, string, string];
    if (byPath.has(path)) {
      problems.push(`line ${i + 1}: a second line for ${path}`);
      byPath.delete(path);
    }
    byPath.set(path, { path, hash, tag });
  });
  return { lines: [...byPath.values()], problems };
}

/** The proxy's format: one `<path>;<hash>;<tag>` per line, each line ended, nothing else. */
export function formatBreadcrumb(lines: BreadcrumbLine[]): string {
  return lines.map((l) => `${l.path};${l.hash};${l.tag}\n`).join('');
}

/**
 * A breadcrumb file after setting one assets.json's line (or dropping it with `line: null`),
 * keeping the other lines as the proxy does. Undefined when the file already says exactly that
 * and the proxy can read it, so an unchanged restore writes nothing; `''` means no line is left.
 */
export function updateBreadcrumb(current: string | undefined, path: string, line: BreadcrumbLine | null): string | undefined {
  const parsed = parseBreadcrumb(current ?? '');
  const others = parsed.lines.filter((l) => l.path !== path);
  const next = line ? [...others, line] : others;
  const before = parsed.lines.find((l) => l.path === path);
  const same = line ? before?.hash === line.hash && before.tag === line.tag : before === undefined;
  if (current !== undefined && parsed.problems.length === 0 && same) return undefined;
  if (current === undefined && !line) return undefined;
  return formatBreadcrumb(next);
}

export interface ProxyBranch {
  name: string;
  commit: string;
}

/**
 * The push branches the proxy left behind that can go: named as the proxy names them, checked
 * out in no folder, and at a commit a tag names (its push got published, or it was reset to the
 * pin it started from). A branch holding the only name of an unpublished commit is kept.
 */
export function strayProxyBranches(input: { branches: ProxyBranch[]; checkedOut: string[]; published: string[] }): string[] {
  const checkedOut = new Set(input.checkedOut);
  const published = new Set(input.published);
  return input.branches
    .filter((b) => isTestProxyPushBranch(b.name) && !checkedOut.has(b.name) && published.has(b.commit))
    .map((b) => b.name)
    .sort();
}
