import { describePin, pinKey } from '@asset-sync/assets-json';
import { assetsPathOf, sharedCheckoutDir, shortSha, testProxyHash } from './paths.js';
import type {
  CheckoutFacts,
  CheckoutPlan,
  Graft,
  Layout,
  PackagePlan,
  PendingFiles,
  PinFact,
  PlanInput,
  RequestFailure,
  RestoredPackage,
  RestorePlan,
  RestoreRequest,
} from './types.js';

/** What the decisions need besides the request itself. */
interface Context {
  layout: Layout;
  force: boolean;
  pending: Record<string, PendingFiles>;
  pushInProgress: Set<string>;
}

/**
 * Decides, per package, what a restore does (unchanged, add, update, remove, blocked, failed,
 * keep), and from that what each checkout holds afterwards and which packages' files change.
 *
 * Two rules carry the guarantees. Exact bytes: a package's folder is the tree of its own pin,
 * grafted at its path, never a neighbour's copy. Nothing lost: a package with pending changes is
 * never moved, replaced or removed unless `force` says so; everything else still proceeds.
 * Inconsistent current state (duplicates, packages in checkouts that are gone) is tolerated:
 * what the disk does not confirm is treated as not restored.
 */
export function planRestore(input: PlanInput): RestorePlan {
  const checkoutFacts = new Map((input.checkouts ?? []).map((c) => [c.dir, c]));
  const restored = confirmedPackages(input.restored ?? [], checkoutFacts);
  const context: Context = {
    layout: input.layout,
    force: input.force === true,
    pending: input.pending ?? {},
    pushInProgress: new Set(input.pushInProgress ?? []),
  };
  const failures = new Map<string, RequestFailure>();
  for (const f of input.failures ?? []) if (!failures.has(f.id)) failures.set(f.id, f);

  const packages: PackagePlan[] = [];
  const requested = new Set<string>();
  for (const request of uniqueById(input.requests)) {
    requested.add(request.id);
    const fact = failures.has(request.id) ? { kind: 'failed' as const, failure: failures.get(request.id)! } : input.facts[request.id] ?? notLookedUp(request);
    packages.push(decideRequest(request, fact, restored.get(request.id), context));
  }
  for (const failure of failures.values()) {
    if (requested.has(failure.id)) continue;
    requested.add(failure.id);
    packages.push(failedPackage(failure, restored.get(failure.id)));
  }
  for (const current of restored.values()) {
    if (!requested.has(current.id)) packages.push(decideUnnamed(current, input.scope, context));
  }
  packages.sort((a, b) => compare(a.id, b.id));

  const checkouts = planCheckouts(packages, restored, checkoutFacts, input.layout, input.scope);
  const all = [...failures.values(), ...packages.filter((p) => p.failure).map((p) => p.failure!)];
  const planFailures = [...new Map(all.map((f) => [f.id, f])).values()].sort((a, b) => compare(a.id, b.id));
  return {
    version: 2,
    layout: input.layout,
    packages,
    checkouts,
    failures: planFailures,
    summary: {
      requests: input.requests.length,
      checkouts: checkouts.filter((c) => c.action !== 'remove').length,
      changing: packages.filter((p) => p.action === 'add' || p.action === 'update' || p.action === 'remove').length,
      blocked: packages.filter((p) => p.action === 'blocked').length,
      failed: packages.filter((p) => p.action === 'failed').length,
      distinctCommits: new Set(packages.filter((p) => p.commit && p.action !== 'remove').map((p) => `${p.assetsRepo}@${p.commit}`)).size,
    },
  };
}

/** The recorded packages the disk confirms: their checkout exists (or is only broken), one record per id. */
function confirmedPackages(list: RestoredPackage[], checkouts: Map<string, CheckoutFacts>): Map<string, RestoredPackage> {
  const confirmed = new Map<string, RestoredPackage>();
  for (const p of list) {
    const facts = checkouts.get(p.checkout);
    if (!facts || facts.condition === 'absent' || facts.assetsRepo !== p.assetsRepo || confirmed.has(p.id)) continue;
    confirmed.set(p.id, p);
  }
  return confirmed;
}

function checkoutDirFor(layout: Layout, request: RestoreRequest): string {
  return layout === 'shared' ? sharedCheckoutDir(request.assetsRepo) : testProxyHash(request.assetsRepo, request.id);
}

