import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, type Problem } from '@asset-sync/errors';
import { parseAssetsJson, pinOf, readAssetsJson, type AssetsJson } from '@asset-sync/assets-json';
import { readFixtureLines } from '../../../test/fixtures/real-world.js';

const FILE = 'sdk/tables/azure-data-tables/assets.json';
const SHA = '3a56979db2720426a3e911240802f2c8765616f5';

function tagFile(fields: Record<string, unknown>): string {
  return JSON.stringify(
    {
      AssetsRepo: 'Azure/azure-sdk-assets',
      AssetsRepoPrefixPath: 'python',
      TagPrefix: 'python/tables/azure-data-tables',
      Tag: 'python/tables/azure-data-tables_2c1f999fe0',
      ...fields,
    },
    null,
    2,
  );
}

function branchFile(fields: Record<string, unknown>): string {
  return JSON.stringify({ AssetsRepo: 'Azure/azure-sdk-for-python-assets', AssetsRepoBranch: 'auto/tables', SHA, ...fields });
}

function parsed(text: string): AssetsJson {
  const result = parseAssetsJson(text, FILE);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

function problemsOf(text: string, file = FILE): Problem[] {
  const result = parseAssetsJson(text, file);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

/** The single problem a text has, as `field: message`. */
function onlyProblem(text: string): string {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  const [problem] = problems;
  return `${problem?.field ?? '(file)'}: ${problem?.message}`;
}

describe('parseAssetsJson on real files', () => {
  const rows = readFixtureLines('assets-json.jsonl').filter((row) => row.raw_text !== undefined);
  const history = readFixtureLines('assets-json-history.jsonl');

  it('reads every real assets.json, current and past, and agrees with its content', () => {
    expect(rows.length).toBe(147);
    expect(history.length).toBe(314);
    for (const row of [...rows, ...history]) {
      const value = parsed(row.raw_text ?? '');
      const content = row.content as Record<string, string>;
      expect(value.raw).toEqual(content);
      expect(value.assetsRepo).toBe(content['AssetsRepo']);
      if (value.dialect === 'tag') {
        expect(value.tag).toBe(content['Tag']);
        expect(value.tagPrefix).toBe(content['TagPrefix']);
        expect(value.prefixPath).toBe(content['AssetsRepoPrefixPath']);
      }
    }
  });

  it('reads the tag dialect as used in production', () => {
    const value = parsed(rows[0]?.raw_text ?? '');
    expect(value).toEqual({
      dialect: 'tag',
      assetsRepo: 'Azure/azure-sdk-assets',
      prefixPath: 'python',
      tagPrefix: 'python/tables',
      tag: 'python/tables_26ba55dfd5',
      fallbackBranch: 'main',
      raw: {
        AssetsRepo: 'Azure/azure-sdk-assets',
        AssetsRepoPrefixPath: 'python',
        TagPrefix: 'python/tables',
        Tag: 'python/tables_26ba55dfd5',
      },
    });
    expect(pinOf(value)).toEqual({ kind: 'tag', tag: 'python/tables_26ba55dfd5' });
  });

  it('reads the 2022 branch dialect and normalizes the trailing slash of its prefix', () => {
    const text =
      '{"AssetsRepo": "Azure/azure-sdk-for-python-assets", "AssetsRepoPrefixPath": "recordings/", "AssetsRepoId": "", "AssetsRepoBranch": "auto/test", "SHA": "3a56979db2720426a3e911240802f2c8765616f5"}';
    const value = parsed(text);
    expect(value).toEqual({
      dialect: 'branch',
      assetsRepo: 'Azure/azure-sdk-for-python-assets',
      prefixPath: 'recordings',
      assetsRepoId: '',
      branch: 'auto/test',
      sha: SHA,
      fallbackBranch: 'main',
      raw: JSON.parse(text),
    });
    expect(pinOf(value)).toEqual({ kind: 'sha', sha: SHA });
    const real = rows.find((row) => row.repo === 'Azure/azure-sdk-tools');
    expect(parsed(real?.raw_text ?? '')).toEqual({ ...value, raw: JSON.parse(real?.raw_text ?? '') });
  });
});

describe('dialects and pins', () => {
  it('an empty Tag pins nothing: the head of the fallback branch', () => {
    const value = parsed(tagFile({ Tag: '' }));
    expect(value.tag).toBe('');
    expect(pinOf(value)).toEqual({ kind: 'none' });
  });

  it('a file without Tag is the tag dialect with no pin', () => {
    const value = parsed('{"AssetsRepo": "Azure/azure-sdk-assets"}');
    expect(value).toEqual({
      dialect: 'tag',
      assetsRepo: 'Azure/azure-sdk-assets',
      prefixPath: '',
      fallbackBranch: 'main',
      raw: { AssetsRepo: 'Azure/azure-sdk-assets' },
    });
    expect(pinOf(value)).toEqual({ kind: 'none' });
  });

  it.each(['SHA', 'AssetsRepoBranch', 'AssetsRepoFallbackBranch', 'AssetsRepoId'])(
    '"%s" makes a file the branch dialect',
    (key) => {
      const value = parsed(JSON.stringify({ AssetsRepo: 'a/b', [key]: key === 'SHA' ? SHA : 'x' }));
      expect(value.dialect).toBe('branch');
    },
  );

  it('in the branch dialect an absent or empty SHA pins nothing, and the fallback branch defaults to main', () => {
    expect(pinOf(parsed('{"AssetsRepo": "a/b", "AssetsRepoBranch": "auto/x"}'))).toEqual({ kind: 'none' });
    const empty = parsed('{"AssetsRepo": "a/b", "SHA": "", "AssetsRepoBranch": ""}');
    expect(pinOf(empty)).toEqual({ kind: 'none' });
    expect(empty.branch).toBeUndefined();
    expect(empty.fallbackBranch).toBe('main');
    expect(parsed(branchFile({ AssetsRepoFallbackBranch: 'develop' })).fallbackBranch).toBe('develop');
  });

  it('lowercases the SHA', () => {
    expect(parsed(branchFile({ SHA: SHA.toUpperCase() })).sha).toBe(SHA);
  });

  it('normalizes the prefix path', () => {
    expect(parsed(tagFile({ AssetsRepoPrefixPath: 'recordings/' })).prefixPath).toBe('recordings');
    expect(parsed(tagFile({ AssetsRepoPrefixPath: './a//b/' })).prefixPath).toBe('a/b');
    expect(parsed(tagFile({ AssetsRepoPrefixPath: '' })).prefixPath).toBe('');
    expect(parsed(tagFile({ AssetsRepoPrefixPath: undefined })).prefixPath).toBe('');
  });

  it('keeps unknown keys in raw', () => {
    const value = parsed(tagFile({ $schema: 'https://example.com/s.json', Notes: { owner: 'tables' } }));
    expect(value.raw['$schema']).toBe('https://example.com/s.json');
    expect(value.raw['Notes']).toEqual({ owner: 'tables' });
  });

  it('keeps "__proto__" as data: it cannot smuggle in a Tag', () => {
    const value = parsed('{"AssetsRepo": "a/b", "__proto__": {"Tag": "-evil"}}');
    expect(value.tag).toBeUndefined();
    expect(pinOf(value)).toEqual({ kind: 'none' });
    expect(Object.hasOwn(value.raw, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value.raw)).toBe(Object.prototype);
  });
});

describe('JSONC', () => {
  it('allows comments and trailing commas', () => {
    const text = [
      '// recordings of azure-data-tables',
      '{',
      '  /* the shared assets repo */',
      '  "AssetsRepo": "Azure/azure-sdk-assets", // owner/name',
      '  "AssetsRepoPrefixPath": "python",',
      '  "TagPrefix": "python/tables",',
      '  "Tag": "python/tables_26ba55dfd5",',
      '}',
      '',
    ].join('\n');
    expect(pinOf(parsed(text))).toEqual({ kind: 'tag', tag: 'python/tables_26ba55dfd5' });
  });

  it('ignores a UTF-8 byte order mark', () => {
    expect(parsed(`\ufeff${tagFile({})}`).assetsRepo).toBe('Azure/azure-sdk-assets');
  });
});

describe('validation messages', () => {
  it('formats as file: message, the example from the conventions', () => {
    const [problem] = problemsOf(tagFile({ Tag: 42 }));
    expect(problem).toEqual({
      file: FILE,
      field: 'Tag',
      message: '"Tag" must be a string, found number 42',
      hint: 'set "Tag" to a tag printed by "asset-sync push", or "" if nothing was pushed yet',
    });
    expect(formatProblem(problem as Problem)).toBe(
      'sdk/tables/azure-data-tables/assets.json: "Tag" must be a string, found number 42',
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['AssetsRepo', { AssetsRepo: undefined }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found nothing'],
    ['AssetsRepo', { AssetsRepo: 42 }, 'AssetsRepo: "AssetsRepo" must be a string, found number 42'],
    ['AssetsRepo', { AssetsRepo: null }, 'AssetsRepo: "AssetsRepo" must be a string, found null'],
    ['AssetsRepo', { AssetsRepo: ['a/b'] }, 'AssetsRepo: "AssetsRepo" must be a string, found an array'],
    ['AssetsRepo', { AssetsRepo: 'Azure' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "Azure", which is not of the form "owner/name"'],
    ['AssetsRepo', { AssetsRepo: 'a/b/c' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "a/b/c", which is not of the form "owner/name"'],
    ['AssetsRepo', { AssetsRepo: '/b' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "/b", which is not of the form "owner/name"'],
    ['AssetsRepo', { AssetsRepo: 'Azure/azure sdk' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "Azure/azure sdk", whose "azure sdk" has characters other than letters, digits, ".", "_" and "-"'],
    ['AssetsRepo', { AssetsRepo: 'Azure/$(touch x)' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "Azure/$(touch x)", whose "$(touch x)" has characters other than letters, digits, ".", "_" and "-"'],
    ['AssetsRepo', { AssetsRepo: '-rf/x' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "-rf/x", whose "-rf" starts with "-"'],
    ['AssetsRepo', { AssetsRepo: 'Azure/--upload-pack' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "Azure/--upload-pack", whose "--upload-pack" starts with "-"'],
    ['AssetsRepo', { AssetsRepo: '../x' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "../x", whose ".." is not a name'],
    ['AssetsRepo', { AssetsRepo: 'Azure/.' }, 'AssetsRepo: "AssetsRepo" must be an assets repo as "owner/name", found string "Azure/.", whose "." is not a name'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: 7 }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a string, found number 7'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: '/etc' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "/etc", which is an absolute path'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: 'C:/recordings' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "C:/recordings", which is an absolute path'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: 'python/../../etc' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "python/../../etc", which contains a ".." segment'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: '..' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "..", which contains a ".." segment'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: 'python\\tables' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "python\\\\tables", which contains "\\" (use "/" between folders)'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: 'py\u0000thon' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "py\\u0000thon", which contains a control character'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: 'py\nthon' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "py\\nthon", which contains a control character'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: '.git/hooks' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string ".git/hooks", which contains a ".git" segment'],
    ['AssetsRepoPrefixPath', { AssetsRepoPrefixPath: '-python' }, 'AssetsRepoPrefixPath: "AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "-python", which starts with "-"'],
    ['TagPrefix', { TagPrefix: false }, 'TagPrefix: "TagPrefix" must be a string, found boolean false'],
    ['TagPrefix', { TagPrefix: 'python/tables/' }, 'TagPrefix: "TagPrefix" must be a git tag name prefix, found string "python/tables/", which ends with "/"'],
    ['TagPrefix', { TagPrefix: '-python' }, 'TagPrefix: "TagPrefix" must be a git tag name prefix, found string "-python", which starts with "-"'],
    ['Tag', { Tag: null }, 'Tag: "Tag" must be a string, found null'],
    ['Tag', { Tag: { name: 'x' } }, 'Tag: "Tag" must be a string, found an object'],
    ['Tag', { Tag: 'python/tables..x' }, 'Tag: "Tag" must be a git tag name, or "" when nothing was pushed yet, found string "python/tables..x", which contains ".."'],
    ['Tag', { Tag: '--delete' }, 'Tag: "Tag" must be a git tag name, or "" when nothing was pushed yet, found string "--delete", which starts with "-"'],
    ['Tag', { Tag: 'python tables' }, 'Tag: "Tag" must be a git tag name, or "" when nothing was pushed yet, found string "python tables", which contains a space'],
    ['Tag', { Tag: 'HEAD@{1}' }, 'Tag: "Tag" must be a git tag name, or "" when nothing was pushed yet, found string "HEAD@{1}", which contains "@{"'],
    ['Tag', { Tag: 'python/tables.lock' }, 'Tag: "Tag" must be a git tag name, or "" when nothing was pushed yet, found string "python/tables.lock", which has a component ending with ".lock" ("tables.lock")'],
  ])('%s: %j', (_field, fields, expected) => {
    expect(onlyProblem(tagFile(fields))).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['SHA', { SHA: 'abc' }, 'SHA: "SHA" must be a full 40-character hex commit id, found string "abc", which is not 40 hex digits'],
    ['SHA', { SHA: 'g'.repeat(40) }, `SHA: "SHA" must be a full 40-character hex commit id, found string "${'g'.repeat(40)}", which is not 40 hex digits`],
    ['SHA', { SHA: 1234 }, 'SHA: "SHA" must be a string, found number 1234'],
    ['AssetsRepoBranch', { AssetsRepoBranch: 'auto/..x' }, 'AssetsRepoBranch: "AssetsRepoBranch" must be a git branch name, found string "auto/..x", which contains ".."'],
    ['AssetsRepoBranch', { AssetsRepoBranch: 'auto/x:y' }, 'AssetsRepoBranch: "AssetsRepoBranch" must be a git branch name, found string "auto/x:y", which contains ":"'],
    ['AssetsRepoFallbackBranch', { AssetsRepoFallbackBranch: '-main' }, 'AssetsRepoFallbackBranch: "AssetsRepoFallbackBranch" must be a git branch name, found string "-main", which starts with "-"'],
    ['AssetsRepoId', { AssetsRepoId: '../x' }, 'AssetsRepoId: "AssetsRepoId" must be a folder name, or "", found string "../x", which has characters other than letters, digits, ".", "_" and "-"'],
    ['AssetsRepoId', { AssetsRepoId: '..' }, 'AssetsRepoId: "AssetsRepoId" must be a folder name, or "", found string "..", which is not a folder name'],
    ['AssetsRepoId', { AssetsRepoId: '-x' }, 'AssetsRepoId: "AssetsRepoId" must be a folder name, or "", found string "-x", which starts with "-"'],
  ])('%s: %j', (_field, fields, expected) => {
    expect(onlyProblem(branchFile(fields))).toBe(expected);
  });

  it('says which keys of the two dialects conflict', () => {
    const problems = problemsOf(tagFile({ AssetsRepoBranch: 'auto/tables', SHA }));
    expect(problems).toEqual([
      {
        file: FILE,
        field: 'AssetsRepoBranch',
        message: '"TagPrefix", "Tag" (tag dialect) cannot be used together with "AssetsRepoBranch", "SHA" (branch dialect)',
        hint: 'keep either "TagPrefix", "Tag" or "AssetsRepoBranch", "SHA", not both',
      },
    ]);
    expect(onlyProblem('{"AssetsRepo": "a/b", "Tag": "", "AssetsRepoId": "x"}')).toBe(
      'AssetsRepoId: "Tag" (tag dialect) cannot be used together with "AssetsRepoId" (branch dialect)',
    );
  });

  it('flags a known key written in the wrong case', () => {
    expect(problemsOf('{"AssetsRepo": "a/b", "tag": "python/tables_26ba55dfd5"}')).toEqual([
      {
        file: FILE,
        field: 'tag',
        message: '"tag" is not an assets.json key (keys are case-sensitive)',
        hint: 'did you mean "Tag"?',
      },
    ]);
    expect(problemsOf('{"assetsrepo": "a/b"}')).toEqual([
      {
        file: FILE,
        field: 'assetsrepo',
        message: '"assetsrepo" is not an assets.json key (keys are case-sensitive)',
        hint: 'did you mean "AssetsRepo"?',
      },
      {
        file: FILE,
        field: 'AssetsRepo',
        message: '"AssetsRepo" must be an assets repo as "owner/name", found nothing',
        hint: 'did you mean "AssetsRepo" instead of "assetsrepo"?',
      },
    ]);
  });

  it('suggests the misspelt key when AssetsRepo is missing', () => {
    expect(problemsOf('{"AssetRepo": "a/b"}')[0]?.hint).toBe('did you mean "AssetsRepo" instead of "AssetRepo"?');
    expect(problemsOf('{"Tag": ""}')[0]?.hint).toBe(
      'set "AssetsRepo" to the assets repo as "owner/name", e.g. "Azure/azure-sdk-assets"',
    );
  });

  it('refuses a key written twice', () => {
    expect(problemsOf('{"AssetsRepo": "a/b", "Tag": "x_1", "Tag": "x_2"}')).toEqual([
      { file: FILE, field: 'Tag', message: '"Tag" appears 2 times', hint: 'keep one "Tag"' },
    ]);
  });

  it('reports every problem at once, in the order of the file', () => {
    const text = '{"Tag": 42, "AssetsRepoPrefixPath": "/abs", "TagPrefix": "-p", "tagprefix": "x"}';
    expect(problemsOf(text).map((problem) => problem.field)).toEqual([
      'Tag',
      'AssetsRepoPrefixPath',
      'TagPrefix',
      'tagprefix',
      'AssetsRepo',
    ]);
  });

  it.each<[string, string, string]>([
    ['an empty file', '', 'the file must be a JSON object with at least "AssetsRepo", found an empty file'],
    ['whitespace', ' \n\t\r\n', 'the file must be a JSON object with at least "AssetsRepo", found only whitespace'],
    ['{}', '{}\n', 'the file must be a JSON object with at least "AssetsRepo", found an empty object'],
    ['an array', '[{"AssetsRepo": "a/b"}]', 'the file must be a JSON object with at least "AssetsRepo", found an array'],
    ['a string', '"Azure/azure-sdk-assets"', 'the file must be a JSON object with at least "AssetsRepo", found string "Azure/azure-sdk-assets"'],
    ['a number', '42', 'the file must be a JSON object with at least "AssetsRepo", found number 42'],
    ['null', 'null', 'the file must be a JSON object with at least "AssetsRepo", found null'],
  ])('refuses %s as a whole', (_name, text, message) => {
    expect(problemsOf(text)).toEqual([
      {
        file: FILE,
        message,
        hint: 'write {"AssetsRepo": "Azure/azure-sdk-assets", "AssetsRepoPrefixPath": "...", "TagPrefix": "...", "Tag": ""}, or run asset-sync init',
      },
    ]);
  });

  it.each<[string, string, number, number, string]>([
    ['a missing comma', '{\n  "AssetsRepo": "a/b"\n  "Tag": ""\n}\n', 3, 3, 'a comma is expected'],
    ['a missing closing brace', '{\n  "AssetsRepo": "a/b"\n', 3, 1, 'a closing brace "}" is expected'],
    ['a missing colon', '{\r\n  "AssetsRepo" "a/b"\r\n}', 2, 16, 'a colon is expected'],
    ['an unclosed string', '{"AssetsRepo": "a/b}', 1, 16, 'a string is not closed'],
    ['single quotes', "{'AssetsRepo': 'a/b'}", 1, 2, 'unexpected character'],
    ['text after the object', '{"AssetsRepo": "a/b"} x', 1, 23, 'unexpected character'],
    ['not JSON at all', 'AssetsRepo = a/b', 1, 1, 'unexpected character'],
  ])('refuses %s with its line and column', (_name, text, line, column, what) => {
    expect(problemsOf(text)).toEqual([
      {
        file: FILE,
        message: `not valid JSON: ${what} (line ${line}, column ${column})`,
        hint: 'fix the JSON syntax; comments and trailing commas are allowed',
        line,
        column,
      },
    ]);
  });

  it('sends a conflicted file to asset-sync resolve', () => {
    const text = [
      '{',
      '  "AssetsRepo": "Azure/azure-sdk-assets",',
      '  "AssetsRepoPrefixPath": "python",',
      '  "TagPrefix": "python/tables/azure-data-tables",',
      '<<<<<<< HEAD',
      '  "Tag": "python/tables/azure-data-tables_2c1f999fe0"',
      '=======',
      '  "Tag": "python/tables/azure-data-tables_8d0f5f5a61"',
      '>>>>>>> feature',
      '}',
      '',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      {
        file: FILE,
        message: 'the file has unresolved merge conflict markers (line 5)',
        hint: 'run asset-sync resolve sdk/tables/azure-data-tables',
        line: 5,
        column: 1,
      },
    ]);
    expect(problemsOf(text, 'assets.json')[0]?.hint).toBe('run asset-sync resolve .');
  });
});

describe('readAssetsJson', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'asset-sync-assets-json-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and returns its text', async () => {
    const text = tagFile({});
    await writeFile(join(dir, 'assets.json'), text);
    const result = await readAssetsJson(join(dir, 'assets.json'), 'assets.json');
    expect(result.ok).toBe(true);
    expect(result.text).toBe(text);
  });

  it('turns a file that cannot be read into a problem', async () => {
    expect(await readAssetsJson(join(dir, 'missing.json'), 'sdk/x/assets.json')).toEqual({
      ok: false,
      problems: [
        { file: 'sdk/x/assets.json', message: 'the file does not exist', hint: 'check the path and its permissions' },
      ],
    });
    await mkdir(join(dir, 'folder'));
    const folder = await readAssetsJson(join(dir, 'folder'), 'folder');
    expect(folder.ok ? [] : folder.problems.map((problem) => problem.message)).toEqual([
      'the file is a directory; asset-sync reads only regular assets.json files',
    ]);
    await writeFile(join(dir, 'huge.json'), ' '.repeat(1024 * 1024 + 1));
    const huge = await readAssetsJson(join(dir, 'huge.json'), 'huge.json');
    expect(huge.ok ? [] : huge.problems.map((problem) => problem.message)).toEqual([
      'the file is 1048577 bytes; an assets.json is a few lines',
    ]);
  });

  it('returns the problems and the text of an invalid file', async () => {
    await writeFile(join(dir, 'bad.json'), '{"AssetsRepo": 1}');
    const result = await readAssetsJson(join(dir, 'bad.json'), 'bad.json');
    expect(result).toEqual({
      ok: false,
      text: '{"AssetsRepo": 1}',
      problems: [
        {
          file: 'bad.json',
          field: 'AssetsRepo',
          message: '"AssetsRepo" must be a string, found number 1',
          hint: 'set "AssetsRepo" to the assets repo as "owner/name", e.g. "Azure/azure-sdk-assets"',
        },
      ],
    });
  });
});
