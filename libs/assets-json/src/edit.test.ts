import { describe, expect, it } from 'vitest';
import { AssetSyncError, isAssetSyncError } from '@asset-sync/errors';
import { parseAssetsJson, pinOf, setField, setPin, type AssetsJson } from '@asset-sync/assets-json';
import { readFixtureLines } from '../../../test/fixtures/real-world.js';

const SHA = '3a56979db2720426a3e911240802f2c8765616f5';
const OTHER_SHA = 'b0b1b2b3b4b5b6b7b8b9c0c1c2c3c4c5c6c7c8c9';

function parsed(text: string): AssetsJson {
  const result = parseAssetsJson(text, 'assets.json');
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

describe('setPin on every real assets.json', () => {
  const rows = [
    ...readFixtureLines('assets-json.jsonl').filter((row) => row.raw_text !== undefined),
    ...readFixtureLines('assets-json-history.jsonl'),
  ];

  it('changes the pin value and not one other byte', () => {
    const seen = { crlf: 0, noFinalNewline: 0, fourSpaces: 0, tagFirst: 0, emptyTag: 0, branch: 0 };
    for (const row of rows) {
      const text = row.raw_text ?? '';
      const before = parsed(text);
      const pin = pinOf(before);
      const edited =
        before.dialect === 'tag'
          ? setPin(text, { kind: 'tag', tag: `${before.tagPrefix}_0123456789` }, row.path)
          : setPin(text, { kind: 'sha', sha: OTHER_SHA }, row.path);
      const [oldValue, newValue] =
        before.dialect === 'tag' ? [before.tag ?? '', `${before.tagPrefix}_0123456789`] : [before.sha ?? '', OTHER_SHA];

      expect(edited).not.toBe(text);
      expect(edited.split(JSON.stringify(newValue))).toHaveLength(2);
      expect(edited.replace(JSON.stringify(newValue), JSON.stringify(oldValue))).toBe(text);
      const after = parsed(edited);
      expect(pinOf(after)).toEqual(
        before.dialect === 'tag' ? { kind: 'tag', tag: newValue } : { kind: 'sha', sha: newValue },
      );
      expect({ ...after.raw, Tag: undefined, SHA: undefined }).toEqual({ ...before.raw, Tag: undefined, SHA: undefined });

      if (text.includes('\r\n')) seen.crlf++;
      if (!text.endsWith('\n')) seen.noFinalNewline++;
      if (text.includes('\n    "')) seen.fourSpaces++;
      if (Object.keys(before.raw)[2] === 'Tag') seen.tagFirst++;
      if (pin.kind === 'none') seen.emptyTag++;
      if (before.dialect === 'branch') seen.branch++;
    }
    // The run covered every formatting the real files have.
    expect(seen).toEqual({ crlf: 1, noFinalNewline: 69, fourSpaces: 78, tagFirst: 91, emptyTag: 1, branch: 1 });
  });

  it('adds a key in the file\'s own indentation and line ending, leaving the rest as it was', () => {
    for (const row of rows) {
      const text = row.raw_text ?? '';
      const edited = setField(text, 'Notes', 'added');
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const indent = /\n([ \t]+)"AssetsRepo"/.exec(text)?.[1] ?? '';
      const line = `${eol}${indent}"Notes": "added"`;
      expect(edited).toContain(`",${line}${eol}}`);
      // Removing the new line and the comma before it gives back the original, byte for byte.
      expect(edited.replace(`",${line}`, '"')).toBe(text);
      expect(parsed(edited).raw['Notes']).toBe('added');
    }
  });
});

describe('setField', () => {
  it('replaces a value in place, comments and trailing commas included', () => {
    const text = '{\n  // the shared assets repo\n  "AssetsRepo": "Azure/azure-sdk-assets", /* owner/name */\n  "Tag": "p_1", // pinned\n}';
    expect(setField(text, 'Tag', 'p_2')).toBe(
      '{\n  // the shared assets repo\n  "AssetsRepo": "Azure/azure-sdk-assets", /* owner/name */\n  "Tag": "p_2", // pinned\n}',
    );
  });

  it.each<[string, string, string]>([
    [
      '2 spaces, LF, final newline',
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "TagPrefix": "rust/core"\n}\n',
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "TagPrefix": "rust/core",\n  "Tag": "rust/core_0123456789"\n}\n',
    ],
    [
      '4 spaces, CRLF, no final newline',
      '{\r\n    "AssetsRepo": "Azure/azure-sdk-assets",\r\n    "TagPrefix": "rust/core"\r\n}',
      '{\r\n    "AssetsRepo": "Azure/azure-sdk-assets",\r\n    "TagPrefix": "rust/core",\r\n    "Tag": "rust/core_0123456789"\r\n}',
    ],
    [
      'tabs',
      '{\n\t"AssetsRepo": "Azure/azure-sdk-assets"\n}\n',
      '{\n\t"AssetsRepo": "Azure/azure-sdk-assets",\n\t"Tag": "rust/core_0123456789"\n}\n',
    ],
    [
      'a trailing comma',
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n}\n',
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "Tag": "rust/core_0123456789",\n}\n',
    ],
    [
      'a comment after the last value',
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets" // shared\n}\n',
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets", // shared\n  "Tag": "rust/core_0123456789"\n}\n',
    ],
    [
      'one line, compact',
      '{"AssetsRepo":"Azure/azure-sdk-assets"}',
      '{"AssetsRepo":"Azure/azure-sdk-assets","Tag":"rust/core_0123456789"}',
    ],
    [
      'one line, spaced',
      '{ "AssetsRepo": "Azure/azure-sdk-assets", "TagPrefix": "rust/core" }\n',
      '{ "AssetsRepo": "Azure/azure-sdk-assets", "TagPrefix": "rust/core", "Tag": "rust/core_0123456789" }\n',
    ],
    ['an empty object', '{}\n', '{\n  "Tag": "rust/core_0123456789"\n}\n'],
    [
      'a byte order mark',
      '\ufeff{\n  "AssetsRepo": "Azure/azure-sdk-assets"\n}\n',
      '\ufeff{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "Tag": "rust/core_0123456789"\n}\n',
    ],
  ])('adds a key to a file with %s', (_name, text, expected) => {
    expect(setField(text, 'Tag', 'rust/core_0123456789')).toBe(expected);
  });

  it('refuses a value the field does not allow', () => {
    const error = thrown(() => setField('{"AssetsRepo": "a/b", "Tag": ""}', 'Tag', '--delete', 'sdk/x/assets.json'));
    expect(error.code).toBe('ASSETS_JSON_INVALID');
    expect(error.problems).toEqual([
      {
        file: 'sdk/x/assets.json',
        field: 'Tag',
        message:
          '"Tag" must be a git tag name, or "" when nothing was pushed yet, found string "--delete", which starts with "-"',
        hint: 'set "Tag" to a tag printed by "asset-sync push", or "" if nothing was pushed yet',
      },
    ]);
    expect(thrown(() => setField('{"AssetsRepo": "a/b"}', 'AssetsRepoPrefixPath', '../x')).problems[0]?.message).toBe(
      '"AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "../x", which contains a ".." segment',
    );
  });

  it('refuses to edit text it cannot edit safely', () => {
    const broken = thrown(() => setField('{\n  "AssetsRepo": "a/b"\n  "Tag": ""\n}', 'Tag', 'x', 'sdk/x/assets.json'));
    expect(broken.code).toBe('ASSETS_JSON_INVALID');
    expect(broken.message).toBe('sdk/x/assets.json: cannot edit a file that is not valid JSON');
    expect(broken.problems[0]).toMatchObject({ line: 3, column: 3 });
    expect(thrown(() => setField('[]', 'Tag', 'x')).message).toBe('assets.json: cannot edit a file that is not a JSON object');
    expect(thrown(() => setField('{"Tag": "a", "Tag": "b"}', 'Tag', 'x')).message).toBe(
      'assets.json: cannot set "Tag", which appears 2 times',
    );
    const conflicted = '{\n<<<<<<< HEAD\n  "Tag": "a"\n=======\n  "Tag": "b"\n>>>>>>> main\n}\n';
    expect(thrown(() => setField(conflicted, 'Tag', 'x')).message).toBe(
      'assets.json: cannot edit a file with merge conflict markers',
    );
  });
});

