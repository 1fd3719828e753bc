import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, listFilesAt, makeLanguageRepo, makeTempDir, readFilesInDir, realWorldFixture, runGit, type FileContent } from '@asset-sync/git-harness';
import { asJson, cli, ensureBareRepo, startServer, type Server } from './helpers.js';
import type { RestoreReport } from '@asset-sync/executor';
import type { ErrorReport } from '@asset-sync/errors';
import type { MigrationReport } from '@asset-sync/migrate';

/** What `migrate --json` prints: the report, and the error when it failed. */
type Report = MigrationReport & { error?: ErrorReport };


/**
 * `asset-sync migrate` end to end: the built CLI against a bare assets repo served by git daemon,
 * on language repos shaped like the real ones (paths and names from fixtures/real-world).
 */

const FIXTURES = realWorldFixture('recordings');
const fixture = (path: string): Promise<string> => readFile(join(FIXTURES, path), 'utf8');

/** A language repo to migrate: its files, which of them are recordings that move, and which stay. */
interface Shape {
  prefix: string;
  args?: string[];
  files: Record<string, FileContent>;
  /** Expected units (assets.json folders). */
  units: string[];
  /** Recordings that must be left where they are. */
  left?: string[];
}

const rec = (name: string, body = 'x'): string =>
  `{\n  "Entries": [\n    {\n      "RequestUri": "https://fakeaccount.table.core.windows.net/${name}",\n      "RequestMethod": "GET",\n      "ResponseBody": "${body}"\n    }\n  ],\n  "Variables": {}\n}\n`;

