import { join } from 'node:path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { discoverOne, findRepoRoot } from '@asset-sync/discovery';
import { describeRestoreCheckouts, describeRestoreCounts, describeRestoreDuration, describeRestoreFetches, errorReport, nestedPackages, openWorkspace, restore, toPackageEntry, type ErrorReport, type PackageOutcome, type RestoreReport } from '@asset-sync/executor';
import type { Layout } from '@asset-sync/planner';

/** Options of the restore target (schemas/restore.json), set in nx.json or on the command line. */
export interface RestoreExecutorOptions {
  /** Discard pending local changes that stand in the way. */
  force?: boolean;
  /** Work out and print what would change; change no checkout. */
  dryRun?: boolean;
  /** `shared` checkouts (default) or one folder per assets.json as the test-proxy lays them out. */
  layout?: Layout;
  /** Checkouts written in parallel (default: number of CPUs). */
  jobs?: number;
}

/** One task's result, as Nx's batch runner takes it (`BatchExecutorTaskResult`). */
export interface BatchTaskResult {
  task: string;
  result: { success: boolean; terminalOutput: string; startTime: number; endTime: number };
}

/** A project to restore: the Nx task and the folder holding its assets.json (relative to the workspace root). */
export interface RestoreTask {
  id: string;
  projectRoot: string;
  options: RestoreExecutorOptions;
}

/** `nx run <project>:restore`: the project's assets.json through the same restore as the CLI. */
export async function restoreExecutor(options: RestoreExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const projectName = context.projectName ?? '';
  const projectRoot = context.projectsConfigurations.projects[projectName]?.root ?? '.';
  const task = { id: `${projectName}:${context.targetName ?? 'restore'}`, projectRoot, options };
  let success = true;
  for await (const { result } of restoreTasks(context.root, [task])) {
    process.stdout.write(result.terminalOutput);
    success &&= result.success;
  }
  return { success };
}

/**
 * `nx run-many -t restore --batch`: every task of the batch in one process, one plan, one fetch
 * per assets repo, checkouts in parallel; a result per task as soon as it is known.
 */
export async function batchRestoreExecutor(
  taskGraph: TaskGraph,
  inputs: Record<string, RestoreExecutorOptions>,
  _overrides: RestoreExecutorOptions,
  context: ExecutorContext,
): Promise<AsyncIterableIterator<BatchTaskResult>> {
  const tasks = Object.values(taskGraph.tasks).map((task) => ({
    id: task.id,
    projectRoot: task.projectRoot ?? context.projectsConfigurations.projects[task.target.project]?.root ?? '.',
    options: inputs[task.id] ?? {},
  }));
  return restoreTasks(context.root, tasks);
}

/**
 * Restores the assets.json of each task: one `restore()` per distinct set of options (normally
 * one for the whole batch). Yields each task's result as soon as restore reports its package; the
 * last one also carries the summary of the plan (Nx shows only the tasks' output for certain, so
 * the summary rides with a task). A failure of the whole run (configuration, lock) is the result of
 * every task still waiting.
 */
export async function* restoreTasks(
  workspaceRoot: string,
  tasks: readonly RestoreTask[],
  options: RestoreTasksOptions = {},
): AsyncIterableIterator<BatchTaskResult> {
  const groups = new Map<string, RestoreTask[]>();
  for (const task of tasks) {
    const key = JSON.stringify(normalizeOptions(task.options));
    groups.set(key, [...(groups.get(key) ?? []), task]);
  }
  for (const group of groups.values()) yield* restoreGroup(workspaceRoot, group, options);
}

export interface RestoreTasksOptions {
  /** The environment asset-sync reads its settings from (ASSET_SYNC_*); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Called with each restore's report, once every task it served has its result. */
  onReport?: (report: RestoreReport) => void | Promise<void>;
}

