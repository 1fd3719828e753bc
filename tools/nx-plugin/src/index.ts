export { createNodes, createNodesV2, selectFiles, existingProject, RESTORE_EXECUTOR, CLI_COMMAND } from './plugin.js';
export type { AssetSyncPluginOptions } from './plugin.js';
export { projectNames } from './project-names.js';
export { restoreExecutor, batchRestoreExecutor, restoreTasks, describeOutcome, summaryOf } from './restore-executor.js';
export type { RestoreExecutorOptions, RestoreTask, RestoreTasksOptions, BatchTaskResult } from './restore-executor.js';

/** The plugin's name in Nx's messages. */
export const name = '@asset-sync/nx';
export { demoNx } from './demo.js';
export type { DemoNxOptions, DemoNxStep } from './demo.js';
