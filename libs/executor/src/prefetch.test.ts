import { describe, expect, it } from 'vitest';
import type { PinFact, RestoreRequest, RestoredPackage } from '@asset-sync/planner';
import { countPrefetched, prefetchFolders, type Prefetch } from './prefetch.js';

const request = (packagePath: string, prefix = 'python'): RestoreRequest => ({
  id: `${packagePath}/assets.json`,
  assetsRepo: 'Azure/azure-sdk-assets',
  prefix,
  packagePath,
  pin: { kind: 'tag', tag: `python/${packagePath}_0000000001` },
  pinText: `python/${packagePath}_0000000001`,
});
const resolved = (tree: string | null): PinFact => ({ kind: 'resolved', commit: 'c'.repeat(40), tree });
const factsOf = (pairs: Array<[RestoreRequest, PinFact]>): Record<string, PinFact> => Object.fromEntries(pairs.map(([r, f]) => [r.id, f]));

describe('prefetchFolders: what a new store fetches whole while gather checks the trees', () => {
  it('takes every resolved folder once, and leaves out empty pins, failures, restored trees and fallback-served pins', () => {
    const [a, b, c, d, e, f] = ['sdk/a/pkg-a', 'sdk/b/pkg-b', 'sdk/c/pkg-c', 'sdk/d/pkg-d', 'sdk/e/pkg-e', 'sdk/f/pkg-f'].map((p) => request(p));
    const facts = factsOf([
      [a!, resolved('tree-a')],
      [b!, resolved('tree-shared')],
      [c!, resolved('tree-shared')],
      [d!, resolved(null)],
      [e!, { kind: 'failed', failure: { id: e!.id, code: 'PIN_NOT_FOUND', message: 'no such tag', hint: '' } } as PinFact],
      [f!, resolved('tree-f')],
    ]);
    const restored = [{ tree: 'tree-a' } as RestoredPackage];
    const servedBy = { [f!.id]: { name: 'fork', url: 'git://fork' } } as never;
    expect(prefetchFolders([a!, b!, c!, d!, e!, f!], facts, restored, servedBy)).toEqual([{ tree: 'tree-shared', excluded: [] }]);
  });

  it('leaves out of a service-level pin the folders of the packages nested in it, and nothing of a sibling that only shares a prefix', () => {
    const outer = request('sdk/storage');
    const inner = request('sdk/storage/azure-storage-blob');
    const deeper = request('sdk/storage/azure-storage-queue/sub');
    const sibling = request('sdk/storage-extra');
    const facts = factsOf([
      [outer, resolved('tree-outer')],
      [inner, resolved('tree-inner')],
      [deeper, resolved('tree-deeper')],
      [sibling, resolved('tree-sibling')],
    ]);
    const folders = prefetchFolders([sibling, deeper, outer, inner], facts, [], {});
    expect(folders).toEqual([
      { tree: 'tree-deeper', excluded: [] },
      { tree: 'tree-inner', excluded: [] },
      { tree: 'tree-outer', excluded: ['azure-storage-blob', 'azure-storage-queue/sub'] },
      { tree: 'tree-sibling', excluded: [] },
    ]);
  });

  it('nests by the folder in the assets repo: the same package path under another prefix is not nested', () => {
    const outer = request('sdk/storage', 'python');
    const other = request('sdk/storage/azure-storage-blob', 'js');
    const folders = prefetchFolders([outer, other], factsOf([[outer, resolved('t1')], [other, resolved('t2')]]), [], {});
    expect(folders).toEqual([
      { tree: 't1', excluded: [] },
      { tree: 't2', excluded: [] },
    ]);
  });

  it('asks for what either of two paths pinning the same tree checks out', () => {
    const plain = request('sdk/one');
    const outer = request('sdk/two');
    const inner = request('sdk/two/nested');
    const folders = prefetchFolders([plain, outer, inner], factsOf([[plain, resolved('same')], [outer, resolved('same')], [inner, resolved('t-inner')]]), [], {});
    expect(folders).toEqual([
      { tree: 'same', excluded: [] },
      { tree: 't-inner', excluded: [] },
    ]);
  });
});

describe('countPrefetched', () => {
  it('counts the distinct blobs below each folder, without excluded folders or submodule links', () => {
    const prefetch: Prefetch = { folders: [{ tree: 'outer', excluded: ['inner'] }, { tree: 'other', excluded: [] }], done: Promise.resolve(undefined), objects: 0 };
    const listings = new Map([
      [
        'outer',
        [
          { path: 'a.json', mode: '100644', oid: 'b1' },
          { path: 'inner/b.json', mode: '100644', oid: 'b2' },
          { path: 'inner-not/c.json', mode: '100644', oid: 'b3' },
          { path: 'module', mode: '160000', oid: 'c1' },
        ],
      ],
      ['other', [{ path: 'd.json', mode: '100644', oid: 'b1' }]],
    ]);
    countPrefetched(new Map([['repo', prefetch]]), listings);
    expect(prefetch.objects).toBe(2);
  });
});
