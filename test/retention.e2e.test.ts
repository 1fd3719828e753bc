import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GcReport, RestoreBackupReport } from '@asset-sync/executor';
import { commitFiles, git, makeBareAssetsRepo, makeTempDir, startGitDaemon, tagCommit } from '@asset-sync/git-harness';
import { ASSETS_REPO, asJson, cli, ensureBareRepo, expectSameFiles, languageRepo, startServer, tagAssetsJson, type Server } from './helpers.js';

/*
 * gc deletes unreferenced tags only after a copy of each exists: a bundle (checked by git bundle
 * verify) or a backup remote (read back). restore-backup brings them back.
 */

const A = 'sdk/alpha/azure-alpha';
const B = 'sdk/beta/azure-beta';
const rec = (name: string, body: string): string => `{"Entries":[{"RequestUri":"https://fake/${name}","ResponseBody":"${body}"}]}\n`;
const OLD = 1_600_000_000;
const tagOf = (pkg: string, commit: string): string => `python/${pkg.split('/')[1]}/${pkg.split('/')[2]}_${commit.slice(0, 10)}`;

interface World {
  server: Server;
  repo: string;
  /** Referenced by the language repo. */
  kept: { a2: string; b2: string };
  /** Unreferenced and old: a1 and b1 are ancestors of the kept pins, x1 is on its own. */
  old: { a1: string; b1: string; x1: string };
  /** Unreferenced and pushed an hour ago. */
  recent: string;
  lang: string;
}

/** Production-shaped history: each push a commit on the package's previous one, each tagged. */
async function world(): Promise<World> {
  const server = await startServer();
  const repo = await ensureBareRepo(server);
  const c0 = await commitFiles(repo, { 'eng/README.md': '# eng\n' }, { date: OLD - 100 });
  const push = async (pkg: string, parent: string, body: string, date: number): Promise<string> => {
    const commit = await commitFiles(repo, { [`python/${pkg}/tests/recordings/test.json`]: rec(pkg, body) }, { parent, branch: 'scratch', date });
    await tagCommit(repo, tagOf(pkg, commit), commit);
    await git(['--git-dir', repo, 'update-ref', '-d', 'refs/heads/scratch']);
    return commit;
  };
  const a1 = await push(A, c0, 'a1', OLD);
  const a2 = await push(A, a1, 'a2', OLD + 10);
  const recent = await push(A, a2, 'a3-recent', Math.floor(Date.now() / 1000) - 3600);
  const b1 = await push(B, c0, 'b1', OLD + 20);
  const b2 = await push(B, b1, 'b2', OLD + 30);
  const x1 = await push('sdk/gone/azure-gone', c0, 'x1 only here', OLD + 40);
  const lang = await languageRepo({
    [`${A}/assets.json`]: tagAssetsJson('python', 'python/alpha/azure-alpha', tagOf(A, a2)),
    [`${B}/assets.json`]: tagAssetsJson('python', 'python/beta/azure-beta', tagOf(B, b2)),
  });
  return { server, repo, kept: { a2, b2 }, old: { a1, b1, x1 }, recent, lang };
}

const tags = async (repo: string): Promise<string[]> => (await git(['--git-dir', repo, 'tag', '--list'])).split('\n').filter(Boolean).sort();

