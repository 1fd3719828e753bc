import { describe, expect, it } from 'vitest';
import { describeRestore, withNextNoop, type RestoreReportJson } from './restore.js';

function report(network: Partial<RestoreReportJson['network']>, summary: Partial<RestoreReportJson['summary']> = {}): RestoreReportJson {
  return {
    ok: true,
    packages: [],
    checkouts: [{ dir: 'Azure/azure-sdk-assets', action: 'created' }],
    network: { pinFetches: 0, pins: 0, objectFetches: 0, objects: 0, bytes: 0, ...network },
    summary: { restored: 30, upToDate: 0, pendingKept: 0, failed: 0, durationMs: 1, ...summary },
  };
}

describe('describeRestore', () => {
  it('says what the first clone (g) fetched, as for a restore from scratch (d)', () => {
    const first = report({ pinFetches: 1, pins: 30, objectFetches: 1, objects: 537, bytes: 3_500_000 });
    expect(describeRestore('g', first)).toBe('1 checkout; pins in 1 fetch, 537 recordings in 1 fetch');
    expect(describeRestore('g', first)).toBe(describeRestore('d', first));
  });

  it('says the second clone (h) restored from the shared store with no fetch', () => {
    expect(describeRestore('h', report({}))).toBe('30 restored from the shared store, 0 fetches');
  });

  it('flags a second clone (h) that fetched, with what it fetched again', () => {
    expect(describeRestore('h', report({ pinFetches: 1, pins: 3, objectFetches: 1, objects: 12, bytes: 2 * 1024 ** 2 }))).toBe(
      '30 restored from the shared store, 2 fetches (NOT free: 3 pins and 12 recordings, 2.0 MiB, fetched again)',
    );
  });

  it('keeps the notes of (e) and (f)', () => {
    expect(describeRestore('e', report({}, { restored: 0, upToDate: 30 }))).toBe('30 up to date, 0 fetches');
    expect(describeRestore('e', report({ pinFetches: 1, objectFetches: 1 }, { restored: 2, upToDate: 28 }))).toBe('28 up to date, 2 fetches (NOT a no-op: 2 restored again)');
    expect(describeRestore('f', report({ pinFetches: 1, objectFetches: 1 }, { restored: 10, upToDate: 20 }))).toBe('10 restored, 20 up to date, 2 fetches');
  });
});

describe('withNextNoop', () => {
  const e = { id: 'e' as const, label: '(e)', seconds: 0.9, connections: 0, bytesReceived: 0, notes: ['300 up to date, 0 fetches'] };

  it('keeps (e) as measured and adds the median of the no-ops after it', () => {
    const withNext = withNextNoop(e, [0.6, 0.5, 0.7]);
    expect(withNext.seconds).toBe(0.9);
    expect(withNext.nextNoopSeconds).toBe(0.6);
    expect(withNext.notes).toEqual(['300 up to date, 0 fetches', expect.stringContaining('median 0.60 s (0.60, 0.50, 0.70 s)')]);
  });

  it('leaves (e) alone when no no-op ran after it', () => {
    expect(withNextNoop(e, [])).toEqual(e);
  });
});
