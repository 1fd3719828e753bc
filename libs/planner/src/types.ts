/**
 * What the planner reads and writes. Everything is plain JSON so a plan can be printed
 * (`asset-sync plan --json`), reviewed, stored and compared.
 */

/** What an assets.json asks for, before git has said which commit that is. */
export type PinRef =
  | { kind: 'tag'; tag: string }
  | { kind: 'sha'; sha: string }
  /** An empty Tag or an absent SHA: the head of the fallback branch. */
  | { kind: 'branch-head'; branch: string };

/** One assets.json that wants its recordings on disk. */
export interface RestoreRequest {
  /** The assets.json path relative to the language repo root (forward slashes): the request's id. */
  id: string;
  /** `owner/name` of the assets repo. */
  assetsRepo: string;
  /** `AssetsRepoPrefixPath`, normalized ('' allowed). */
  prefix: string;
  /** The folder of the assets.json relative to the language repo root ('' at the root). */
  packagePath: string;
  pin: PinRef;
}

export type Layout = 'shared' | 'test-proxy';

/** A failure that is about one request only; the rest of the plan goes ahead. */
export interface RequestFailure {
  id: string;
  code: string;
  message: string;
  hint?: string;
}

/** Facts about one assets repo, looked up from its store in bulk. */
export interface RepoFacts {
  /** Commit each pin resolves to, keyed by pinKey(). Pins that could not be resolved are absent. */
  pins: Record<string, string>;
  /**
   * Tree ids: treeAt[commit][path] is the tree at `path` in `commit`, or null when the path does
   * not exist there. Must cover every candidate commit (the resolved pins, and the commits of
   * current checkouts that may be reused) x every request path.
   */
  treeAt: Record<string, Record<string, string | null>>;
  /** ancestorsOf[commit] = the other candidate commits that are ancestors of it. Informative only. */
  ancestorsOf?: Record<string, string[]>;
}

/** A checkout that exists on disk now, from the recorded state (checked against the disk). */
export interface CurrentCheckout {
  assetsRepo: string;
  commit: string;
  dir: string;
  /** Requests it served when it was last completed. */
  serves: string[];
  /** Requests that have pending local changes in it (re-recorded, not pushed). */
  pending: string[];
}

export interface PlanInput {
  requests: RestoreRequest[];
  facts: Record<string, RepoFacts>;
  /** Requests already known to fail (invalid assets.json, pin missing on the server...). */
  failures?: RequestFailure[];
  current?: CurrentCheckout[];
  layout?: Layout;
}

export type AssignmentReason =
  /** Served by a checkout at its own pinned commit. */
  | { kind: 'own-pin' }
  /** Its pinned commit is an ancestor of the checkout's commit, and its subtree is identical there. */
  | { kind: 'ancestor'; checkoutCommit: string; tree: string | null }
  /** Not an ancestor, but the subtree at its path is identical in the checkout's commit. */
  | { kind: 'identical-subtree'; checkoutCommit: string; tree: string | null }
  /** Kept where it is because it has pending local changes and that checkout still serves it. */
  | { kind: 'pending-changes-kept'; checkoutCommit: string; tree: string | null };

export interface Assignment {
  /** The request (assets.json path). */
  id: string;
  assetsRepo: string;
  pin: PinRef;
  /** The commit the pin resolves to. */
  commit: string;
  /** Path of the package's recordings inside the assets repo (`<prefix>/<packagePath>`). */
  path: string;
  /** Tree id at `path` in `commit`; null when the package has no recordings there yet. */
  tree: string | null;
  /** The checkout that serves it. */
  checkout: string;
  reason: AssignmentReason;
  /** One sentence for people reading the plan. */
  why: string;
}

export interface PlannedCheckout {
  /** Stable id: also its directory relative to the assets dir. */
  id: string;
  assetsRepo: string;
  commit: string;
  /** Directory relative to the assets dir. */
  dir: string;
  /** Paths inside the assets repo to materialize (sparse), none nested in another. */
  paths: string[];
  /** Request ids it serves, sorted. */
  serves: string[];
}

export interface Plan {
  version: 1;
  layout: Layout;
  checkouts: PlannedCheckout[];
  assignments: Assignment[];
  failures: RequestFailure[];
  summary: { requests: number; checkouts: number; failed: number; distinctPins: number };
}