function decideRequest(request: RestoreRequest, fact: PinFact, current: RestoredPackage | undefined, context: Context): PackagePlan {
  if (fact.kind === 'failed') return failedPackage(fact.failure, current);
  const path = assetsPathOf(request.prefix, request.packagePath);
  const checkout = checkoutDirFor(context.layout, request);
  const target: PackagePlan = {
    id: request.id,
    action: 'unchanged',
    assetsRepo: request.assetsRepo,
    path,
    prefix: request.prefix,
    pin: request.pin,
    pinText: request.pinText,
    commit: fact.commit,
    tree: fact.tree,
    checkout,
    why: '',
  };
  const pending = context.pending[request.id];
  const withPending = pending && hasFiles(pending) ? { pending } : {};
  const sameContent =
    current !== undefined &&
    current.assetsRepo === request.assetsRepo &&
    current.path === path &&
    current.checkout === checkout &&
    (context.layout === 'shared' ? current.tree === fact.tree : current.commit === fact.commit);
  if (sameContent) {
    return { ...target, ...withPending, why: `${at(path)} already holds ${content(fact.tree)} (${describePin(request.pin)})${pending && hasFiles(pending) ? '; pending changes kept' : ''}` };
  }
  if (context.pushInProgress.has(request.id)) {
    return blockedPackage(target, current, withPending, `a push of ${request.id} stopped before it wrote the pin; run asset-sync push to finish it first`);
  }
  // A package that is not restored and has nothing to write (no recordings yet) moves nothing.
  const writes = current !== undefined || fact.tree !== null || context.layout === 'test-proxy';
  if (writes && pending && hasFiles(pending)) {
    if (!context.force) return blockedPackage(target, current, withPending, `its pin moved to ${describePin(request.pin)}, but it has pending changes the move would replace`);
    return { ...target, action: current ? 'update' : 'add', ...withPending, discard: true, ...previous(current), why: `${moveWhy(request, fact, current)}; its pending changes are discarded (--force)` };
  }
  return { ...target, action: current ? 'update' : 'add', ...withPending, ...previous(current), why: moveWhy(request, fact, current) };
}

function previous(current: RestoredPackage | undefined): Pick<PackagePlan, 'previousTree'> {
  return current ? { previousTree: current.tree } : {};
}

function blockedPackage(target: PackagePlan, current: RestoredPackage | undefined, withPending: { pending?: PendingFiles }, why: string): PackagePlan {
  // It stays exactly where and as it is, recorded at the pin it has; the pin it asked for is in `why`.
  const { commit: _commit, tree: _tree, checkout: _checkout, ...rest } = target;
  if (!current) return { ...rest, action: 'blocked', ...withPending, why };
  const stays = { assetsRepo: current.assetsRepo, path: current.path, prefix: current.prefix, pin: current.pin, pinText: current.pinText, commit: current.commit, tree: current.tree, checkout: current.checkout, previousTree: current.tree };
  return { ...rest, ...stays, action: 'blocked', ...withPending, why };
}

function failedPackage(failure: RequestFailure, current: RestoredPackage | undefined): PackagePlan {
  const kept = current
    ? { assetsRepo: current.assetsRepo, path: current.path, prefix: current.prefix, pin: current.pin, pinText: current.pinText, commit: current.commit, tree: current.tree, checkout: current.checkout }
    : {};
  return { id: failure.id, action: 'failed', ...kept, failure, why: current ? `failed; its folder stays at ${describePin(current.pin)}` : 'failed; nothing restored' };
}

/** A restored package that no assets.json of this run names. */
function decideUnnamed(current: RestoredPackage, scope: PlanInput['scope'], context: Context): PackagePlan {
  const base: PackagePlan = {
    id: current.id,
    action: 'keep',
    assetsRepo: current.assetsRepo,
    path: current.path,
    prefix: current.prefix,
    pin: current.pin,
    pinText: current.pinText,
    commit: current.commit,
    tree: current.tree,
    checkout: current.checkout,
    why: 'outside this run: left as it is',
  };
  if (scope === 'subset') return base;
  // Even --force keeps these: the assets.json may only be missing on the branch checked out now.
  const pending = context.pending[current.id];
  if (pending && hasFiles(pending)) return { ...base, pending, why: 'no assets.json names it any more, but it has pending changes: kept' };
  return { ...base, action: 'remove', previousTree: current.tree, why: 'no assets.json names it any more: its folder is removed' };
}

