export { planRestore } from './plan-restore.js';
export { planFetch } from './plan-fetch.js';
export type { FetchInput } from './plan-fetch.js';
export { unsafeTreePaths, escapingSymlinks, nameProblem, symlinkProblem } from './tree-paths.js';
export type { TreeFile, UnsafePath, PathRules } from './tree-paths.js';
export {
  assetsPathOf,
  isSameOrBelow,
  nestedBelow,
  outermostPaths,
  ownerOf,
  sharedCheckoutDir,
  shortSha,
  testProxyHash,
} from './paths.js';
export {
  TEST_PROXY_MAIN,
  TEST_PROXY_SHARED_NAMES,
  testProxySparsePatterns,
  isTestProxyPushBranch,
  parseBreadcrumb,
  formatBreadcrumb,
  updateBreadcrumb,
  strayProxyBranches,
} from './test-proxy.js';
export type { BreadcrumbLine, ParsedBreadcrumb, ProxyBranch } from './test-proxy.js';
export type {
  CheckoutAction,
  CheckoutFacts,
  CheckoutPlan,
  FetchPlan,
  Graft,
  Layout,
  PackageAction,
  PackagePlan,
  PendingFiles,
  PinFact,
  PlanInput,
  RequestFailure,
  RestoredPackage,
  RestorePlan,
  RestoreRequest,
} from './types.js';
export { planRetention, parseDuration, planAdopt } from './retention.js';
export type { RetentionInput, RetentionPlan, RemoteRefFact, ReferencedPins, KeptReason, AdoptAction, AdoptDecision } from './retention.js';
