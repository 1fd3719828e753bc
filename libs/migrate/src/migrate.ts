import { existsSync } from 'node:fs';
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import pLimit from 'p-limit';
import { AssetSyncError, faultPoint, formatBytes, formatProblem, plural, type Problem } from '@asset-sync/errors';
import {
  DEFAULT_FALLBACK_BRANCH,
  checkAssetsRepo,
  checkPrefixPath,
  checkRefName,
  normalizePrefixPath,
  pinKey,
  tagNameOf,
  writeFileAtomically,
  type Pin,
} from '@asset-sync/assets-json';
import { discoverAll, discoverOne } from '@asset-sync/discovery';
import { commitIdentity, openWorkspace, restore, storeLocation, toPackageEntry, type Workspace } from '@asset-sync/executor';
import {
  Store,
  acquireLock,
  commitStagedPaths,
  gitDirOf,
  hasCommit,
  isAncestor,
  listRemoteRefs,
  pushRefs,
  readStaged,
  stageContent,
  stageDeletions,
  stageFiles,
  workingTreeChanges,
  writeBlobs,
  writeCommits,
  type CommitLayer,
} from '@asset-sync/git-store';
import { assetsPathOf, isSameOrBelow } from '@asset-sync/planner';
import { blobIdOfFile } from './hash.js';
import {
  STEPS,
  journalPath,
  readJournal,
  removeJournal,
  settingsDiffer,
  writeJournal,
  type Journal,
  type MigrationSettings,
  type Step,
} from './journal.js';
import { planMigration, type Granularity, type LeftFile, type MigrationDialect, type MigrationPlan } from './plan.js';
import { assetsJsonFields, pinnedText } from './pin.js';
import { assetsDirInside, scanRecordings, workingTreeBytes } from './scan.js';

export interface MigrateOptions {
  /** The language repo root. */
  repoRoot: string;
  assetsRepo?: string;
  /** AssetsRepoPrefixPath, and the language whose default recording globs apply. */
  prefix?: string;
  /** Globs of recordings folders; default: asset-sync.yaml `recordings.<prefix>`, else the language default. */
  recordings?: string[];
  granularity?: Granularity;
  dialect?: MigrationDialect;
  /** The branch the migration commit builds on (and the branch dialect's AssetsRepoFallbackBranch); default main. */
  fallbackBranch?: string;
  /** Branch dialect: push every unit to this branch instead of `auto/<service>`. */
  branch?: string;
  /** Migrate units that already have an assets.json. */
  force?: boolean;
  /** Plan only: print what would happen, change nothing anywhere. */
  dryRun?: boolean;
  /** Go ahead although the language repo has uncommitted changes (they are left alone). */
  yes?: boolean;
  /** Commit the result in the language repo (only the migration's own paths). */
  commit?: boolean;
  /** Split the migration into commits of at most this many bytes; default 2 GB, GitHub's limit for one push. */
  maxCommitBytes?: number;
  /** Parallel blob writers; default: CPUs, at most 4. */
  jobs?: number;
  env?: NodeJS.ProcessEnv;
  /** Asked once, with the plan, before a fresh migration changes anything. */
  confirm?: (plan: MigrationPlan) => Promise<boolean>;
  onStep?: (event: StepEvent) => void;
}

export interface StepEvent {
  step: Step;
  state: 'start' | 'done' | 'resumed';
  ms?: number;
  detail?: string;
}

export type StepState = 'done' | 'resumed' | 'pending' | 'skipped';

export interface UnitPin {
  unit: string;
  assetsJson: string;
  pin: string;
  commit: string;
}

export interface MigrationReport {
  ok: boolean;
  dryRun: boolean;
  /** complete: everything moved; planned: dry run; nothing-to-do: no recordings to move. */
  status: 'complete' | 'planned' | 'nothing-to-do';
  /** Steps finished by an earlier, interrupted run. */
  resumed: boolean;
  repoRoot: string;
  assetsDir: string;
  settings: MigrationSettings;
  plan: MigrationPlan;
  parent: string | null;
  commits: string[];
  pins: UnitPin[];
  totals: { units: number; files: number; bytes: number };
  workingTree: { before: number; after?: number };
  steps: Record<Step, { state: StepState; ms: number; detail?: string }>;
  totalMs: number;
  /** Files that appeared in migrated recordings folders after the plan was made: left in place. */
  leftovers: LeftFile[];
  /** The language repo commit made with --commit. */
  committed?: string;
  /** Present while a migration is in progress (dry run of an interrupted migration). */
  journal?: string;
  warnings: string[];
}