async function shapes(): Promise<Record<string, Shape>> {
  return {
    python: {
      prefix: 'python',
      files: {
        'README.md': '# azure-sdk-for-python\n',
        'sdk/tables/azure-data-tables/azure/data/tables/__init__.py': '__version__ = "12.5.0"\n',
        'sdk/tables/azure-data-tables/tests/test_table.py': 'def test_create_table(): pass\n',
        'sdk/tables/azure-data-tables/tests/recordings/test_table.pyTestTabletest_create_table.json': rec('Tables'),
        'sdk/tables/azure-data-tables/tests/recordings/test_table_async.pyTestTableAsynctest_delete_table.json': '',
        'sdk/storage/azure-storage-blob/tests/recordings/test_blob.pyTestBlobtest_upload_blob.json': rec('container/blob'),
        'sdk/tests/recordings/test_core.pyTestCoretest_pipeline.json': rec('core'),
      },
      units: ['sdk/storage/azure-storage-blob', 'sdk/tables/azure-data-tables'],
      left: ['sdk/tests/recordings/test_core.pyTestCoretest_pipeline.json'],
    },
    js: {
      prefix: 'js',
      files: {
        'package.json': '{ "name": "azure-sdk-for-js" }\n',
        'sdk/appconfiguration/app-configuration/src/index.ts': 'export {};\n',
        'sdk/appconfiguration/app-configuration/recordings/node/appconfigurationclient/recording_should_get_a_setting.json': rec('kv/a'),
        'sdk/appconfiguration/app-configuration/recordings/browsers/appconfigurationclient/recording_should_get_a_setting.json': rec('kv/a', 'browser'),
        'sdk/agrifood/agrifood-farming-rest/recordings/node/party_operations/recording_should_get_a_party.json': await fixture('js/recording_should_get_a_party.json'),
      },
      units: ['sdk/agrifood/agrifood-farming-rest', 'sdk/appconfiguration/app-configuration'],
    },
    net: {
      prefix: 'net',
      files: {
        'sdk/tables/Azure.Data.Tables/src/TableClient.cs': 'namespace Azure.Data.Tables { }\n',
        'sdk/tables/Azure.Data.Tables/tests/SessionRecords/TableClientLiveTests(CosmosTable)/TableClientRemovesTableNameFromEndpointUri.json': await fixture('net/TableClientRemovesTableNameFromEndpointUri.json'),
        'sdk/tables/Azure.Data.Tables/tests/SessionRecords/TableClientLiveTests(Storage)/TableClientRemovesTableNameFromEndpointUri.json': rec('Tables()'),
        "sdk/storage/Azure.Storage.Blobs/tests/SessionRecords/BlobClientTests(%2F, 'a b')/UploadAsync(True,\"x y\")Async.json": rec('upload'),
        'sdk/storage/Azure.Storage.Blobs/tests/SessionRecords/ContainerClientTests/GetBlobsAsync(Prefix: ü–日本).json': rec('list'),
        'sdk/storage/Azure.Storage.Blobs/tests/SessionRecords/ContainerClientTests/-Leading dash, 100%.json': rec('dash'),
        'sdk/storage/Azure.Storage.Blobs/tests/SessionRecords/ContainerClientTests/Empty(\'\').json': '',
      },
      units: ['sdk/storage/Azure.Storage.Blobs', 'sdk/tables/Azure.Data.Tables'],
    },
    java: {
      prefix: 'java',
      files: {
        'pom.xml': '<project/>\n',
        'sdk/storage/azure-storage-blob/src/main/java/com/azure/storage/blob/BlobClient.java': 'class BlobClient {}\n',
        'sdk/storage/azure-storage-blob/src/test/resources/session-records/BlobApiTests.downloadAllNull[1].json': rec('blob', 'a'),
        'sdk/storage/azure-storage-blob/src/test/resources/session-records/BlobApiTests.downloadAllNull[2].json': rec('blob', 'b'),
        'sdk/storage/azure-storage-queue/src/test/resources/session-records/QueueApiTests.createQueue.json': rec('queue'),
        'sdk/ai/azure-ai-agents-persistent/src/test/resources/session-records/ThreadsClientTest.testGetThread[1].json': rec('threads'),
      },
      units: ['sdk/ai/azure-ai-agents-persistent', 'sdk/storage/azure-storage-blob', 'sdk/storage/azure-storage-queue'],
    },
    go: {
      prefix: 'go',
      files: {
        'sdk/data/aztables/client.go': 'package aztables\n',
        'sdk/data/aztables/testdata/recordings/TestGetProperties.json': await fixture('go/TestGetProperties.json'),
        'sdk/data/aztables/testdata/recordings/TestQueryEntities/Storage.json': rec('query'),
        'sdk/azcore/testdata/recordings/TestPipeline.json': rec('pipeline'),
        'sdk/resourcemanager/compute/armcompute/testdata/recordings/TestVirtualMachinesClient/Create.json': rec('vm'),
      },
      units: ['sdk/azcore', 'sdk/data/aztables', 'sdk/resourcemanager/compute/armcompute'],
    },
    cpp: {
      prefix: 'cpp',
      args: ['--granularity', 'service'],
      files: {
        'CMakeLists.txt': 'project(azure-sdk-for-cpp)\n',
        'sdk/keyvault/azure-security-keyvault-keys/test/ut/recordings/KeyVaultKeyClient.CreateKey.json': rec('keys'),
        'sdk/keyvault/azure-security-keyvault-secrets/test/ut/recordings/SecretClient.GetSecret-0.json': rec('secrets'),
        'sdk/storage/azure-storage-blobs/test/ut/recordings/BlockBlobClientTest.UploadDownload.json': rec('blobs'),
      },
      units: ['sdk/keyvault', 'sdk/storage'],
    },
  };
}

let server: Server;
let assetsCount = 0;

/** A fresh assets repo on the server, with a history of its own on main (another language). */
async function newAssetsRepo(): Promise<{ name: string; path: string; seed: string }> {
  const name = `Azure/assets-${++assetsCount}`;
  const path = await ensureBareRepo(server, name);
  const seed = await commitFiles(path, { 'README.md': '# assets\n', 'rust/sdk/core/azure_core/tests/recordings/a.json': rec('rust') }, { date: 1_700_000_000 });
  return { name, path, seed };
}

async function newLanguageRepo(files: Record<string, FileContent>): Promise<string> {
  const dir = await makeTempDir('lang-');
  await makeLanguageRepo(dir, { files });
  return dir;
}

function migrateCli(repo: string, assetsRepo: string, args: string[], env: Record<string, string> = {}) {
  return cli(['migrate', '--assets-repo', assetsRepo, ...args, '--json'], repo, { ...server.env, ...env });
}

