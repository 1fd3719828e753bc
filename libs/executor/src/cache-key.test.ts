import { describe, expect, it } from 'vitest';
import { parseAssetsJson } from '@asset-sync/assets-json';
import { cacheKey, toPackageEntry, type PackageEntry } from '@asset-sync/executor';

/** An entry as discovery makes it from the text of an assets.json at `dir/assets.json`. */
function entry(dir: string, text: string): PackageEntry {
  const path = `${dir}/assets.json`;
  const parsed = parseAssetsJson(text, path);
  return toPackageEntry(parsed.ok ? { path, packagePath: dir, value: parsed.value, problems: [] } : { path, packagePath: dir, problems: parsed.problems });
}

const tag = (t: string, extra: Record<string, string> = {}): string =>
  `${JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'python', TagPrefix: 'python/tables/azure-data-tables', Tag: t, ...extra }, null, 2)}\n`;

const TABLES = 'sdk/tables/azure-data-tables';
const KEYS = 'sdk/keyvault/azure-keyvault-keys';

describe('cacheKey', () => {
  const base = [entry(TABLES, tag('python/tables/azure-data-tables_2c1f999fe0')), entry(KEYS, tag('python/keyvault/azure-keyvault-keys_1111111111'))];

  it('is a 64-hex digest, the same for the same pins in any order', () => {
    const key = cacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey([...base].reverse())).toBe(key);
  });

  it('does not change with formatting, comments or fields restore does not use', () => {
    const reformatted = `{"Tag":"python/tables/azure-data-tables_2c1f999fe0",  "AssetsRepoPrefixPath":"python",\n// a comment\n"AssetsRepo":"Azure/azure-sdk-assets","TagPrefix":"python/tables/other"}`;
    expect(cacheKey([entry(TABLES, reformatted), base[1]!])).toBe(cacheKey(base));
  });

  it.each<[string, PackageEntry[]]>([
    ['a pin', [entry(TABLES, tag('python/tables/azure-data-tables_3333333333')), base[1]!]],
    ['the assets repo', [entry(TABLES, tag('python/tables/azure-data-tables_2c1f999fe0', { AssetsRepo: 'Azure/azure-sdk-assets-fork' })), base[1]!]],
    ['the prefix', [entry(TABLES, tag('python/tables/azure-data-tables_2c1f999fe0', { AssetsRepoPrefixPath: 'python2' })), base[1]!]],
    ['the package folder', [entry('sdk/tables/azure-data-tables2', tag('python/tables/azure-data-tables_2c1f999fe0')), base[1]!]],
    ['an added assets.json', [...base, entry('sdk/new/azure-new', tag('python/new_0000000000'))]],
    ['a removed assets.json', [base[0]!]],
    ['an empty Tag (the fallback branch head)', [entry(TABLES, tag('')), base[1]!]],
    ['a broken assets.json', [entry(TABLES, '{ "AssetsRepo": '), base[1]!]],
  ])('changes with %s', (_, entries) => {
    expect(cacheKey(entries)).not.toBe(cacheKey(base));
  });

  it('tells the SHA dialect from the Tag dialect', () => {
    const sha = `{"AssetsRepo":"Azure/azure-sdk-assets","AssetsRepoPrefixPath":"python","AssetsRepoId":"","AssetsRepoBranch":"auto/tables","SHA":"${'a'.repeat(40)}"}`;
    const other = `{"AssetsRepo":"Azure/azure-sdk-assets","AssetsRepoPrefixPath":"python","AssetsRepoId":"","AssetsRepoBranch":"auto/tables","SHA":"${'b'.repeat(40)}"}`;
    expect(cacheKey([entry(TABLES, sha)])).not.toBe(cacheKey([entry(TABLES, other)]));
    expect(cacheKey([entry(TABLES, sha)])).toBe(cacheKey([entry(TABLES, sha.replace('auto/tables', 'auto/other'))]));
  });
});