interface Context {
  options: MigrateOptions;
  env: NodeJS.ProcessEnv;
  workspace: Workspace;
  repoRoot: string;
  gitDir: string;
  journal: Journal;
  store?: Store;
  warnings: string[];
  /** Steps this run did (the others were done by an interrupted run, or not at all). */
  ran: Set<Step>;
  committed?: string;
  leftovers: LeftFile[];
}

/** GitHub refuses a push over 2 GB, and any file over 100 MB. */
const DEFAULT_MAX_COMMIT_BYTES = 2_000_000_000;
const MAX_FILE_BYTES = 100_000_000;

/**
 * Moves every recordings folder of a language repo into the assets repo: plan, write (one commit
 * built in the store), publish (tags or branches in one push), pin (assets.json), verify (a
 * restore from the server, compared file by file) and remove (the originals, staged in git).
 * Each step is recorded when done; a rerun after an interruption anywhere finishes the job.
 */
export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const repoRoot = options.repoRoot;
  const workspace = await openWorkspace(repoRoot, { env });
  const gitDir = await gitDirOf(repoRoot);
  const existingJournal = await readJournal(gitDir);
  const warnings: string[] = [];
  const reported = { workspace, repoRoot, started, warnings, gitDir };

  let journal: Journal;
  let resumed = false;
  // The plan step is timed from here: scanning and planning happen before the lock is taken.
  const planStarted = Date.now();
  let waitedMs = 0;
  if (existingJournal) {
    refuseOtherSettings(existingJournal, options, gitDir);
    journal = existingJournal;
    resumed = true;
    if (options.dryRun) return reportOf({ ...reported, journal, resumed, dryRun: true, status: 'planned' });
  } else {
    journal = await planJournal(options, workspace, warnings);
    const { plan } = journal;
    if (options.dryRun || plan.units.length === 0) {
      journal.sizeBefore = await workingTreeBytes(repoRoot, workspace.assetsDir);
      const status = options.dryRun && plan.units.length ? 'planned' : 'nothing-to-do';
      return reportOf({ ...reported, journal, resumed, dryRun: options.dryRun === true, status });
    }
    waitedMs = await confirmMigration(options, workspace, plan);
  }

  const release = await acquireLock(workspace.assetsDir);
  try {
    // Another migration may have started between reading the journal and taking the lock.
    if (!resumed && (await readJournal(gitDir))) {
      throw new AssetSyncError('CONFLICT', 'another asset-sync migrate started in this language repo meanwhile', {
        hint: 'Let it finish, then run asset-sync migrate again to see what is left.',
      });
    }
    const ctx: Context = { options, env, workspace, repoRoot, gitDir, journal, warnings, ran: new Set(), leftovers: [] };
    await runSteps(ctx, planStarted + waitedMs);
    const report = reportOf({ ...reported, journal: ctx.journal, resumed, dryRun: false, status: 'complete', ran: ctx.ran });
    report.workingTree.after = await workingTreeBytes(repoRoot, workspace.assetsDir);
    report.leftovers = ctx.leftovers;
    if (ctx.committed) report.committed = ctx.committed;
    delete report.journal;
    await removeJournal(gitDir);
    return report;
  } finally {
    await release();
  }
}

/** A rerun finishes the migration in progress: asking for other settings is a conflict. */
function refuseOtherSettings(journal: Journal, options: MigrateOptions, gitDir: string): void {
  const differences = settingsDiffer(journal.settings, askedSettings(options));
  if (differences.length === 0) return;
  throw new AssetSyncError('CONFLICT', `a migration with other settings is in progress (${differences.join('; ')})`, {
    file: journalPath(gitDir),
    hint: `Rerun asset-sync migrate with the same settings (or none) to finish it. To abandon it before anything was published, delete ${journalPath(gitDir)}.`,
  });
}