async function* restoreGroup(workspaceRoot: string, tasks: readonly RestoreTask[], run: RestoreTasksOptions): AsyncIterableIterator<BatchTaskResult> {
  const startTime = Date.now();
  const options = normalizeOptions(tasks[0]!.options);
  const env = run.env ?? process.env;
  const finished = new Set<string>();
  const queue = new AsyncQueue<BatchTaskResult>();
  const result = (task: RestoreTask, success: boolean, lines: string[]): BatchTaskResult => {
    finished.add(task.id);
    return { task: task.id, result: { success, terminalOutput: `${lines.join('\n')}\n`, startTime, endTime: Date.now() } };
  };
  // The latest result waits for the next one, so the last can take the summary along.
  let held: BatchTaskResult | undefined;
  const emit = (next?: BatchTaskResult): void => {
    if (held) queue.push(held);
    held = next;
  };

  const restored = (async (): Promise<void> => {
    const repoRoot = await findRepoRoot(workspaceRoot);
    const workspace = await openWorkspace(repoRoot, { layout: options.layout, cwd: workspaceRoot, env });
    const entries = await Promise.all(tasks.map(async (task) => toPackageEntry(await discoverOne(join(workspaceRoot, task.projectRoot, 'assets.json'), repoRoot))));
    const tasksById = new Map<string, RestoreTask[]>();
    entries.forEach((entry, i) => tasksById.set(entry.path, [...(tasksById.get(entry.path) ?? []), tasks[i]!]));
    const report = await restore({
      workspace,
      entries: [...new Map(entries.map((e) => [e.path, e])).values()],
      context: await nestedPackages(workspace, entries),
      complete: false,
      force: options.force,
      dryRun: options.dryRun,
      ...(options.jobs ? { jobs: options.jobs } : {}),
      events: {
        package: (outcome) => {
          for (const task of tasksById.get(outcome.id) ?? []) {
            if (!finished.has(task.id)) emit(result(task, outcome.status !== 'failed', describeOutcome(outcome)));
          }
        },
      },
    });
    await run.onReport?.(report);
    if (held) held.result.terminalOutput += `${summaryOf(report)}\n`;
    emit();
  })();

  restored.then(
    () => queue.end(),
    (error: unknown) => {
      emit();
      const lines = describeError(errorReport(error));
      for (const task of tasks) if (!finished.has(task.id)) queue.push(result(task, false, lines));
      queue.end();
    },
  );
  yield* queue;
  for (const task of tasks) {
    if (!finished.has(task.id)) yield result(task, false, [`asset-sync: ${task.projectRoot}/assets.json was not restored (no result for it)`]);
  }
}

interface NormalizedOptions {
  force: boolean;
  dryRun: boolean;
  layout: Layout;
  jobs: number | undefined;
}

function normalizeOptions(options: RestoreExecutorOptions): NormalizedOptions {
  return {
    force: options.force === true,
    dryRun: options.dryRun === true,
    layout: options.layout === 'test-proxy' ? 'test-proxy' : 'shared',
    jobs: typeof options.jobs === 'number' && options.jobs > 0 ? options.jobs : undefined,
  };
}

/** One package's lines, worded as `asset-sync restore` words them. */
export function describeOutcome(outcome: PackageOutcome): string[] {
  if (outcome.status !== 'failed') return [`${outcome.status} ${outcome.id}${outcome.locate ? ` -> ${outcome.locate}` : ''}`];
  return [`failed ${outcome.id}`, ...describeError(outcome.error ?? { code: 'GIT_FAILED', message: `${outcome.id}: failed` })];
}

function describeError(error: ErrorReport): string[] {
  return [`  ${error.message.split('\n').join('\n  ')}`, ...(error.hint ? [`  hint: ${error.hint}`] : [])];
}

/** The batch as a whole: how many packages shared the plan, and what it fetched. */
export function summaryOf(report: RestoreReport): string {
  const counts = describeRestoreCounts(report, report.dryRun ? 'dry run: would restore' : 'restored');
  const fetched = describeRestoreFetches(report) ?? 'no network I/O';
  return `asset-sync: one plan for ${report.packages.length} assets.json, ${describeRestoreCheckouts(report)} (${counts}); ${fetched} (${describeRestoreDuration(report)})`;
}

/** A queue read with `for await`: results go out as they come in. */
class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        yield this.items.shift()!;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  private wake(): void {
    const wake = this.waiting;
    this.waiting = undefined;
    wake?.();
  }
}
