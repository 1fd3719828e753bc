import { createInterface } from 'node:readline/promises';
import { describeChanges, parseShard, restore, selectPackages, type RestoreReport } from '@asset-sync/executor';
import type { PendingFiles } from '@asset-sync/planner';
import { workspaceFor, parsePositiveInt } from '../context.js';
import { formatBytes, progressDisplay } from '../render/progress.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import type { Io } from '../main.js';

export interface RestoreFlags {
  all?: boolean;
  filter?: string[];
  shard?: string;
  jobs?: string;
  dryRun?: boolean;
  force?: boolean;
  yes?: boolean;
  layout?: string;
}

export async function restoreCommand(globals: GlobalOptions, io: Io, paths: string[], flags: RestoreFlags): Promise<CommandResult> {
  const workspace = await workspaceFor(globals, flags.layout);
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
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Discard them? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
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
  const failed = report.packages.filter((p) => p.status === 'failed');
  if (failed.length > 0) {
    lines.push(`failed (${failed.length}):`);
    for (const p of failed) {
      lines.push(`  ${p.error?.message.split('\n').join('\n    ') ?? p.id}`);
      if (p.error?.hint) lines.push(`    hint: ${p.error.hint}`);
    }
  }
  for (const c of report.checkouts) if (c.error) lines.push(`checkout ${c.dir}: ${c.error.message}${c.error.hint ? `\n    hint: ${c.error.hint}` : ''}`);
  return lines.join('\n');
}
