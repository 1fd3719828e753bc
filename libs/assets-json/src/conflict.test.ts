import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssetSyncError, isAssetSyncError } from '@asset-sync/errors';
import {
  hasConflictMarkers,
  parseAssetsJson,
  parseConflictedAssetsJson,
  pinOf,
  resolveConflictedAssetsJson,
  setPin,
  type ConflictedAssetsJson,
} from '@asset-sync/assets-json';
import { readFixtureLines } from '../../../test/fixtures/real-world.js';

const FILE = 'sdk/tables/azure-data-tables/assets.json';
const SHA_OURS = '1111111111111111111111111111111111111111';
const SHA_THEIRS = '2222222222222222222222222222222222222222';

const lines = (...content: string[]): string => content.join('\n');

const MERGE = lines(
  '{',
  '  "AssetsRepo": "Azure/azure-sdk-assets",',
  '  "AssetsRepoPrefixPath": "python",',
  '  "TagPrefix": "python/tables/azure-data-tables",',
  '<<<<<<< HEAD',
  '  "Tag": "python/tables/azure-data-tables_2c1f999fe0"',
  '=======',
  '  "Tag": "python/tables/azure-data-tables_8d0f5f5a61"',
  '>>>>>>> feature/new-tests',
  '}',
  '',
);

const DIFF3 = lines(
  '{',
  '    "AssetsRepo": "Azure/azure-sdk-assets",',
  '    "AssetsRepoPrefixPath": "cpp",',
  '<<<<<<< HEAD',
  '    "Tag": "cpp/tables_aaaaaaaaaa",',
  '||||||| merged common ancestors',
  '    "Tag": "cpp/tables_0000000000",',
  '=======',
  '    "Tag": "cpp/tables_bbbbbbbbbb",',
  '>>>>>>> origin/main',
  '    "TagPrefix": "cpp/tables"',
  '}',
);

