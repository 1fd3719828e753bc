import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, commitFiles, git, listFilesAt, makeBareAssetsRepo, makeLanguageRepo, makeTempDir, removeTempDirs, resolveCommit, startGitDaemon, tagCommit, type GitDaemon } from '@asset-sync/git-harness';
import { gc, type GcRepoReport } from './gc.js';
import { merge } from './merge.js';
import { push } from './push.js';
import { reset } from './reset.js';
import { resolve } from './resolve.js';
import { restore } from './restore.js';
import { selectPackages } from './select.js';
import { locate } from './status.js';
import type { PackageEntry, Workspace } from './types.js';
import { openWorkspace } from './workspace.js';

// push, reset, resolve, merge and gc called directly, against a real assets repo behind a git
// daemon and a real language repo; each test builds its own pair.

const ASSETS_REPO = 'Azure/azure-sdk-assets';
const recording = (name: string, body: string): string => `{"Entries":[{"RequestUri":"https://fake/${name}","ResponseBody":"${body}"}]}\n`;
const assetsJson = (tagPrefix: string, tag: string): string => `${JSON.stringify({ AssetsRepo: ASSETS_REPO, AssetsRepoPrefixPath: 'python', TagPrefix: tagPrefix, Tag: tag }, null, 2)}\n`;

let daemon: GitDaemon;
let serverRoot: string;
let savedEnv: NodeJS.ProcessEnv;
let repoCount = 0;

beforeAll(async () => {
  serverRoot = await makeTempDir('verbs-server-');
  daemon = await startGitDaemon(serverRoot);
  // The executor runs git with this process's environment, as the CLI does.
  savedEnv = { ...process.env };
  process.env = cliEnv({ ASSET_SYNC_RETRY_BASE_MS: '10', ASSET_SYNC_NETWORK_ATTEMPTS: '1' });
});

afterAll(async () => {
  process.env = savedEnv;
  await daemon?.stop();
  await removeTempDirs();
});

interface World {
  assetsRepo: string;
  /** The bare assets repo on the server. */
  repo: string;
  lang: string;
  workspace: Workspace;
  entries(): Promise<PackageEntry[]>;
}

/** An assets repo of its own (owner/name differ per test) and a language repo with these files. */
async function world(langFiles: (assetsRepo: string) => Record<string, string>, build: (repo: string) => Promise<void>): Promise<World> {
  const assetsRepo = `Azure/assets-${++repoCount}`;
  const repo = await makeBareAssetsRepo(serverRoot, assetsRepo);
  await build(repo);
  const lang = await makeTempDir('verbs-lang-');
  const files = Object.fromEntries(Object.entries(langFiles(assetsRepo)).map(([path, text]) => [path, text.replace(ASSETS_REPO, assetsRepo)]));
  await makeLanguageRepo(lang, { files });
  const workspace = await openWorkspace(lang, { cwd: lang, env: { ...process.env, ASSET_SYNC_REMOTE_URL_TEMPLATE: daemon.urlTemplate } });
  return { assetsRepo, repo, lang, workspace, entries: async () => (await selectPackages(workspace, { all: true })).entries };
}

async function tagsOf(repo: string): Promise<string[]> {
  return (await git(['--git-dir', repo, 'tag', '--list'])).split('\n').filter(Boolean).sort();
}

async function restoreAll(w: World): Promise<void> {
  const report = await restore({ workspace: w.workspace, entries: await w.entries(), complete: true });
  expect(report.ok).toBe(true);
}

/** Each test runs a few dozen git processes; a loaded machine takes longer than the unit default. */
const GIT_TIMEOUT = { timeout: 120_000 };
const TABLES = 'sdk/tables/azure-data-tables';
const TABLES_FILE = `python/${TABLES}/tests/recordings/test_table.json`;

