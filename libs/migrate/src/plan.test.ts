import { describe, expect, it } from 'vitest';
import { derivedTagPrefix } from '@asset-sync/assets-json';
import { DEFAULT_RECORDINGS } from '@asset-sync/config';
import { globShape, outermostFolders, planMigration, unitOfFolder, type PlanInput, type RecordingFile } from '@asset-sync/migrate';

const glob = (language: string): string => DEFAULT_RECORDINGS[language]![0]!;

/** A plan input from file paths: each file's recordings folder is found with the language glob. */
function input(language: string, paths: Array<string | [string, number]>, overrides: Partial<PlanInput> = {}): PlanInput {
  const files: RecordingFile[] = paths.map((p) => (typeof p === 'string' ? { path: p, size: 10 } : { path: p[0], size: p[1] }));
  const marker = globShape(glob(language));
  const tail = glob(language).split('/').slice(-marker.tail).join('/');
  const folders = [...new Set(files.map((f) => f.path.slice(0, f.path.indexOf(`/${tail}/`) + tail.length + 1)))].map((path) => ({ path, glob: glob(language) }));
  return {
    assetsRepo: 'Azure/azure-sdk-assets',
    prefix: language,
    granularity: 'package',
    dialect: 'tag',
    fallbackBranch: 'main',
    folders,
    files,
    existing: [],
    ...overrides,
  };
}

describe('globShape', () => {
  it('reads the base and the recordings-folder tail of every default glob', () => {
    expect(globShape(glob('python'))).toEqual({ base: ['sdk'], tail: 2 });
    expect(globShape(glob('js'))).toEqual({ base: ['sdk'], tail: 1 });
    expect(globShape(glob('net'))).toEqual({ base: ['sdk'], tail: 2 });
    expect(globShape(glob('java'))).toEqual({ base: ['sdk'], tail: 4 });
    expect(globShape(glob('go'))).toEqual({ base: ['sdk'], tail: 2 });
    expect(globShape(glob('cpp'))).toEqual({ base: ['sdk'], tail: 3 });
  });

  it('treats a glob ending in a wildcard as naming the recordings folder itself, and a literal glob as one folder', () => {
    expect(globShape('sdk/*/*/recordings-*')).toEqual({ base: ['sdk'], tail: 1 });
    expect(globShape('sdk/core/recordings/')).toEqual({ base: [], tail: 1 });
    expect(globShape('**/SessionRecords')).toEqual({ base: [], tail: 1 });
  });
});

describe('unitOfFolder', () => {
  it('finds the package folder in each real layout', () => {
    expect(unitOfFolder('sdk/tables/azure-data-tables/tests/recordings', glob('python'), 'package')).toEqual({ unit: 'sdk/tables/azure-data-tables' });
    expect(unitOfFolder('sdk/appconfiguration/app-configuration/recordings', glob('js'), 'package')).toEqual({ unit: 'sdk/appconfiguration/app-configuration' });
    expect(unitOfFolder('sdk/tables/Azure.Data.Tables/tests/SessionRecords', glob('net'), 'package')).toEqual({ unit: 'sdk/tables/Azure.Data.Tables' });
    expect(unitOfFolder('sdk/storage/azure-storage-blob/src/test/resources/session-records', glob('java'), 'package')).toEqual({ unit: 'sdk/storage/azure-storage-blob' });
    expect(unitOfFolder('sdk/resourcemanager/compute/armcompute/testdata/recordings', glob('go'), 'package')).toEqual({ unit: 'sdk/resourcemanager/compute/armcompute' });
    expect(unitOfFolder('sdk/azcore/testdata/recordings', glob('go'), 'package')).toEqual({ unit: 'sdk/azcore' });
    expect(unitOfFolder('sdk/keyvault/azure-security-keyvault-keys/test/ut/recordings', glob('cpp'), 'package')).toEqual({ unit: 'sdk/keyvault/azure-security-keyvault-keys' });
  });

  it('with service granularity takes sdk/<service>', () => {
    expect(unitOfFolder('sdk/keyvault/azure-security-keyvault-keys/test/ut/recordings', glob('cpp'), 'service')).toEqual({ unit: 'sdk/keyvault' });
    expect(unitOfFolder('sdk/resourcemanager/compute/armcompute/testdata/recordings', glob('go'), 'service')).toEqual({ unit: 'sdk/resourcemanager' });
    expect(unitOfFolder('sdk/storage/tests/recordings', glob('python'), 'service')).toEqual({ unit: 'sdk/storage' });
    expect(unitOfFolder('eng/pkg/tests/recordings', '**/tests/recordings', 'service')).toEqual({ unit: 'eng' });
  });

  it('puts folders directly in the base, or outside it, in no package', () => {
    expect(unitOfFolder('sdk/tests/recordings', glob('python'), 'package')).toHaveProperty('outside');
    expect(unitOfFolder('sdk/recordings', glob('js'), 'service')).toHaveProperty('outside');
    expect(unitOfFolder('tests/recordings', '**/tests/recordings', 'package')).toHaveProperty('outside');
  });
});

