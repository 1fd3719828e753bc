/*
 * git's machine-readable outputs, each parsed in one place: `ls-remote` lines and `push
 * --porcelain` ref lines. Pure functions, so the store and the remote operations share them.
 */

/** How one ref fared in a push, as `git push --porcelain` flags it. */
export type PushStatus = 'created' | 'updated' | 'up-to-date' | 'rejected';

/** The lines of `git ls-remote` output, in order: `<oid>\t<ref>`, peeled tags as `<ref>^{}`. */
export function parseLsRemote(stdout: string): Array<{ oid: string; ref: string }> {
  const lines: Array<{ oid: string; ref: string }> = [];
  for (const line of stdout.split('\n')) {
    const [oid, ref] = line.split('\t');
    if (oid && ref) lines.push({ oid, ref });
  }
  return lines;
}

/** What `git push --porcelain` printed per ref: remote ref -> status (and why, when rejected). */
export function parsePushPorcelain(stdout: string): Map<string, { status: PushStatus; reason?: string }> {
  const result = new Map<string, { status: PushStatus; reason?: string }>();
  for (const line of stdout.split('\n')) {
    const match = /^([ +\-*=!])\t([^\t]*):([^\t]*)\t(.*)$/.exec(line);
    if (!match) continue;
    const [, flag, , to, summary] = match;
    const status: PushStatus = flag === '=' ? 'up-to-date' : flag === '!' ? 'rejected' : flag === '*' ? 'created' : 'updated';
    result.set(to!, status === 'rejected' ? { status, reason: summary!.replace(/^\[rejected\]\s*/, '') } : { status });
  }
  return result;
}
