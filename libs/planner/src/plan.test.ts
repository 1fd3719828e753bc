import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { planRestore, testProxyHash, outermostPaths, assetsPathOf, type RestoreRequest, type RepoFacts } from '@asset-sync/planner';

const REPO = 'Azure/azure-sdk-assets';
const sha = (label: string): string => createHash('sha1').update(label).digest('hex');
const C1 = sha('c1');
const C2 = sha('c2');
const C3 = sha('c3');

function request(pkg: string, tag: string, extra: Partial<RestoreRequest> = {}): RestoreRequest {
  return { id: `${pkg}/assets.json`, assetsRepo: REPO, prefix: 'python', packagePath: pkg, pin: { kind: 'tag', tag }, ...extra };
}

/** History: c1 <- c2 <- c3. tables is unchanged from c1 on; storage changed in c3. */
function linearFacts(): RepoFacts {
  return {
    pins: { 'tag:tables_c1': C1, 'tag:storage_c1': C1, 'tag:storage_c3': C3, 'tag:keys_c2': C2 },
    treeAt: {
      [C1]: { 'python/sdk/tables/azure-data-tables': 'T-tables', 'python/sdk/storage/azure-storage-blob': 'T-blob-1', 'python/sdk/keyvault/azure-keyvault-keys': null },
      [C2]: { 'python/sdk/tables/azure-data-tables': 'T-tables', 'python/sdk/storage/azure-storage-blob': 'T-blob-1', 'python/sdk/keyvault/azure-keyvault-keys': 'T-keys' },
      [C3]: { 'python/sdk/tables/azure-data-tables': 'T-tables', 'python/sdk/storage/azure-storage-blob': 'T-blob-3', 'python/sdk/keyvault/azure-keyvault-keys': 'T-keys' },
    },
    ancestorsOf: { [C1]: [], [C2]: [C1], [C3]: [C1, C2] },
  };
}

