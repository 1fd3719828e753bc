import {
  assetsPathOf,
  describePin,
  outermostPaths,
  pinKey,
  sharedCheckoutDir,
  shortSha,
  testProxyHash,
} from './paths.js';
import type {
  Assignment,
  AssignmentReason,
  CurrentCheckout,
  Plan,
  PlanInput,
  PlannedCheckout,
  RepoFacts,
  RequestFailure,
  RestoreRequest,
} from './types.js';

/** A request with its pin resolved and the tree it must see. */
interface Resolved {
  request: RestoreRequest;
  path: string;
  commit: string;
  tree: string | null;
}

/**
 * Turns restore requests and git facts into the smallest set of checkouts that serves every
 * request with exactly its pinned bytes.
 *
 * A request may be served by a checkout at another commit only when the tree at its path is the
 * same object there: equal tree ids mean equal bytes, whatever the history says. Ancestry alone
 * is not enough (an ancestor's subtree may have changed later), so it is only used to explain.
 */
export function planRestore(input: PlanInput): Plan {
  const layout = input.layout ?? 'shared';
  const failures: RequestFailure[] = [...(input.failures ?? [])];
  const failed = new Set(failures.map((f) => f.id));
  const resolved: Resolved[] = [];

  for (const request of [...input.requests].sort((a, b) => compare(a.id, b.id))) {
    if (failed.has(request.id)) continue;
    const outcome = resolveRequest(request, input.facts[request.assetsRepo]);
    if ('failure' in outcome) {
      failures.push(outcome.failure);
      failed.add(request.id);
    } else {
      resolved.push(outcome);
    }
  }

  const checkouts: PlannedCheckout[] = [];
  const assignments: Assignment[] = [];
  const byRepo = groupBy(resolved, (r) => r.request.assetsRepo);
  for (const repo of [...byRepo.keys()].sort(compare)) {
    const requests = byRepo.get(repo) ?? [];
    const facts = input.facts[repo] as RepoFacts;
    const current = (input.current ?? []).filter((c) => c.assetsRepo === repo);
    const placed =
      layout === 'test-proxy' ? placeOnePerRequest(requests) : placeShared(requests, facts, current);
    checkouts.push(...placed.checkouts);
    assignments.push(...placed.assignments);
  }

  checkouts.sort((a, b) => compare(a.id, b.id));
  assignments.sort((a, b) => compare(a.id, b.id));
  failures.sort((a, b) => compare(a.id, b.id));
  return {
    version: 1,
    layout,
    checkouts,
    assignments,
    failures,
    summary: {
      requests: input.requests.length,
      checkouts: checkouts.length,
      failed: failures.length,
      distinctPins: new Set(assignments.map((a) => `${a.assetsRepo}@${a.commit}`)).size,
    },
  };
}

function resolveRequest(
  request: RestoreRequest,
  facts: RepoFacts | undefined,
): Resolved | { failure: RequestFailure } {
  const path = assetsPathOf(request.prefix, request.packagePath);
  const commit = facts?.pins[pinKey(request.pin)];
  if (!facts || !commit) {
    return {
      failure: {
        id: request.id,
        code: 'PIN_NOT_FOUND',
        message: `${request.id}: ${describePin(request.pin)} was not found in ${request.assetsRepo}`,
        hint: 'Check the pin in assets.json; if it was pushed from another machine, make sure the push finished.',
      },
    };
  }
  const trees = facts.treeAt[commit];
  if (!trees || !(path in trees)) {
    // The caller promised every (pin, path) pair; a gap is a bug upstream, not a reason to guess.
    return {
      failure: {
        id: request.id,
        code: 'GIT_FAILED',
        message: `${request.id}: the tree at ${path || '/'} in ${shortSha(commit)} was not looked up`,
      },
    };
  }
  return { request, path, commit, tree: trees[path] ?? null };
}

/** The test-proxy layout: one checkout per assets.json at its own pin, named as the proxy names it. */
function placeOnePerRequest(requests: Resolved[]): { checkouts: PlannedCheckout[]; assignments: Assignment[] } {
  const checkouts: PlannedCheckout[] = [];
  const assignments: Assignment[] = [];
  for (const r of requests) {
    const id = testProxyHash(r.request.assetsRepo, r.request.id);
    checkouts.push({
      id,
      assetsRepo: r.request.assetsRepo,
      commit: r.commit,
      dir: id,
      paths: [r.path],
      serves: [r.request.id],
    });
    assignments.push(assign(r, id, { kind: 'own-pin' }));
  }
  return { checkouts, assignments };
}

/**
 * The shared layout: a greedy set cover over candidate commits (the resolved pins). Each round
 * picks the commit that soundly serves the most unserved requests. Requests with pending local
 * changes stay in their current checkout while it still serves them, so a restore never moves
 * work out from under a developer.
 */