/** A fresh migration's journal: settings, scan and plan, with warnings added; every plan problem at once. */
async function planJournal(options: MigrateOptions, workspace: Workspace, warnings: string[]): Promise<Journal> {
  const repoRoot = options.repoRoot;
  const settings = resolveSettings(options, workspace);
  const scan = await scanRecordings(repoRoot, settings.recordings, workspace.assetsDir);
  const existing = (await discoverAll(repoRoot, workspace.config)).map((e) => e.packagePath);
  const plan = planMigration({
    assetsRepo: settings.assetsRepo,
    prefix: settings.prefix,
    granularity: settings.granularity,
    dialect: settings.dialect,
    fallbackBranch: settings.fallbackBranch,
    ...(settings.branch ? { branch: settings.branch } : {}),
    folders: scan.folders,
    files: scan.files,
    unsupported: scan.unsupported,
    existing,
    force: settings.force,
    ...(settings.maxCommitBytes ? { maxCommitBytes: settings.maxCommitBytes } : {}),
  });
  const journal: Journal = { version: 1, startedAt: new Date().toISOString(), settings, plan, sizeBefore: 0, steps: {} };
  const huge = plan.units.flatMap((u) => u.files).filter((f) => f.size > MAX_FILE_BYTES);
  if (huge.length > 0) {
    warnings.push(`${plural(huge.length, 'recording')} over ${formatBytes(MAX_FILE_BYTES)} (${huge.slice(0, 3).map((f) => f.path).join(', ')}${huge.length > 3 ? ', ...' : ''}): GitHub refuses files that large`);
  }
  const oversized = plan.units.filter((u) => settings.maxCommitBytes && u.bytes > settings.maxCommitBytes);
  if (oversized.length > 0) {
    warnings.push(`${plural(oversized.length, 'unit')} alone exceed the ${formatBytes(settings.maxCommitBytes!)} push limit and get a commit each: ${oversized.map((u) => u.path).join(', ')}`);
  }
  if (plan.problems.length > 0) {
    throw new AssetSyncError('MIGRATION_FAILED', `the migration cannot start: ${plural(plan.problems.length, 'problem')}\n${plan.problems.map(formatProblem).join('\n')}`, {
      problems: plan.problems,
      hint: plan.problems[0]?.hint ?? 'Fix the problems listed, then run asset-sync migrate again.',
    });
  }
  return journal;
}

/** Refuses a dirty language repo without --yes, then asks; returns how long the question waited (not part of the plan step's time). */
async function confirmMigration(options: MigrateOptions, workspace: Workspace, plan: MigrationPlan): Promise<number> {
  await refuseDirty(options.repoRoot, workspace.assetsDir, options.yes === true);
  const asked = Date.now();
  const confirmed = !options.confirm || options.yes === true || (await options.confirm(plan));
  const waitedMs = Date.now() - asked;
  if (!confirmed) {
    throw new AssetSyncError('CONFIRMATION_REQUIRED', 'the migration was not confirmed; nothing was changed', {
      hint: 'Run asset-sync migrate --dry-run to review the plan, and --yes to skip the question.',
    });
  }
  return waitedMs;
}

/** Runs every step the journal does not record as done, in order; `planStarted` times the plan step. */
async function runSteps(ctx: Context, planStarted: number): Promise<void> {
  const { journal, options, repoRoot, workspace } = ctx;
  if (!journal.steps.plan) {
    journal.sizeBefore = await workingTreeBytes(repoRoot, workspace.assetsDir);
    const left = journal.plan.left.length;
    await finishStep(ctx, 'plan', planStarted, `${plural(journal.plan.totals.units, 'unit')}, ${plural(journal.plan.totals.files, 'file')}, ${formatBytes(journal.plan.totals.bytes)}${left ? `; ${plural(left, 'file')} left in place` : ''}`);
  } else {
    options.onStep?.({ step: 'plan', state: 'resumed' });
  }
  const work: Record<Exclude<Step, 'plan'>, (c: Context) => Promise<string>> = {
    write: writeStep,
    publish: publishStep,
    pin: pinStep,
    verify: verifyStep,
    remove: removeStep,
  };
  for (const step of STEPS) {
    if (step === 'plan') continue;
    if (ctx.journal.steps[step]) {
      options.onStep?.({ step, state: 'resumed' });
      continue;
    }
    const t = Date.now();
    options.onStep?.({ step, state: 'start' });
    const detail = await work[step](ctx);
    await finishStep(ctx, step, t, detail);
  }
}

function askedSettings(options: MigrateOptions): Partial<MigrationSettings> {
  const asked: Partial<MigrationSettings> = {};
  if (options.assetsRepo !== undefined) asked.assetsRepo = options.assetsRepo;
  if (options.prefix !== undefined) asked.prefix = normalizePrefixPath(options.prefix);
  if (options.recordings?.length) asked.recordings = options.recordings;
  if (options.granularity !== undefined) asked.granularity = options.granularity;
  if (options.dialect !== undefined) asked.dialect = options.dialect;
  if (options.fallbackBranch !== undefined) asked.fallbackBranch = options.fallbackBranch;
  if (options.branch !== undefined) asked.branch = options.branch;
  return asked;
}

