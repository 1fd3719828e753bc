/**
 * What the planner reads and writes. Everything is plain JSON so a plan can be printed
 * (`asset-sync plan --json`), reviewed, stored and compared.
 */

import type { Pin } from '@asset-sync/assets-json';

/**
 * `shared`: one checkout per assets repo holding every restored package's folder at its own pin.
 * `test-proxy`: one checkout per assets.json, named and laid out as the Azure test-proxy does.
 */
export type Layout = 'shared' | 'test-proxy';

/** One assets.json that wants its recordings on disk. */
export interface RestoreRequest {
  /** The assets.json path relative to the language repo root (forward slashes): the package's id. */
  id: string;
  /** `owner/name` of the assets repo. */
  assetsRepo: string;
  /** `AssetsRepoPrefixPath`, normalized ('' allowed). */
  prefix: string;
  /** The folder of the assets.json relative to the language repo root ('' at the root). */
  packagePath: string;
  pin: Pin;
  /** The Tag or SHA as written ('' when nothing was pushed yet). */
  pinText: string;
}

/**
 * A failure that is about one package only; the rest of the plan goes ahead. It is an
 * `ErrorReport` of `@asset-sync/errors` with the package's id, declared here by its fields
 * because the planner imports nothing of ours.
 */
export interface RequestFailure {
  id: string;
  code: string;
  message: string;
  hint?: string;
}

/** What git said about one request's pin, after any fetch and after its folder was checked. */
export type PinFact =
  /** `tree` is the folder `<prefix>/<package path>` at `commit`; null when there is none yet. */
  | { kind: 'resolved'; commit: string; tree: string | null }
  | { kind: 'failed'; failure: RequestFailure };

/** Files that differ from the restored content, relative to a package's folder contents. */
export interface PendingFiles {
  added: string[];
  modified: string[];
  deleted: string[];
}

/** A package as it is restored now: the recorded state, already checked against the disk. */
export interface RestoredPackage {
  id: string;
  assetsRepo: string;
  /** `<prefix>/<package path>` inside the assets repo. */
  path: string;
  prefix: string;
  pin: Pin;
  pinText: string;
  commit: string;
  tree: string | null;
  /** The checkout directory (relative to the assets dir) that holds it. */
  checkout: string;
}

/** A checkout the state records, as the disk showed it. */
export interface CheckoutFacts {
  dir: string;
  assetsRepo: string;
  /** `present`: usable; `broken`: files there but git metadata unusable (repaired before use); `absent`: gone. */
  condition: 'present' | 'broken' | 'absent';
  /** Files below no package folder of it (left alone; a checkout holding some is never removed). */
  strays: string[];
}

export interface PlanInput {
  layout: Layout;
  requests: RestoreRequest[];
  /** Per request id; a request without a fact fails as "not looked up" (a bug upstream, not a guess). */
  facts: Record<string, PinFact>;
  /** Packages already known to fail (an invalid assets.json has no request at all). */
  failures?: RequestFailure[];
  /** What is restored now in this layout. Inconsistent entries (duplicates, unknown checkouts) are tolerated. */
  restored?: RestoredPackage[];
  checkouts?: CheckoutFacts[];
  /**
   * Pending changes per package id: a restored package's own files, or files already sitting in
   * the folder of a package that is not restored yet.
   */
  pending?: Record<string, PendingFiles>;
  /** Packages whose push stopped between publishing and writing the pin: restore leaves them be. */
  pushInProgress?: string[];
  /** `all`: the requests are every assets.json of the repo, so packages none names any more go. */
  scope: 'all' | 'subset';
  /** Discard pending changes that stand in the way (the user said --force or answered yes). */
  force?: boolean;
}

export type PackageAction =
  /** Already restored with this content; nothing to write. */
  | 'unchanged'
  /** Not restored yet: its folder is added. */
  | 'add'
  /** Restored at other content: its folder moves to the new pin's. */
  | 'update'
  /** No assets.json names it any more (restore --all): its folder goes. */
  | 'remove'
  /** Its pin changed, but it has pending changes (or an unfinished push): left as it is. */
  | 'blocked'
  /** Its pin cannot be restored (invalid assets.json, missing pin, unsafe content): left as it is. */
  | 'failed'
  /** Outside this run (a subset restore), or not named any more but holding pending changes. */
  | 'keep';

export interface PackagePlan {
  id: string;
  action: PackageAction;
  assetsRepo?: string;
  /** `<prefix>/<package path>` inside the assets repo. */
  path?: string;
  prefix?: string;
  pin?: Pin;
  pinText?: string;
  /** The commit and folder tree the package has after the run. */
  commit?: string;
  tree?: string | null;
  /** The tree it had before the run (update, remove). */
  previousTree?: string | null;
  /** The checkout that holds it after the run. */
  checkout?: string;
  /** Pending changes it has (kept, or the reason it is blocked). */
  pending?: PendingFiles;
  /** Its pending changes are discarded first (force). */
  discard?: boolean;
  failure?: RequestFailure;
  /** One sentence for people reading the plan. */
  why: string;
}

/** One package folder in a shared checkout: the tree at `path` after the run (null: no folder). */
export interface Graft {
  id: string;
  path: string;
  tree: string | null;
}

export type CheckoutAction = 'create' | 'update' | 'repair' | 'unchanged' | 'remove';

export interface CheckoutPlan {
  /** Directory relative to the assets dir: `<owner>/<name>` (shared) or the proxy's hash. */
  dir: string;
  assetsRepo: string;
  layout: Layout;
  action: CheckoutAction;
  /** Shared layout: every folder the checkout holds after the run, sorted by path. */
  grafts: Graft[];
  /** Test-proxy layout: the commit it has checked out after the run, and its sparse paths. */
  commit?: string;
  sparse?: string[];
  /** Ids of the packages whose files change (what a move touches; nothing else is rewritten). */
  changing: string[];
  /** Ids of the packages whose pending changes are discarded before the move. */
  discard: string[];
}

/** Pins to fetch, per assets repo: those the store could not resolve, minus collapsible ones. */
export interface FetchPlan {
  wants: Record<string, Pin[]>;
  /** SHA pins left out because another wanted commit has them in its history. */
  collapsed: Array<{ id: string; sha: string; within: string }>;
}

export interface RestorePlan {
  version: 2;
  layout: Layout;
  packages: PackagePlan[];
  checkouts: CheckoutPlan[];
  failures: RequestFailure[];
  summary: {
    requests: number;
    checkouts: number;
    changing: number;
    blocked: number;
    failed: number;
    distinctCommits: number;
  };
}