/** What each checkout holds after the run, and which packages' files change in it. */
function planCheckouts(
  packages: PackagePlan[],
  restored: Map<string, RestoredPackage>,
  facts: Map<string, CheckoutFacts>,
  layout: Layout,
  scope: PlanInput['scope'],
): CheckoutPlan[] {
  const after = new Map<string, Graft[]>();
  const repoOf = new Map<string, string>();
  for (const p of packages) {
    if (p.action === 'remove' || !p.checkout || p.path === undefined || p.tree === undefined) continue;
    const list = after.get(p.checkout) ?? [];
    list.push({ id: p.id, path: p.path, tree: p.tree });
    after.set(p.checkout, list);
    repoOf.set(p.checkout, p.assetsRepo!);
  }
  const before = new Map<string, Map<string, { path: string; tree: string | null; commit: string }>>();
  for (const r of restored.values()) {
    const map = before.get(r.checkout) ?? new Map();
    map.set(r.id, { path: r.path, tree: r.tree, commit: r.commit });
    before.set(r.checkout, map);
    if (!repoOf.has(r.checkout)) repoOf.set(r.checkout, r.assetsRepo);
  }
  for (const f of facts.values()) if (!repoOf.has(f.dir) && f.condition !== 'absent') repoOf.set(f.dir, f.assetsRepo);

  const byId = new Map(packages.map((p) => [p.id, p]));
  const plans: CheckoutPlan[] = [];
  for (const dir of [...repoOf.keys()].sort(compare)) {
    const grafts = (after.get(dir) ?? []).sort((a, b) => compare(a.path, b.path) || compare(a.id, b.id));
    const was = before.get(dir) ?? new Map();
    const changing = changedIds(grafts, was, layout, byId);
    const discard = [...new Set([...grafts.map((g) => g.id), ...was.keys()])].filter((id) => byId.get(id)?.discard && changing.includes(id)).sort(compare);
    const fact = facts.get(dir);
    const present = fact !== undefined && fact.condition !== 'absent';
    const plan: CheckoutPlan = { dir, assetsRepo: repoOf.get(dir)!, layout, action: 'unchanged', grafts, changing, discard };
    if (layout === 'test-proxy' && grafts[0]) {
      const owner = byId.get(grafts[0].id)!;
      plan.commit = owner.commit!;
      plan.sparse = [owner.path!];
    }
    if (grafts.length === 0) {
      // Nothing left to hold: a checkout goes only when the whole repo was in the run and no stray file would go with it.
      if (!present) continue;
      plan.action = scope === 'all' && fact.strays.length === 0 ? 'remove' : changing.length > 0 ? 'update' : 'unchanged';
    } else if (!present) plan.action = 'create';
    else if (fact.condition === 'broken') plan.action = 'repair';
    else if (changing.length > 0) plan.action = 'update';
    plans.push(plan);
  }
  return plans;
}

/** Packages whose folder content differs between before and after (added, moved, removed). */
function changedIds(
  grafts: Graft[],
  was: Map<string, { path: string; tree: string | null; commit: string }>,
  layout: Layout,
  byId: Map<string, PackagePlan>,
): string[] {
  const changed = new Set<string>();
  const now = new Map(grafts.map((g) => [g.id, g]));
  for (const g of grafts) {
    const old = was.get(g.id);
    const differs = layout === 'shared' ? !old || old.path !== g.path || old.tree !== g.tree : !old || old.commit !== byId.get(g.id)?.commit;
    // A new package with nothing to write changes no file.
    if (differs && (old || g.tree !== null || layout === 'test-proxy')) changed.add(g.id);
  }
  for (const [id, old] of was) if (!now.has(id) && (old.tree !== null || layout === 'test-proxy')) changed.add(id);
  return [...changed].sort(compare);
}

function moveWhy(request: RestoreRequest, fact: { commit: string; tree: string | null }, current: RestoredPackage | undefined): string {
  const path = assetsPathOf(request.prefix, request.packagePath);
  const from = current ? ` (was ${content(current.tree)} at ${describePin(current.pin)})` : '';
  return `${at(path)} becomes ${content(fact.tree)} from ${shortSha(fact.commit)}, its ${describePin(request.pin)}${from}`;
}

function notLookedUp(request: RestoreRequest): PinFact {
  // The caller promised a fact for every request; a gap is a bug upstream, not a reason to guess.
  return { kind: 'failed', failure: { id: request.id, code: 'INTERNAL', message: `${request.id}: ${pinKey(request.pin)} was not looked up` } };
}

function hasFiles(p: PendingFiles): boolean {
  return p.added.length + p.modified.length + p.deleted.length > 0;
}

function at(path: string): string {
  return path || '/';
}

function content(tree: string | null): string {
  return tree === null ? 'no recordings' : `tree ${shortSha(tree)}`;
}

function uniqueById(requests: RestoreRequest[]): RestoreRequest[] {
  return [...new Map(requests.map((r) => [r.id, r])).values()];
}

/** Plain code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