/** The settings of a fresh migration: options, then asset-sync.yaml, then defaults. Every problem at once. */
export function resolveSettings(options: MigrateOptions, workspace: Pick<Workspace, 'config'>): MigrationSettings {
  const problems: Problem[] = [];
  const config = workspace.config;
  const assetsRepo = options.assetsRepo ?? config.defaults.AssetsRepo;
  const prefixRaw = options.prefix ?? config.defaults.AssetsRepoPrefixPath;
  if (assetsRepo === undefined) {
    problems.push({ file: 'command line', field: '--assets-repo', message: '--assets-repo is required', hint: 'Pass --assets-repo <owner/name>, e.g. Azure/azure-sdk-assets.' });
  } else {
    const wrong = checkAssetsRepo(assetsRepo);
    if (wrong) problems.push({ file: 'command line', field: '--assets-repo', message: `--assets-repo must be "owner/name", found ${JSON.stringify(assetsRepo)}, ${wrong}` });
  }
  if (prefixRaw === undefined) {
    problems.push({ file: 'command line', field: '--prefix', message: '--prefix is required', hint: `Pass --prefix <language>: one of ${Object.keys(config.recordings).join(', ')}.` });
  } else {
    const wrong = checkPrefixPath(prefixRaw);
    if (wrong) problems.push({ file: 'command line', field: '--prefix', message: `--prefix must be a folder of the assets repo, found ${JSON.stringify(prefixRaw)}, ${wrong}` });
  }
  const prefix = normalizePrefixPath(prefixRaw ?? '');
  const recordings = options.recordings?.length ? options.recordings : config.recordings[prefix];
  if (!recordings?.length && prefixRaw !== undefined) {
    problems.push({
      file: 'command line',
      field: '--recordings',
      message: `no recordings globs for "${prefix}": it is not one of ${Object.keys(config.recordings).join(', ')}`,
      hint: `Pass --recordings <glob> (e.g. "sdk/**/tests/recordings"), or add recordings.${prefix || '<language>'} to asset-sync.yaml.`,
    });
  }
  const fallbackBranch = options.fallbackBranch ?? DEFAULT_FALLBACK_BRANCH;
  for (const [flag, value] of [['--fallback-branch', fallbackBranch], ['--branch', options.branch]] as const) {
    if (value === undefined) continue;
    const wrong = checkRefName(value);
    if (wrong) problems.push({ file: 'command line', field: flag, message: `${flag} must be a branch name, found ${JSON.stringify(value)}, which ${wrong}` });
  }
  if (options.branch !== undefined && options.dialect !== 'branch') {
    problems.push({ file: 'command line', field: '--branch', message: '--branch applies to the branch dialect only', hint: 'Add --dialect branch, or drop --branch.' });
  }
  if (problems.length > 0) {
    throw new AssetSyncError('USAGE', problems.map((p) => p.message).join('\n'), { problems, hint: problems.find((p) => p.hint)?.hint ?? 'asset-sync migrate --help' });
  }
  return {
    assetsRepo: assetsRepo!,
    prefix,
    recordings: [...recordings!],
    granularity: options.granularity ?? 'package',
    dialect: options.dialect ?? 'tag',
    fallbackBranch,
    ...(options.branch ? { branch: options.branch } : {}),
    force: options.force === true,
    maxCommitBytes: options.maxCommitBytes ?? DEFAULT_MAX_COMMIT_BYTES,
  };
}

async function refuseDirty(repoRoot: string, assetsDir: string, yes: boolean): Promise<void> {
  const inside = assetsDirInside(repoRoot, assetsDir);
  const changes = (await workingTreeChanges(repoRoot)).filter((c) => !(inside && isSameOrBelow(c.path.replace(/\/+$/, ''), inside)));
  if (changes.length === 0 || yes) return;
  const shown = changes.slice(0, 10).map((c) => `  ${c.code} ${c.path}`);
  if (changes.length > 10) shown.push(`  ... and ${changes.length - 10} more`);
  throw new AssetSyncError('CONFIRMATION_REQUIRED', `the language repo has ${plural(changes.length, 'uncommitted change')}:\n${shown.join('\n')}`, {
    hint: 'Commit or stash them first, or rerun with --yes: recordings are migrated as they are on disk, and other changes are left exactly as they are (never staged).',
  });
}

async function finishStep(ctx: Context, step: Step, started: number, detail: string): Promise<void> {
  const ms = Date.now() - started;
  ctx.ran.add(step);
  ctx.journal.steps[step] = { ms, at: new Date().toISOString(), detail };
  await writeJournal(ctx.gitDir, ctx.journal);
  ctx.options.onStep?.({ step, state: 'done', ms, detail });
  await faultPoint(`migrate-${step}`, ctx.env);
}

async function openStore(ctx: Context): Promise<Store> {
  if (!ctx.store) {
    const assetsRepo = ctx.journal.settings.assetsRepo;
    ctx.store = await Store.open(storeLocation(ctx.workspace, assetsRepo));
    await ctx.store.clearStaleLocks();
  }
  return ctx.store;
}