function placeShared(
  requests: Resolved[],
  facts: RepoFacts,
  current: CurrentCheckout[],
): { checkouts: PlannedCheckout[]; assignments: Assignment[] } {
  const serves = (commit: string, r: Resolved): boolean => {
    const trees = facts.treeAt[commit];
    return trees !== undefined && r.path in trees && (trees[r.path] ?? null) === r.tree;
  };
  // Existing checkouts are candidates too: reusing one costs nothing, and a restore of one
  // package should join the checkout that restore --all made rather than add its own.
  const candidates = [
    ...new Set([...requests.map((r) => r.commit), ...current.map((c) => c.commit).filter((c) => facts.treeAt[c] !== undefined)]),
  ].sort(compare);
  const existingCommits = new Set(current.map((c) => c.commit));
  const descendantCount = (commit: string): number =>
    Object.values(facts.ancestorsOf ?? {}).filter((ancestors) => ancestors.includes(commit)).length;

  const chosen: string[] = [];
  const servedBy = new Map<string, { commit: string; reason: AssignmentReason['kind'] }>();

  for (const r of requests) {
    const home = current.find((c) => c.pending.includes(r.request.id));
    if (home && serves(home.commit, r)) {
      servedBy.set(r.request.id, { commit: home.commit, reason: 'pending-changes-kept' });
      if (!chosen.includes(home.commit)) chosen.push(home.commit);
    }
  }
  // A checkout kept for pending changes serves everything else it soundly can before any new one.
  for (const r of requests) {
    if (servedBy.has(r.request.id)) continue;
    const commit = chosen.find((c) => serves(c, r));
    if (commit) servedBy.set(r.request.id, { commit, reason: 'identical-subtree' });
  }

  for (;;) {
    const unserved = requests.filter((r) => !servedBy.has(r.request.id));
    if (unserved.length === 0) break;
    let best: { commit: string; count: number; rank: number[] } | undefined;
    for (const commit of candidates) {
      if (chosen.includes(commit)) continue;
      const count = unserved.filter((r) => serves(commit, r)).length;
      if (count === 0) continue;
      // Ties go to a checkout that already exists (no work), then to the newest commit.
      const rank = [count, existingCommits.has(commit) ? 1 : 0, descendantCount(commit) === 0 ? 1 : 0];
      if (!best || greater(rank, best.rank)) best = { commit, count, rank };
    }
    if (!best) break; // unreachable: every request is served by its own commit
    chosen.push(best.commit);
    for (const r of unserved) {
      if (serves(best.commit, r)) servedBy.set(r.request.id, { commit: best.commit, reason: 'identical-subtree' });
    }
  }

  // A request whose own commit was chosen anyway is served there: the simplest reason to read.
  for (const r of requests) {
    const placed = servedBy.get(r.request.id);
    if (placed && placed.reason !== 'pending-changes-kept' && chosen.includes(r.commit)) {
      servedBy.set(r.request.id, { commit: r.commit, reason: 'own-pin' });
    }
  }

  const checkouts: PlannedCheckout[] = [];
  const assignments: Assignment[] = [];
  for (const commit of chosen) {
    const mine = requests.filter((r) => servedBy.get(r.request.id)?.commit === commit);
    const dir = current.find((c) => c.commit === commit)?.dir ?? sharedCheckoutDir(mine[0]!.request.assetsRepo, commit);
    checkouts.push({
      id: dir,
      assetsRepo: mine[0]!.request.assetsRepo,
      commit,
      dir,
      paths: outermostPaths(mine.map((r) => r.path)),
      serves: mine.map((r) => r.request.id).sort(compare),
    });
    for (const r of mine) {
      const kind = servedBy.get(r.request.id)!.reason;
      assignments.push(assign(r, dir, reasonFor(kind, r, commit, facts)));
    }
  }
  return { checkouts, assignments };
}

function reasonFor(kind: AssignmentReason['kind'], r: Resolved, commit: string, facts: RepoFacts): AssignmentReason {
  if (kind === 'pending-changes-kept') return { kind, checkoutCommit: commit, tree: r.tree };
  if (kind === 'own-pin' || commit === r.commit) return { kind: 'own-pin' };
  const isAncestor = facts.ancestorsOf?.[commit]?.includes(r.commit) ?? false;
  return { kind: isAncestor ? 'ancestor' : 'identical-subtree', checkoutCommit: commit, tree: r.tree };
}

function assign(r: Resolved, checkout: string, reason: AssignmentReason): Assignment {
  return {
    id: r.request.id,
    assetsRepo: r.request.assetsRepo,
    pin: r.request.pin,
    commit: r.commit,
    path: r.path,
    tree: r.tree,
    checkout,
    reason,
    why: explain(r, reason),
  };
}

function explain(r: Resolved, reason: AssignmentReason): string {
  const at = r.path || '/';
  const content = r.tree === null ? 'has no recordings yet' : `holds tree ${shortSha(r.tree)}`;
  switch (reason.kind) {
    case 'own-pin':
      return `checked out at its pinned commit ${shortSha(r.commit)} (${describePin(r.request.pin)})`;
    case 'ancestor':
      return `its pin ${shortSha(r.commit)} is an ancestor of ${shortSha(reason.checkoutCommit)} and ${at} is identical there (${content})`;
    case 'identical-subtree':
      return `${at} is identical in ${shortSha(reason.checkoutCommit)} and its pin ${shortSha(r.commit)} (${content})`;
    case 'pending-changes-kept':
      return `kept in ${shortSha(reason.checkoutCommit)}, where it has pending local changes and ${at} is identical to its pin`;
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}

/** Plain code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