describe('push', () => {
  it('publishes the pending changes as a new tag and writes it into assets.json; a second push has nothing to push', GIT_TIMEOUT, async () => {
    let base = '';
    const w = await world(
      () => ({ [`${TABLES}/assets.json`]: assetsJson('python/tables', 'python/tables_0000000001') }),
      async (repo) => {
        base = await commitFiles(repo, { [TABLES_FILE]: recording('table', 'v1') }, { tag: 'python/tables_0000000001' });
      },
    );
    await restoreAll(w);
    const [entry] = await w.entries();
    const found = await locate(w.workspace, entry!);
    await writeFile(join(found.recordings, 'tests/recordings/test_table.json'), recording('table', 'v2'));

    const report = await push({ workspace: w.workspace, entry: entry! });
    const pin = report.pin!;
    expect(pin).toMatch(/^python\/tables_[0-9a-f]{10}$/);
    const commit = await resolveCommit(w.repo, `refs/tags/${pin}`);
    expect(report).toEqual({
      id: `${TABLES}/assets.json`,
      status: 'pushed',
      message: `Pushed 1 file of ${TABLES} (modified: ${TABLES_FILE}) as ${pin}; ${TABLES}/assets.json now pins it.`,
      previousPin: 'python/tables_0000000001',
      pin,
      commit,
      parent: base,
      ref: `refs/tags/${pin}`,
      alreadyOnServer: false,
      changes: { added: [], modified: [TABLES_FILE], deleted: [] },
      compared: { folder: join(found.recordings), commit: base },
      attempts: 1,
    });
    expect(pin).toBe(`python/tables_${commit!.slice(0, 10)}`);
    expect((await listFilesAt(w.repo, commit!, TABLES_FILE.slice(0, TABLES_FILE.lastIndexOf('/')))).get('test_table.json')?.toString('utf8')).toBe(recording('table', 'v2'));
    expect(JSON.parse(await readFile(join(w.lang, TABLES, 'assets.json'), 'utf8'))).toMatchObject({ Tag: pin });

    const [pinned] = await w.entries();
    const again = await push({ workspace: w.workspace, entry: pinned! });
    expect({ status: again.status, previousPin: again.previousPin, changes: again.changes }).toEqual({ status: 'nothing-to-push', previousPin: pin, changes: { added: [], modified: [], deleted: [] } });
    expect(again.pin).toBeUndefined();
  });
});

describe('reset', () => {
  it('refuses without yes or a confirmation, then discards the pending changes and reports the pin it is back at', GIT_TIMEOUT, async () => {
    const w = await world(
      () => ({ [`${TABLES}/assets.json`]: assetsJson('python/tables', 'python/tables_0000000001') }),
      async (repo) => void (await commitFiles(repo, { [TABLES_FILE]: recording('table', 'v1') }, { tag: 'python/tables_0000000001' })),
    );
    await restoreAll(w);
    const [entry] = await w.entries();
    const found = await locate(w.workspace, entry!);
    const file = join(found.recordings, 'tests/recordings/test_table.json');
    await writeFile(file, recording('table', 'local'));
    await writeFile(join(found.recordings, 'tests/recordings/test_new.json'), recording('new', 'local'));

    await expect(reset({ workspace: w.workspace, entry: entry! })).rejects.toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      message: `reset would discard 2 pending changes in ${TABLES} and asks first`,
      hint: `Rerun with --yes to discard them (asset-sync status ${TABLES} lists them).`,
    });
    const declined = reset({ workspace: w.workspace, entry: entry!, confirm: async () => false });
    await expect(declined).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(await readFile(file, 'utf8')).toBe(recording('table', 'local'));

    const asked: unknown[] = [];
    const report = await reset({ workspace: w.workspace, entry: entry!, confirm: async (changes) => (asked.push(changes), true) });
    const discarded = { added: [`python/${TABLES}/tests/recordings/test_new.json`], modified: [TABLES_FILE], deleted: [] };
    expect(asked).toEqual([discarded]);
    expect(report).toEqual({
      id: `${TABLES}/assets.json`,
      discarded,
      pin: 'python/tables_0000000001',
      restore: { ok: true, summary: { restored: 0, upToDate: 1, pendingKept: 0, removed: 0, failed: 0, durationMs: report.restore.summary.durationMs } },
    });
    expect(await readFile(file, 'utf8')).toBe(recording('table', 'v1'));
    expect(existsSync(join(found.recordings, 'tests/recordings/test_new.json'))).toBe(false);

    const clean = await reset({ workspace: w.workspace, entry: entry! });
    expect(clean.discarded).toEqual({ added: [], modified: [], deleted: [] });
  });
});

/** What git leaves in assets.json when two branches moved the pin. */
function conflictedAssetsJson(assetsRepo: string, ours: string, theirs: string): string {
  return [
    '{',
    `  "AssetsRepo": "${assetsRepo}",`,
    '  "AssetsRepoPrefixPath": "python",',
    '  "TagPrefix": "python/tables",',
    '<<<<<<< HEAD',
    `  "Tag": "${ours}"`,
    '=======',
    `  "Tag": "${theirs}"`,
    '>>>>>>> origin/pr/a',
    '}',
    '',
  ].join('\n');
}

