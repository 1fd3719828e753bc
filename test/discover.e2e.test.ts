import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asJson, cli, languageRepo } from './helpers.js';

interface Entry {
  path: string;
  dialect: string | null;
  assetsRepo: string | null;
  prefix: string | null;
  pin: { kind: string; tag?: string; sha?: string } | null;
  problems: Array<{ file: string; field?: string; message: string }>;
}

const FIXTURES = join(__dirname, '../../shared/fixtures/real-world/assets-json.jsonl');

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
