import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planRestore, type PendingFiles, type PlanInput, type RestorePlan, type RestoredPackage, type RestoreRequest } from '@asset-sync/planner';

/**
 * The planner against a model: random sequences of pin updates, re-recordings (pending changes),
 * deleted assets.json files and restores (all or a subset, with or without --force). The model
 * applies each plan as the executor would; the properties say what a user relies on.
 */
const REPO = 'Azure/azure-sdk-assets';
// Nested on purpose: a service-level package above two package-level ones, and a lone one.
const PACKAGES = ['sdk/storage', 'sdk/storage/blob', 'sdk/storage/queue', 'sdk/tables'];
const TREES = [null, 'T0', 'T1', 'T2'];

interface World {
  /** What each assets.json pins now (absent: deleted). */
  pins: Map<string, string | null>;
  /** What is restored: id -> tree. */
  restored: Map<string, string | null>;
  pending: Set<string>;
  /** Pin numbers, so every pin change is a new pin text and commit. */
  version: number;
}

type Step =
  | { kind: 'pin'; pkg: number; tree: number }
  | { kind: 'delete'; pkg: number }
  | { kind: 'record'; pkg: number }
  | { kind: 'restore'; all: boolean; subset: number[]; force: boolean }
  | { kind: 'corrupt' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('pin' as const), pkg: fc.nat(PACKAGES.length - 1), tree: fc.nat(TREES.length - 1) }),
  fc.record({ kind: fc.constant('delete' as const), pkg: fc.nat(PACKAGES.length - 1) }),
  fc.record({ kind: fc.constant('record' as const), pkg: fc.nat(PACKAGES.length - 1) }),
  fc.record({ kind: fc.constant('restore' as const), all: fc.boolean(), subset: fc.uniqueArray(fc.nat(PACKAGES.length - 1), { maxLength: 3 }), force: fc.boolean() }),
  fc.record({ kind: fc.constant('corrupt' as const) }),
);

const idOf = (pkg: string): string => `${pkg}/assets.json`;
const pathOf = (pkg: string): string => `python/${pkg}`;
const pinText = (pkg: string, tree: string | null, version: number): string => `${pkg}_${tree ?? 'empty'}_${version}`;

function requestsOf(world: World, selected: string[]): { requests: RestoreRequest[]; facts: PlanInput['facts'] } {
  const requests: RestoreRequest[] = [];
  const facts: PlanInput['facts'] = {};
  for (const pkg of selected) {
    if (!world.pins.has(pkg)) continue;
    const tree = world.pins.get(pkg)!;
    const text = pinText(pkg, tree, world.version);
    requests.push({ id: idOf(pkg), assetsRepo: REPO, prefix: 'python', packagePath: pkg, pin: { kind: 'tag', tag: text }, pinText: text });
    facts[idOf(pkg)] = { kind: 'resolved', commit: 'c'.repeat(39) + String(world.version % 10), tree };
  }
  return { requests, facts };
}

function restoredOf(world: World, junk: RestoredPackage[]): RestoredPackage[] {
  const list = [...world.restored].map(([pkg, tree]) => ({
    id: idOf(pkg), assetsRepo: REPO, path: pathOf(pkg), prefix: 'python', pin: { kind: 'tag' as const, tag: 'x' }, pinText: 'x', commit: 'a'.repeat(40), tree, checkout: REPO,
  }));
  return [...list, ...junk];
}

const files = (pkg: string): PendingFiles => ({ added: [], modified: [`${pathOf(pkg)}/r.json`], deleted: [] });

/** Applies a plan to the model as the executor does. */
function apply(world: World, plan: RestorePlan): void {
  for (const p of plan.packages) {
    const pkg = p.id.replace(/\/assets\.json$/, '');
    if (p.action === 'add' || p.action === 'update') {
      world.restored.set(pkg, p.tree ?? null);
      if (p.discard) world.pending.delete(pkg);
    }
    if (p.action === 'remove') {
      world.restored.delete(pkg);
      world.pending.delete(pkg);
    }
  }
}