describe('resolve', () => {
  it('merges the two pins of a conflicted assets.json file by file and pins the result', GIT_TIMEOUT, async () => {
    let ours = '';
    let theirs = '';
    const w = await world(
      () => ({ [`${TABLES}/assets.json`]: assetsJson('python/tables', 'python/tables_0000000001') }),
      async (repo) => {
        const base = await commitFiles(repo, { [TABLES_FILE]: recording('table', 'v1'), [`python/${TABLES}/tests/recordings/test_other.json`]: recording('other', 'v1') }, { tag: 'python/tables_0000000001' });
        ours = await commitFiles(repo, { [TABLES_FILE]: recording('table', 'ours') }, { parent: base, branch: 'auto/ours' });
        theirs = await commitFiles(repo, { [`python/${TABLES}/tests/recordings/test_other.json`]: recording('other', 'theirs') }, { parent: base, branch: 'auto/theirs' });
        await tagCommit(repo, `python/tables_${ours.slice(0, 10)}`, ours);
        await tagCommit(repo, `python/tables_${theirs.slice(0, 10)}`, theirs);
      },
    );
    const file = join(w.lang, TABLES, 'assets.json');
    const conflicted = conflictedAssetsJson(w.assetsRepo, `python/tables_${ours.slice(0, 10)}`, `python/tables_${theirs.slice(0, 10)}`);
    await writeFile(file, conflicted);
    const report = await resolve({ workspace: w.workspace, file });
    const pin = report.pin;
    const commit = await resolveCommit(w.repo, `refs/tags/${pin}`);
    expect(report).toEqual({
      id: `${TABLES}/assets.json`,
      ours: `python/tables_${ours.slice(0, 10)}`,
      theirs: `python/tables_${theirs.slice(0, 10)}`,
      pin: `python/tables_${commit!.slice(0, 10)}`,
      commit,
      merged: { ours: 1, theirs: 1 },
      ref: `refs/tags/${pin}`,
    });
    expect(await readFile(file, 'utf8')).toBe(assetsJson('python/tables', pin).replace(ASSETS_REPO, w.assetsRepo));
    const files = await listFilesAt(w.repo, commit!, `python/${TABLES}/tests/recordings`);
    expect(Object.fromEntries([...files].map(([name, bytes]) => [name, bytes.toString('utf8')]))).toEqual({
      'test_other.json': recording('other', 'theirs'),
      'test_table.json': recording('table', 'ours'),
    });
  });

  it('stops when both pins changed the same recording differently, naming it, and leaves assets.json as it is', GIT_TIMEOUT, async () => {
    const tags: string[] = [];
    const w = await world(
      () => ({ [`${TABLES}/assets.json`]: assetsJson('python/tables', 'python/tables_0000000001') }),
      async (repo) => {
        const base = await commitFiles(repo, { [TABLES_FILE]: recording('table', 'v1') }, { tag: 'python/tables_0000000001' });
        for (const side of ['ours', 'theirs']) {
          const commit = await commitFiles(repo, { [TABLES_FILE]: recording('table', side) }, { parent: base, branch: `auto/${side}` });
          tags.push(`python/tables_${commit.slice(0, 10)}`);
          await tagCommit(repo, tags.at(-1)!, commit);
        }
      },
    );
    const file = join(w.lang, TABLES, 'assets.json');
    const conflicted = conflictedAssetsJson(w.assetsRepo, tags[0]!, tags[1]!);
    await writeFile(file, conflicted);
    await expect(resolve({ workspace: w.workspace, file })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `both pins changed the same recordings differently; ${TABLES}/assets.json is left as it is:\n  ${TABLES_FILE}`,
      hint: 'Pick one side by hand (keep one pin line), restore, re-record those tests, and push.',
    });
    expect(await readFile(file, 'utf8')).toBe(conflicted);
  });
});

