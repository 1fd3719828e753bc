import { AssetSyncError, formatBytes, plural } from '@asset-sync/errors';
import { findRepoRoot } from '@asset-sync/discovery';
import { STEPS, migrate, type MigrationPlan, type MigrationReport, type StepEvent } from '@asset-sync/migrate';
import { parsePositiveInt } from '../context.js';
import { askYesNo } from '../prompt.js';
import type { Io } from '../main.js';
import type { CommandResult, GlobalOptions } from '../result.js';

export interface MigrateFlags {
  assetsRepo?: string;
  prefix?: string;
  recordings?: string[];
  granularity?: string;
  dialect?: string;
  fallbackBranch?: string;
  branch?: string;
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  commit?: boolean;
  maxPushBytes?: string;
  jobs?: string;
}

/** Moves every recording of the language repo into the assets repo; see @asset-sync/migrate. */
export async function migrateCommand(globals: GlobalOptions, io: Io, flags: MigrateFlags): Promise<CommandResult> {
  const repoRoot = await findRepoRoot(globals.cwd);
  const jobs = parsePositiveInt(flags.jobs, '--jobs');
  const maxCommitBytes = parsePositiveInt(flags.maxPushBytes, '--max-push-bytes');
  const granularity = choice(flags.granularity, '--granularity', ['package', 'service'] as const);
  const dialect = choice(flags.dialect, '--dialect', ['tag', 'branch'] as const);
  const progress = !globals.json;
  const report = await migrate({
    repoRoot,
    ...(flags.assetsRepo !== undefined ? { assetsRepo: flags.assetsRepo } : {}),
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
    ...(flags.recordings?.length ? { recordings: flags.recordings } : {}),
    ...(granularity ? { granularity } : {}),
    ...(dialect ? { dialect } : {}),
    ...(flags.fallbackBranch !== undefined ? { fallbackBranch: flags.fallbackBranch } : {}),
    ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
    ...(maxCommitBytes ? { maxCommitBytes } : {}),
    ...(jobs ? { jobs } : {}),
    force: flags.force === true,
    dryRun: flags.dryRun === true,
    yes: flags.yes === true,
    commit: flags.commit === true,
    ...(io.interactive && !globals.json ? { confirm: (plan: MigrationPlan) => confirm(io, plan) } : {}),
    ...(progress ? { onStep: (event: StepEvent) => stepLine(io, event) } : {}),
  });
  return { exitCode: 0, json: report, text: formatMigration(report, globals.verbose), ...(report.warnings.length ? { warnings: report.warnings.map((w) => `warning: ${w}`) } : {}) };
}

function choice<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AssetSyncError('USAGE', `${flag} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, found "${value}"`);
}

function stepLine(io: Io, event: StepEvent): void {
  if (event.state === 'start') return;
  const what = event.state === 'resumed' ? 'done before (resumed)' : `${((event.ms ?? 0) / 1000).toFixed(1)} s${event.detail ? `: ${event.detail}` : ''}`;
  io.err(`asset-sync migrate: ${event.step.padEnd(7)} ${what}\n`);
}

async function confirm(io: Io, plan: MigrationPlan): Promise<boolean> {
  io.err(`${summary(plan)}\n`);
  return askYesNo('Migrate them?');
}

function summary(plan: MigrationPlan): string {
  const t = plan.totals;
  return `${plural(t.files, 'recording')} (${formatBytes(t.bytes)}) of ${plural(t.units, plan.granularity === 'service' ? 'service' : 'package')} into ${plan.assetsRepo} under ${plan.prefix || '/'} (${plan.dialect} dialect, ${plural(plan.layers, 'commit')})`;
}

export function formatMigration(report: MigrationReport, verbose: boolean): string {
  const plan = report.plan;
  const lines: string[] = [];
  if (report.status === 'nothing-to-do') {
    lines.push(`Nothing to migrate: no recordings found with ${report.settings.recordings.join(', ')}.`);
  } else if (report.dryRun) {
    lines.push(`Would migrate ${summary(plan)}${report.resumed ? ' (an interrupted migration; steps done so far are kept)' : ''}.`);
  } else {
    lines.push(`Migrated ${summary(plan)}${report.resumed ? ', resuming an interrupted run' : ''}.`);
  }
  for (const unit of plan.units) {
    const pin = report.pins.find((p) => p.unit === unit.path);
    const existing = unit.existing ? ' (re-pinned, had an assets.json)' : '';
    lines.push(`  ${unit.assetsJson}: ${plural(unit.files.length, 'file')}, ${formatBytes(unit.bytes)} -> ${plan.prefix ? `${plan.prefix}/` : ''}${unit.path}${pin ? ` @ ${pin.pin}` : ''}${existing}`);
    if (verbose || report.dryRun) {
      const shown = verbose ? unit.files : unit.files.slice(0, 3);
      for (const f of shown) lines.push(`      ${f.path} -> ${f.destination}`);
      if (shown.length < unit.files.length) lines.push(`      ... and ${unit.files.length - shown.length} more (--verbose or --json lists every file)`);
    }
  }
  for (const s of plan.skipped) lines.push(`  skipped ${s.assetsJson}: ${s.reason}`);
  const left = plan.left;
  if (left.length > 0) {
    lines.push(`left in place (${left.length}): recordings that belong to no unit`);
    for (const l of verbose ? left : left.slice(0, 10)) lines.push(`  ${l.path}: ${l.reason}`);
    if (!verbose && left.length > 10) lines.push(`  ... and ${left.length - 10} more`);
  }
  for (const l of report.leftovers) lines.push(`  left in place: ${l.path} (${l.reason})`);
  if (!report.dryRun && report.status === 'complete') {
    const wt = report.workingTree;
    lines.push(`working tree: ${formatBytes(wt.before)} before, ${formatBytes(wt.after ?? wt.before)} after`);
    lines.push(`steps: ${STEPS.map((s) => `${s} ${(report.steps[s].ms / 1000).toFixed(1)} s${report.steps[s].state === 'resumed' ? ' (earlier run)' : ''}`).join(', ')}; total ${(report.totalMs / 1000).toFixed(1)} s`);
    lines.push(
      report.committed
        ? `Committed ${report.committed.slice(0, 10)} in the language repo.`
        : 'The deletions and the new assets.json files are staged: review them (git status) and commit.',
    );
  }
  return lines.join('\n');
}
