import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  planRestore,
  testProxyHash,
  type CheckoutFacts,
  type PinFact,
  type PlanInput,
  type RestoredPackage,
  type RestoreRequest,
} from '@asset-sync/planner';

const REPO = 'Azure/azure-sdk-assets';
const sha = (label: string): string => createHash('sha1').update(label).digest('hex');

function request(pkg: string, tag: string, extra: Partial<RestoreRequest> = {}): RestoreRequest {
  return { id: `${pkg}/assets.json`, assetsRepo: REPO, prefix: 'python', packagePath: pkg, pin: { kind: 'tag', tag }, pinText: tag, ...extra };
}

const resolved = (label: string, tree: string | null = `T-${label}`): PinFact => ({ kind: 'resolved', commit: sha(label), tree });

function restoredAs(r: RestoreRequest, label: string, tree: string | null = `T-${label}`, checkout = REPO): RestoredPackage {
  return { id: r.id, assetsRepo: r.assetsRepo, path: `${r.prefix}/${r.packagePath}`, prefix: r.prefix, pin: r.pin, pinText: r.pinText, commit: sha(label), tree, checkout };
}

const present = (dir = REPO, strays: string[] = []): CheckoutFacts => ({ dir, assetsRepo: REPO, condition: 'present', strays });

const TABLES = request('sdk/tables/azure-data-tables', 'tables_1');
const BLOB = request('sdk/storage/azure-storage-blob', 'blob_1');
const KEYS = request('sdk/keyvault/azure-keyvault-keys', '');

function base(): PlanInput {
  return {
    layout: 'shared',
    requests: [TABLES, BLOB, KEYS],
    facts: { [TABLES.id]: resolved('tables-1'), [BLOB.id]: resolved('blob-1'), [KEYS.id]: resolved('main', null) },
    scope: 'all',
  };
}

const restoredAll = (): RestoredPackage[] => [restoredAs(TABLES, 'tables-1'), restoredAs(BLOB, 'blob-1'), restoredAs(KEYS, 'main', null)];

