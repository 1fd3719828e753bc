export { git, runGit, isolatedGitEnv, testGitConfigFiles, GitCommandError, isGitCommandError, TEST_IDENTITY } from './git.js';
export type { RunGitOptions, GitResult } from './git.js';
export { makeTempDir, removeTempDir, removeTempDirs, liveTempDirs, withTempDir } from './temp.js';
export {
  makeLanguageRepo,
  commitWorkingFiles,
  makeBareAssetsRepo,
  bareRepoPath,
  commitFiles,
  resolveCommit,
  tagCommit,
  listTreeAt,
  listFilesAt,
  readFilesInDir,
  FIXTURE_EPOCH,
} from './repos.js';
export type { FileContent, FileMap, MakeLanguageRepoOptions, LanguageRepo, CommitFilesOptions, TagOptions, TreeEntry } from './repos.js';
export { FastImportWriter } from './fast-import.js';
export type { FastImportCommit, FastImportOptions } from './fast-import.js';
export { startGitDaemon } from './daemon.js';
export type { GitDaemon, DaemonRequest, DaemonService, StartGitDaemonOptions } from './daemon.js';
export { startWanLink } from './netem.js';
export type { WanLink, WanLinkOptions, WanLinkStats } from './netem.js';
export { runCli, cliEnv, cliBinPath, workspaceRoot, realWorldFixture } from './cli.js';
export type { RunCliOptions, CliResult } from './cli.js';
export { normalizeOutput } from './normalize.js';
export type { NormalizeOptions } from './normalize.js';
export { TestProxy, TestProxyError, TestProxyCrash, testProxyFolderHash, parseTestProxyBreadcrumb } from './test-proxy.js';
export type { TestProxyOptions, TestProxyConfig } from './test-proxy.js';
