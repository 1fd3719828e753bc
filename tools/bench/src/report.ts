import { formatBytes, plural } from '@asset-sync/errors';
import { corpusSummary, type CorpusStats, type LinkName } from './corpus.js';
import { formatMachine, type Machine } from './machine.js';
import type { LinkResults, SequenceResult } from './measure.js';
import { SEQUENCE_IDS, type SequenceId } from './options.js';
import { ratio, renderMarkdown, renderText, seconds, type Table } from './table.js';
import type { Verification } from './verify.js';

/** The targets set for restore, on the production shape at 300 packages, loopback and WAN alike. */
export const TARGETS = {
  restoreOverFloor: 1.3,
  productionOverRestore: 30,
  sharedOverRestore: 8,
  noopSeconds: 0.3,
  noopSecondsAt1000: 0.5,
  pinChangeSeconds: 0.3,
  /** (h): a second clone with a warm shared store makes no request to the server. */
  secondCloneConnections: 0,
  packages: 300,
} as const;

/** (c), (d) and (e) at one corpus size, on each link. */
export interface ScalePoint {
  corpus: CorpusStats;
  links: Array<{ link: LinkName; rttMs: number; mbit: number; floor: SequenceResult; restore: SequenceResult; noop: SequenceResult }>;
  verification: Verification;
}

export interface BenchReport {
  command: string;
  /** The workspace commit the CLI was built from. */
  revision: string;
  machine: Machine;
  /** The corpus the sequences ran on; absent when every one of them was skipped. */
  corpus?: CorpusStats;
  /** The same sequences over loopback and over the simulated WAN. */
  links: LinkResults[];
  /** What the check after (d) compared, byte for byte. */
  verification?: Verification;
  scale?: ScalePoint[];
}

function find(results: LinkResults | undefined, id: SequenceId): SequenceResult | undefined {
  return results?.sequences.find((s) => s.id === id);
}

export function describeLink(results: Pick<LinkResults, 'link' | 'rttMs' | 'mbit'>): string {
  if (results.link === 'loopback') return 'loopback';
  return `WAN ${results.rttMs} ms, ${results.mbit > 0 ? `${results.mbit} Mbit/s` : 'no cap'}`;
}

/** One cell for two links: the value once when both agree (within 1%), else both. */
function both(values: Array<number | undefined>, format: (n: number) => string): string {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return '–';
  const [first] = known as [number];
  return known.every((v) => Math.abs(v - first) <= Math.max(1, first * 0.01)) ? format(first) : known.map(format).join(' / ');
}

function timeCell(s: SequenceResult | undefined): string {
  return s === undefined ? '–' : `${s.sample ? '≈ ' : ''}${seconds(s.seconds)}`;
}