describe('planRestore (shared layout)', () => {
  it('collapses ancestors whose subtree is identical into one checkout', () => {
    const plan = planRestore({
      requests: [request('sdk/tables/azure-data-tables', 'tables_c1'), request('sdk/keyvault/azure-keyvault-keys', 'keys_c2'), request('sdk/storage/azure-storage-blob', 'storage_c3')],
      facts: { [REPO]: linearFacts() },
    });
    expect(plan.checkouts).toHaveLength(1);
    expect(plan.checkouts[0]).toMatchObject({ commit: C3, dir: `${REPO}/${C3.slice(0, 12)}` });
    expect(plan.checkouts[0]!.serves).toEqual([
      'sdk/keyvault/azure-keyvault-keys/assets.json',
      'sdk/storage/azure-storage-blob/assets.json',
      'sdk/tables/azure-data-tables/assets.json',
    ]);
    const tables = plan.assignments.find((a) => a.id.startsWith('sdk/tables'))!;
    expect(tables.reason).toEqual({ kind: 'ancestor', checkoutCommit: C3, tree: 'T-tables' });
    expect(tables.commit).toBe(C1);
    expect(tables.why).toContain('is an ancestor of');
  });

  it('never serves an ancestor from a later commit where its subtree changed (the unsound-collapse trap)', () => {
    const plan = planRestore({
      requests: [request('sdk/storage/azure-storage-blob', 'storage_c1'), request('sdk/tables/azure-data-tables', 'tables_c1'), request('sdk/keyvault/azure-keyvault-keys', 'keys_c2')],
      facts: { [REPO]: { ...linearFacts(), pins: { ...linearFacts().pins, 'tag:storage_c1': C1 } } },
    });
    // storage pinned at c1 must see T-blob-1. c2 still has it, so c1's requests collapse into c2,
    // but never into c3 (not even a candidate here) where storage changed.
    for (const a of plan.assignments) {
      expect(linearFacts().treeAt[a.commit]![a.path]).toBe(a.tree);
      const checkout = plan.checkouts.find((c) => c.id === a.checkout)!;
      expect(linearFacts().treeAt[checkout.commit]![a.path]).toBe(a.tree);
    }
    expect(plan.checkouts.map((c) => c.commit)).toEqual([C2]);
  });

  it('gives an ancestor whose subtree changed later its own checkout', () => {
    const plan = planRestore({
      requests: [request('sdk/storage/azure-storage-blob', 'storage_c1'), request('sdk/tables/azure-data-tables', 'tables_c1'), { ...request('sdk/storage/azure-storage-blob', 'storage_c3'), id: 'other/sdk/storage/azure-storage-blob/assets.json' }],
      facts: { [REPO]: linearFacts() },
    });
    expect(plan.checkouts.map((c) => c.commit).sort()).toEqual([C1, C3].sort());
    const old = plan.assignments.find((a) => a.id === 'sdk/storage/azure-storage-blob/assets.json')!;
    expect(old).toMatchObject({ commit: C1, tree: 'T-blob-1', reason: { kind: 'own-pin' } });
    expect(plan.checkouts.find((c) => c.id === old.checkout)!.commit).toBe(C1);
    // tables is identical in c1 and c3: it goes with whichever was chosen first (the larger group).
    const tables = plan.assignments.find((a) => a.id.startsWith('sdk/tables'))!;
    expect(['T-tables']).toContain(linearFacts().treeAt[plan.checkouts.find((c) => c.id === tables.checkout)!.commit]![tables.path]);
  });

  it('treats a path absent in both commits as identical (a package with no recordings yet)', () => {
    const plan = planRestore({
      requests: [request('sdk/keyvault/azure-keyvault-keys', 'keys_none', { pin: { kind: 'branch-head', branch: 'main' } }), request('sdk/tables/azure-data-tables', 'tables_c1')],
      facts: { [REPO]: { ...linearFacts(), pins: { 'branch:main': C1, 'tag:tables_c1': C1 } } },
    });
    expect(plan.checkouts).toHaveLength(1);
    expect(plan.assignments.find((a) => a.id.startsWith('sdk/keyvault'))).toMatchObject({ tree: null, commit: C1 });
  });

  it('does not collapse commits that share no identical subtree', () => {
    const facts: RepoFacts = {
      pins: { 'tag:a': C1, 'tag:b': C2 },
      treeAt: { [C1]: { 'python/sdk/a/a': 'A1', 'python/sdk/b/b': 'B1' }, [C2]: { 'python/sdk/a/a': 'A2', 'python/sdk/b/b': 'B2' } },
    };
    const plan = planRestore({ requests: [request('sdk/a/a', 'a'), request('sdk/b/b', 'b')], facts: { [REPO]: facts } });
    expect(plan.checkouts).toHaveLength(2);
    expect(plan.assignments.every((a) => a.reason.kind === 'own-pin')).toBe(true);
  });

  it('collapses non-ancestors with an identical subtree and says so', () => {
    const facts: RepoFacts = {
      pins: { 'tag:a': C1, 'tag:b': C2, 'tag:b2': C2 },
      treeAt: { [C1]: { 'python/sdk/a/a': 'A', 'python/sdk/b/b': 'B', 'python/sdk/c/c': 'C' }, [C2]: { 'python/sdk/a/a': 'A', 'python/sdk/b/b': 'B', 'python/sdk/c/c': 'C' } },
      ancestorsOf: { [C1]: [], [C2]: [] },
    };
    const plan = planRestore({ requests: [request('sdk/a/a', 'a'), request('sdk/b/b', 'b'), request('sdk/c/c', 'b2')], facts: { [REPO]: facts } });
    expect(plan.checkouts).toHaveLength(1);
    const chosen = plan.checkouts[0]!.commit;
    for (const a of plan.assignments) {
      expect(a.reason.kind).toBe(a.commit === chosen ? 'own-pin' : 'identical-subtree');
    }
    expect(plan.assignments.some((a) => a.reason.kind === 'identical-subtree')).toBe(true);
  });

  it('keeps a request with pending changes in its current checkout while that checkout still serves it', () => {
    const current = [{ assetsRepo: REPO, commit: C1, dir: `${REPO}/${C1.slice(0, 12)}`, serves: ['sdk/tables/azure-data-tables/assets.json'], pending: ['sdk/tables/azure-data-tables/assets.json'] }];
    const plan = planRestore({
      requests: [request('sdk/tables/azure-data-tables', 'tables_c1'), request('sdk/storage/azure-storage-blob', 'storage_c3')],
      facts: { [REPO]: linearFacts() },
      current,
    });
    const tables = plan.assignments.find((a) => a.id.startsWith('sdk/tables'))!;
    expect(tables.reason.kind).toBe('pending-changes-kept');
    expect(plan.checkouts.find((c) => c.id === tables.checkout)!.commit).toBe(C1);
  });

  it('reports unresolved pins and passes through known failures, planning the rest', () => {
    const plan = planRestore({
      requests: [request('sdk/tables/azure-data-tables', 'tables_c1'), request('sdk/gone/gone', 'missing_tag'), request('sdk/bad/bad', 'x')],
      facts: { [REPO]: linearFacts() },
      failures: [{ id: 'sdk/bad/bad/assets.json', code: 'ASSETS_JSON_INVALID', message: 'bad' }],
    });
    expect(plan.failures.map((f) => [f.id, f.code])).toEqual([
      ['sdk/bad/bad/assets.json', 'ASSETS_JSON_INVALID'],
      ['sdk/gone/gone/assets.json', 'PIN_NOT_FOUND'],
    ]);
    expect(plan.failures[1]!.message).toContain('Tag missing_tag was not found in Azure/azure-sdk-assets');
    expect(plan.assignments.map((a) => a.id)).toEqual(['sdk/tables/azure-data-tables/assets.json']);
    expect(plan.summary).toEqual({ requests: 3, checkouts: 1, failed: 2, distinctPins: 1 });
  });

  it('plans each assets repo separately', () => {
    const other = 'Azure/azure-sdk-for-python-assets';
    const plan = planRestore({
      requests: [request('sdk/tables/azure-data-tables', 'tables_c1'), request('sdk/x/y', 'x', { assetsRepo: other, prefix: 'recordings', pin: { kind: 'sha', sha: C1 } })],
      facts: { [REPO]: linearFacts(), [other]: { pins: { [`sha:${C1}`]: C1 }, treeAt: { [C1]: { 'recordings/sdk/x/y': 'Y' } } } },
    });
    expect(plan.checkouts.map((c) => c.assetsRepo).sort()).toEqual([REPO, other].sort());
  });

  it('is deterministic whatever the input order', () => {
    const requests = [request('sdk/tables/azure-data-tables', 'tables_c1'), request('sdk/keyvault/azure-keyvault-keys', 'keys_c2'), request('sdk/storage/azure-storage-blob', 'storage_c1')];
    const a = planRestore({ requests, facts: { [REPO]: linearFacts() } });
    const b = planRestore({ requests: [...requests].reverse(), facts: { [REPO]: linearFacts() } });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('keeps nested packages sound: a service-level request and its nested package on different pins', () => {
    const facts: RepoFacts = {
      pins: { 'tag:svc': C1, 'tag:pkg': C2 },
      treeAt: {
        [C1]: { 'rust/sdk/eventhubs': 'S1', 'rust/sdk/eventhubs/azure_messaging_eventhubs': 'P1' },
        [C2]: { 'rust/sdk/eventhubs': 'S2', 'rust/sdk/eventhubs/azure_messaging_eventhubs': 'P2' },
      },
      ancestorsOf: { [C2]: [C1], [C1]: [] },
    };
    const rust = (pkg: string, tag: string): RestoreRequest => ({ ...request(pkg, tag), prefix: 'rust' });
    const plan = planRestore({ requests: [rust('sdk/eventhubs', 'svc'), rust('sdk/eventhubs/azure_messaging_eventhubs', 'pkg')], facts: { [REPO]: facts } });
    expect(plan.checkouts).toHaveLength(2);
    for (const a of plan.assignments) {
      const checkout = plan.checkouts.find((c) => c.id === a.checkout)!;
      expect(facts.treeAt[checkout.commit]![a.path]).toBe(a.tree);
    }
  });

  it('sparse paths keep only the outermost folder of nested ones', () => {
    expect(outermostPaths(['rust/sdk/eventhubs/azure_messaging_eventhubs', 'rust/sdk/eventhubs', 'rust/sdk/keyvault'])).toEqual(['rust/sdk/eventhubs', 'rust/sdk/keyvault']);
    expect(assetsPathOf('recordings/', 'sdk/x')).toBe('recordings/sdk/x');
    expect(assetsPathOf('', 'tools/A/tests/A.Tests')).toBe('tools/A/tests/A.Tests');
  });
});

describe('planRestore (reusing current checkouts)', () => {
  it('serves a single request from an existing checkout at another commit when its subtree is identical there', () => {
    const current = [{ assetsRepo: REPO, commit: C3, dir: `${REPO}/${C3.slice(0, 12)}`, serves: ['sdk/storage/azure-storage-blob/assets.json'], pending: [] }];
    const plan = planRestore({ requests: [request('sdk/tables/azure-data-tables', 'tables_c1')], facts: { [REPO]: linearFacts() }, current });
    expect(plan.checkouts.map((c) => c.commit)).toEqual([C3]);
    expect(plan.assignments[0]!.reason.kind).toBe('ancestor');
  });

  it('does not reuse an existing checkout where the subtree differs', () => {
    const current = [{ assetsRepo: REPO, commit: C3, dir: `${REPO}/${C3.slice(0, 12)}`, serves: [], pending: [] }];
    const plan = planRestore({ requests: [request('sdk/storage/azure-storage-blob', 'storage_c1')], facts: { [REPO]: linearFacts() }, current });
    expect(plan.checkouts.map((c) => c.commit)).toEqual([C1]);
  });
});

describe('planRestore (test-proxy layout)', () => {
  it('gives every assets.json its own checkout named by the proxy hash', () => {
    const plan = planRestore({
      layout: 'test-proxy',
      requests: [request('sdk/tables/azure-data-tables', 'tables_c1'), request('sdk/keyvault/azure-keyvault-keys', 'keys_c2')],
      facts: { [REPO]: linearFacts() },
    });
    expect(plan.checkouts).toHaveLength(2);
    const expected = (path: string): string =>
      [...createHash('sha1').update(`${REPO}${path}`).digest('base64')].filter((c) => /[A-Za-z0-9]/.test(c)).slice(0, 10).join('');
    expect(plan.checkouts.map((c) => c.dir).sort()).toEqual(
      [expected('sdk/tables/azure-data-tables/assets.json'), expected('sdk/keyvault/azure-keyvault-keys/assets.json')].sort(),
    );
    expect(testProxyHash(REPO, 'sdk\\tables\\azure-data-tables\\assets.json')).toBe(expected('sdk/tables/azure-data-tables/assets.json'));
  });
});
