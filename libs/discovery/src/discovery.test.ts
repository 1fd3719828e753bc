import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAssetSyncError, type AssetSyncError } from '@asset-sync/errors';
import { defaultConfig, type AssetSyncConfig } from '@asset-sync/config';
import {
  discoverAll,
  discoverOne,
  effectiveBranch,
  findGoverningAssetsJson,
  findRepoRoot,
  nestedPackagePaths,
  owningEntry,
  serviceOf,
  type AssetsJsonEntry,
} from '@asset-sync/discovery';
import { readFixtureLines, type FixtureRow } from '../../../test/fixtures/real-world.js';

const rows = readFixtureLines('assets-json.jsonl').filter(
  (row): row is FixtureRow & { raw_text: string } => row.raw_text !== undefined,
);
const lastSegment = (repo: string): string => repo.split('/').pop() ?? repo;

async function write(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

async function makeRepo(prefix: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `asset-sync-discovery-${prefix}-`));
  await mkdir(join(root, '.git'));
  return root;
}

async function rejection(promise: Promise<unknown>): Promise<AssetSyncError> {
  try {
    await promise;
  } catch (error) {
    if (isAssetSyncError(error)) return error;
    throw error;
  }
  throw new Error('expected an AssetSyncError');
}

const TAG_FILE = '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "AssetsRepoPrefixPath": "python",\n  "TagPrefix": "python/x",\n  "Tag": "python/x_0123456789"\n}\n';

