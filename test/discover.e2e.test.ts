import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realWorldFixture } from '@asset-sync/git-harness';
import { asJson, cli, languageRepo } from './helpers.js';

interface Entry {
  path: string;
  dialect: string | null;
  assetsRepo: string | null;
  prefix: string | null;
  pin: { kind: string; tag?: string; sha?: string } | null;
  problems: Array<{ file: string; field?: string; message: string }>;
}

const FIXTURES = realWorldFixture('assets-json.jsonl');

describe('asset-sync discover', () => {
  it('lists every real assets.json with its fields, and flags the broken ones with file and field', async () => {
    const records = readFileSync(FIXTURES, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { repo: string; path: string; raw_text?: string; content: Record<string, string> })
      .filter((r) => r.raw_text !== undefined);
    const files: Record<string, string> = { 'asset-sync.yaml': 'discovery:\n  globs: ["**/assets.json"]\n' };
    const expected = new Map<string, Record<string, string>>();
    for (const record of records) {
      // One folder per source repository, so the same path in two repos stays two files.
      const path = `${record.repo.split('/')[1]}/${record.path}`;
      if (expected.has(path)) continue;
      files[path] = record.raw_text!;
      expected.set(path, record.content);
    }
    files['broken/sdk/a/assets.json'] = '{ "AssetsRepo": "Azure/azure-sdk-assets", "Tag": 42 }';
    files['broken/sdk/b/assets.json'] = '{\n  "AssetsRepo": "not a repo",\n';
    files['broken/sdk/c/assets.json'] = JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: '../up', Tag: '-x' });
    const lang = await languageRepo(files);

    const result = await cli(['discover', '--json'], lang, {});
    expect(result.exitCode).toBe(1);
    const { entries } = asJson<{ entries: Entry[] }>(result);
    expect(entries).toHaveLength(expected.size + 3);
    for (const entry of entries.filter((e) => !e.path.startsWith('broken/'))) {
      const content = expected.get(entry.path)!;
      expect(entry.problems, entry.path).toEqual([]);
      expect(entry.assetsRepo).toBe(content['AssetsRepo']);
      expect(entry.prefix).toBe((content['AssetsRepoPrefixPath'] ?? '').replace(/\/+$/, ''));
      if ('SHA' in content) expect(entry).toMatchObject({ dialect: 'branch', pin: { kind: 'sha', sha: content['SHA'] } });
      else if (content['Tag']) expect(entry).toMatchObject({ dialect: 'tag', pin: { kind: 'tag', tag: content['Tag'] } });
      else expect(entry.pin).toEqual({ kind: 'none' });
    }
    const broken = Object.fromEntries(entries.filter((e) => e.path.startsWith('broken/')).map((e) => [e.path, e.problems]));
    expect(broken['broken/sdk/a/assets.json']).toContainEqual(expect.objectContaining({ file: 'broken/sdk/a/assets.json', field: 'Tag', message: '"Tag" must be a string, found number 42' }));
    expect(broken['broken/sdk/b/assets.json']![0]).toMatchObject({ file: 'broken/sdk/b/assets.json' });
    expect(broken['broken/sdk/b/assets.json']![0]).toHaveProperty('line');
    const c = broken['broken/sdk/c/assets.json']!;
    expect(c.map((p) => p.field).sort()).toEqual(['AssetsRepoPrefixPath', 'Tag']);

    const text = await cli(['discover'], lang, {});
    expect(text.stdout).toContain('broken/sdk/a/assets.json: "Tag" must be a string, found number 42');
    expect(text.stdout).toContain(`${expected.size + 3} assets.json, 3 with problems`);
  });
});

describe('asset-sync config show', () => {
  it('prints the resolved assets.json and the effective config with the source of each value', async () => {
    const lang = await languageRepo({
      'asset-sync.yaml': 'concurrency:\n  network: 3\nremotes:\n  Azure/azure-sdk-assets: https://token123@example.invalid/assets.git\n',
      'sdk/tables/azure-data-tables/assets.json': '{ "AssetsRepo": "Azure/azure-sdk-assets", "AssetsRepoPrefixPath": "python", "TagPrefix": "python/tables", "Tag": "" }\n',
    });
    const result = await cli(['config', 'show', 'sdk/tables/azure-data-tables', '--json'], lang, { ASSET_SYNC_DIR: '/tmp/elsewhere-assets' });
    expect(result.exitCode, result.stderr).toBe(0);
    const shown = asJson<{ assetsJson: { path: string }; remote: { url: string; from: string }; config: { assetsDir: string; concurrency: { network: number }; sources: Record<string, string> } }>(result);
    expect(shown.assetsJson.path).toBe('sdk/tables/azure-data-tables/assets.json');
    expect(shown.config.assetsDir).toBe('/tmp/elsewhere-assets');
    expect(shown.config.sources['assetsDir']).toBe('env:ASSET_SYNC_DIR');
    expect(shown.config.concurrency.network).toBe(3);
    expect(shown.config.sources['concurrency.network']).toBe('asset-sync.yaml');
    expect(shown.remote.from).toBe('remotes');
    // Credentials in URLs never reach the output.
    expect(result.stdout).not.toContain('token123');
  });

  it('a bad asset-sync.yaml is a configuration error (exit 2) naming the file and the setting', async () => {
    const lang = await languageRepo({ 'asset-sync.yaml': 'concurency: 4\nassetsDir: ../../outside\n', 'sdk/a/b/assets.json': '{ "AssetsRepo": "Azure/azure-sdk-assets" }\n' });
    const result = await cli(['restore', '--all'], lang, {});
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('asset-sync.yaml');
    expect(result.stderr).toContain('concurency');
    expect(result.stderr).toContain('assetsDir');
  });
});