export function sequenceTable(report: BenchReport): Table {
  const [lo, wan] = [report.links.find((l) => l.link === 'loopback'), report.links.find((l) => l.link === 'wan')];
  const ids = SEQUENCE_IDS.filter((id) => report.links.some((l) => find(l, id)));
  const rows = ids.map((id) => {
    const [a, b] = [find(lo, id), find(wan, id)];
    const any = (a ?? b) as SequenceResult;
    const over = (r: LinkResults | undefined, s: SequenceResult | undefined, base: SequenceId): string => {
      const floor = find(r, base);
      return s && floor ? ratio(s.seconds / floor.seconds) : '–';
    };
    const faster = (r: LinkResults | undefined, s: SequenceResult | undefined): string => {
      const restore = find(r, 'd');
      return s && restore && (id === 'a' || id === 'b') ? ratio(s.seconds / restore.seconds) : '–';
    };
    const sharedStore = id === 'g' || id === 'h';
    return [
      `(${id}) ${any.label}`,
      timeCell(a),
      timeCell(b),
      a && b ? ratio(b.seconds / a.seconds) : '–',
      `${over(lo, a, 'c')} / ${over(wan, b, 'c')}`,
      id === 'a' || id === 'b' ? `${faster(lo, a)} / ${faster(wan, b)}` : '–',
      sharedStore ? `${over(lo, a, 'g')} / ${over(wan, b, 'g')}` : '–',
      `${any.sample ? '≈ ' : ''}${both([a?.bytesReceived, b?.bytesReceived], formatBytes)}`,
      `${any.sample ? '≈ ' : ''}${both([a?.connections, b?.connections], String)}`,
    ];
  });
  return {
    headers: [
      'sequence',
      'loopback',
      wan ? describeLink(wan) : 'WAN',
      'WAN ÷ loopback',
      '÷ floor (c), loopback / WAN',
      '÷ restore (d), loopback / WAN',
      '÷ first clone (g), loopback / WAN',
      'received',
      'connections',
    ],
    rows,
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  };
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

/** One line per target and link: met or not, with the numbers. */
export function targetLines(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const results of report.links) {
    const name = describeLink(results);
    const [a, b, c, d, e, f, h] = (['a', 'b', 'c', 'd', 'e', 'f', 'h'] as const).map((id) => find(results, id));
    if (c && d) {
      const r = d.seconds / c.seconds;
      lines.push(`${name}: (d) ≤ ${TARGETS.restoreOverFloor} × the same-bytes floor (c): ${verdict(r <= TARGETS.restoreOverFloor)} (${ratio(r)}: ${seconds(d.seconds)} vs ${seconds(c.seconds)})`);
    }
    if (a && d) {
      const r = a.seconds / d.seconds;
      lines.push(`${name}: (d) ≥ ${TARGETS.productionOverRestore}× faster than (a): ${verdict(r >= TARGETS.productionOverRestore)} (${ratio(r)})`);
    }
    if (b && d) {
      const r = b.seconds / d.seconds;
      lines.push(`${name}: (d) ≥ ${TARGETS.sharedOverRestore}× faster than (b): ${verdict(r >= TARGETS.sharedOverRestore)} (${ratio(r)})`);
    }
    if (e) {
      const next = e.nextNoopSeconds !== undefined ? `; the no-op after it ${seconds(e.nextNoopSeconds)}` : '';
      lines.push(`${name}: (e) ≤ ${TARGETS.noopSeconds} s: ${verdict(e.seconds <= TARGETS.noopSeconds)} (${seconds(e.seconds)}${next})`);
    }
    if (f?.changed) {
      const allowed = TARGETS.pinChangeSeconds + f.changed.transferSeconds;
      lines.push(
        `${name}: (f) ≤ ${TARGETS.pinChangeSeconds} s + the changed bytes' transfer (${formatBytes(f.changed.bytes)}, ${seconds(f.changed.transferSeconds)}) = ${seconds(allowed)}: ` +
          `${verdict(f.seconds <= allowed)} (${seconds(f.seconds)})`,
      );
    }
    if (h) {
      // No connection means no byte from the server; the bytes are shown all the same.
      const met = h.connections <= TARGETS.secondCloneConnections;
      lines.push(`${name}: (h) no request to the server from a second clone with a warm shared store: ${verdict(met)} (${plural(h.connections, 'connection')}, ${formatBytes(h.bytesReceived)})`);
    }
  }
  for (const point of (report.scale ?? []).filter((p) => p.corpus.packages >= 1000)) {
    for (const l of point.links) {
      lines.push(`${describeLink(l)}: (e) ≤ ${TARGETS.noopSecondsAt1000} s at ${point.corpus.packages} packages: ${verdict(l.noop.seconds <= TARGETS.noopSecondsAt1000)} (${seconds(l.noop.seconds)})`);
    }
  }
  return lines;
}

/** Why the targets may not apply: they are set for one corpus. */
function targetCaveat(report: BenchReport): string | undefined {
  const corpus = report.corpus;
  if (!corpus || (corpus.shape === 'production' && corpus.packages === TARGETS.packages)) return undefined;
  return `The targets are set for the production shape at ${TARGETS.packages} packages; this corpus is the ${corpus.shape} shape at ${corpus.packages}.`;
}

function notes(report: BenchReport): string[] {
  const lines = report.links.flatMap((results) =>
    results.sequences.flatMap((s) => s.notes.map((note) => `(${s.id}, ${describeLink(results)}) ${note}`)),
  );
  if (report.verification) {
    const v = report.verification;
    lines.push(
      `(d) verified after every run on both links: all ${v.packages} packages, ${v.files.toLocaleString('en-US')} files, ` +
        `${formatBytes(v.bytes)} compared byte for byte with their pins`,
    );
  }
  return lines;
}

export function scaleTable(points: ScalePoint[]): Table {
  const linkNames = points[0]?.links ?? [];
  const headers = ['packages', 'recordings', 'bytes at the pins', 'distinct commits', 'repo on disk', 'checkouts'];
  for (const l of linkNames) {
    const name = describeLink(l);
    headers.push(`(c) ${name}`, `(d) ${name}`, `(d) ÷ (c)`, `(e) ${name}`);
  }
  const rows = points.map((p) => [
    String(p.corpus.packages),
    p.corpus.recordings.toLocaleString('en-US'),
    formatBytes(p.corpus.bytesAtPins),
    String(p.corpus.distinctCommits),
    formatBytes(p.corpus.repoBytes),
    String(p.links[0]?.restore.network?.checkouts ?? '–'),
    ...p.links.flatMap((l) => [seconds(l.floor.seconds), seconds(l.restore.seconds), ratio(l.restore.seconds / l.floor.seconds), seconds(l.noop.seconds)]),
  ]);
  return { headers, rows, align: headers.map(() => 'r') };
}