describe('discoverAll on every real assets.json', () => {
  let root: string;
  let entries: AssetsJsonEntry[];
  const config = (): AssetSyncConfig => defaultConfig(root);
  // All repos in one tree, each under sdk/<repo>/ so the default glob finds every file.
  const placed = (row: FixtureRow): string => `sdk/${lastSegment(row.repo)}/${row.path}`;

  beforeAll(async () => {
    root = await makeRepo('all');
    for (const row of rows) await write(root, placed(row), row.raw_text);
    // Broken files: each becomes an entry with problems.
    await write(root, 'sdk/broken/not-json/assets.json', '{\n  "AssetsRepo": "Azure/azure-sdk-assets"\n  "Tag": ""\n}\n');
    await write(root, 'sdk/broken/tag-number/assets.json', '{"AssetsRepo": "Azure/azure-sdk-assets", "Tag": 42}');
    await write(root, 'sdk/broken/empty/assets.json', '');
    await write(root, 'sdk/broken/mixed/assets.json', '{"AssetsRepo": "a/b", "Tag": "x_1", "SHA": "3a56979db2720426a3e911240802f2c8765616f5"}');
    await write(root, 'sdk/broken/hostile/assets.json', '{"AssetsRepo": "-x/y", "AssetsRepoPrefixPath": "../../etc", "Tag": "--delete"}');
    // Never discovered.
    await write(root, 'sdk/js-pkg/node_modules/dep/assets.json', TAG_FILE);
    await write(root, 'sdk/pkg/.assets/checkout/sdk/assets.json', TAG_FILE);
    await write(root, 'sdk/cased/Assets.json', TAG_FILE);
    await write(root, '.git/sdk/assets.json', TAG_FILE);
    await write(root, 'eng/assets.json', TAG_FILE);
    await write(root, 'outside/assets.json', TAG_FILE);
    // Found, but as a problem: a link could point anywhere, and asset-sync edits these in place.
    await symlink(join(root, 'outside/assets.json'), join(root, 'sdk/cased/assets.json'));
    entries = await discoverAll(root, config());
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds every real file, and the broken ones, in plain path order', () => {
    const expected = [...rows.map(placed), ...['not-json', 'tag-number', 'empty', 'mixed', 'hostile'].map((name) => `sdk/broken/${name}/assets.json`), 'sdk/cased/assets.json'];
    expect(entries.map((entry) => entry.path)).toEqual([...expected].sort());
    expect(entries).toHaveLength(153);
    expect(entries.find((e) => e.path === 'sdk/cased/assets.json')!.problems.map((p) => p.message)).toEqual(['the file is a symbolic link; asset-sync reads only regular assets.json files']);
  });

  it('fills every field from the file', () => {
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    for (const row of rows) {
      const path = placed(row);
      const entry = byPath.get(path);
      const content = row.content as Record<string, string>;
      expect(entry?.problems, path).toEqual([]);
      expect(entry).toMatchObject({
        path,
        absPath: join(root, ...path.split('/')),
        packagePath: dirname(path),
        assetsRepo: content['AssetsRepo'],
        text: row.raw_text,
      });
      if (entry?.dialect === 'tag') {
        expect(entry.prefixPath).toBe(content['AssetsRepoPrefixPath']);
        expect(entry.pin).toEqual(content['Tag'] ? { kind: 'tag', tag: content['Tag'] } : { kind: 'none' });
        expect(entry.branch).toBeUndefined();
        expect(entry.value?.tagPrefix).toBe(content['TagPrefix']);
      }
    }
    expect(byPath.get('sdk/azure-sdk-tools/tools/assets-automation/asset-sync/assets.json')).toMatchObject({
      dialect: 'branch',
      assetsRepo: 'Azure/azure-sdk-for-python-assets',
      prefixPath: 'recordings',
      branch: 'auto/test',
      pin: { kind: 'sha', sha: '3a56979db2720426a3e911240802f2c8765616f5' },
    });
    expect(entries.filter((entry) => entry.dialect === 'tag')).toHaveLength(146);
  });

  it('turns broken files into entries with problems naming file and field', () => {
    const problems = (name: string): Array<[string | undefined, string]> =>
      (entries.find((entry) => entry.path === `sdk/broken/${name}/assets.json`)?.problems ?? []).map((problem) => {
        expect(problem.file).toBe(`sdk/broken/${name}/assets.json`);
        return [problem.field, problem.message];
      });
    expect(problems('not-json')).toEqual([[undefined, 'not valid JSON: a comma is expected (line 3, column 3)']]);
    expect(problems('tag-number')).toEqual([['Tag', '"Tag" must be a string, found number 42']]);
    expect(problems('empty')).toEqual([
      [undefined, 'the file must be a JSON object with at least "AssetsRepo", found an empty file'],
    ]);
    expect(problems('mixed')).toEqual([
      ['SHA', '"Tag" (tag dialect) cannot be used together with "SHA" (branch dialect)'],
    ]);
    expect(problems('hostile').map(([field]) => field)).toEqual(['AssetsRepo', 'AssetsRepoPrefixPath', 'Tag']);
    const broken = entries.find((entry) => entry.path === 'sdk/broken/tag-number/assets.json');
    expect(broken).toMatchObject({ packagePath: 'sdk/broken/tag-number', text: '{"AssetsRepo": "Azure/azure-sdk-assets", "Tag": 42}' });
    expect(broken?.value).toBeUndefined();
    expect(broken?.pin).toBeUndefined();
  });

  it('finds nested assets.json files and says which packages sit below each', () => {
    const nested = nestedPackagePaths(entries);
    const withNested = Object.fromEntries([...nested].filter(([, below]) => below.length > 0));
    expect(withNested).toEqual({
      'sdk/azure-sdk-for-python/sdk/tables/assets.json': ['sdk/azure-sdk-for-python/sdk/tables/azure-data-tables'],
      'sdk/azure-sdk-for-rust/sdk/eventhubs/assets.json': [
        'sdk/azure-sdk-for-rust/sdk/eventhubs/azure_messaging_eventhubs',
        'sdk/azure-sdk-for-rust/sdk/eventhubs/azure_messaging_eventhubs_checkpointstore_blob',
      ],
      'sdk/azure-sdk-for-rust/sdk/storage/assets.json': [
        'sdk/azure-sdk-for-rust/sdk/storage/azure_storage_blob',
        'sdk/azure-sdk-for-rust/sdk/storage/azure_storage_queue',
      ],
    });
    expect(nested.size).toBe(entries.length);
  });

  it('gives a recording to its nearest assets.json', () => {
    const rust = 'sdk/azure-sdk-for-rust/sdk/eventhubs';
    expect(owningEntry(entries, `${rust}/azure_messaging_eventhubs/tests/recordings/send.json`)?.path).toBe(
      `${rust}/azure_messaging_eventhubs/assets.json`,
    );
    expect(owningEntry(entries, `${rust}/src/lib.rs`)?.path).toBe(`${rust}/assets.json`);
    // A sibling whose name starts the same is not nested.
    expect(owningEntry(entries, `${rust}/azure_messaging_eventhubs_checkpointstore_blob/x`)?.path).toBe(
      `${rust}/azure_messaging_eventhubs_checkpointstore_blob/assets.json`,
    );
    expect(owningEntry(entries, 'eng/scripts/x.ps1')).toBeUndefined();
  });

  it('is deterministic', async () => {
    expect(await discoverAll(root, { ...config(), concurrency: { network: 1, local: 1 } })).toEqual(entries);
  });

  it('skips the configured assets dir and honours the configured globs', async () => {
    await write(root, 'sdk/cache-dir/sdk/x/assets.json', TAG_FILE);
    const withDir = await discoverAll(root, { ...config(), assetsDir: join(root, 'sdk/cache-dir') });
    expect(withDir.map((entry) => entry.path)).not.toContain('sdk/cache-dir/sdk/x/assets.json');
    const all = await discoverAll(root, config());
    expect(all.map((entry) => entry.path)).toContain('sdk/cache-dir/sdk/x/assets.json');
    await rm(join(root, 'sdk/cache-dir'), { recursive: true });

    const eng = await discoverAll(root, { ...config(), discovery: { globs: ['eng/**/assets.json', 'eng/assets.json'], ignore: [] } });
    expect(eng.map((entry) => entry.path)).toEqual(['eng/assets.json']);
    expect(eng[0]?.packagePath).toBe('eng');
  });
});