async function tagsOf(bare: string): Promise<Map<string, string>> {
  const out = await git(['--git-dir', bare, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/tags']);
  return new Map(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

async function commitCount(bare: string): Promise<number> {
  return Number(await git(['--git-dir', bare, 'rev-list', '--all', '--count']));
}

/** `git status` entries as `XY path`, unquoted. */
async function statusOf(repo: string): Promise<string[]> {
  const { stdout } = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: repo });
  return stdout.toString('utf8').split('\0').filter(Boolean).sort();
}

const recordingsOf = (shape: Shape): string[] =>
  Object.keys(shape.files).filter((p) => /\/(recordings|SessionRecords|session-records)\//.test(p) && !(shape.left ?? []).includes(p)).sort();

/** Commits the staged migration, clones the language repo fresh, restores everything and compares. */
async function expectRestoredInFreshClone(repo: string, report: Report, files: Record<string, FileContent>): Promise<RestoreReport> {
  await git(['commit', '--quiet', '-m', 'Move recordings to the assets repo'], { cwd: repo });
  const fresh = join(await makeTempDir('fresh-'), 'clone');
  await git(['clone', '--quiet', repo, fresh]);
  const restored = await cli(['restore', '--all', '--json'], fresh, server.env);
  expect(restored.exitCode, restored.stderr).toBe(0);
  const restore = asJson<RestoreReport>(restored);
  expect(restore.packages.every((p) => p.status === 'restored')).toBe(true);
  let compared = 0;
  for (const unit of report.plan.units) {
    const locate = restore.packages.find((p) => p.id === unit.assetsJson)?.locate;
    expect(locate, unit.assetsJson).toBeDefined();
    for (const file of unit.files) {
      const copy = await readFile(join(locate!, ...file.path.split('/')));
      const original = files[file.path]!;
      expect(copy.equals(Buffer.isBuffer(original) ? original : Buffer.from(original, 'utf8')), file.path).toBe(true);
      compared++;
    }
  }
  expect(compared).toBe(report.totals.files);
  const discovered = await cli(['discover', '--json'], fresh, server.env);
  expect(discovered.exitCode, discovered.stdout).toBe(0);
  expect(asJson<{ count: number; broken: number }>(discovered)).toMatchObject({ count: report.plan.units.length, broken: 0 });
  return restore;
}

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.daemon.stop();
});

describe('migrate, on a language repo shaped like each real language', () => {
  for (const language of ['python', 'js', 'net', 'java', 'go', 'cpp']) {
    it(`${language}: one commit, one tag per unit, pinned, verified, removed and staged; a fresh clone restores every recording`, async () => {
      const shape = (await shapes())[language]!;
      const assets = await newAssetsRepo();
      const repo = await newLanguageRepo(shape.files);
      const result = await migrateCli(repo, assets.name, ['--prefix', shape.prefix, ...(shape.args ?? [])]);
      expect(result.exitCode, result.stderr + result.stdout).toBe(0);
      const report = asJson<Report>(result);
      expect(report.status).toBe('complete');
      expect(report.plan.units.map((u) => u.path)).toEqual(shape.units);
      expect(report.plan.left.map((l) => l.path)).toEqual(shape.left ?? []);
      const moved = recordingsOf(shape);
      expect(report.plan.units.flatMap((u) => u.files.map((f) => f.path)).sort()).toEqual(moved);

      // One commit on top of main, every tag on it.
      expect(report.commits).toHaveLength(1);
      expect(report.parent).toBe(assets.seed);
      const commit = report.commits[0]!;
      expect(await git(['--git-dir', assets.path, 'rev-parse', `${commit}^`])).toBe(assets.seed);
      const tags = await tagsOf(assets.path);
      expect([...tags.keys()].sort()).toEqual(shape.units.map((u) => `${shape.prefix}/${u.replace(/^sdk\//, '')}_${commit.slice(0, 10)}`).sort());
      expect([...new Set(tags.values())]).toEqual([commit]);
      // main is untouched; the recordings sit at <prefix>/<path in the language repo>.
      expect(await git(['--git-dir', assets.path, 'rev-parse', 'refs/heads/main'])).toBe(assets.seed);
      const onServer = await listFilesAt(assets.path, commit, shape.prefix);
      for (const path of moved) {
        const original = shape.files[path]!;
        expect(onServer.get(path)?.equals(Buffer.from(original as string, 'utf8')), path).toBe(true);
      }

      // The language repo: recordings gone and their deletion staged, assets.json staged, nothing else.
      for (const path of moved) expect(existsSync(join(repo, path)), path).toBe(false);
      for (const path of shape.left ?? []) expect(existsSync(join(repo, path)), path).toBe(true);
      // Emptied recordings folders go, with parents that held nothing else; the rest of the package stays.
      for (const path of moved) expect(existsSync(join(repo, path, '..')), path).toBe(false);
      if (language === 'java') {
        expect(existsSync(join(repo, 'sdk/storage/azure-storage-blob/src/test'))).toBe(false);
        expect(existsSync(join(repo, 'sdk/storage/azure-storage-blob/src/main/java/com/azure/storage/blob/BlobClient.java'))).toBe(true);
      }
      expect(await statusOf(repo)).toEqual(
        [...moved.map((p) => `D  ${p}`), ...shape.units.map((u) => `A  ${u}/assets.json`), 'A  .gitignore'].sort(),
      );
      const pinned = JSON.parse(await readFile(join(repo, shape.units[0]!, 'assets.json'), 'utf8')) as Record<string, string>;
      expect(pinned).toEqual({
        AssetsRepo: assets.name,
        AssetsRepoPrefixPath: shape.prefix,
        TagPrefix: `${shape.prefix}/${shape.units[0]!.replace(/^sdk\//, '')}`,
        Tag: `${shape.prefix}/${shape.units[0]!.replace(/^sdk\//, '')}_${commit.slice(0, 10)}`,
      });
      expect(report.workingTree.after).toBeLessThan(report.workingTree.before);

      const restore = await expectRestoredInFreshClone(repo, report, shape.files);
      // Every tag points at the one commit, so restoring the whole repo is one checkout.
      expect(restore.plan.checkouts).toHaveLength(1);
    });
  }
});

describe('migrate --dry-run', () => {
  it('prints every unit, file and destination, and changes nothing anywhere', async () => {
    const shape = (await shapes())['net']!;
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(shape.files);
    const snapshot = async () => ({
      files: [...(await readFilesInDir(repo, { exclude: [] }))].map(([path, bytes]) => `${path} ${bytes.toString('base64')}`).sort(),
      status: await statusOf(repo),
      refs: await git(['for-each-ref'], { cwd: repo }),
      server: await git(['--git-dir', assets.path, 'for-each-ref']),
      objects: await git(['--git-dir', assets.path, 'count-objects', '-v']),
    });
    const before = await snapshot();
    const result = await migrateCli(repo, assets.name, ['--prefix', 'net', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = asJson<Report>(result);
    expect(report).toMatchObject({ dryRun: true, status: 'planned', commits: [] });
    const blobs = report.plan.units.find((u) => u.path === 'sdk/storage/Azure.Storage.Blobs')!;
    expect(blobs.files.map((f) => f.destination)).toContain("net/sdk/storage/Azure.Storage.Blobs/tests/SessionRecords/BlobClientTests(%2F, 'a b')/UploadAsync(True,\"x y\")Async.json");
    expect(report.totals.files).toBe(recordingsOf(shape).length);
    expect(report.steps['write']!.state).toBe('skipped');
    const text = await cli(['migrate', '--assets-repo', assets.name, '--prefix', 'net', '--dry-run'], repo, server.env);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^Would migrate 6 recordings .* of 2 packages into Azure\/assets-\d+ under net \(tag dialect, 1 commit\)/);
    expect(await snapshot()).toEqual(before);
    expect(existsSync(join(repo, '.assets'))).toBe(false);
  });
});

describe('migrate, interrupted after each step', () => {
  const steps = ['plan', 'write', 'publish', 'pin', 'verify', 'remove'] as const;
  for (const [index, step] of steps.entries()) {
    it(`killed after ${step}: the rerun finishes, and nothing is duplicated`, async () => {
      const shape = (await shapes())['python']!;
      const assets = await newAssetsRepo();
      const repo = await newLanguageRepo(shape.files);
      const moved = recordingsOf(shape);
      const commitsBefore = await commitCount(assets.path);
      const crashed = await migrateCli(repo, assets.name, ['--prefix', 'python'], { ASSET_SYNC_CRASH_AFTER: `migrate-${step}` });
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      const journal = join(repo, '.git', 'asset-sync', 'migrate.json');
      expect(existsSync(journal)).toBe(true);

      // What the interrupted run left: originals stay until verification passed.
      const published = index >= steps.indexOf('publish');
      expect((await tagsOf(assets.path)).size).toBe(published ? 2 : 0);
      expect(existsSync(join(repo, shape.units[0]!, 'assets.json'))).toBe(index >= steps.indexOf('pin'));
      for (const path of moved) expect(existsSync(join(repo, path)), path).toBe(index < steps.indexOf('remove'));
      const tagsAfterCrash = await tagsOf(assets.path);

      if (step === 'plan') {
        const other = await migrateCli(repo, assets.name, ['--prefix', 'python', '--granularity', 'service']);
        expect(other.exitCode).toBe(1);
        expect(asJson<Report>(other).error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('granularity') });
      }

      // The rerun names nothing but what to finish; the settings come from the journal.
      const rerun = await cli(['migrate', '--json'], repo, server.env);
      expect(rerun.exitCode, rerun.stderr + rerun.stdout).toBe(0);
      const report = asJson<Report>(rerun);
      expect(report).toMatchObject({ status: 'complete', resumed: true });
      for (const [i, s] of steps.entries()) expect(report.steps[s]!.state, s).toBe(i <= index ? 'resumed' : 'done');
      expect(existsSync(journal)).toBe(false);

      // One commit and one tag per unit on the server, the same tags as before the crash.
      expect(await commitCount(assets.path)).toBe(commitsBefore + 1);
      const tags = await tagsOf(assets.path);
      expect(tags.size).toBe(2);
      expect([...new Set(tags.values())]).toEqual(report.commits);
      if (published) expect(tags).toEqual(tagsAfterCrash);
      for (const unit of report.plan.units) {
        const files = await listFilesAt(assets.path, report.commits[0]!, `python/${unit.path}`);
        for (const f of unit.files) expect(files.get(f.path.slice(unit.path.length + 1))?.toString('utf8'), f.path).toBe(shape.files[f.path]);
      }
      // The language repo: migrated and staged once; the .gitignore line is there once.
      for (const path of moved) expect(existsSync(join(repo, path)), path).toBe(false);
      const gitignore = await readFile(join(repo, '.gitignore'), 'utf8');
      expect(gitignore).toBe('/.assets/\n');
      expect(await statusOf(repo)).toEqual([...moved.map((p) => `D  ${p}`), ...shape.units.map((u) => `A  ${u}/assets.json`), 'A  .gitignore'].sort());

      // A third run has nothing left to do.
      const again = await migrateCli(repo, assets.name, ['--prefix', 'python']);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(asJson<Report>(again).status).toBe('nothing-to-do');
      expect(await commitCount(assets.path)).toBe(commitsBefore + 1);
    });
  }
});

describe('migrate, real-world shapes', () => {
  it('handles a service-level unit above package units, 2,000 files in one folder, empty files, a 50 MB file and recordings outside any package', async () => {
    const big = randomBytes(50 * 1024 * 1024);
    const files: Record<string, FileContent> = {
      'README.md': '# azure-sdk-for-python\n',
      'sdk/storage/tests/recordings/test_shared.pyTestSharedtest_account_sas.json': rec('sas'),
      'sdk/storage/azure-storage-blob/tests/recordings/test_large_blob.pyTestLargeBlobtest_upload_50mb.json': big,
      'sdk/storage/azure-storage-blob/tests/recordings/test_empty.pyTestEmptytest_a.json': '',
      'sdk/storage/azure-storage-blob/tests/recordings/test_empty.pyTestEmptytest_b.json': '',
      'sdk/recordings-outside/tests/recordings/orphan.json': rec('orphan'),
      'sdk/tests/recordings/test_core.pyTestCoretest_orphan.json': rec('orphan'),
    };
    for (let i = 0; i < 2000; i++) files[`sdk/storage/azure-storage-blob/tests/recordings/test_blob_${i % 40}.pyTestBlob${i}test_op_${i}.json`] = rec(`b${i}`, String(i));
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(files);
    const result = await migrateCli(repo, assets.name, ['--prefix', 'python'], {});
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = asJson<Report>(result);
    expect(report.plan.units.map((u) => [u.path, u.files.length])).toEqual([
      ['sdk/recordings-outside', 1],
      ['sdk/storage', 1],
      ['sdk/storage/azure-storage-blob', 2003],
    ]);
    expect(report.plan.left).toEqual([{ path: 'sdk/tests/recordings/test_core.pyTestCoretest_orphan.json', size: expect.any(Number), reason: 'not inside a package folder (directly in sdk/)' }]);
    expect(report.totals.bytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(existsSync(join(repo, 'sdk/tests/recordings/test_core.pyTestCoretest_orphan.json'))).toBe(true);
    expect(existsSync(join(repo, 'sdk/storage/azure-storage-blob/tests/recordings'))).toBe(false);
    const restore = await expectRestoredInFreshClone(repo, report, files);
    expect(restore.packages.map((p) => p.id)).toEqual(['sdk/recordings-outside/assets.json', 'sdk/storage/assets.json', 'sdk/storage/azure-storage-blob/assets.json']);
  });

  it('refuses a dirty language repo without --yes; with --yes it never touches the other changes', async () => {
    const shape = (await shapes())['python']!;
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo({ ...shape.files, '.gitignore': 'node_modules/\n' });
    await writeFile(join(repo, 'README.md'), '# edited, not staged\n');
    await writeFile(join(repo, 'sdk/tables/azure-data-tables/tests/test_table.py'), 'def test_staged(): pass\n');
    await git(['add', 'sdk/tables/azure-data-tables/tests/test_table.py'], { cwd: repo });
    await writeFile(join(repo, 'notes.txt'), 'untracked\n');
    await writeFile(join(repo, '.gitignore'), 'node_modules/\n*.log\n');
    // An uncommitted recording is migrated as it is on disk.
    const fresh = 'sdk/tables/azure-data-tables/tests/recordings/test_new.pyTestNewtest_new.json';
    await writeFile(join(repo, fresh), rec('new'));

    const refused = await migrateCli(repo, assets.name, ['--prefix', 'python']);
    expect(refused.exitCode).toBe(2);
    expect(asJson<Report>(refused).error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', message: expect.stringContaining('README.md'), hint: expect.stringContaining('--yes') });
    expect((await tagsOf(assets.path)).size).toBe(0);
    expect(existsSync(join(repo, '.assets'))).toBe(false);

    const result = await migrateCli(repo, assets.name, ['--prefix', 'python', '--yes', '--commit']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = asJson<Report>(result);
    expect(report.plan.units.find((u) => u.path === 'sdk/tables/azure-data-tables')!.files.map((f) => f.path)).toContain(fresh);
    // The other changes are exactly as they were: unstaged, staged and untracked.
    expect(await readFile(join(repo, 'README.md'), 'utf8')).toBe('# edited, not staged\n');
    expect(await readFile(join(repo, '.gitignore'), 'utf8')).toBe('node_modules/\n*.log\n/.assets/\n');
    expect(await statusOf(repo)).toEqual(['?? notes.txt', 'M  sdk/tables/azure-data-tables/tests/test_table.py', ' M .gitignore', ' M README.md'].sort());
    // --commit committed the migration's own paths only: .gitignore gets our line, not the user's edit.
    expect(report.committed).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(['rev-parse', 'HEAD'], { cwd: repo })).toBe(report.committed);
    expect(await git(['show', 'HEAD:.gitignore'], { cwd: repo })).toBe('node_modules/\n/.assets/');
    const changed = (await git(['-c', 'core.quotePath=false', 'show', '--name-status', '--format=', 'HEAD'], { cwd: repo })).split('\n').sort();
    expect(changed).toEqual(
      [
        'M\t.gitignore',
        ...shape.units.map((u) => `A\t${u}/assets.json`),
        ...recordingsOf(shape).map((p) => `D\t${p}`),
      ].sort(),
    );
    expect(await git(['show', 'HEAD:sdk/tables/azure-data-tables/tests/test_table.py'], { cwd: repo })).toBe('def test_create_table(): pass');
  });

  it('skips a package that already has an assets.json unless --force, which re-pins it in place', async () => {
    const existing = '{\n    "AssetsRepo": "Azure/assets-x",\n    "AssetsRepoPrefixPath": "python",\n    "TagPrefix": "python/a/azure-a",\n    "Tag": "",\n    "Owner": "kept"\n}';
    const files = {
      'sdk/a/azure-a/assets.json': existing,
      'sdk/a/azure-a/tests/recordings/test_a.pyTestAtest_a.json': rec('a'),
      'sdk/b/azure-b/tests/recordings/test_b.pyTestBtest_b.json': rec('b'),
    };
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(files);
    const dry = asJson<Report>(await migrateCli(repo, assets.name, ['--prefix', 'python', '--dry-run']));
    expect(dry.plan.units.map((u) => u.path)).toEqual(['sdk/b/azure-b']);
    expect(dry.plan.skipped).toEqual([{ path: 'sdk/a/azure-a', assetsJson: 'sdk/a/azure-a/assets.json', files: 1, bytes: expect.any(Number), reason: expect.stringContaining('--force') }]);
    const result = await migrateCli(repo, assets.name, ['--prefix', 'python', '--force']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = asJson<Report>(result);
    const commit = report.commits[0]!;
    expect(await readFile(join(repo, 'sdk/a/azure-a/assets.json'), 'utf8')).toBe(
      existing.replace('"Azure/assets-x"', JSON.stringify(assets.name)).replace('"Tag": ""', `"Tag": "python/a/azure-a_${commit.slice(0, 10)}"`),
    );
    await expectRestoredInFreshClone(repo, report, files);
  });

  it('--dialect branch pushes the commit to auto/<service> and pins SHA', async () => {
    const shape = (await shapes())['go']!;
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(shape.files);
    const result = await migrateCli(repo, assets.name, ['--prefix', 'go', '--dialect', 'branch']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = asJson<Report>(result);
    const commit = report.commits[0]!;
    const heads = await git(['--git-dir', assets.path, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads']);
    expect(heads.split('\n').sort()).toEqual([`auto/azcore ${commit}`, `auto/data ${commit}`, `auto/resourcemanager ${commit}`, `main ${assets.seed}`]);
    expect((await tagsOf(assets.path)).size).toBe(0);
    expect(JSON.parse(await readFile(join(repo, 'sdk/data/aztables/assets.json'), 'utf8'))).toEqual({
      AssetsRepo: assets.name,
      AssetsRepoPrefixPath: 'go',
      AssetsRepoId: '',
      AssetsRepoFallbackBranch: 'main',
      AssetsRepoBranch: 'auto/data',
      SHA: commit,
    });
    await expectRestoredInFreshClone(repo, report, shape.files);
  });

  it('splits the migration into whole-unit commits under a push limit; a full restore is still one checkout', async () => {
    const shape = (await shapes())['java']!;
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(shape.files);
    const result = await migrateCli(repo, assets.name, ['--prefix', 'java', '--max-push-bytes', '300']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = asJson<Report>(result);
    expect(report.plan.layers).toBe(3);
    expect(report.commits).toHaveLength(3);
    // A chain: each commit on the one before, the first on main.
    expect(await git(['--git-dir', assets.path, 'rev-list', '--reverse', `${assets.seed}..${report.commits[2]}`])).toBe(report.commits.join('\n'));
    expect(report.pins.map((p) => p.commit)).toEqual(report.commits);
    const restore = await expectRestoredInFreshClone(repo, report, shape.files);
    expect(restore.plan.checkouts).toHaveLength(1);
  });

  it('--dialect branch --branch main fast-forwards the fallback branch', async () => {
    const shape = (await shapes())['cpp']!;
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(shape.files);
    const result = await migrateCli(repo, assets.name, ['--prefix', 'cpp', '--granularity', 'service', '--dialect', 'branch', '--branch', 'main']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = asJson<Report>(result);
    expect(await git(['--git-dir', assets.path, 'rev-parse', 'refs/heads/main'])).toBe(report.commits[0]);
    expect(await git(['--git-dir', assets.path, 'rev-parse', `${report.commits[0]}^`])).toBe(assets.seed);
    expect(JSON.parse(await readFile(join(repo, 'sdk/keyvault/assets.json'), 'utf8'))).toMatchObject({ AssetsRepoBranch: 'main', SHA: report.commits[0] });
  });

  it('starts the history of an empty assets repo, and says so', async () => {
    const shape = (await shapes())['go']!;
    const name = `Azure/empty-${++assetsCount}`;
    const bare = await ensureBareRepo(server, name);
    const repo = await newLanguageRepo(shape.files);
    const result = await migrateCli(repo, name, ['--prefix', 'go']);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    const report = asJson<Report & { warnings: string[] }>(result);
    expect(report.parent).toBeNull();
    expect(report.warnings).toEqual([`${name} has no branch main: the migration commit starts a new history`]);
    expect(await commitCount(bare)).toBe(1);
    expect((await tagsOf(bare)).size).toBe(3);
  });

  it('takes recording globs from asset-sync.yaml, and --recordings over both', async () => {
    const files = {
      'asset-sync.yaml': 'recordings:\n  python:\n    - "sdk/**/test_recordings"\n',
      'sdk/a/azure-a/tests/recordings/default.json': rec('default'),
      'sdk/a/azure-a/test_recordings/configured.json': rec('configured'),
      'sdk/b/azure-b/fixtures/flag.json': rec('flag'),
    };
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(files);
    const configured = asJson<Report>(await migrateCli(repo, assets.name, ['--prefix', 'python', '--dry-run']));
    expect(configured.plan.units.flatMap((u) => u.files.map((f) => f.path))).toEqual(['sdk/a/azure-a/test_recordings/configured.json']);
    const flagged = asJson<Report>(await migrateCli(repo, assets.name, ['--prefix', 'python', '--recordings', 'sdk/*/*/fixtures', '--dry-run']));
    expect(flagged.plan.units.map((u) => [u.path, u.files.map((f) => f.path)])).toEqual([['sdk/b/azure-b', ['sdk/b/azure-b/fixtures/flag.json']]]);
  });

  it('keeps the originals when the restored copy does not match them', async () => {
    const shape = (await shapes())['python']!;
    const assets = await newAssetsRepo();
    const repo = await newLanguageRepo(shape.files);
    const crashed = await migrateCli(repo, assets.name, ['--prefix', 'python'], { ASSET_SYNC_CRASH_AFTER: 'migrate-pin' });
    expect(crashed.signal).toBe('SIGKILL');
    // An original changes after it was migrated: what the server has is no longer the same bytes.
    const changed = 'sdk/tables/azure-data-tables/tests/recordings/test_table.pyTestTabletest_create_table.json';
    await writeFile(join(repo, changed), rec('Tables', 'changed'));
    const result = await cli(['migrate', '--json'], repo, server.env);
    expect(result.exitCode).toBe(1);
    expect(asJson<Report>(result).error).toMatchObject({ code: 'VERIFY_FAILED', message: expect.stringContaining(`${changed}: the original changed after it was migrated`) });
    for (const path of recordingsOf(shape)) expect(existsSync(join(repo, path)), path).toBe(true);
    expect(await readFile(join(repo, changed), 'utf8')).toBe(rec('Tables', 'changed'));
  });

  it('explains a missing --prefix and an unknown language', async () => {
    const repo = await newLanguageRepo({ 'README.md': 'x\n' });
    const missing = await cli(['migrate', '--json'], repo, server.env);
    expect(missing.exitCode).toBe(2);
    expect(asJson<Report>(missing).error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/--assets-repo is required[\s\S]*--prefix is required/) });
    const unknown = await migrateCli(repo, 'Azure/azure-sdk-assets', ['--prefix', 'cobol']);
    expect(unknown.exitCode).toBe(2);
    expect(asJson<Report>(unknown).error).toMatchObject({ code: 'USAGE', hint: expect.stringContaining('--recordings') });
  });
});