describe('setPin', () => {
  const tagText = '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "TagPrefix": "python/tables",\n  "Tag": "python/tables_26ba55dfd5"\n}\n';
  const branchText = `{\n  "AssetsRepo": "Azure/azure-sdk-for-python-assets",\n  "AssetsRepoBranch": "auto/test",\n  "SHA": "${SHA}"\n}\n`;

  it('writes Tag in the tag dialect and SHA (lowercase) in the branch dialect', () => {
    expect(setPin(tagText, { kind: 'tag', tag: 'python/tables_0123456789' })).toBe(
      tagText.replace('python/tables_26ba55dfd5', 'python/tables_0123456789'),
    );
    expect(setPin(branchText, { kind: 'sha', sha: OTHER_SHA.toUpperCase() })).toBe(branchText.replace(SHA, OTHER_SHA));
  });

  it('adds the pin key when the file has none', () => {
    const text = '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "TagPrefix": "python/tables"\n}\n';
    expect(setPin(text, { kind: 'tag', tag: 'python/tables_0123456789' })).toBe(
      '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "TagPrefix": "python/tables",\n  "Tag": "python/tables_0123456789"\n}\n',
    );
  });

  it('a none pin empties the value, and leaves a file without one alone', () => {
    expect(setPin(tagText, { kind: 'none' })).toBe(tagText.replace('python/tables_26ba55dfd5', ''));
    expect(setPin(branchText, { kind: 'none' })).toBe(branchText.replace(SHA, ''));
    const noSha = '{"AssetsRepo": "a/b", "AssetsRepoBranch": "auto/x"}';
    expect(setPin(noSha, { kind: 'none' })).toBe(noSha);
    expect(pinOf(parsed(setPin(branchText, { kind: 'none' })))).toEqual({ kind: 'none' });
  });

  it('refuses a pin of the other dialect', () => {
    const error = thrown(() => setPin(tagText, { kind: 'sha', sha: SHA }, 'sdk/tables/assets.json'));
    expect(error.code).toBe('ASSETS_JSON_INVALID');
    expect(error.message).toBe(
      'sdk/tables/assets.json: cannot pin a commit ("SHA") in a file written in the tag dialect ("Tag")',
    );
    expect(thrown(() => setPin(branchText, { kind: 'tag', tag: 'x_1' })).message).toBe(
      'assets.json: cannot pin a tag ("Tag") in a file written in the branch dialect ("SHA")',
    );
  });

  it('refuses an invalid pin', () => {
    expect(thrown(() => setPin(branchText, { kind: 'sha', sha: 'abc' })).problems[0]?.message).toBe(
      '"SHA" must be a full 40-character hex commit id, found string "abc", which is not 40 hex digits',
    );
  });
});
