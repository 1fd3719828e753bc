import { describe, expect, it } from 'vitest';
import { formatBreadcrumb, parseBreadcrumb, planFetch, strayProxyBranches, testProxySparsePatterns, updateBreadcrumb, type RestoreRequest } from '@asset-sync/planner';

const REPO = 'Azure/azure-sdk-assets';
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const line = (path: string, tag: string, hash = 'Hash012345') => ({ path, hash, tag });

describe('test-proxy sparse patterns', () => {
  it('are the package folder, every eng/ folder and every .gitignore, as the proxy sets them', () => {
    expect(testProxySparsePatterns('python/sdk/tables/azure-data-tables')).toEqual(['python/sdk/tables/azure-data-tables', 'eng/', '.gitignore']);
  });
  it('cover the whole commit for a package at the root of the assets repo', () => {
    expect(testProxySparsePatterns('')).toEqual(['/*', 'eng/', '.gitignore']);
  });
});

describe('breadcrumbs', () => {
  it('read what the proxy writes: a BOM, CRLF or LF line ends, padded fields, an empty Tag', () => {
    const text = '\uFEFFsdk/a/assets.json;HashAAAAAA;python/a_1234567890\r\n sdk/b/assets.json ; HashBBBBBB ;\r\n';
    expect(parseBreadcrumb(text)).toEqual({ lines: [line('sdk/a/assets.json', 'python/a_1234567890', 'HashAAAAAA'), line('sdk/b/assets.json', '', 'HashBBBBBB')], problems: [] });
    expect(parseBreadcrumb('sdk/a/assets.json;H;t').lines).toEqual([line('sdk/a/assets.json', 't', 'H')]);
  });

  it('report blank lines, malformed lines and a second line for one assets.json (each makes the proxy answer 400)', () => {
    const parsed = parseBreadcrumb('sdk/a/assets.json;H;old\n\nnonsense\nsdk/a/assets.json;H;new\n');
    expect(parsed.lines).toEqual([line('sdk/a/assets.json', 'new', 'H')]);
    expect(parsed.problems).toEqual(['line 2: blank', 'line 3: not <assets.json>;<hash>;<tag>: "nonsense"', 'line 4: a second line for sdk/a/assets.json']);
  });

  it('are written one ended line per assets.json, without a BOM', () => {
    expect(formatBreadcrumb([line('sdk/a/assets.json', 't1'), line('sdk/b/assets.json', '')])).toBe('sdk/a/assets.json;Hash012345;t1\nsdk/b/assets.json;Hash012345;\n');
  });

  it('are left alone when they already say the same, in whatever encoding the proxy wrote them', () => {
    expect(updateBreadcrumb('\uFEFFsdk/a/assets.json;Hash012345;t1\r\n', 'sdk/a/assets.json', line('sdk/a/assets.json', 't1'))).toBeUndefined();
    expect(updateBreadcrumb(undefined, 'sdk/a/assets.json', null)).toBeUndefined();
  });

  it('change only the line of the assets.json, keep the others, and repair what the proxy could not read', () => {
    const current = '\uFEFFsdk/a/assets.json;Hash012345;t1\r\nsdk/other/assets.json;Hash012345;t9\r\n';
    expect(updateBreadcrumb(current, 'sdk/a/assets.json', line('sdk/a/assets.json', 't2'))).toBe('sdk/other/assets.json;Hash012345;t9\nsdk/a/assets.json;Hash012345;t2\n');
    expect(updateBreadcrumb('sdk/a/assets.json;Hash012345;t1\n\n', 'sdk/a/assets.json', line('sdk/a/assets.json', 't1'))).toBe('sdk/a/assets.json;Hash012345;t1\n');
    expect(updateBreadcrumb(undefined, 'sdk/a/assets.json', line('sdk/a/assets.json', 't1'))).toBe('sdk/a/assets.json;Hash012345;t1\n');
  });

  it('lose the line of a removed package, and are empty when it was the only one', () => {
    expect(updateBreadcrumb('sdk/a/assets.json;Hash012345;t1\n', 'sdk/a/assets.json', null)).toBe('');
    expect(updateBreadcrumb('sdk/a/assets.json;H;t1\nsdk/b/assets.json;H;t2\n', 'sdk/a/assets.json', null)).toBe('sdk/b/assets.json;H;t2\n');
  });
});

describe('stray proxy branches', () => {
  it('are the proxy push branches that no folder has checked out and whose commit a tag names', () => {
    const branches = [
      { name: '1a2b3c4d', commit: A },
      { name: 'deadbeef', commit: A },
      { name: '0badf00d', commit: B },
      { name: 'main', commit: A },
      { name: 'feature1', commit: A },
    ];
    expect(strayProxyBranches({ branches, checkedOut: ['deadbeef'], published: [A] })).toEqual(['1a2b3c4d']);
  });
});

describe('planFetch for the test-proxy layout', () => {
  const req = (id: string, tag: string): RestoreRequest => ({ id, assetsRepo: REPO, prefix: 'python', packagePath: id, pin: { kind: 'tag', tag }, pinText: tag });

  it('asks for a branch the store lacks in the same request as the pins', () => {
    const plan = planFetch({ requests: [req('x', 't1')], resolved: {}, branches: { [REPO]: ['main'] } });
    expect(plan.wants).toEqual({ [REPO]: [{ kind: 'tag', tag: 't1' }, { kind: 'branch-head', branch: 'main' }] });
  });

  it('asks for the branch alone when every pin is known, and never twice', () => {
    expect(planFetch({ requests: [req('x', 't1')], resolved: { [REPO]: { 'tag:t1': A } }, branches: { [REPO]: ['main'] } }).wants).toEqual({ [REPO]: [{ kind: 'branch-head', branch: 'main' }] });
    const empty: RestoreRequest = { ...req('y', ''), pin: { kind: 'branch-head', branch: 'main' } };
    expect(planFetch({ requests: [empty], resolved: {}, branches: { [REPO]: ['main'] } }).wants).toEqual({ [REPO]: [{ kind: 'branch-head', branch: 'main' }] });
  });
});
