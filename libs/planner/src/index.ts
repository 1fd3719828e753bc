export { planRestore } from './plan.js';
export {
  assetsPathOf,
  describePin,
  isSameOrBelow,
  outermostPaths,
  pinKey,
  sharedCheckoutDir,
  shortSha,
  testProxyHash,
} from './paths.js';
export type {
  Assignment,
  AssignmentReason,
  CurrentCheckout,
  Layout,
  PinRef,
  Plan,
  PlanInput,
  PlannedCheckout,
  RepoFacts,
  RequestFailure,
  RestoreRequest,
} from './types.js';