describe('discoverAll on real layouts with the default configuration', () => {
  const repos = [...new Set(rows.map((row) => row.repo))];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.each(repos)('%s', async (repo) => {
    const root = await makeRepo(lastSegment(repo));
    dirs.push(root);
    const own = rows.filter((row) => row.repo === repo);
    for (const row of own) await write(root, row.path, row.raw_text);
    const found = await discoverAll(root, defaultConfig(root));
    const underSdk = own.filter((row) => row.path.startsWith('sdk/')).map((row) => row.path).sort();
    expect(found.map((entry) => entry.path)).toEqual(underSdk);
    expect(found.every((entry) => entry.problems.length === 0)).toBe(true);
    // microsoft/mcp and azure-sdk-tools keep theirs outside sdk/: a glob finds them.
    const everywhere = await discoverAll(root, { ...defaultConfig(root), discovery: { globs: ['**/assets.json'], ignore: [] } });
    expect(everywhere.map((entry) => entry.path)).toEqual(own.map((row) => row.path).sort());
  });
});

describe('findRepoRoot', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'asset-sync-root-'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('walks up to the folder with .git, a folder or a file (worktree)', async () => {
    await mkdir(join(base, 'repo/.git'), { recursive: true });
    await mkdir(join(base, 'repo/sdk/tables'), { recursive: true });
    expect(await findRepoRoot(join(base, 'repo/sdk/tables'))).toBe(join(base, 'repo'));
    expect(await findRepoRoot(join(base, 'repo'))).toBe(join(base, 'repo'));
    expect(await findRepoRoot(join(base, 'repo/sdk/not-yet-created'))).toBe(join(base, 'repo'));
    await write(base, 'worktree/.git', 'gitdir: /elsewhere/.git/worktrees/w\n');
    expect(await findRepoRoot(join(base, 'worktree'))).toBe(join(base, 'worktree'));
  });

  it('throws NOT_A_REPO outside any repository', async () => {
    await mkdir(join(base, 'plain'), { recursive: true });
    const error = await rejection(findRepoRoot(join(base, 'plain')));
    expect(error.code).toBe('NOT_A_REPO');
    expect(error.message).toBe(`${join(base, 'plain')} is not inside a git repository: no .git in it or any folder above`);
    expect(error.hint).toBe('run asset-sync inside a clone of a language repo, e.g. azure-sdk-for-python');
  });
});

