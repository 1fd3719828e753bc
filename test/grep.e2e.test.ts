import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrepReport } from '@asset-sync/executor';
import { commitFiles, commitWorkingFiles, git, tagCommit } from '@asset-sync/git-harness';
import { asJson, cli, ensureBareRepo, languageRepo, startServer, tagAssetsJson, type Server } from './helpers.js';

/*
 * grep searches the recordings of each package at its own pin, read from the store: the file
 * contents come in one fetch, nothing is checked out.
 */

const A = 'sdk/alpha/azure-alpha';
const B = 'sdk/beta/azure-beta';
const file = (pkg: string, name: string): string => `python/${pkg}/tests/recordings/${name}`;

describe('grep across pinned recordings', () => {
  let server: Server;
  let c1: string;
  let c2: string;
  const tag = (pkg: string, commit: string): string => `python/${pkg.split('/')[1]}/${pkg.split('/')[2]}_${commit.slice(0, 10)}`;
  let lang: string;

  beforeAll(async () => {
    server = await startServer();
    const repo = await ensureBareRepo(server);
    c1 = await commitFiles(repo, {
      [file(A, 'test_a.json')]: '{\n  "Uri": "https://old-host.example/a",\n  "Key": "Sanitized-SECRET-v1"\n}\n',
      [file(B, 'test_b.json')]: '{\n  "Uri": "https://old-host.example/b"\n}\n',
      [file(B, 'blob.bin')]: Buffer.from('\u0000\u0001binary old-host\u0000'),
    });
    // A newer commit: A re-recorded, and B's file changed too, though B stays pinned at c1.
    c2 = await commitFiles(repo, {
      [file(A, 'test_a.json')]: '{\n  "Uri": "https://new-host.example/a",\n  "Note": "moved from old-host"\n}\n',
      [file(B, 'test_b.json')]: '{\n  "Uri": "https://new-host.example/b"\n}\n',
    });
    for (const [pkg, commit] of [[A, c1], [A, c2], [B, c1]] as const) await tagCommit(repo, tag(pkg, commit), commit);
    // The release tag pins A at c1; main then moved A to c2.
    lang = await languageRepo({
      [`${A}/assets.json`]: tagAssetsJson('python', 'python/alpha/azure-alpha', tag(A, c1)),
      [`${B}/assets.json`]: tagAssetsJson('python', 'python/beta/azure-beta', tag(B, c1)),
    });
    await git(['tag', 'release/1.0'], { cwd: lang });
    await commitWorkingFiles(lang, { [`${A}/assets.json`]: tagAssetsJson('python', 'python/alpha/azure-alpha', tag(A, c2)) }, 'alpha re-recorded');
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  it('finds matches in two packages at their different pins, with one fetch for the file contents and no checkout', async () => {
    server.daemon.clearLog();
    const result = await cli(['grep', 'old-host', '--all', '--json'], lang, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = asJson<GrepReport>(result);
    expect(report.matches.map((m) => [m.packagePath, m.file, m.line ?? 'binary', m.pin])).toEqual([
      [A, 'tests/recordings/test_a.json', 3, tag(A, c2)],
      [B, 'tests/recordings/blob.bin', 'binary', tag(B, c1)],
      [B, 'tests/recordings/test_b.json', 2, tag(B, c1)],
    ]);
    expect(report.targets.map((t) => [t.id, t.commit])).toEqual([[`${A}/assets.json`, c2], [`${B}/assets.json`, c1]]);
    // One request for the pins, one for every missing file content; nothing checked out or recorded.
    expect(report.network).toMatchObject({ pinFetches: 1, objectFetches: 1 });
    expect(await server.daemon.countRequests('upload-pack')).toBe(2);
    expect(existsSync(join(lang, '.assets/Azure/azure-sdk-assets'))).toBe(false);
    expect(existsSync(join(lang, '.assets/.asset-sync/state.json'))).toBe(false);
    expect(await git(['status', '--porcelain'], { cwd: lang })).toBe('');

    // The second search needs nothing from the server.
    server.daemon.clearLog();
    const again = await cli(['grep', 'old-host', '--all'], lang, server.env);
    expect(again.stdout.trimEnd().split('\n')).toEqual([
      `${A}: tests/recordings/test_a.json:3:   "Note": "moved from old-host"`,
      `${B}: tests/recordings/blob.bin: binary file matches`,
      `${B}: tests/recordings/test_b.json:2:   "Uri": "https://old-host.example/b"`,
    ]);
    expect(await server.daemon.countRequests('upload-pack')).toBe(0);
  });

  it('searches a package at the older commit it pins, not at a newer one', async () => {
    // B's file at c2 says new-host; B is pinned at c1, where it does not.
    const none = await cli(['grep', 'new-host', B], lang, server.env);
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toBe('');
    const found = await cli(['grep', 'new-host', A, '-l'], lang, server.env);
    expect(found.exitCode).toBe(0);
    expect(found.stdout.trim()).toBe(`${A}: tests/recordings/test_a.json`);
  });

  it('adds the pins of a release tag with --pins-from', async () => {
    const without = await cli(['grep', 'secret-v1', '-i', '--all'], lang, server.env);
    expect(without.exitCode).toBe(1);
    const result = await cli(['grep', 'secret-v1', '-i', '--all', '--pins-from', 'release/1.0', '--json'], lang, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = asJson<GrepReport>(result);
    expect(report.matches).toEqual([{ id: `${A}/assets.json`, packagePath: A, pin: tag(A, c1), file: 'tests/recordings/test_a.json', line: 3, text: '  "Key": "Sanitized-SECRET-v1"' }]);
    // B's pin is the same on main and on the release: searched once, from both.
    expect(report.targets.find((t) => t.id === `${B}/assets.json`)?.sources).toEqual(['worktree', 'release/1.0']);
    expect(report.targets.filter((t) => t.id === `${A}/assets.json`).map((t) => [t.pin, t.sources])).toEqual([
      [tag(A, c1), ['release/1.0']],
      [tag(A, c2), ['worktree']],
    ]);
    const text = await cli(['grep', 'secret-v1', '-i', '--all', '--pins-from', 'refs/tags/'], lang, server.env);
    expect(text.stdout.trim()).toBe(`${A}@${tag(A, c1)}: tests/recordings/test_a.json:3:   "Key": "Sanitized-SECRET-v1"`);
  });

  it('takes fixed strings and regular expressions, and exits 2 on a usage error', async () => {
    expect((await cli(['grep', 'old-host.example/[ab]', '--all'], lang, server.env)).stdout.trimEnd().split('\n')).toHaveLength(1);
    expect((await cli(['grep', '-F', 'old-host.example/[ab]', '--all'], lang, server.env)).exitCode).toBe(1);
    expect((await cli(['grep', '-F', '"Uri": "https://old-host', '--all', '-l'], lang, server.env)).stdout.trim()).toBe(`${B}: tests/recordings/test_b.json`);
    const bad = await cli(['grep', '(unclosed', '--all'], lang, server.env);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('not a regular expression');
    expect((await cli(['grep', 'x', '--pins-from', 'no-such-ref', '--all'], lang, server.env)).exitCode).toBe(2);
  });
});
