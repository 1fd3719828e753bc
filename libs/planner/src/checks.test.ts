import { describe, expect, it } from 'vitest';
import { escapingSymlinks, nestedBelow, ownerOf, planFetch, testProxyHash, unsafeTreePaths, type RestoreRequest } from '@asset-sync/planner';

const REPO = 'Azure/azure-sdk-assets';
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

const req = (id: string, pin: RestoreRequest['pin']): RestoreRequest => ({ id, assetsRepo: REPO, prefix: 'python', packagePath: id, pin, pinText: '' });

describe('planFetch', () => {
  it('asks once per assets repo for every pin the store cannot resolve, each pin once', () => {
    const plan = planFetch({
      requests: [req('x', { kind: 'tag', tag: 't1' }), req('y', { kind: 'tag', tag: 't1' }), req('z', { kind: 'tag', tag: 't2' }), req('w', { kind: 'tag', tag: 'known' })],
      resolved: { [REPO]: { 'tag:known': A } },
    });
    expect(plan.wants).toEqual({ [REPO]: [{ kind: 'tag', tag: 't1' }, { kind: 'tag', tag: 't2' }] });
    expect(plan.collapsed).toEqual([]);
  });

  it('leaves out SHA pins already in the store history or in the history of another wanted SHA', () => {
    const plan = planFetch({
      requests: [req('old', { kind: 'sha', sha: A }), req('new', { kind: 'sha', sha: B }), req('here', { kind: 'sha', sha: C })],
      resolved: {},
      present: { [REPO]: [C] },
      ancestry: { [REPO]: { [B]: [A] } },
    });
    expect(plan.wants).toEqual({ [REPO]: [{ kind: 'sha', sha: B }] });
    expect(plan.collapsed).toEqual([
      { id: 'here', sha: C, within: 'local history' },
      { id: 'old', sha: A, within: B },
    ]);
  });
});

describe('unsafeTreePaths', () => {
  const file = (path: string, mode = '100644') => ({ path, mode });
  const cases: Array<[string, string, NodeJS.Platform, RegExp | undefined]> = [
    ['python/sdk/x/recordings/ok.json', '100644', 'linux', undefined],
    ['python/sdk/x/.git/config', '100644', 'linux', /"\.git" component/],
    ['python/sdk/x/.GIT/hooks/post-checkout', '100755', 'linux', /"\.git" component/],
    ['python/sdk/x/.git. /config', '100644', 'linux', /"\.git" component/],
    ['python/sdk/x/GIT~1/config', '100644', 'win32', /"\.git" component/],
    ['python/sdk/x/GIT~1/config', '100644', 'linux', undefined],
    [`python/sdk/x/${'n'.repeat(256)}.json`, '100644', 'linux', /256 bytes|261 bytes/],
    [`python/sdk/x/${'é'.repeat(128)}`, '100644', 'linux', /256 bytes/],
    ['python/sdk/x/a:b.json', '100644', 'win32', /Windows forbids/],
    ['python/sdk/x/a:b.json', '100644', 'linux', undefined],
    ['python/sdk/x/con.json', '100644', 'win32', /reserves for a device/],
    ['python/sdk/x/LPT9', '100644', 'win32', /reserves for a device/],
    ['python/sdk/x/console.json', '100644', 'win32', undefined],
    ['python/sdk/x/trailing.', '100644', 'win32', /dot or space/],
    ['python/sdk/x/trailing ', '100644', 'win32', /dot or space/],
    ['python/sdk/x/back\\slash.json', '100644', 'win32', /Windows forbids/],
    ['python/sdk/x/vendor', '160000', 'linux', /submodule/],
  ];
  it.each(cases)('%s (%s, %s)', (path, mode, platform, expected) => {
    const found = unsafeTreePaths([file(path, mode)], { platform });
    if (expected) expect(found).toEqual([{ path, reason: expect.stringMatching(expected) }]);
    else expect(found).toEqual([]);
  });

  it('applies a path length limit over the whole path', () => {
    const deep = `python/${'d/'.repeat(40)}x.json`;
    expect(unsafeTreePaths([file(deep)], { platform: 'win32', maxPathBytes: 60 })[0]?.reason).toMatch(/bytes long; the limit here is 60/);
  });
});

describe('escapingSymlinks', () => {
  it('accepts links inside the package folder and refuses absolute ones and ones that climb out', () => {
    const folder = 'python/sdk/x';
    const found = escapingSymlinks(folder, new Map([
      [`${folder}/recordings/link.json`, '../shared/real.json'],
      [`${folder}/abs`, '/etc/passwd'],
      [`${folder}/win`, 'C:\\Windows\\system.ini'],
      [`${folder}/out`, '../../y/recordings'],
      [`${folder}/sneaky`, 'recordings/../../../x2'],
    ]));
    expect(found.map((f) => f.path)).toEqual([`${folder}/abs`, `${folder}/out`, `${folder}/sneaky`, `${folder}/win`]);
    expect(found[0]!.reason).toMatch(/absolute path/);
    expect(found[1]!.reason).toMatch(/leaves its package folder/);
  });
});

describe('paths', () => {
  const sorted = ['python/sdk/storage', 'python/sdk/storage/blob', 'python/sdk/tables'];
  it('gives a file to the deepest package folder holding it', () => {
    expect(ownerOf('python/sdk/storage/blob/r/a.json', sorted)).toBe('python/sdk/storage/blob');
    expect(ownerOf('python/sdk/storage/common/a.json', sorted)).toBe('python/sdk/storage');
    expect(ownerOf('python/sdk/storage-x/a.json', sorted)).toBeUndefined();
    expect(ownerOf('python/readme.md', sorted)).toBeUndefined();
    expect(ownerOf('anything', ['', 'python'])).toBe('');
  });
  it('lists the nested package folders below a folder', () => {
    expect(nestedBelow('python/sdk/storage', sorted)).toEqual(['python/sdk/storage/blob']);
    expect(nestedBelow('python/sdk/tables', sorted)).toEqual([]);
    expect(nestedBelow('', sorted)).toEqual(sorted);
  });
  it('names test-proxy folders as the proxy does (base64 of SHA-1, letters and digits, 10 of them)', () => {
    expect(testProxyHash(REPO, 'sdk/tables/azure-data-tables/assets.json')).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(testProxyHash(REPO, 'sdk\\tables\\azure-data-tables\\assets.json')).toBe(testProxyHash(REPO, 'sdk/tables/azure-data-tables/assets.json'));
  });
});
