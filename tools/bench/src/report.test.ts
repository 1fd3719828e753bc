import { describe, expect, it } from 'vitest';
import type { CorpusStats } from './corpus.js';
import type { Machine } from './machine.js';
import type { LinkResults, SequenceResult } from './measure.js';
import type { SequenceId } from './options.js';
import { renderRestoreMarkdown, sequenceTable, targetLines, TARGETS, type BenchReport } from './report.js';

const MACHINE: Machine = { cpu: 'cpu', cores: 2, ramGiB: 8, os: 'os', node: 'v20', git: '2.39', load: 0, date: '2026-01-01T00:00:00Z' };

function corpus(overrides: Partial<CorpusStats> = {}): CorpusStats {
  return {
    shape: 'production', packages: TARGETS.packages, recordings: 6000, bytesAtPins: 100 * 1024 ** 2, distinctCommits: 297,
    languageRepoLanguages: ['python'], languages: ['python', 'js'], assetsRepoPackages: 600, stalePins: 60, emptyTags: 3,
    commits: 3300, tags: 3300, repoBytes: 180 * 1024 ** 2, sameBytesFiles: 6000, sameBytesBytes: 100 * 1024 ** 2, generateSeconds: 1,
    ...overrides,
  };
}

function result(id: SequenceId, seconds: number, extra: Partial<SequenceResult> = {}): SequenceResult {
  return { id, label: `sequence ${id}`, seconds, connections: 1, bytesReceived: 1024 ** 2, notes: [], ...extra };
}

function link(name: 'loopback' | 'wan', sequences: SequenceResult[]): LinkResults {
  return name === 'loopback' ? { link: name, rttMs: 0, mbit: 0, sequences } : { link: name, rttMs: 60, mbit: 200, sequences };
}

function report(links: LinkResults[], overrides: Partial<BenchReport> = {}): BenchReport {
  return { command: 'npm run bench', revision: 'abc', machine: MACHINE, corpus: corpus(), links, ...overrides };
}

const changed = (bytes: number, transferSeconds: number): SequenceResult['changed'] => ({ packages: 10, files: 30, bytes, transferSeconds });

describe('targetLines', () => {
  it('says met or not met per link, from the numbers measured', () => {
    const lines = targetLines(report([
      link('loopback', [result('a', 40), result('b', 10), result('c', 1), result('d', 1.2), result('e', 0.25)]),
      link('wan', [result('a', 40), result('b', 10), result('c', 1), result('d', 1.4), result('e', 0.35)]),
    ]));
    expect(lines.filter((l) => l.startsWith('loopback:')).every((l) => l.includes(': met'))).toBe(true);
    const wan = lines.filter((l) => l.startsWith('WAN 60 ms, 200 Mbit/s:'));
    expect(wan.find((l) => l.includes('same-bytes floor'))).toContain('NOT met (1.40×');
    expect(wan.find((l) => l.includes('(e)'))).toContain('NOT met');
    // 40 s over 1.4 s is under 30×; 10 s over 1.4 s is under 8×.
    expect(wan.find((l) => l.includes('than (a)'))).toContain('NOT met');
    expect(wan.find((l) => l.includes('than (b)'))).toContain('NOT met');
  });

  it('judges (e) on the first no-op after (d) and shows the one after it beside it', () => {
    const lines = targetLines(report([link('loopback', [result('e', 0.5, { nextNoopSeconds: 0.28 })]), link('wan', [result('e', 0.29)])]));
    expect(lines).toEqual([
      `loopback: (e) ≤ ${TARGETS.noopSeconds} s: NOT met (0.50 s; the no-op after it 0.28 s)`,
      `WAN 60 ms, 200 Mbit/s: (e) ≤ ${TARGETS.noopSeconds} s: met (0.29 s)`,
    ]);
  });

  it('allows (f) the changed bytes’ transfer time on top of its 0.3 s', () => {
    const lines = targetLines(report([
      link('loopback', [result('f', 0.31, { changed: changed(5e6, 0) })]),
      link('wan', [result('f', 0.31, { changed: changed(5e6, 0.2) })]),
    ]));
    expect(lines[0]).toContain('NOT met (0.31 s)');
    expect(lines[1]).toContain('= 0.50 s: met (0.31 s)');
  });

  it('holds the second clone (h) to no request to the server', () => {
    const lines = targetLines(report([
      link('loopback', [result('h', 0.5, { connections: 0, bytesReceived: 0 })]),
      link('wan', [result('h', 0.9, { connections: 2, bytesReceived: 3 * 1024 ** 2 })]),
    ]));
    expect(lines).toEqual([
      'loopback: (h) no request to the server from a second clone with a warm shared store: met (0 connections, 0 B)',
      'WAN 60 ms, 200 Mbit/s: (h) no request to the server from a second clone with a warm shared store: NOT met (2 connections, 3.0 MiB)',
    ]);
  });

  it('holds (e) at 1,000 packages to its own limit, from the scale curve', () => {
    const point = (packages: number, noop: number) => ({
      corpus: corpus({ packages }),
      links: [{ link: 'wan' as const, rttMs: 60, mbit: 200, floor: result('c', 1), restore: result('d', 1), noop: result('e', noop) }],
      verification: { packages, files: 1, bytes: 1 },
    });
    const lines = targetLines(report([], { scale: [point(300, 0.45), point(1000, 0.45)] }));
    expect(lines).toEqual([`WAN 60 ms, 200 Mbit/s: (e) ≤ ${TARGETS.noopSecondsAt1000} s at 1000 packages: met (0.45 s)`]);
  });
});

