import { describeChanges, parseShard, restore, selectPackages, type RestoreReport } from '@asset-sync/executor';
import type { PendingFiles } from '@asset-sync/planner';
import { workspaceFor, parsePositiveInt } from '../context.js';
import { askYesNo } from '../prompt.js';
import { formatBytes, progressDisplay } from '../render/progress.js';
import { proxyTargets, type ProxyVerbFlags } from './proxy-verbs.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import type { Io } from '../main.js';

export interface RestoreFlags extends ProxyVerbFlags {
  all?: boolean;
  filter?: string[];
  shard?: string;
  jobs?: string;
  dryRun?: boolean;
  force?: boolean;
  yes?: boolean;
}

export async function restoreCommand(given: GlobalOptions, io: Io, givenPaths: string[], flags: RestoreFlags): Promise<CommandResult> {
  const { globals, paths, layout } = proxyTargets(given, givenPaths, flags);
  const workspace = await workspaceFor(globals, layout);
  const jobs = parsePositiveInt(flags.jobs, '--jobs');
  const selection = await selectPackages(workspace, {
    all: flags.all === true,
    paths,
    ...(flags.filter ? { filter: flags.filter } : {}),
    ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
  });
  const display = await progressDisplay({ interactive: io.interactive, quiet: globals.json, write: io.err, stream: process.stderr });
  let report: RestoreReport;
  try {
    report = await restore({
      workspace,
      entries: selection.entries,
      context: selection.context,
      complete: selection.complete,
      force: flags.force === true || flags.yes === true,
      dryRun: flags.dryRun === true,
      ...(jobs ? { jobs } : {}),
      ...(io.interactive ? { confirmDiscard: (items) => confirmDiscard(io, items) } : {}),
      events: display.events,
    });
  } finally {
    display.stop();
  }
  return { exitCode: report.ok ? 0 : 1, json: report, text: formatRestore(report, globals.verbose) };
}

async function confirmDiscard(io: Io, items: Array<{ id: string; changes: PendingFiles }>): Promise<boolean> {
  io.err('These packages have pending local changes that restore would discard:\n');
  for (const item of items) io.err(`  ${item.id}: ${describeChanges(item.changes)}\n`);
  return askYesNo('Discard them?');
}

export function formatRestore(report: RestoreReport, verbose: boolean): string {
  const lines: string[] = [];
  const s = report.summary;
  const seconds = (s.durationMs / 1000).toFixed(1);
  const total = report.packages.length;
  const checkouts = report.plan.summary.checkouts;
  const where = `${checkouts} checkout${checkouts === 1 ? '' : 's'}, ${seconds} s`;
  if (report.dryRun) lines.push(`Would restore ${s.restored} of ${total} assets.json (${where})`);
  else if (s.restored > 0) lines.push(`Restored ${s.restored} of ${total} assets.json (${where})`);
  else if (s.failed === total) lines.push(`Restored nothing: ${s.failed} of ${total} assets.json failed (${seconds} s)`);
  else lines.push(`${total - s.failed} of ${total} assets.json already up to date (${where})`);
  lines.push(`  restored ${s.restored} · up to date ${s.upToDate} · pending changes kept ${s.pendingKept} · failed ${s.failed}`);
  const n = report.network;
  if (n.pinFetches + n.objectFetches > 0) {
    lines.push(`  fetched: pins in ${n.pinFetches} request${n.pinFetches === 1 ? '' : 's'}, ${n.objects} recordings in ${n.objectFetches} request${n.objectFetches === 1 ? '' : 's'}${n.bytes ? ` (${formatBytes(n.bytes)})` : ''}`);
  } else if (!report.dryRun) {
    lines.push('  no network I/O');
  }
  if (report.dryRun || verbose) {
    for (const c of report.checkouts) lines.push(`  ${c.action.padEnd(12)} ${c.dir} (${c.packages} package folder${c.packages === 1 ? '' : 's'}, ${c.changing} changing)`);
  }
  if (verbose || report.packages.length === 1) {
    for (const p of report.packages) {
      if (p.status === 'failed') continue;
      lines.push(`  ${p.status.padEnd(12)} ${p.id}${p.locate ? ` -> ${p.locate}` : ''}`);
    }
  }
  for (const p of report.packages) {
    if (p.status === 'pending-kept' && p.pending) lines.push(`  pending changes kept in ${p.id}: ${describeChanges(p.pending)}`);
  }
  for (const p of report.packages) {
    if (p.servedBy && p.status !== 'failed') lines.push(`  ${p.id}: ${p.pin} is not on ${p.assetsRepo}; fetched from the fallback remote ${p.servedBy}`);
  }
  const failed = report.packages.filter((p) => p.status === 'failed');
  if (failed.length > 0) lines.push(`failed (${failed.length}):`, ...failureLines(failed));
  // A checkout's error is already each of its packages' error; print it only when none carried it.
  for (const c of report.checkouts) {
    if (c.error && !failed.some((p) => p.error?.message.endsWith(c.error!.message))) lines.push(`checkout ${c.dir}: ${c.error.message}${c.error.hint ? `\n    hint: ${c.error.hint}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * One block per distinct error: an unreachable assets repo fails every package of it with the
 * same message, which is printed once with the packages it concerns.
 */
function failureLines(failed: RestoreReport['packages']): string[] {
  const groups = new Map<string, { ids: string[]; message: string; full: string; hint?: string }>();
  for (const p of failed) {
    const full = p.error?.message ?? `${p.id}: failed`;
    const message = full.startsWith(`${p.id}: `) ? full.slice(p.id.length + 2) : full;
    const key = `${p.error?.code}\0${message}\0${p.error?.hint ?? ''}`;
    const group = groups.get(key) ?? { ids: [], message, full, ...(p.error?.hint ? { hint: p.error.hint } : {}) };
    group.ids.push(p.id);
    groups.set(key, group);
  }
  const lines: string[] = [];
  for (const g of groups.values()) {
    // One package: its message as it is (it names the package); several: named once, in front.
    const text = g.ids.length === 1 ? g.full : `${g.ids.length} packages (${g.ids.slice(0, 3).join(', ')}${g.ids.length > 3 ? `, and ${g.ids.length - 3} more` : ''}): ${g.message}`;
    lines.push(`  ${text.split('\n').join('\n    ')}`);
    if (g.hint) lines.push(`    hint: ${g.hint}`);
  }
  return lines;
}