describe('planRestore, shared layout', () => {
  it('puts every package of an assets repo into one checkout, each at its own pin', () => {
    const plan = planRestore(base());
    expect(plan.checkouts).toHaveLength(1);
    const [checkout] = plan.checkouts;
    expect(checkout).toMatchObject({ dir: REPO, action: 'create', assetsRepo: REPO });
    expect(checkout!.grafts).toEqual([
      { id: KEYS.id, path: 'python/sdk/keyvault/azure-keyvault-keys', tree: null },
      { id: BLOB.id, path: 'python/sdk/storage/azure-storage-blob', tree: 'T-blob-1' },
      { id: TABLES.id, path: 'python/sdk/tables/azure-data-tables', tree: 'T-tables-1' },
    ]);
    // A package with no recordings yet has nothing to write.
    expect(checkout!.changing).toEqual([BLOB.id, TABLES.id]);
    expect(plan.packages.map((p) => p.action)).toEqual(['add', 'add', 'add']);
    expect(plan.summary).toMatchObject({ requests: 3, checkouts: 1, changing: 3, failed: 0, distinctCommits: 3 });
  });

  it('changes nothing when every package is restored at its pin', () => {
    const plan = planRestore({ ...base(), restored: restoredAll(), checkouts: [present()] });
    expect(plan.packages.map((p) => p.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(plan.checkouts[0]).toMatchObject({ action: 'unchanged', changing: [] });
  });

  it('moves only the package whose tree changed, not the ones whose pin text changed alone', () => {
    const input = base();
    const tables2 = request('sdk/tables/azure-data-tables', 'tables_2');
    const blobRepinned = request('sdk/storage/azure-storage-blob', 'blob_merged');
    input.requests = [tables2, blobRepinned, KEYS];
    input.facts = { [tables2.id]: resolved('tables-2'), [blobRepinned.id]: { kind: 'resolved', commit: sha('merged'), tree: 'T-blob-1' }, [KEYS.id]: resolved('main', null) };
    const plan = planRestore({ ...input, restored: restoredAll(), checkouts: [present()] });
    expect(plan.checkouts[0]).toMatchObject({ action: 'update', changing: [tables2.id] });
    const blob = plan.packages.find((p) => p.id === BLOB.id)!;
    expect(blob).toMatchObject({ action: 'unchanged', commit: sha('merged'), pinText: 'blob_merged' });
    expect(plan.packages.find((p) => p.id === TABLES.id)).toMatchObject({ action: 'update', tree: 'T-tables-2', previousTree: 'T-tables-1' });
  });

  it('blocks only the package with pending changes whose pin moved; the others proceed', () => {
    const input = base();
    const tables2 = request('sdk/tables/azure-data-tables', 'tables_2');
    const blob2 = request('sdk/storage/azure-storage-blob', 'blob_2');
    input.requests = [tables2, blob2, KEYS];
    input.facts = { [tables2.id]: resolved('tables-2'), [blob2.id]: resolved('blob-2'), [KEYS.id]: resolved('main', null) };
    const pending = { [TABLES.id]: { added: [], modified: ['python/sdk/tables/azure-data-tables/recordings/a.json'], deleted: [] } };
    const plan = planRestore({ ...input, restored: restoredAll(), checkouts: [present()], pending });
    const tables = plan.packages.find((p) => p.id === TABLES.id)!;
    // Recorded at the pin it has, not the one it asked for: the next run must still see the move.
    expect(tables).toMatchObject({ action: 'blocked', tree: 'T-tables-1', commit: sha('tables-1'), pinText: 'tables_1', pending: pending[TABLES.id] });
    expect(tables.why).toContain('pending changes');
    expect(plan.checkouts[0]!.changing).toEqual([blob2.id]);
    expect(plan.checkouts[0]!.grafts.find((g) => g.id === TABLES.id)?.tree).toBe('T-tables-1');

    const forced = planRestore({ ...input, restored: restoredAll(), checkouts: [present()], pending, force: true });
    expect(forced.packages.find((p) => p.id === TABLES.id)).toMatchObject({ action: 'update', discard: true, tree: 'T-tables-2' });
    expect(forced.checkouts[0]).toMatchObject({ changing: [blob2.id, tables2.id], discard: [tables2.id] });
  });

  it('keeps pending changes of a package whose content does not change, and says so', () => {
    const pending = { [BLOB.id]: { added: ['python/sdk/storage/azure-storage-blob/new.json'], modified: [], deleted: [] } };
    const plan = planRestore({ ...base(), restored: restoredAll(), checkouts: [present()], pending });
    expect(plan.packages.find((p) => p.id === BLOB.id)).toMatchObject({ action: 'unchanged', pending: pending[BLOB.id] });
    expect(plan.checkouts[0]!.changing).toEqual([]);
  });

  it('does not block a new package with no recordings yet on files already recorded into its folder', () => {
    const pending = { [KEYS.id]: { added: ['python/sdk/keyvault/azure-keyvault-keys/first.json'], modified: [], deleted: [] } };
    const plan = planRestore({ ...base(), pending });
    expect(plan.packages.find((p) => p.id === KEYS.id)).toMatchObject({ action: 'add', pending: pending[KEYS.id] });
  });

  it('removes packages no assets.json names any more only with --all, and never with pending changes', () => {
    const onlyTables = { ...base(), requests: [TABLES], facts: { [TABLES.id]: resolved('tables-1') }, restored: restoredAll(), checkouts: [present()] };
    const all = planRestore(onlyTables);
    expect(all.packages.map((p) => [p.id, p.action])).toEqual([
      [KEYS.id, 'remove'],
      [BLOB.id, 'remove'],
      [TABLES.id, 'unchanged'],
    ]);
    // KEYS had no recordings: removing it writes nothing.
    expect(all.checkouts[0]).toMatchObject({ action: 'update', changing: [BLOB.id] });

    const subset = planRestore({ ...onlyTables, scope: 'subset' });
    expect(subset.packages.map((p) => p.action)).toEqual(['keep', 'keep', 'unchanged']);
    expect(subset.checkouts[0]!.grafts).toHaveLength(3);

    const pending = { [BLOB.id]: { added: [], modified: [], deleted: ['python/sdk/storage/azure-storage-blob/x.json'] } };
    const kept = planRestore({ ...onlyTables, pending });
    expect(kept.packages.find((p) => p.id === BLOB.id)).toMatchObject({ action: 'keep', pending: pending[BLOB.id] });
    expect(kept.packages.find((p) => p.id === BLOB.id)!.why).toContain('pending changes');
  });

  it('removes a checkout only when nothing is left in it, not even a stray file', () => {
    const none = { ...base(), requests: [], facts: {}, restored: restoredAll() };
    expect(planRestore({ ...none, checkouts: [present()] }).checkouts[0]).toMatchObject({ action: 'remove', grafts: [] });
    expect(planRestore({ ...none, checkouts: [present(REPO, ['python/notes.txt'])] }).checkouts[0]).toMatchObject({ action: 'update' });
  });

  it('fails a package alone and keeps its folder at the pin it had', () => {
    const input = base();
    input.facts[TABLES.id] = { kind: 'failed', failure: { id: TABLES.id, code: 'PIN_NOT_FOUND', message: 'Tag tables_1 does not exist' } };
    const plan = planRestore({ ...input, restored: restoredAll(), checkouts: [present()] });
    expect(plan.packages.find((p) => p.id === TABLES.id)).toMatchObject({ action: 'failed', tree: 'T-tables-1', failure: { code: 'PIN_NOT_FOUND' } });
    expect(plan.checkouts[0]!.grafts.map((g) => g.id)).toContain(TABLES.id);
    expect(plan.failures.map((f) => f.id)).toEqual([TABLES.id]);
    expect(plan.summary.failed).toBe(1);
  });

  it('lists an invalid assets.json (no request) as failed, and does not remove its restored folder', () => {
    const failure = { id: BLOB.id, code: 'ASSETS_JSON_INVALID', message: 'Tag: expected a string, found 42' };
    const plan = planRestore({ ...base(), requests: [TABLES, KEYS], failures: [failure], restored: restoredAll(), checkouts: [present()] });
    expect(plan.packages.find((p) => p.id === BLOB.id)).toMatchObject({ action: 'failed', tree: 'T-blob-1' });
  });

  it('grafts nested packages outer first, so the inner pin replaces the outer copy of its folder', () => {
    const service = request('sdk/storage', 'storage_1');
    const inner = request('sdk/storage/azure-storage-blob', 'blob_1');
    const plan = planRestore({ layout: 'shared', scope: 'all', requests: [inner, service], facts: { [service.id]: resolved('storage-1'), [inner.id]: resolved('blob-1') } });
    expect(plan.checkouts[0]!.grafts.map((g) => g.path)).toEqual(['python/sdk/storage', 'python/sdk/storage/azure-storage-blob']);
  });

  it('treats packages recorded in a checkout that is gone, or unknown, as not restored', () => {
    const gone: CheckoutFacts = { dir: REPO, assetsRepo: REPO, condition: 'absent', strays: [] };
    const plan = planRestore({ ...base(), restored: restoredAll(), checkouts: [gone] });
    expect(plan.checkouts[0]).toMatchObject({ action: 'create' });
    expect(plan.packages.map((p) => p.action)).toEqual(['add', 'add', 'add']);
    const unknown = planRestore({ ...base(), restored: restoredAll() });
    expect(unknown.packages.map((p) => p.action)).toEqual(['add', 'add', 'add']);
    const duplicated = planRestore({ ...base(), restored: [...restoredAll(), restoredAs(TABLES, 'other')], checkouts: [present()] });
    expect(duplicated.packages.find((p) => p.id === TABLES.id)?.action).toBe('unchanged');
  });

  it('rebuilds broken git metadata in place', () => {
    const broken: CheckoutFacts = { dir: REPO, assetsRepo: REPO, condition: 'broken', strays: [] };
    expect(planRestore({ ...base(), restored: restoredAll(), checkouts: [broken] }).checkouts[0]!.action).toBe('repair');
  });

  it('leaves a package alone while its push has not written the pin yet', () => {
    const input = base();
    input.facts[TABLES.id] = resolved('tables-0');
    const plan = planRestore({ ...input, restored: restoredAll(), checkouts: [present()], pushInProgress: [TABLES.id] });
    expect(plan.packages.find((p) => p.id === TABLES.id)).toMatchObject({ action: 'blocked', tree: 'T-tables-1' });
    expect(plan.packages.find((p) => p.id === TABLES.id)!.why).toContain('asset-sync push');
  });

  it('moves a package whose AssetsRepo changed out of the old checkout and into the new one', () => {
    const moved = request('sdk/tables/azure-data-tables', 'tables_1', { assetsRepo: 'Azure/other-assets' });
    const plan = planRestore({ ...base(), requests: [moved, BLOB, KEYS], facts: { ...base().facts, [moved.id]: resolved('tables-1') }, restored: restoredAll(), checkouts: [present()] });
    expect(plan.checkouts.map((c) => [c.dir, c.action, c.changing])).toEqual([
      [REPO, 'update', [TABLES.id]],
      ['Azure/other-assets', 'create', [TABLES.id]],
    ]);
  });
});

describe('planRestore, test-proxy layout', () => {
  it('gives each assets.json its own checkout at its pin, named as the proxy names it', () => {
    const plan = planRestore({ ...base(), layout: 'test-proxy' });
    expect(plan.checkouts.map((c) => c.dir).sort()).toEqual([TABLES, BLOB, KEYS].map((r) => testProxyHash(REPO, r.id)).sort());
    const tables = plan.checkouts.find((c) => c.dir === testProxyHash(REPO, TABLES.id))!;
    expect(tables).toMatchObject({ action: 'create', commit: sha('tables-1'), sparse: ['python/sdk/tables/azure-data-tables'], changing: [TABLES.id] });
  });

  it('moves a checkout when its commit changes, even with the same folder', () => {
    const dir = testProxyHash(REPO, TABLES.id);
    const plan = planRestore({
      layout: 'test-proxy',
      scope: 'subset',
      requests: [TABLES],
      facts: { [TABLES.id]: { kind: 'resolved', commit: sha('later'), tree: 'T-tables-1' } },
      restored: [restoredAs(TABLES, 'tables-1', 'T-tables-1', dir)],
      checkouts: [present(dir)],
    });
    expect(plan.checkouts[0]).toMatchObject({ action: 'update', commit: sha('later') });
  });
});