describe('findGoverningAssetsJson', () => {
  let base: string;
  let root: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'asset-sync-governing-'));
    root = join(base, 'azure-sdk-for-rust');
    await mkdir(join(root, '.git'), { recursive: true });
    // An assets.json above the repository must never be used.
    await write(base, 'assets.json', TAG_FILE);
    await write(root, 'sdk/eventhubs/assets.json', TAG_FILE);
    await write(root, 'sdk/eventhubs/azure_messaging_eventhubs/assets.json', TAG_FILE);
    await mkdir(join(root, 'sdk/eventhubs/azure_messaging_eventhubs/tests'), { recursive: true });
    await write(root, 'sdk/eventhubs/cased/Assets.json', TAG_FILE);
    await mkdir(join(root, 'sdk/eventhubs/dir-named/assets.json'), { recursive: true });
    await symlink(join(base, 'assets.json'), join(root, 'sdk/eventhubs/dir-named/linked'));
    await mkdir(join(root, 'sdk/eventhubs/symlinked'), { recursive: true });
    await symlink(join(base, 'assets.json'), join(root, 'sdk/eventhubs/symlinked/assets.json'));
    await mkdir(join(root, 'sdk/core/src'), { recursive: true });
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds the nearest assets.json at or above a folder', async () => {
    const nested = join(root, 'sdk/eventhubs/azure_messaging_eventhubs/assets.json');
    expect(await findGoverningAssetsJson(join(root, 'sdk/eventhubs/azure_messaging_eventhubs'), root)).toBe(nested);
    expect(await findGoverningAssetsJson(join(root, 'sdk/eventhubs/azure_messaging_eventhubs/tests'), root)).toBe(nested);
    // Recordings not restored yet: the folder does not exist.
    expect(await findGoverningAssetsJson(join(root, 'sdk/eventhubs/azure_messaging_eventhubs/tests/recordings'), root)).toBe(nested);
    expect(await findGoverningAssetsJson(nested, root)).toBe(nested);
    expect(await findGoverningAssetsJson(join(root, 'sdk/eventhubs/src'), root)).toBe(join(root, 'sdk/eventhubs/assets.json'));
  });

  it('only takes a regular file named exactly assets.json', async () => {
    const service = join(root, 'sdk/eventhubs/assets.json');
    expect(await findGoverningAssetsJson(join(root, 'sdk/eventhubs/cased'), root)).toBe(service);
    expect(await findGoverningAssetsJson(join(root, 'sdk/eventhubs/dir-named'), root)).toBe(service);
    expect(await findGoverningAssetsJson(join(root, 'sdk/eventhubs/symlinked'), root)).toBe(service);
  });

  it('stops at the repository root, which it includes', async () => {
    const error = await rejection(findGoverningAssetsJson(join(root, 'sdk/core/src'), root));
    expect(error.code).toBe('ASSETS_JSON_NOT_FOUND');
    expect(error.message).toBe(`no assets.json in sdk/core/src or any folder above it, up to the repository root ${root}`);
    expect(error.hint).toBe('run asset-sync init in the package folder to create one');
    await write(root, 'assets.json', TAG_FILE);
    expect(await findGoverningAssetsJson(join(root, 'sdk/core/src'), root)).toBe(join(root, 'assets.json'));
    await rm(join(root, 'assets.json'));
  });
});