describe('merge', () => {
  it('folds every pin into one commit on the fallback branch and repins each assets.json to it', GIT_TIMEOUT, async () => {
    const A = 'sdk/a/azure-a';
    const B = 'sdk/b/azure-b';
    const tags: string[] = [];
    let a1 = '';
    let b1 = '';
    const w = await world(
      () => ({ [`${A}/assets.json`]: assetsJson('python/a', 'TAG_A'), [`${B}/assets.json`]: assetsJson('python/b', 'TAG_B') }),
      async (repo) => {
        const c0 = await commitFiles(repo, { [`python/${A}/r.json`]: recording('a', 'v0'), [`python/${B}/r.json`]: recording('b', 'v0') });
        a1 = await commitFiles(repo, { [`python/${A}/r.json`]: recording('a', 'v1') }, { parent: c0, branch: 'auto/a' });
        b1 = await commitFiles(repo, { [`python/${B}/r.json`]: recording('b', 'v1') }, { parent: c0, branch: 'auto/b' });
        tags.push(`python/a_${a1.slice(0, 10)}`, `python/b_${b1.slice(0, 10)}`);
        await tagCommit(repo, tags[0]!, a1);
        await tagCommit(repo, tags[1]!, b1);
      },
    );
    for (const [path, i] of [[A, 0], [B, 1]] as const) {
      const f = join(w.lang, path, 'assets.json');
      await writeFile(f, (await readFile(f, 'utf8')).replace(i === 0 ? 'TAG_A' : 'TAG_B', tags[i]!));
    }
    const main = (await resolveCommit(w.repo, 'refs/heads/main'))!;
    const dry = await merge({ workspace: w.workspace, entries: await w.entries(), dryRun: true });
    const parents = [main, a1, b1];
    expect(dry).toEqual({
      dryRun: true,
      repos: [{ assetsRepo: w.assetsRepo, branch: 'main', base: main, commit: main, created: true, pushed: false, parents }],
      moved: [
        { id: `${A}/assets.json`, from: tags[0], to: '(merged commit)' },
        { id: `${B}/assets.json`, from: tags[1], to: '(merged commit)' },
      ],
      unchanged: [],
      skipped: [],
    });
    expect(await resolveCommit(w.repo, 'refs/heads/main')).toBe(main);

    const report = await merge({ workspace: w.workspace, entries: await w.entries() });
    const merged = (await resolveCommit(w.repo, 'refs/heads/main'))!;
    expect(merged).not.toBe(main);
    const to = (p: string): string => `python/${p}_${merged.slice(0, 10)}`;
    expect(report).toEqual({
      dryRun: false,
      repos: [{ assetsRepo: w.assetsRepo, branch: 'main', base: main, commit: merged, created: true, pushed: true, parents }],
      moved: [
        { id: `${A}/assets.json`, from: tags[0], to: to('a') },
        { id: `${B}/assets.json`, from: tags[1], to: to('b') },
      ],
      unchanged: [],
      skipped: [],
    });
    expect(await resolveCommit(w.repo, `refs/tags/${to('a')}`)).toBe(merged);
    expect(JSON.parse(await readFile(join(w.lang, B, 'assets.json'), 'utf8'))).toMatchObject({ Tag: to('b') });
    const files = await listFilesAt(w.repo, merged, 'python/sdk');
    expect(Object.fromEntries([...files].map(([name, bytes]) => [name, bytes.toString('utf8')]))).toEqual({
      'a/azure-a/r.json': recording('a', 'v1'),
      'b/azure-b/r.json': recording('b', 'v1'),
    });
  });
});

describe('gc', () => {
  it('lists the tags no committed assets.json references, and deletes them only when asked', GIT_TIMEOUT, async () => {
    let kept = '';
    let stale = '';
    const w = await world(
      () => ({ [`${TABLES}/assets.json`]: assetsJson('python/tables', 'python/tables_0000000002') }),
      async (repo) => {
        const c1 = await commitFiles(repo, { [TABLES_FILE]: recording('table', 'v1') }, { tag: 'python/tables_0000000001', date: 1_700_000_000 });
        const c2 = await commitFiles(repo, { [TABLES_FILE]: recording('table', 'v2') }, { parent: c1, tag: 'python/tables_0000000002', date: 1_700_000_100 });
        stale = c1;
        kept = c2;
      },
    );
    const repoReport = (deleted: string[]): GcRepoReport => ({
      assetsRepo: w.assetsRepo,
      unreferenced: [{ ref: 'refs/tags/python/tables_0000000001', commit: stale }],
      keptForReachability: [],
      keptTooRecent: [],
      // The stale commit is the kept one's parent: nothing is reachable only from its tag.
      objects: 0,
      bytes: 0,
      knownBytes: 0,
      unknownObjects: 0,
      deleted,
    });
    const dry = await gc({ workspace: w.workspace });
    expect(dry).toEqual({ dryRun: true, scannedRefs: 1, assetsJsonVersions: 1, repos: [repoReport([])] });
    expect(await tagsOf(w.repo)).toEqual(['python/tables_0000000001', 'python/tables_0000000002']);

    await expect(gc({ workspace: w.workspace, delete: true })).rejects.toMatchObject({ code: 'USAGE' });
    expect(await tagsOf(w.repo)).toEqual(['python/tables_0000000001', 'python/tables_0000000002']);

    const report = await gc({ workspace: w.workspace, delete: true, noBackup: true });
    expect(report).toEqual({ dryRun: false, scannedRefs: 1, assetsJsonVersions: 1, repos: [repoReport(['refs/tags/python/tables_0000000001'])] });
    expect(await tagsOf(w.repo)).toEqual(['python/tables_0000000002']);
    expect(await resolveCommit(w.repo, 'refs/tags/python/tables_0000000002')).toBe(kept);
  });
});
