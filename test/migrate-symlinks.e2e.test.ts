import { lstat, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, makeLanguageRepo, makeTempDir } from '@asset-sync/git-harness';
import { asJson, cli, ensureBareRepo, startServer, type Server } from './helpers.js';

/**
 * migrate meets symbolic links (issue 12, item 18): a linked recordings folder and a linked
 * recording are not followed, and each is named with the reason; nothing is reported as having
 * "appeared after the plan", and the links stay in the language repo untouched.
 */

interface MigrateReport {
  ok: boolean;
  status: string;
  plan: {
    units: Array<{ path: string; files: Array<{ path: string }> }>;
    left: Array<{ path: string; reason: string }>;
  };
  leftovers: Array<{ path: string; reason: string }>;
}

const rec = (name: string): string => `{\n  "Entries": [{ "RequestUri": "https://fakeaccount.table.core.windows.net/${name}" }],\n  "Variables": {}\n}\n`;
const RECORDINGS = 'sdk/tables/azure-data-tables/tests/recordings';
const LINKED_FOLDER = 'sdk/tables/azure-data-tables-legacy/tests/recordings';

let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.daemon.stop();
});

async function repoWithLinks(): Promise<string> {
  const repo = await makeTempDir('lang-links-');
  await makeLanguageRepo(repo, {
    files: {
      'README.md': '# azure-sdk-for-python\n',
      'sdk/tables/azure-data-tables/tests/test_table.py': 'def test_create_table(): pass\n',
      [`${RECORDINGS}/test_table.pyTestTabletest_create_table.json`]: rec('Tables'),
      'sdk/tables/azure-data-tables-legacy/tests/test_legacy.py': 'def test_legacy(): pass\n',
    },
  });
  // A linked recording beside real ones, and a whole recordings folder that is a link.
  await symlink('test_table.pyTestTabletest_create_table.json', join(repo, RECORDINGS, 'test_table.pyTestTabletest_alias.json'));
  await symlink('../../azure-data-tables/tests/recordings', join(repo, LINKED_FOLDER));
  await git(['add', '-A'], { cwd: repo });
  await git(['commit', '--quiet', '-m', 'links'], { cwd: repo });
  return repo;
}

describe('migrate and symbolic links', () => {
  it('names a linked recordings folder and a linked recording as left in place, why, and no false "appeared after the plan"', async () => {
    const assets = await ensureBareRepo(server, 'Azure/assets-links');
    await commitFiles(assets, { 'README.md': '# assets\n' }, { date: 1_700_000_000 });
    const repo = await repoWithLinks();

    const result = await cli(['migrate', '--assets-repo', 'Azure/assets-links', '--prefix', 'python', '--yes', '--json'], repo, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = asJson<MigrateReport>(result);
    expect(report.ok).toBe(true);
    expect(report.plan.units.map((u) => [u.path, u.files.map((f) => f.path)])).toEqual([
      ['sdk/tables/azure-data-tables', [`${RECORDINGS}/test_table.pyTestTabletest_create_table.json`]],
    ]);
    expect(report.plan.left).toEqual([
      {
        path: LINKED_FOLDER,
        size: 0,
        reason: 'a symbolic link to a recordings folder: not followed, its recordings stay where they are (migrate the folder it points to instead)',
      },
      { path: `${RECORDINGS}/test_table.pyTestTabletest_alias.json`, size: expect.any(Number), reason: 'a symbolic link (not followed)' },
    ]);
    expect(report.leftovers).toEqual([]);
    // The links are still links, pointing where they pointed.
    expect((await lstat(join(repo, LINKED_FOLDER))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(repo, RECORDINGS, 'test_table.pyTestTabletest_alias.json'))).toBe('test_table.pyTestTabletest_create_table.json');
  });

  it('says the same in the text output a person reads', async () => {
    const assets = await ensureBareRepo(server, 'Azure/assets-links-text');
    await commitFiles(assets, { 'README.md': '# assets\n' }, { date: 1_700_000_000 });
    const repo = await repoWithLinks();

    const result = await cli(['migrate', '--assets-repo', 'Azure/assets-links-text', '--prefix', 'python', '--dry-run'], repo, server.env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('left in place (2): recordings that belong to no unit');
    expect(result.stdout).toContain(`  ${LINKED_FOLDER}: a symbolic link to a recordings folder: not followed`);
    expect(result.stdout).toContain(`  ${RECORDINGS}/test_table.pyTestTabletest_alias.json: a symbolic link (not followed)`);
    expect(result.stdout).not.toContain('appeared after the plan');
  });
});