describe('outermostFolders', () => {
  it('drops folders inside another matched folder', () => {
    const folders = outermostFolders([
      { path: 'sdk/a/pkg/recordings/node/x/recordings', glob: glob('js') },
      { path: 'sdk/a/pkg/recordings', glob: glob('js') },
      { path: 'sdk/a/pkg-recordings', glob: glob('js') },
    ]);
    expect(folders.map((f) => f.path)).toEqual(['sdk/a/pkg-recordings', 'sdk/a/pkg/recordings']);
  });
});

describe('planMigration', () => {
  it('makes one unit per package, with every file, its size and where it lands', () => {
    const plan = planMigration(
      input('python', [
        ['sdk/tables/azure-data-tables/tests/recordings/test_a.pyTestAtest_b.json', 120],
        ['sdk/tables/azure-data-tables/tests/recordings/empty.json', 0],
        ['sdk/storage/azure-storage-blob/tests/recordings/test_c.pyTestCtest_d.json', 30],
      ]),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.units.map((u) => [u.path, u.assetsJson, u.files.length, u.bytes, u.tagPrefix, u.layer])).toEqual([
      ['sdk/storage/azure-storage-blob', 'sdk/storage/azure-storage-blob/assets.json', 1, 30, 'python/storage/azure-storage-blob', 0],
      ['sdk/tables/azure-data-tables', 'sdk/tables/azure-data-tables/assets.json', 2, 120, 'python/tables/azure-data-tables', 0],
    ]);
    expect(plan.units[1]!.files[0]).toEqual({
      path: 'sdk/tables/azure-data-tables/tests/recordings/empty.json',
      size: 0,
      mode: '100644',
      destination: 'python/sdk/tables/azure-data-tables/tests/recordings/empty.json',
    });
    expect(plan.totals).toEqual({ units: 2, files: 3, bytes: 150 });
    expect(plan.layers).toBe(1);
  });

  it('keeps .NET names with spaces, parentheses, %, quotes, commas and non-ASCII as they are', () => {
    const name = "sdk/tables/Azure.Data.Tables/tests/SessionRecords/TableClientLiveTests(CosmosTable)/Query(%2F, 'a b',\"ü\")Async.json";
    const plan = planMigration(input('net', [name]));
    expect(plan.units[0]!.files[0]!.destination).toBe(`net/${name}`);
    expect(plan.left).toEqual([]);
  });

  it('nests a service-level unit above package-level ones, each file with the deepest', () => {
    const plan = planMigration(
      input('python', ['sdk/storage/tests/recordings/shared.json', 'sdk/storage/azure-storage-blob/tests/recordings/blob.json']),
    );
    expect(plan.units.map((u) => [u.path, u.files.map((f) => f.path)])).toEqual([
      ['sdk/storage', ['sdk/storage/tests/recordings/shared.json']],
      ['sdk/storage/azure-storage-blob', ['sdk/storage/azure-storage-blob/tests/recordings/blob.json']],
    ]);
  });

  it('reports recordings outside any package folder and leaves them', () => {
    const plan = planMigration(input('python', ['sdk/tests/recordings/orphan.json', 'sdk/core/azure-core/tests/recordings/a.json']));
    expect(plan.units.map((u) => u.path)).toEqual(['sdk/core/azure-core']);
    expect(plan.left).toEqual([{ path: 'sdk/tests/recordings/orphan.json', size: 10, reason: 'not inside a package folder (directly in sdk/)' }]);
  });

  it('skips units that already have an assets.json, unless forced', () => {
    const paths = ['sdk/a/pkg1/tests/recordings/x.json', 'sdk/a/pkg2/tests/recordings/y.json'];
    const plan = planMigration(input('python', paths, { existing: ['sdk/a/pkg1'] }));
    expect(plan.units.map((u) => u.path)).toEqual(['sdk/a/pkg2']);
    expect(plan.skipped).toEqual([{ path: 'sdk/a/pkg1', assetsJson: 'sdk/a/pkg1/assets.json', files: 1, bytes: 10, reason: expect.stringContaining('--force') }]);
    expect(plan.left.map((l) => l.path)).toEqual(['sdk/a/pkg1/tests/recordings/x.json']);
    const forced = planMigration(input('python', paths, { existing: ['sdk/a/pkg1'], force: true }));
    expect(forced.units.map((u) => [u.path, u.existing])).toEqual([
      ['sdk/a/pkg1', true],
      ['sdk/a/pkg2', false],
    ]);
  });

  it('with service granularity, an existing package assets.json inside the service keeps its files', () => {
    const plan = planMigration(
      input('cpp', ['sdk/keyvault/azure-security-keyvault-keys/test/ut/recordings/A.B.json', 'sdk/keyvault/azure-security-keyvault-secrets/test/ut/recordings/C.D.json'], {
        granularity: 'service',
        existing: ['sdk/keyvault/azure-security-keyvault-secrets'],
      }),
    );
    expect(plan.units.map((u) => [u.path, u.tagPrefix, u.files.length])).toEqual([['sdk/keyvault', 'cpp/keyvault', 1]]);
    expect(plan.skipped.map((s) => s.path)).toEqual(['sdk/keyvault/azure-security-keyvault-secrets']);
  });

  it('names branches auto/<service>, or the one branch asked for, in the branch dialect', () => {
    const paths = ['sdk/tables/aztables/testdata/recordings/TestA.json', 'sdk/storage/azblob/testdata/recordings/TestB.json'];
    const plan = planMigration(input('go', paths, { dialect: 'branch' }));
    expect(plan.units.map((u) => [u.path, u.branch, u.tagPrefix])).toEqual([
      ['sdk/storage/azblob', 'auto/storage', undefined],
      ['sdk/tables/aztables', 'auto/tables', undefined],
    ]);
    const one = planMigration(input('go', paths, { dialect: 'branch', branch: 'recordings' }));
    expect(one.units.map((u) => u.branch)).toEqual(['recordings', 'recordings']);
  });

  it('collects every value that would make an invalid TagPrefix or branch', () => {
    const plan = planMigration(input('python', ['sdk/a/bad name/tests/recordings/x.json', 'sdk/a/bad~pkg/tests/recordings/y.json', 'sdk/a/ok/tests/recordings/z.json']));
    expect(plan.problems.map((p) => [p.file, p.field])).toEqual([
      ['sdk/a/bad name/assets.json', 'TagPrefix'],
      ['sdk/a/bad~pkg/assets.json', 'TagPrefix'],
    ]);
  });

  it('leaves names git cannot take safely, with the reason', () => {
    const plan = planMigration(input('python', ['sdk/a/p/tests/recordings/new\nline.json', 'sdk/a/p/tests/recordings/ok.json']));
    expect(plan.units[0]!.files.map((f) => f.path)).toEqual(['sdk/a/p/tests/recordings/ok.json']);
    expect(plan.left[0]!.reason).toMatch(/control character/);
  });

  it('splits into commits of whole units when a push limit is given', () => {
    const paths: Array<[string, number]> = [
      ['sdk/a/p1/tests/recordings/x.json', 60],
      ['sdk/a/p2/tests/recordings/x.json', 60],
      ['sdk/a/p3/tests/recordings/x.json', 30],
      ['sdk/a/p4/tests/recordings/x.json', 500],
    ];
    const plan = planMigration(input('python', paths, { maxCommitBytes: 100 }));
    expect(plan.units.map((u) => u.layer)).toEqual([0, 1, 1, 2]);
    expect(plan.layers).toBe(3);
    expect(planMigration(input('python', paths)).layers).toBe(1);
  });

  it('derives TagPrefix as push does, with or without a prefix', () => {
    expect(derivedTagPrefix('python', 'sdk/tables')).toBe('python/tables');
    expect(derivedTagPrefix('', 'tools/Azure.Mcp.Tools.Acr/tests/Azure.Mcp.Tools.Acr.Tests')).toBe('tools/Azure.Mcp.Tools.Acr/tests/Azure.Mcp.Tools.Acr.Tests');
  });

  it('returns an empty plan for no recordings', () => {
    const plan = planMigration(input('java', []));
    expect(plan.units).toEqual([]);
    expect(plan.layers).toBe(0);
    expect(plan.totals).toEqual({ units: 0, files: 0, bytes: 0 });
  });
});
