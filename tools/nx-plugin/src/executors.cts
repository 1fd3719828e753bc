// Nx loads executors with require(). This CommonJS entry loads the ES module that does the work,
// so the executors run on every Node version Nx supports, with or without require(esm).
import type { ExecutorContext, TaskGraph } from '@nx/devkit';

const load = () => import('./restore-executor.js');
type RestoreModule = Awaited<ReturnType<typeof load>>;
type Options = Parameters<RestoreModule['restoreExecutor']>[0];

export = {
  async restore(options: Options, context: ExecutorContext): ReturnType<RestoreModule['restoreExecutor']> {
    return (await load()).restoreExecutor(options, context);
  },
  async restoreBatch(
    taskGraph: TaskGraph,
    inputs: Record<string, Options>,
    overrides: Options,
    context: ExecutorContext,
  ): ReturnType<RestoreModule['batchRestoreExecutor']> {
    return (await load()).batchRestoreExecutor(taskGraph, inputs, overrides, context);
  },
};
