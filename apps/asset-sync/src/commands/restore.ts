import { describeChanges, parseShard, restore, selectPackages, type RestoreReport } from '@asset-sync/executor';
import type { PendingFiles } from '@asset-sync/planner';
import { workspaceFor, parsePositiveInt } from '../context.js';
import { askYesNo } from '../prompt.js';
import { progressDisplay } from '../render/progress.js';
import { formatRestore } from '../render/restore.js';
import { applyProxyFlags, type ProxyVerbFlags } from './proxy-verbs.js';
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
  const { globals, paths, layout } = applyProxyFlags(given, givenPaths, flags);
  const workspace = await workspaceFor(globals, layout);
  const jobs = parsePositiveInt(flags.jobs, '--jobs');
  const selection = await selectPackages(workspace, {
    all: flags.all === true,
    paths,
    ...(flags.filter ? { filter: flags.filter } : {}),
    ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
    createsAssetsDir: true,
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