describe('gc with a backup first', () => {
  it('a dry run lists what would go, what only it holds without downloading it, and what the backup would hold', async () => {
    const w = await world();
    try {
      const bundle = join(await makeTempDir('backup-'), 'gc.bundle');
      const listed = await cli(['gc', '--backup', bundle, '--json'], w.lang, w.server.env);
      expect(listed.exitCode, listed.stderr).toBe(0);
      const repo = asJson<GcReport>(listed).repos[0]!;
      const expected = [tagOf(A, w.old.a1), tagOf(A, w.recent), tagOf(B, w.old.b1), tagOf('sdk/gone/azure-gone', w.old.x1)].map((t) => `refs/tags/${t}`).sort();
      expect(repo.unreferenced.map((u) => u.ref)).toEqual(expected);
      // The file contents only they hold were not downloaded: their size is unknown, and says so.
      expect(repo.bytes).toBeNull();
      expect(repo.unknownObjects).toBe(2);
      expect(repo.knownBytes).toBeGreaterThan(0);
      const store = join(w.lang, '.assets/.store/Azure/azure-sdk-assets.git');
      expect(await git(['--git-dir', store, 'rev-list', '--objects', '--missing=print', w.old.x1])).toMatch(/^\?[0-9a-f]{40}$/m);
      expect(repo.backup).toMatchObject({ kind: 'bundle', refs: expected, verified: false });
      expect(existsSync(bundle)).toBe(false);
      expect(await tags(w.repo)).toHaveLength(6);
      const text = await cli(['gc', '--backup', bundle], w.lang, w.server.env);
      expect(text.stdout).toContain('unknown without downloading them');
      expect(text.stdout).toContain('would hold 4 refs');
      // Deleting without a copy is refused unless asked for.
      const refused = await cli(['gc', '--delete'], w.lang, w.server.env);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain('--backup');
      expect(await tags(w.repo)).toHaveLength(6);
    } finally {
      await w.server.daemon.stop();
    }
  });

  it('backs up to a bundle that git verifies, deletes only refs older than --older-than, and restore-backup brings one back for a restore', async () => {
    const w = await world();
    try {
      const bundle = join(await makeTempDir('backup-'), 'gc.bundle');
      const ran = await cli(['gc', '--delete', '--backup', bundle, '--older-than', '30d', '--json'], w.lang, w.server.env);
      expect(ran.exitCode, ran.stderr + ran.stdout).toBe(0);
      const repo = asJson<GcReport>(ran).repos[0]!;
      const gone = [tagOf(A, w.old.a1), tagOf(B, w.old.b1), tagOf('sdk/gone/azure-gone', w.old.x1)].map((t) => `refs/tags/${t}`).sort();
      expect(repo.deleted.sort()).toEqual(gone);
      expect(repo.keptTooRecent).toEqual([`refs/tags/${tagOf(A, w.recent)}`]);
      expect(repo.backup).toMatchObject({ kind: 'bundle', verified: true, refs: gone });
      expect(repo.bytes).toBeGreaterThan(0);
      expect(await tags(w.repo)).toEqual([tagOf(A, w.kept.a2), tagOf(A, w.recent), tagOf(B, w.kept.b2)].sort());
      // The bundle holds every deleted tag, even a1 and b1 whose commits the kept pins carry, and
      // real git verifies it in a clone of the assets repo as it is now.
      const heads = (await git(['bundle', 'list-heads', bundle])).split('\n').map((l) => l.split(' ')[1]).sort();
      expect(heads).toEqual(gone);
      const clone = join(await makeTempDir('verify-'), 'clone.git');
      await git(['clone', '--quiet', '--bare', w.repo, clone]);
      await git(['--git-dir', clone, 'bundle', 'verify', '--quiet', bundle]);

      // Bring x1 back (only the bundle has its file) and restore a package pinned to it.
      const x1Tag = tagOf('sdk/gone/azure-gone', w.old.x1);
      const back = await cli(['restore-backup', bundle, x1Tag, '--json'], w.lang, w.server.env);
      expect(back.exitCode, back.stderr + back.stdout).toBe(0);
      expect(asJson<RestoreBackupReport>(back).refs).toEqual([{ ref: `refs/tags/${x1Tag}`, commit: w.old.x1, action: 'restored' }]);
      expect(await git(['--git-dir', w.repo, 'rev-parse', `refs/tags/${x1Tag}`])).toBe(w.old.x1);
      const user = await languageRepo({ 'sdk/gone/azure-gone/assets.json': tagAssetsJson('python', 'python/gone/azure-gone', x1Tag) });
      expect((await cli(['restore', '--all'], user, w.server.env)).exitCode).toBe(0);
      const root = (await cli(['locate', 'sdk/gone/azure-gone'], user, w.server.env)).stdout.trim();
      await expectSameFiles(join(root, 'sdk/gone/azure-gone'), w.repo, w.old.x1, 'python/sdk/gone/azure-gone');
      // Again: it is there already.
      expect(asJson<RestoreBackupReport>(await cli(['restore-backup', bundle, x1Tag, '--json'], w.lang, w.server.env)).refs[0]?.action).toBe('present');
    } finally {
      await w.server.daemon.stop();
    }
  });

  it('backs up to a remote; killed between backup and delete, nothing is lost and the rerun finishes; restore-backup reads the remote', async () => {
    const w = await world();
    const backupRoot = await makeTempDir('backup-server-');
    const backupRepo = await makeBareAssetsRepo(backupRoot, 'backup/azure-sdk-assets-backup');
    const backupDaemon = await startGitDaemon(backupRoot);
    try {
      const target = backupDaemon.url('backup/azure-sdk-assets-backup');
      const killed = await cli(['gc', '--delete', '--backup', target], w.lang, { ...w.server.env, ASSET_SYNC_CRASH_AFTER: 'gc-backup' });
      expect(killed.signal).toBe('SIGKILL');
      // The backup holds every ref at its commit; the assets repo still has them all.
      const unreferenced = { [tagOf(A, w.old.a1)]: w.old.a1, [tagOf(A, w.recent)]: w.recent, [tagOf(B, w.old.b1)]: w.old.b1, [tagOf('sdk/gone/azure-gone', w.old.x1)]: w.old.x1 };
      for (const [tag, commit] of Object.entries(unreferenced)) expect(await git(['--git-dir', backupRepo, 'rev-parse', `refs/tags/${tag}`])).toBe(commit);
      expect(await git(['--git-dir', backupRepo, 'fsck', '--connectivity-only', '--no-dangling'])).toBe('');
      expect(await tags(w.repo)).toHaveLength(6);

      const rerun = await cli(['gc', '--delete', '--backup', target, '--json'], w.lang, w.server.env);
      expect(rerun.exitCode, rerun.stderr + rerun.stdout).toBe(0);
      expect(asJson<GcReport>(rerun).repos[0]!.deleted.sort()).toEqual(Object.keys(unreferenced).map((t) => `refs/tags/${t}`).sort());
      expect(await tags(w.repo)).toEqual([tagOf(A, w.kept.a2), tagOf(B, w.kept.b2)].sort());
      for (const [tag, commit] of Object.entries(unreferenced)) expect(await git(['--git-dir', backupRepo, 'rev-parse', `refs/tags/${tag}`])).toBe(commit);

      const back = await cli(['restore-backup', target, tagOf(A, w.recent), '--json'], w.lang, w.server.env);
      expect(back.exitCode, back.stderr + back.stdout).toBe(0);
      expect(await git(['--git-dir', w.repo, 'rev-parse', `refs/tags/${tagOf(A, w.recent)}`])).toBe(w.recent);
      expect(await git(['--git-dir', w.repo, 'fsck', '--connectivity-only', '--no-dangling'])).toBe('');
    } finally {
      await Promise.all([w.server.daemon.stop(), backupDaemon.stop()]);
    }
  });

  it('a backup that fails deletes nothing', async () => {
    const w = await world();
    const backupRoot = await makeTempDir('backup-server-');
    await makeBareAssetsRepo(backupRoot, 'backup/read-only');
    const readOnly = await startGitDaemon(backupRoot, { enable: [], forbidOverride: ['receive-pack'] });
    try {
      const failed = await cli(['gc', '--delete', '--backup', readOnly.url('backup/read-only')], w.lang, w.server.env);
      expect(failed.exitCode).toBe(1);
      expect(failed.stderr).toContain('nothing was deleted');
      expect(await tags(w.repo)).toHaveLength(6);
      const unwritable = await cli(['gc', '--delete', '--backup', '/proc/asset-sync-no-such-dir/gc.bundle'], w.lang, w.server.env);
      expect(unwritable.exitCode).toBe(1);
      expect(await tags(w.repo)).toHaveLength(6);
      // A bundle file from an earlier backup is never overwritten with one that lacks its refs.
      const earlier = join(await makeTempDir('backup-'), 'gc.bundle');
      await git(['--git-dir', w.repo, 'bundle', 'create', '--quiet', earlier, 'refs/heads/main']);
      const before = await git(['bundle', 'list-heads', earlier]);
      const reused = await cli(['gc', '--delete', '--backup', earlier], w.lang, w.server.env);
      expect(reused.exitCode).toBe(1);
      expect(reused.stderr).toContain('earlier backup');
      expect(await git(['bundle', 'list-heads', earlier])).toBe(before);
      expect(await tags(w.repo)).toHaveLength(6);
    } finally {
      await Promise.all([w.server.daemon.stop(), readOnly.stop()]);
    }
  });
});

describe('gc flags', () => {
  it('refuses a duration it cannot read', async () => {
    const lang = await languageRepo({ [`${A}/assets.json`]: tagAssetsJson('python', 'python/alpha/azure-alpha', 'python/alpha/azure-alpha_0000000000', ASSETS_REPO) });
    const result = await cli(['gc', '--older-than', 'a month'], lang, {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('30d');
  });
});
