import { describe, expect, it } from 'vitest';
import { parseAssetsJson, tagNameOf } from '@asset-sync/assets-json';
import { assetsJsonFields, blobIdOf, pinnedText, planMigration, renderAssetsJson } from '@asset-sync/migrate';
import { settingsDiffer, type MigrationSettings } from './journal.js';

const COMMIT = '2c1f999fe0aa6b5a3c6b1b0e6a39e3d1a8f7c111';

function plan(dialect: 'tag' | 'branch') {
  return planMigration({
    assetsRepo: 'Azure/azure-sdk-assets',
    prefix: 'python',
    granularity: 'package',
    dialect,
    fallbackBranch: 'main',
    folders: [{ path: 'sdk/tables/azure-data-tables/tests/recordings', glob: 'sdk/**/tests/recordings' }],
    files: [{ path: 'sdk/tables/azure-data-tables/tests/recordings/a.json', size: 1 }],
    existing: [],
  });
}

describe('the assets.json a unit gets', () => {
  it('is the real tag-dialect shape, and parses back to the pin', () => {
    const p = plan('tag');
    const text = renderAssetsJson(assetsJsonFields(p, p.units[0]!, COMMIT));
    expect(text).toBe(
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "AssetsRepoPrefixPath": "python",\n  "TagPrefix": "python/tables/azure-data-tables",\n  "Tag": "python/tables/azure-data-tables_2c1f999fe0"\n}\n',
    );
    const parsed = parseAssetsJson(text, 'assets.json');
    expect(parsed.ok && parsed.value.tag).toBe(tagNameOf('python/tables/azure-data-tables', COMMIT));
  });

  it('has the 2022 fields in the branch dialect', () => {
    const p = plan('branch');
    const parsed = parseAssetsJson(renderAssetsJson(assetsJsonFields(p, p.units[0]!, COMMIT)), 'assets.json');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value).toMatchObject({ dialect: 'branch', sha: COMMIT, branch: 'auto/tables', fallbackBranch: 'main', assetsRepoId: '' });
  });

  it('re-pins an existing file in place, keeping its formatting and other keys', () => {
    const p = plan('tag');
    const existing = '{\r\n    "Tag": "",\r\n    "AssetsRepo": "Azure/azure-sdk-assets",\r\n    "AssetsRepoPrefixPath": "python",\r\n    "TagPrefix": "python/tables/azure-data-tables",\r\n    "Note": "keep"\r\n}';
    const text = pinnedText(existing, assetsJsonFields(p, p.units[0]!, COMMIT), 'assets.json');
    expect(text).toBe(existing.replace('"Tag": ""', '"Tag": "python/tables/azure-data-tables_2c1f999fe0"'));
  });

  it('replaces a file in the other dialect or one that does not parse', () => {
    const p = plan('tag');
    const fields = assetsJsonFields(p, p.units[0]!, COMMIT);
    expect(pinnedText('{"AssetsRepo": "a/b", "SHA": ""}', fields, 'assets.json')).toBe(renderAssetsJson(fields));
    expect(pinnedText('{ not json', fields, 'assets.json')).toBe(renderAssetsJson(fields));
  });
});

describe('blobIdOf', () => {
  it('is the git blob id', () => {
    expect(blobIdOf('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(blobIdOf('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

describe('settingsDiffer', () => {
  const recorded: MigrationSettings = {
    assetsRepo: 'Azure/azure-sdk-assets',
    prefix: 'python',
    recordings: ['sdk/**/tests/recordings'],
    granularity: 'package',
    dialect: 'tag',
    fallbackBranch: 'main',
    force: false,
  };
  it('ignores what was not asked and names what differs', () => {
    expect(settingsDiffer(recorded, {})).toEqual([]);
    expect(settingsDiffer(recorded, { prefix: 'python', granularity: 'package' })).toEqual([]);
    expect(settingsDiffer(recorded, { granularity: 'service', prefix: 'js' })).toEqual(['granularity: "package" -> "service"', 'prefix: "python" -> "js"']);
  });
});