function conflicted(text: string): ConflictedAssetsJson {
  const result = parseConflictedAssetsJson(text, FILE);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function thrown(run: () => unknown): AssetSyncError {
  try {
    run();
  } catch (error) {
    if (isAssetSyncError(error)) return error;
    throw error;
  }
  throw new Error('expected an AssetSyncError');
}

/** What `git merge` leaves in a file, made by git itself. */
function gitMergeFile(ours: string, base: string, theirs: string, diff3: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-sync-merge-'));
  try {
    const [o, b, t] = ['ours', 'base', 'theirs'].map((name) => join(dir, name)) as [string, string, string];
    writeFileSync(o, ours);
    writeFileSync(b, base);
    writeFileSync(t, theirs);
    const args = ['merge-file', '-p', ...(diff3 ? ['--diff3'] : []), '-L', 'HEAD', '-L', 'base', '-L', 'feature', o, b, t];
    const result = spawnSync('git', args, { encoding: 'utf8' });
    if (result.status === null || result.status < 0) throw new Error(result.stderr);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('parseConflictedAssetsJson', () => {
  it('reads both pins and the rest of the file', () => {
    const value = conflicted(MERGE);
    expect(value.pinKey).toBe('Tag');
    expect(value.ours).toEqual({ kind: 'tag', tag: 'python/tables/azure-data-tables_2c1f999fe0' });
    expect(value.theirs).toEqual({ kind: 'tag', tag: 'python/tables/azure-data-tables_8d0f5f5a61' });
    expect(value.base).toBeUndefined();
    expect(value.assetsJson).toMatchObject({
      dialect: 'tag',
      assetsRepo: 'Azure/azure-sdk-assets',
      prefixPath: 'python',
      tagPrefix: 'python/tables/azure-data-tables',
    });
    expect(pinOf(value.assetsJson)).toEqual(value.ours);
  });

  it('reads the common ancestor of diff3 markers, with the pin line before TagPrefix', () => {
    const value = conflicted(DIFF3);
    expect(value.ours).toEqual({ kind: 'tag', tag: 'cpp/tables_aaaaaaaaaa' });
    expect(value.base).toEqual({ kind: 'tag', tag: 'cpp/tables_0000000000' });
    expect(value.theirs).toEqual({ kind: 'tag', tag: 'cpp/tables_bbbbbbbbbb' });
  });

  it('reads a conflict on SHA in the branch dialect, CRLF line endings and an empty side', () => {
    const text = lines(
      '{',
      '  "AssetsRepo": "Azure/azure-sdk-for-python-assets",',
      '  "AssetsRepoBranch": "auto/tables",',
      '<<<<<<< HEAD',
      `  "SHA": "${SHA_OURS.toUpperCase()}"`,
      '=======',
      '  "SHA": ""',
      '>>>>>>> feature',
      '}',
      '',
    ).replaceAll('\n', '\r\n');
    const value = conflicted(text);
    expect(value.pinKey).toBe('SHA');
    expect(value.ours).toEqual({ kind: 'sha', sha: SHA_OURS });
    expect(value.theirs).toEqual({ kind: 'none' });
  });

  it('reads a conflict where both sides added the pin (empty ancestor)', () => {
    const text = lines(
      '{',
      '  "AssetsRepo": "a/b",',
      '  "TagPrefix": "p",',
      '<<<<<<< HEAD',
      '  "Tag": "p_1"',
      '||||||| base',
      '=======',
      '  "Tag": "p_2"',
      '>>>>>>> feature',
      '}',
    );
    expect(conflicted(text).base).toEqual({ kind: 'none' });
  });

  it('refuses a conflict that touches more than the pin line', () => {
    const text = lines(
      '{',
      '  "AssetsRepo": "Azure/azure-sdk-assets",',
      '<<<<<<< HEAD',
      '  "TagPrefix": "python/tables",',
      '  "Tag": "python/tables_2c1f999fe0"',
      '=======',
      '  "TagPrefix": "python/data-tables",',
      '  "Tag": "python/data-tables_8d0f5f5a61"',
      '>>>>>>> feature',
      '}',
    );
    expect(parseConflictedAssetsJson(text, FILE)).toEqual({
      ok: false,
      problems: [
        {
          file: FILE,
          message: 'the merge conflict at line 3 changes more than the "Tag" or "SHA" line',
          hint: 'resolve the conflict by hand: keep one version of each line and delete the <<<<<<<, ======= and >>>>>>> lines',
          line: 3,
          column: 1,
        },
      ],
    });
    const otherKey = MERGE.replace('"Tag": "python/tables/azure-data-tables_8d0f5f5a61"', '"TagPrefix": "x"');
    expect(parseConflictedAssetsJson(otherKey, FILE).ok).toBe(false);
    const deleted = MERGE.replace('  "Tag": "python/tables/azure-data-tables_8d0f5f5a61"\n', '');
    expect(parseConflictedAssetsJson(deleted, FILE).ok).toBe(false);
  });

  it.each<[string, string, string]>([
    ['an unclosed conflict', MERGE.replace('>>>>>>> feature/new-tests\n', ''), 'a merge conflict is not closed by a ">>>>>>>" line (line 5)'],
    ['stray markers', MERGE.replace('<<<<<<< HEAD\n', ''), 'a merge conflict marker has no "<<<<<<<" line before it (line 6)|a merge conflict marker has no "<<<<<<<" line before it (line 8)'],
    ['no markers', MERGE.replace(/^[<=>].*\n/gm, '').replace(/^.*8d0f5f5a61.*\n/m, ''), 'the file has no merge conflict markers'],
  ])('reports %s', (_name, text, messages) => {
    const result = parseConflictedAssetsJson(text, FILE);
    expect(result.ok ? [] : result.problems.map((problem) => problem.message)).toEqual(messages.split('|'));
  });

  it('validates the pin on each side', () => {
    const result = parseConflictedAssetsJson(
      MERGE.replace('python/tables/azure-data-tables_8d0f5f5a61', '--upload-pack=evil'),
      FILE,
    );
    expect(result.ok ? [] : result.problems).toEqual([
      {
        file: FILE,
        field: 'Tag',
        message:
          '"Tag" must be a git tag name, or "" when nothing was pushed yet, found string "--upload-pack=evil", which starts with "-" (on the side being merged in)',
        hint: 'set "Tag" to a tag printed by "asset-sync push", or "" if nothing was pushed yet',
      },
    ]);
  });

  it('the normal reader sends a conflicted file to asset-sync resolve', () => {
    expect(hasConflictMarkers(MERGE)).toBe(true);
    const result = parseAssetsJson(DIFF3, 'sdk/tables/assets.json');
    expect(result.ok ? undefined : result.problems[0]?.hint).toBe('run asset-sync resolve sdk/tables');
  });
});

describe('resolveConflictedAssetsJson', () => {
  it('replaces the conflict with one pin line in the style of the file', () => {
    expect(resolveConflictedAssetsJson(MERGE, 'python/tables/azure-data-tables_0123456789', FILE)).toBe(
      lines(
        '{',
        '  "AssetsRepo": "Azure/azure-sdk-assets",',
        '  "AssetsRepoPrefixPath": "python",',
        '  "TagPrefix": "python/tables/azure-data-tables",',
        '  "Tag": "python/tables/azure-data-tables_0123456789"',
        '}',
        '',
      ),
    );
    // Four spaces, a trailing comma (Tag before TagPrefix), no final newline.
    expect(resolveConflictedAssetsJson(DIFF3, 'cpp/tables_cccccccccc')).toBe(
      lines(
        '{',
        '    "AssetsRepo": "Azure/azure-sdk-assets",',
        '    "AssetsRepoPrefixPath": "cpp",',
        '    "Tag": "cpp/tables_cccccccccc",',
        '    "TagPrefix": "cpp/tables"',
        '}',
      ),
    );
  });

  it('keeps CRLF and lowercases a SHA', () => {
    const text = `{\r\n  "AssetsRepo": "a/b",\r\n<<<<<<< HEAD\r\n  "SHA": "${SHA_OURS}"\r\n=======\r\n  "SHA": "${SHA_THEIRS}"\r\n>>>>>>> feature\r\n}\r\n`;
    expect(resolveConflictedAssetsJson(text, 'ABCDEF0123456789ABCDEF0123456789ABCDEF01')).toBe(
      '{\r\n  "AssetsRepo": "a/b",\r\n  "SHA": "abcdef0123456789abcdef0123456789abcdef01"\r\n}\r\n',
    );
  });

  it('refuses a conflict on more than the pin, and an invalid new pin', () => {
    const more = MERGE.replace('<<<<<<< HEAD\n', '<<<<<<< HEAD\n  "Extra": 1,\n');
    const error = thrown(() => resolveConflictedAssetsJson(more, 'python/x_1', FILE));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(`${FILE}: the merge conflict cannot be resolved automatically`);
    const invalid = thrown(() => resolveConflictedAssetsJson(MERGE, 'a..b', FILE));
    expect(invalid.code).toBe('ASSETS_JSON_INVALID');
    expect(invalid.problems[0]?.message).toBe(
      '"Tag" must be a git tag name, or "" when nothing was pushed yet, found string "a..b", which contains ".."',
    );
  });
});

describe('conflicts git makes from real pin history', () => {
  const history = readFixtureLines('assets-json-history.jsonl');
  const byFile = new Map<string, typeof history>();
  for (const row of history) {
    const key = `${row.repo}:${row.path}`;
    byFile.set(key, [...(byFile.get(key) ?? []), row]);
  }

  it.each([false, true])('parses and resolves every pin-only conflict (diff3: %s)', (diff3) => {
    let resolved = 0;
    for (const versions of byFile.values()) {
      const sorted = [...versions].sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
      for (let i = 1; i < sorted.length; i++) {
        const base = sorted[i - 1]?.raw_text ?? '';
        const ours = sorted[i]?.raw_text ?? '';
        const before = parseAssetsJson(base, FILE);
        const after = parseAssetsJson(ours, FILE);
        if (!before.ok || !after.ok || before.value.tag === after.value.tag) continue;
        // Their branch pushed too, from the same starting point.
        const theirsTag = `${before.value.tagPrefix}_ffffffffff`;
        const merged = gitMergeFile(ours, base, setPin(base, { kind: 'tag', tag: theirsTag }), diff3);
        const result = parseConflictedAssetsJson(merged, FILE);
        const onlyPinChanged = base.replace(/"Tag": ".*"/, '') === ours.replace(/"Tag": ".*"/, '');
        if (onlyPinChanged) expect(result.ok, merged).toBe(true);
        if (!result.ok) continue;
        expect(result.value.ours).toEqual(pinOf(after.value));
        expect(result.value.theirs).toEqual({ kind: 'tag', tag: theirsTag });
        expect(result.value.base).toEqual(diff3 ? pinOf(before.value) : undefined);
        const newTag = `${before.value.tagPrefix}_0123456789`;
        expect(resolveConflictedAssetsJson(merged, newTag, FILE)).toBe(setPin(ours, { kind: 'tag', tag: newTag }));
        resolved++;
      }
    }
    expect(resolved).toBeGreaterThan(100);
  });
});