export function renderReportText(report: BenchReport): string {
  const lines = [`asset-sync: ${report.revision}`, `machine: ${formatMachine(report.machine)}`];
  if (report.corpus) {
    const caveat = targetCaveat(report);
    lines.push(`corpus:  ${corpusSummary(report.corpus)}`, '', renderText(sequenceTable(report)), '', ...notes(report), '', 'targets:', ...(caveat ? [caveat] : []), ...targetLines(report));
  }
  if (report.scale) lines.push('', 'scale curve:', renderText(scaleTable(report.scale)), ...growthLines(report.scale));
  return lines.join('\n');
}

function linksLine(report: BenchReport): string {
  const wan = report.links.find((l) => l.link === 'wan');
  return (
    '`git daemon` on 127.0.0.1 behind a TCP proxy that counts connections and bytes; on loopback the proxy adds nothing, ' +
    (wan
      ? `on the WAN it adds ${wan.rttMs} ms of round trip (half each way, one more round trip to open a connection) and caps each direction at ${wan.mbit > 0 ? `${wan.mbit} Mbit/s` : 'nothing'} (token bucket)`
      : 'the WAN was not measured')
  );
}

export function renderRestoreMarkdown(report: BenchReport): string {
  const caveat = targetCaveat(report);
  return [
    '## Restore: asset-sync against the production sequences, on loopback and over a WAN',
    '',
    `Generated by \`${report.command}\` on ${report.machine.date}; the next run replaces this section.`,
    '',
    `- **Corpus**: ${report.corpus ? corpusSummary(report.corpus) : 'none'}.`,
    `- **Links**: ${linksLine(report)}.`,
    `- **asset-sync**: built from ${report.revision}.`,
    `- **Machine**: ${formatMachine(report.machine)}.`,
    '',
    renderMarkdown(sequenceTable(report)),
    '',
    '"÷ floor (c)" is each time over the same-bytes clone\'s on the same link; "÷ restore (d)" is how many times slower (a) and (b) are than `restore --all`; ' +
      '"÷ first clone (g)" is (h)\'s time over (g)\'s. ' +
      '"received" and "connections" are counted at the proxy (bytes the server sent; one connection per clone, fetch or lazy fetch), one figure when both links agree. ' +
      '≈ marks numbers extrapolated from a sample. (d) to (h) are the wall-clock time of `node apps/asset-sync/bin/asset-sync.js restore --all --json` in the language repo, Node start included; ' +
      '(d) starts with no `.assets` folder (no store, no checkouts). ' +
      '(g) and (h) are the same command in two fresh `git clone`s of the language repo sharing one store (`ASSET_SYNC_STORE_DIR`): (g) in the first, with the store empty; ' +
      '(h) in the second, right after, with the store (g) filled. Every sequence runs in a fresh temp dir.',
    '',
    ...notes(report).map((line) => `- ${line}`),
    '',
    '**Targets**',
    '',
    ...(caveat ? [caveat, ''] : []),
    ...targetLines(report).map((line) => `- ${line}`),
  ].join('\n');
}

/** How (d) and (e) grow from the smallest to the largest corpus, per link. */
function growthLines(points: ScalePoint[]): string[] {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || first === last) return [];
  const mib = (last.corpus.bytesAtPins - first.corpus.bytesAtPins) / 1024 ** 2;
  const packages = last.corpus.packages - first.corpus.packages;
  const signed = (value: number): string => `${value < 0 ? '−' : '+'}${seconds(Math.abs(value))}`;
  return [
    '',
    ...last.links.map((l, i) => {
      const f = first.links[i]!;
      return (
        `${describeLink(l)}, from ${first.corpus.packages} to ${last.corpus.packages} packages: (d) ${signed(l.restore.seconds - f.restore.seconds)} ` +
        `(${((1000 * (l.restore.seconds - f.restore.seconds)) / mib).toFixed(0)} ms per MiB restored, (c) ${((1000 * (l.floor.seconds - f.floor.seconds)) / mib).toFixed(0)} ms per MiB); ` +
        `(e) ${signed(l.noop.seconds - f.noop.seconds)} (${((1000 * (l.noop.seconds - f.noop.seconds)) / packages).toFixed(1)} ms per package).`
      );
    }),
  ];
}

export function renderScaleMarkdown(report: BenchReport): string {
  const points = report.scale ?? [];
  return [
    '## Restore: scale curve',
    '',
    `Generated by \`${report.command}\` on ${report.machine.date} (asset-sync ${report.revision}; ${formatMachine(report.machine)}); the next \`--scale\` run replaces this section.`,
    `Each row is a fresh corpus (same seed and shape) and a fresh language repo; (c) is the same-bytes floor; (d) is checked byte for byte against the pins at every size.`,
    '',
    renderMarkdown(scaleTable(points)),
    '',
    '(d) should grow with the bytes restored, not with packages × repository size; (e) should stay near flat.',
    ...growthLines(points),
  ].join('\n');
}