/** Fetches the fallback branch head (commits and trees only); null when the assets repo has no such branch. */
async function fallbackHead(ctx: Context, store: Store): Promise<string | null> {
  const pin: Pin = { kind: 'branch-head', branch: ctx.journal.settings.fallbackBranch };
  const { missing } = await store.fetchPins([pin]);
  if (missing.size > 0) return null;
  return (await store.resolvePins([pin])).get(pinKey(pin)) ?? null;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

// ---- write: every recording into the store as one commit (or one per layer) ----

async function writeStep(ctx: Context): Promise<string> {
  const { journal, repoRoot } = ctx;
  const plan = journal.plan;
  const identity = await commitIdentity(repoRoot, ctx.env);
  const store = await openStore(ctx);
  const parent = await fallbackHead(ctx, store);
  if (parent === null) ctx.warnings.push(`${plan.assetsRepo} has no branch ${journal.settings.fallbackBranch}: the migration commit starts a new history`);
  const files = plan.units.flatMap((u) => u.files);
  const blobsStarted = Date.now();
  const oids = await writeBlobs(
    store,
    files.map((f) => ({ absPath: join(repoRoot, ...f.path.split('/')), size: f.size })),
    ctx.options.jobs ? { jobs: ctx.options.jobs } : {},
  );
  const oidOf = new Map(files.map((f, i) => [f.path, oids[i]!]));
  const source = await languageRepoName(ctx);
  const layers: CommitLayer[] = [];
  for (let layer = 0; layer < plan.layers; layer++) {
    const units = plan.units.filter((u) => u.layer === layer);
    const count = units.reduce((sum, u) => sum + u.files.length, 0);
    layers.push({
      replace: units.flatMap((u) => u.folders.map((f) => assetsPathOf(plan.prefix, f))),
      add: units.flatMap((u) => u.files.map((f) => ({ path: f.destination, oid: oidOf.get(f.path)!, mode: f.mode }))),
      message:
        `Migrate ${plural(count, 'recording')} of ${plural(units.length, 'package')} from ${source}` +
        (plan.layers > 1 ? ` (part ${layer + 1} of ${plan.layers})` : '') +
        `\n\nMoved by asset-sync migrate from ${plan.granularity} recordings folders to ${plan.prefix || 'the root'}/.`,
    });
  }
  const blobsMs = Date.now() - blobsStarted;
  const commitsStarted = Date.now();
  const commits = await writeCommits(store, { ...(parent ? { parent } : {}), layers, identity });
  const commitsMs = Date.now() - commitsStarted;
  journal.parent = parent;
  journal.commits = commits;
  journal.oids = Object.fromEntries(oidOf);
  return `${plural(files.length, 'file')} in ${plural(commits.length, 'commit')} (${commits.map((c) => c.commit.slice(0, 10)).join(', ')}); blobs ${secs(blobsMs)}, trees and commit ${secs(commitsMs)}`;
}

async function languageRepoName(ctx: Context): Promise<string> {
  const origin = ctx.workspace.originUrl;
  const name = origin ? origin.replace(/\.git$/, '').split(/[/:]/).filter(Boolean).slice(-2).join('/') : basename(ctx.repoRoot);
  return name || 'the language repo';
}

// ---- publish: tags (or branches) on the server, in one push per commit ----

interface WantedRef {
  ref: string;
  oid: string;
  layer: number;
}

function wantedRefs(journal: Journal): WantedRef[] {
  const commits = journal.commits ?? [];
  const wanted: WantedRef[] = [];
  const seen = new Set<string>();
  for (const unit of journal.plan.units) {
    const commit = commits[unit.layer]!.commit;
    const ref = journal.plan.dialect === 'tag' ? `refs/tags/${tagNameOf(unit.tagPrefix ?? '', commit)}` : `refs/heads/${unit.branch}`;
    const key = `${ref} ${unit.layer}`;
    if (seen.has(key)) continue;
    seen.add(key);
    wanted.push({ ref, oid: commit, layer: unit.layer });
  }
  return wanted;
}

async function publishStep(ctx: Context): Promise<string> {
  const { journal } = ctx;
  const store = await openStore(ctx);
  const plan = journal.plan;
  const tags = plan.dialect === 'tag';
  const listRemote = () => listRemoteRefs(store, tags ? { tags: true, ...(plan.prefix ? { patterns: [`refs/tags/${plan.prefix}/*`] } : {}) } : { heads: true });
  let remote = await listRemote();
  let wanted = wantedRefs(journal);
  const local = await Promise.all((journal.commits ?? []).map((c) => hasCommit(store, c.commit)));
  if (local.some((has) => !has)) {
    // The store lost the commit (assets dir deleted?). Before anything is on the server, building it again is safe.
    if (wanted.some((w) => remote.get(w.ref) === w.oid)) {
      throw new AssetSyncError('MIGRATION_FAILED', `the migration commit ${journal.commits?.[local.indexOf(false)]?.commit} is on the server in part but no longer in the store`, {
        hint: `Restore the assets dir, or delete ${journalPath(ctx.gitDir)} and the tags pushed so far, then run asset-sync migrate again.`,
      });
    }
    await writeStep(ctx);
    wanted = wantedRefs(journal);
    remote = await listRemote();
  }

  const problems: string[] = [];
  const toPush: WantedRef[] = [];
  const pushedBefore = new Set<string>();
  for (const w of wanted) {
    const there = remote.get(w.ref);
    if (there === w.oid) {
      pushedBefore.add(w.ref);
      continue;
    }
    if (there && tags) {
      problems.push(`${w.ref.slice('refs/tags/'.length)} exists already at ${there.slice(0, 10)}, not at ${w.oid.slice(0, 10)}`);
      continue;
    }
    if (there && !tags) {
      // A branch that exists must fast-forward to the migration commit.
      const branch = w.ref.slice('refs/heads/'.length);
      const pin: Pin = { kind: 'branch-head', branch };
      await store.fetchPins([pin]);
      const head = (await store.resolvePins([pin])).get(pinKey(pin));
      if (!head || !(await isAncestor(store, head, w.oid))) {
        problems.push(`branch ${branch} exists at ${there.slice(0, 10)}, which the migration commit does not build on`);
        continue;
      }
    }
    toPush.push(w);
  }
  if (problems.length > 0) {
    throw new AssetSyncError('PUSH_REJECTED', `the assets repo ${plan.assetsRepo} already has refs the migration would overwrite:\n  ${problems.slice(0, 20).join('\n  ')}`, {
      hint: plan.dialect === 'branch' ? 'Pass --branch <new branch>, or merge the existing branch into the fallback branch first.' : 'Nothing was pushed; remove the conflicting tags or migrate the packages named with --force after review.',
    });
  }
  if (toPush.length === 0) return `${plural(wanted.length, 'ref')} already on the server`;
  // The server's head of the fallback branch, as commits and trees, tells the push which objects the server has.
  if (journal.parent) await fallbackHead(ctx, store);
  let pushes = 0;
  for (let layer = 0; layer < plan.layers; layer++) {
    const refs = toPush.filter((w) => w.layer === layer);
    if (refs.length === 0) continue;
    const outcomes = await pushRefs(store, refs.map(({ ref, oid }) => ({ ref, oid })));
    pushes++;
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    if (rejected.length > 0) {
      throw new AssetSyncError('PUSH_REJECTED', `the assets repo refused ${plural(rejected.length, 'ref')}:\n  ${rejected.slice(0, 20).map((o) => `${o.ref}: ${o.reason ?? 'rejected'}`).join('\n  ')}`, {
        hint: 'Check write access to the assets repo (GIT_TOKEN for https remotes), then run asset-sync migrate again: it resumes here.',
      });
    }
  }
  return `${plural(toPush.length, tags ? 'tag' : 'branch')} in ${plural(pushes, 'push')}${pushedBefore.size ? `, ${pushedBefore.size} already there` : ''}`;
}

// ---- pin: each unit's assets.json, and the assets dir in .gitignore ----

async function pinStep(ctx: Context): Promise<string> {
  const { journal, repoRoot } = ctx;
  const commits = journal.commits ?? [];
  let written = 0;
  for (const unit of journal.plan.units) {
    const file = join(repoRoot, ...unit.assetsJson.split('/'));
    const fields = assetsJsonFields(journal.plan, unit, commits[unit.layer]!.commit);
    // Only a file that was there before the migration keeps its formatting; one from an
    // interrupted run of this migration is simply written again.
    const before = unit.existing && existsSync(file) ? await readFile(file, 'utf8') : undefined;
    const text = pinnedText(before, fields, unit.assetsJson);
    const current = existsSync(file) ? await readFile(file, 'utf8') : undefined;
    if (current !== text) {
      await writeFileAtomically(file, text);
      written++;
    }
  }
  const ignored = await ensureIgnored(ctx);
  return `${journal.plan.units.length} assets.json (${written} written)${ignored ? `, ${ignored} added to .gitignore` : ''}`;
}

/** The .gitignore line for the assets dir, or undefined when it lies outside the repo. */
function ignoreLine(ctx: Context): string | undefined {
  const inside = assetsDirInside(ctx.repoRoot, ctx.workspace.assetsDir);
  return inside ? `/${inside}/` : undefined;
}

function ignoresAssetsDir(text: string, line: string): boolean {
  const bare = line.replace(/^\/|\/$/g, '');
  return text.split(/\r?\n/).some((l) => {
    const t = l.trim().replace(/^\*\*\//, '').replace(/^\/|\/$/g, '');
    return t === bare;
  });
}

function withLine(text: string, line: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return `${text}${text === '' || text.endsWith('\n') ? '' : eol}${line}${eol}`;
}

async function ensureIgnored(ctx: Context): Promise<string | undefined> {
  const line = ignoreLine(ctx);
  if (!line) return undefined;
  const file = join(ctx.repoRoot, '.gitignore');
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (ignoresAssetsDir(text, line)) return undefined;
  await writeFileAtomically(file, withLine(text, line));
  return line;
}

// ---- verify: restore every unit from the server into a temporary folder and compare ----

async function verifyStep(ctx: Context): Promise<string> {
  const { journal, repoRoot, workspace } = ctx;
  const units = journal.plan.units;
  const scratch = join(workspace.assetsDir, '.asset-sync', 'migrate-verify');
  await rm(scratch, { recursive: true, force: true });
  try {
    const entries = await Promise.all(units.map(async (u) => toPackageEntry(await discoverOne(join(repoRoot, ...u.assetsJson.split('/')), repoRoot))));
    const invalid = entries.filter((e) => e.problems.length > 0);
    if (invalid.length > 0) {
      throw new AssetSyncError('VERIFY_FAILED', `the assets.json files written are not valid:\n${invalid.flatMap((e) => e.problems.map(formatProblem)).join('\n')}`, {
        hint: 'Nothing was removed. Fix or delete them, then run asset-sync migrate again.',
      });
    }
    const context = (await discoverAll(repoRoot, workspace.config)).map(toPackageEntry);
    const all = units.flatMap((unit) => unit.files.map((file) => ({ unit, file })));
    // The originals are hashed while the restore runs: fetching is mostly one busy process, so a core is free.
    const originalLimit = pLimit(2);
    const originals = Promise.all(all.map(({ file }) => originalLimit(() => blobIdOfFile(join(repoRoot, ...file.path.split('/'))))));
    originals.catch(() => undefined);
    const restoreStarted = Date.now();
    const restored = await restore({ workspace: { ...workspace, assetsDir: scratch, layout: 'shared' }, entries, context, complete: false });
    const failed = restored.packages.filter((p) => p.status === 'failed');
    if (!restored.ok || failed.length > 0) {
      throw new AssetSyncError('VERIFY_FAILED', `restoring the migrated recordings from the server failed:\n${failed.map((p) => p.error?.message ?? p.id).join('\n')}`, {
        hint: 'Nothing was removed from the language repo. Fix the cause, then run asset-sync migrate again: it resumes with the verification.',
      });
    }
    const restoreMs = Date.now() - restoreStarted;
    const compareStarted = Date.now();
    const locate = new Map(restored.packages.map((p) => [p.id, p.locate]));
    const oids = journal.oids ?? {};
    const originalIds = await originals;
    const mismatches: string[] = [];
    const limit = pLimit(4);
    let bytes = 0;
    await Promise.all(
      all.map(({ unit, file }, i) =>
        limit(async () => {
          const root = locate.get(unit.assetsJson);
          const copy = root ? await blobIdOfFile(join(root, ...file.path.split('/'))) : undefined;
          const original = originalIds[i];
          if (copy === undefined) mismatches.push(`${file.path}: missing from the restore`);
          else if (original === undefined) mismatches.push(`${file.path}: the original is gone`);
          else if (copy !== original) {
            mismatches.push(oids[file.path] === copy ? `${file.path}: the original changed after it was migrated` : `${file.path}: the restored copy differs from the original`);
          } else bytes += file.size;
        }),
      ),
    );
    if (mismatches.length > 0) {
      mismatches.sort();
      throw new AssetSyncError('VERIFY_FAILED', `${plural(mismatches.length, 'recording')} did not come back from the server byte for byte:\n  ${mismatches.slice(0, 20).join('\n  ')}${mismatches.length > 20 ? `\n  ... and ${mismatches.length - 20} more` : ''}`, {
        hint: `Nothing was removed from the language repo. If originals changed on purpose, delete ${journalPath(ctx.gitDir)} and the new assets.json files, and migrate again.`,
      });
    }
    const files = units.reduce((sum, u) => sum + u.files.length, 0);
    return `${plural(files, 'file')} (${formatBytes(bytes)}) identical after a restore from the server; restore ${secs(restoreMs)} (${plural(restored.plan.checkouts.length, 'checkout')}), compare ${secs(Date.now() - compareStarted)}`;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// ---- remove: delete the originals, stage the deletions and the new files ----

async function removeStep(ctx: Context): Promise<string> {
  const { journal, repoRoot } = ctx;
  const units = journal.plan.units;
  const paths = units.flatMap((u) => u.files.map((f) => f.path));
  const limit = pLimit(32);
  await Promise.all(paths.map((path) => limit(() => rm(join(repoRoot, ...path.split('/')), { force: true }))));
  const leftovers: LeftFile[] = [];
  // Files the plan already left in place (links, ignored files) are not news when they are still there.
  const planned = new Set(journal.plan.left.map((l) => l.path));
  for (const unit of units) {
    for (const folder of unit.folders) {
      if (!(await pruneEmpty(join(repoRoot, ...folder.split('/')), folder, leftovers, planned))) continue;
      // Folders that held only the recordings folder (`src/test/resources`) go too, up to the unit.
      for (let parent = folder.slice(0, folder.lastIndexOf('/')); parent.length > unit.path.length; parent = parent.slice(0, parent.lastIndexOf('/'))) {
        const removed = await rmdir(join(repoRoot, ...parent.split('/'))).then(() => true, () => false);
        if (!removed) break;
      }
    }
  }
  await stageDeletions(repoRoot, paths);
  const assetsJsons = units.map((u) => u.assetsJson);
  await stageFiles(repoRoot, assetsJsons);
  const touched = [...paths, ...assetsJsons];
  const line = ignoreLine(ctx);
  if (line) {
    // Only the line is staged: other uncommitted edits of .gitignore stay unstaged.
    const staged = (await readStaged(repoRoot, '.gitignore'))?.toString('utf8') ?? '';
    if (!ignoresAssetsDir(staged, line)) {
      await stageContent(repoRoot, '.gitignore', Buffer.from(withLine(staged, line), 'utf8'));
      touched.push('.gitignore');
    }
  }
  ctx.leftovers = leftovers.sort((a, b) => (a.path < b.path ? -1 : 1));
  if (leftovers.length > 0) ctx.warnings.push(`${plural(leftovers.length, 'file')} appeared in migrated recordings folders after the plan was made and were left in place`);
  if (ctx.options.commit) {
    const source = `${plural(paths.length, 'recording')} of ${plural(units.length, 'package')}`;
    ctx.committed = await commitStagedPaths(
      repoRoot,
      touched,
      `Move ${source} to ${journal.plan.assetsRepo}\n\nThe recordings now live in the assets repo, pinned by each package's assets.json (asset-sync migrate).`,
    );
  }
  return `${plural(paths.length, 'file')} removed and staged with ${assetsJsons.length} assets.json${ctx.committed ? `, committed ${ctx.committed.slice(0, 10)}` : ''}`;
}

/** Removes empty folders inside (and including) a recordings folder; files still there are leftovers. */
async function pruneEmpty(abs: string, rel: string, leftovers: LeftFile[], planned: Set<string>): Promise<boolean> {
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return true;
  let empty = true;
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!(await pruneEmpty(join(abs, entry.name), `${rel}/${entry.name}`, leftovers, planned))) empty = false;
    } else {
      empty = false;
      if (!planned.has(`${rel}/${entry.name}`)) leftovers.push({ path: `${rel}/${entry.name}`, size: 0, reason: 'appeared after the plan was made' });
    }
  }
  if (empty) await rmdir(abs).catch(() => undefined);
  return empty;
}

// ---- the report ----

function reportOf(input: {
  journal: Journal;
  workspace: Workspace;
  repoRoot: string;
  started: number;
  resumed: boolean;
  dryRun: boolean;
  status: MigrationReport['status'];
  warnings: string[];
  gitDir: string;
  ran?: Set<Step>;
}): MigrationReport {
  const { journal } = input;
  const commits = (journal.commits ?? []).map((c) => c.commit);
  const steps = Object.fromEntries(
    STEPS.map((step) => {
      const record = journal.steps[step];
      let state: StepState;
      if (record) state = input.ran?.has(step) ? 'done' : 'resumed';
      else if (input.dryRun) state = step === 'plan' && !input.resumed ? 'done' : 'skipped';
      else state = input.status === 'nothing-to-do' ? 'skipped' : 'pending';
      return [step, { state, ms: record?.ms ?? 0, ...(record?.detail ? { detail: record.detail } : {}) }];
    }),
  ) as MigrationReport['steps'];
  const pins: UnitPin[] = commits.length
    ? journal.plan.units.map((u) => {
        const commit = commits[u.layer]!;
        return { unit: u.path, assetsJson: u.assetsJson, commit, pin: journal.plan.dialect === 'tag' ? tagNameOf(u.tagPrefix ?? '', commit) : commit };
      })
    : [];
  const report: MigrationReport = {
    ok: true,
    dryRun: input.dryRun,
    status: input.status,
    resumed: input.resumed,
    repoRoot: input.repoRoot,
    assetsDir: input.workspace.assetsDir,
    settings: journal.settings,
    plan: journal.plan,
    parent: journal.parent ?? null,
    commits,
    pins,
    totals: journal.plan.totals,
    workingTree: { before: journal.sizeBefore },
    steps,
    totalMs: Date.now() - input.started,
    leftovers: [],
    warnings: input.warnings,
  };
  if (input.resumed) report.journal = journalPath(input.gitDir);
  return report;
}