describe('sequenceTable', () => {
  it('puts both links side by side, one row per sequence, with the WAN over loopback ratio', () => {
    const table = sequenceTable(report([
      link('loopback', [result('c', 1), result('d', 2)]),
      link('wan', [result('c', 2), result('d', 3, { bytesReceived: 2 * 1024 ** 2, connections: 3 })]),
    ]));
    expect(table.headers[2]).toBe('WAN 60 ms, 200 Mbit/s');
    expect(table.rows.map((row) => row[0])).toEqual(['(c) sequence c', '(d) sequence d']);
    const [c, d] = table.rows as [string[], string[]];
    expect(c.slice(1, 5)).toEqual(['1.00 s', '2.00 s', '2.00×', '1.00× / 1.00×']);
    expect(d.slice(3, 5)).toEqual(['1.50×', '2.00× / 1.50×']);
    // One figure when both links agree, both when they do not.
    expect(c.slice(7)).toEqual(['1.0 MiB', '1']);
    expect(d.slice(7)).toEqual(['1.0 MiB / 2.0 MiB', '1 / 3']);
  });

  it('shows the second clone (h) over the first (g) and over the floor, with what it received', () => {
    const table = sequenceTable(report([
      link('loopback', [result('c', 2), result('d', 4), result('g', 4), result('h', 1, { connections: 0, bytesReceived: 0 })]),
      link('wan', [result('c', 4), result('d', 5), result('g', 5), result('h', 1, { connections: 0, bytesReceived: 0 })]),
    ]));
    expect(table.headers[6]).toBe('÷ first clone (g), loopback / WAN');
    const [c, d, g, h] = table.rows as [string[], string[], string[], string[]];
    expect(h[0]).toBe('(h) sequence h');
    expect(h.slice(4)).toEqual(['0.50× / 0.25×', '–', '0.25× / 0.20×', '0 B', '0']);
    expect(g[6]).toBe('1.00× / 1.00×');
    // The column is (h)'s and (g)'s only.
    expect([c[6], d[6]]).toEqual(['–', '–']);
  });

  it('marks extrapolated numbers and says how much slower (a) and (b) are than (d)', () => {
    const sample = { seconds: 1, connections: 1, bytesReceived: 1, timed: 3, of: 30 };
    const table = sequenceTable(report([link('loopback', [result('a', 30, { sample }), result('d', 1.5)])]));
    const a = table.rows[0]!;
    expect(a[1]).toBe('≈ 30.0 s');
    expect(a[5]).toBe('20.0× / –');
    expect(a[7]!.startsWith('≈ ')).toBe(true);
  });
});

describe('renderRestoreMarkdown', () => {
  it('states the corpus shape, the links, the asset-sync commit and a caveat for another corpus', () => {
    const text = renderRestoreMarkdown(report([link('loopback', [result('d', 1)]), link('wan', [result('d', 2)])], { corpus: corpus({ packages: 50 }) }));
    expect(text).toContain('production shape; the language repo (python) pins 50 packages');
    expect(text).toContain('297 distinct pinned commits');
    expect(text).toContain('60 ms of round trip');
    expect(text).toContain('built from abc');
    expect(text).toContain('targets are set for the production shape at 300 packages');
  });

  it('says what (g) and (h) run and what "÷ first clone (g)" divides', () => {
    const text = renderRestoreMarkdown(report([link('loopback', [result('g', 2), result('h', 1)])]));
    expect(text).toContain('(g) and (h) are the same command in two fresh `git clone`s of the language repo sharing one store (`ASSET_SYNC_STORE_DIR`)');
    expect(text).toContain('"÷ first clone (g)" is (h)\'s time over (g)\'s');
    expect(text).toContain('| (h) sequence h | 1.00 s |');
  });
});
