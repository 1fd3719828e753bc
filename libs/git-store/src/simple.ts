import type { SimpleGit } from 'simple-git';
import { FIXED_CONFIG, countProcess, gitEnvironment } from './run.js';

/*
 * simple-git is used where its parser earns its keep and its cost is nobody's budget: the language
 * repo's status before migrate (see README, Decisions). It is loaded only there, with import():
 * restore, whose no-op run is benchmarked, never loads it.
 */

const ALLOW_ENVIRONMENT = {
  allowUnsafeAskPass: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeEditor: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeGitProxy: true,
  allowUnsafeGpgProgram: true,
  allowUnsafeHooksPath: true,
  allowUnsafePager: true,
  allowUnsafeSshCommand: true,
  allowUnsafeProtocolOverride: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeDiffTextConv: true,
  allowUnsafeFilter: true,
  allowUnsafeMergeDriver: true,
  allowUnsafeAlias: true,
  allowUnsafeTemplateDir: true,
  allowUnsafePack: true,
};

/**
 * A simple-git client with the same environment and fixed settings as runGit. simple-git's
 * guard screens arguments for options a caller might smuggle in; ours are built here from
 * validated values, and what it would flag is the user's own environment (GIT_SSH_COMMAND,
 * GIT_ASKPASS) and the GIT_CONFIG_* entries that carry GIT_TOKEN, so those are allowed.
 */
export async function simpleGitIn(cwd: string, env: Record<string, string | undefined> = {}, config: Array<[string, string]> = []): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  countProcess();
  return simpleGit({
    baseDir: cwd,
    maxConcurrentProcesses: 4,
    trimmed: false,
    config: FIXED_CONFIG,
    unsafe: ALLOW_ENVIRONMENT,
  }).env(gitEnvironment(env, config));
}

