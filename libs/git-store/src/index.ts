export { Store, storeDirOf, chunkByLength, assertSafePath } from './store.js';
export type { FetchProgress, StoreLocation } from './store.js';
export {
  syncCheckout,
  pendingChanges,
  hasPendingChanges,
  discardChanges,
  removeCheckoutDir,
  readCheckoutHead,
  worktreeGitDir,
  isCheckoutOf,
  assertInside,
} from './checkout.js';
export type { PendingChanges, SyncCheckoutOptions } from './checkout.js';
export { runGit, gitEnvironment, splitCredentials, tokenHosts, gitProcessCount, isTransient, isUnreachable, assertNotOption, checkGitVersion } from './run.js';
export { parseGitVersion, isAtLeast, assertSupportedGit, MINIMUM_GIT } from './version.js';
export type { GitVersion } from './version.js';
export type { RunOptions, RunResult } from './run.js';
export { localRefOf, refspecOf, literalPathspec, excludePathspec } from './refs.js';
export { acquireLock } from './lock.js';
export type { ReleaseLock } from './lock.js';
export { buildCommit, workingTreeAt, changedFiles as changedFilesBetween, setLocalRef, mergeBase, writeCommits, hasCommit, isAncestor } from './commit.js';
export type { Identity, FileChange, IndexEntry, BuildCommitOptions, TreeChange, CommitLayer, WriteCommitsOptions } from './commit.js';
export { writeBlobs } from './blobs.js';
export type { BlobSource, WriteBlobsOptions } from './blobs.js';
export { listRemoteRefs, remoteRef, pushRefs, pushRef, deleteRemoteRefs } from './remote.js';
export type { RemoteRefQuery, PushRefsOptions, PushedRef, PushRefResult } from './remote.js';
export { parseLsRemote, parsePushPorcelain } from './porcelain.js';
export type { PushStatus } from './porcelain.js';
export { gitDirOf, readGitConfig, originUrlOf, workingTreeChanges, ignoredPaths, stageDeletions, stageFiles, readStaged, stageContent, commitStagedPaths } from './language-repo.js';
export type { WorkingTreeChange } from './language-repo.js';
export { withTemporaryIndex, commitTree } from './tree.js';
export type { TemporaryIndex, IndexLine } from './tree.js';
export { composeTree, foldersAt, listTreeFiles, readBlobs, readTreeObjects, syntheticCommit, EMPTY_TREE } from './trees.js';
export type { FolderAt, ListedFile, TreeEntry } from './trees.js';
export { inspectCheckout, changedFiles, adoptCommit, checkoutCommit, moveCheckout, repairCheckout, resetIndexTo, finishMove, resetFolders, removeSharedCheckout, clearCheckoutLocks } from './shared-checkout.js';
export type { ChangedFile, CheckoutCondition, CheckoutInspection, MoveOptions } from './shared-checkout.js';
export { objectsBetween, objectSizes, commitDates, reachableCommits, setLocalRefs, localRefsUnder, deleteLocalRefs, clearLocalRefs, writeBundle, bundleBase, verifyBundle, readBundleHeader, fetchRefsInto } from './transfer.js';
export type { BundleHeader } from './transfer.js';
export { languageRefs, languageTrees, filesInTrees, readLanguageBlobs } from './language-refs.js';
export { readWorktreeHead, setSparsePatterns } from './checkout.js';
export { isStandaloneClone, importClone, convertClone, detachHead, proxyBranchFacts, deleteBranches } from './proxy-folders.js';
export type { LocalBranch } from './proxy-folders.js';
export type { CloneHead } from './proxy-folders.js';
export { lockFolder } from './lock.js';
export { leaseStore, withStoreAlone } from './lease.js';
export { anchorCheckouts, trimStore, listStores } from './store-gc.js';
export type { CheckoutAnchor, TrimOptions, TrimReport } from './store-gc.js';
export { otherStoreOf, adoptCheckout } from './store-move.js';