function runStep(world: World, s: Step, junk: RestoredPackage[]): void {
  if (s.kind === 'pin') {
    world.version++;
    world.pins.set(PACKAGES[s.pkg]!, TREES[s.tree]!);
  } else if (s.kind === 'delete') world.pins.delete(PACKAGES[s.pkg]!);
  else if (s.kind === 'record') {
    if (world.restored.has(PACKAGES[s.pkg]!)) world.pending.add(PACKAGES[s.pkg]!);
  } else if (s.kind === 'corrupt') {
    // A record the disk does not back: a package in a checkout nobody knows.
    junk.push({ id: 'ghost/assets.json', assetsRepo: REPO, path: 'python/ghost', prefix: 'python', pin: { kind: 'tag', tag: 'g' }, pinText: 'g', commit: 'b'.repeat(40), tree: 'TG', checkout: 'nowhere' });
  } else restoreStep(world, s, junk);
}

function restoreStep(world: World, s: Extract<Step, { kind: 'restore' }>, junk: RestoredPackage[]): void {
  const selected = s.all ? PACKAGES : s.subset.map((i) => PACKAGES[i]!);
  const { requests, facts } = requestsOf(world, selected);
  const pending = Object.fromEntries([...world.pending].map((pkg) => [idOf(pkg), files(pkg)]));
  const before = new Map(world.restored);
  const input: PlanInput = {
    layout: 'shared', scope: s.all ? 'all' : 'subset', requests, facts, force: s.force, pending,
    restored: restoredOf(world, junk), checkouts: [{ dir: REPO, assetsRepo: REPO, condition: 'present', strays: [] }],
  };
  const plan = planRestore(input);
  // What is recorded for a package that does not move is the pin it has, never the one it asked for.
  for (const p of plan.packages) if (p.action === 'blocked' && before.has(p.id.replace(/\/assets\.json$/, ''))) expect(p.pinText, p.id).toBe('x');
  const pendingBefore = new Set(world.pending);
  apply(world, plan);
  for (const pkg of PACKAGES) {
    const asked = requests.some((r) => r.id === idOf(pkg));
    // Nothing lost: without --force a package with pending changes keeps its content; with it,
    // only a package still named by an assets.json may be moved.
    if (pendingBefore.has(pkg) && (!s.force || !asked)) expect(world.restored.get(pkg), pkg).toBe(before.get(pkg));
    // Exact content: every package asked for and free to move has its pin's tree.
    if (asked && (!pendingBefore.has(pkg) || s.force)) expect(world.restored.get(pkg), pkg).toBe(world.pins.get(pkg));
    // A subset leaves everything else alone.
    if (!s.all && !asked) expect(world.restored.get(pkg), pkg).toBe(before.get(pkg));
  }
  // The checkout holds exactly the restored packages' folders.
  const grafts = plan.checkouts.find((c) => c.dir === REPO)?.grafts ?? [];
  expect(new Map(grafts.map((g) => [g.id.replace(/\/assets\.json$/, ''), g.tree]))).toEqual(world.restored);
  // Converges: the same restore again changes nothing.
  const again = planRestore({ ...input, pending: Object.fromEntries([...world.pending].map((pkg) => [idOf(pkg), files(pkg)])), restored: restoredOf(world, junk), force: false });
  for (const p of again.packages) if (!world.pending.has(p.id.replace(/\/assets\.json$/, ''))) expect(['unchanged', 'keep'], p.id).toContain(p.action);
}

describe('planRestore against a model', () => {
  it('never loses pending changes, always converges, and never throws on inconsistent state', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
        const world: World = { pins: new Map(PACKAGES.map((p) => [p, 'T0'])), restored: new Map(), pending: new Set(), version: 0 };
        const junk: RestoredPackage[] = [];
        for (const s of steps) runStep(world, s, junk);
      }),
      { seed: 20261201, numRuns: 400 },
    );
  });
});