describe('discoverOne', () => {
  let root: string;
  beforeAll(async () => {
    root = await makeRepo('one');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads one file like discoverAll, finding the repository root itself', async () => {
    await write(root, 'sdk/tables/azure-data-tables/assets.json', TAG_FILE);
    const entry = await discoverOne(join(root, 'sdk/tables/azure-data-tables/assets.json'));
    expect(entry).toEqual({
      path: 'sdk/tables/azure-data-tables/assets.json',
      absPath: join(root, 'sdk/tables/azure-data-tables/assets.json'),
      packagePath: 'sdk/tables/azure-data-tables',
      dialect: 'tag',
      assetsRepo: 'Azure/azure-sdk-assets',
      prefixPath: 'python',
      pin: { kind: 'tag', tag: 'python/x_0123456789' },
      value: expect.objectContaining({ tagPrefix: 'python/x' }),
      text: TAG_FILE,
      problems: [],
    });
  });

  it('computes auto/<service> for the branch dialect', async () => {
    const branchFile = '{"AssetsRepo": "Azure/azure-sdk-for-python-assets", "SHA": "3a56979db2720426a3e911240802f2c8765616f5"}';
    await write(root, 'sdk/tables/azure-data-tables/assets.json', branchFile);
    expect((await discoverOne(join(root, 'sdk/tables/azure-data-tables/assets.json'), root)).branch).toBe('auto/tables');
    await write(root, 'tools/asset-sync/assets.json', branchFile);
    expect((await discoverOne(join(root, 'tools/asset-sync/assets.json'), root)).branch).toBe('auto/tools');
    await write(root, 'assets.json', branchFile);
    const atRoot = await discoverOne(join(root, 'assets.json'), root);
    expect(atRoot.packagePath).toBe('');
    expect(atRoot.problems).toEqual([
      {
        file: 'assets.json',
        field: 'AssetsRepoBranch',
        message:
          '"AssetsRepoBranch" must be a git branch name, found nothing (an assets.json at the repository root has no service to name its branch after)',
        hint: 'set "AssetsRepoBranch" to a branch such as "auto/tables"',
      },
    ]);
    await rm(join(root, 'assets.json'));
  });

  it('reports a missing file and a symbolic link as problems', async () => {
    expect((await discoverOne(join(root, 'sdk/none/assets.json'), root)).problems).toEqual([
      { file: 'sdk/none/assets.json', message: 'the file does not exist', hint: 'check the path and its permissions' },
    ]);
    await mkdir(join(root, 'sdk/link'), { recursive: true });
    await symlink(join(root, 'sdk/tables/azure-data-tables/assets.json'), join(root, 'sdk/link/assets.json'));
    expect((await discoverOne(join(root, 'sdk/link/assets.json'), root)).problems[0]?.message).toBe(
      'the file is a symbolic link; asset-sync reads only regular assets.json files',
    );
  });
});

describe('services and branches', () => {
  it.each<[string, string | undefined]>([
    ['sdk/tables/azure-data-tables', 'tables'],
    ['sdk/eventhubs', 'eventhubs'],
    ['sdk', 'sdk'],
    ['tools/Azure.Mcp.Tools.Acr/tests/Azure.Mcp.Tools.Acr.Tests', 'tools'],
    ['azure-sdk-for-python/sdk/tables/azure-data-tables', 'tables'],
    ['', undefined],
  ])('the service of %j is %j', (packagePath, service) => {
    expect(serviceOf(packagePath)).toBe(service);
  });

  it('an explicit branch wins; a default that is not a valid ref is refused', () => {
    expect(effectiveBranch('sdk/tables/x', 'auto/test')).toEqual({ branch: 'auto/test' });
    expect(effectiveBranch('sdk/.hidden/x', undefined)).toEqual({
      wrong: 'the default branch "auto/.hidden" has a component starting with "." (".hidden")',
    });
  });
});
