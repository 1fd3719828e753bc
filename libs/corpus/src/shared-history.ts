import type { GenerateCorpusOptions } from './generate.js';
import { FastImportWriter } from '@asset-sync/git-harness';
import type { Prng } from './prng.js';
import { COMMIT_MESSAGE, HISTORY_START, commitLookup, writeOrAbort, type WrittenHistory } from './history.js';
import { DEFAULT_LANGUAGES, LANGUAGE_WEIGHTS, containedPackages, split, type PackageRequest, type PlannedPackage } from './packages.js';
import { snapshotOf, writePush } from './pushes.js';

/** The options of the `shared` shape: GenerateCorpusOptions' own, with the defaults filled in where it needs them. */
export type SharedShapeOptions = Pick<
  GenerateCorpusOptions,
  'packages' | 'languages' | 'sharedCommitFraction' | 'historyDepth' | 'stalePins' | 'shaPinnedPackages' | 'emptyTagPackages' | 'nestedServicePins' | 'fastImport'
> &
  Required<Pick<GenerateCorpusOptions, 'assetsRepo' | 'log'>>;

/** Packages of every language, for one language repo; rust only as nested pairs. */
export function sharedPackageRequest(options: SharedShapeOptions): PackageRequest {
  const languages = options.languages ?? DEFAULT_LANGUAGES;
  const plainLanguages = languages.filter((language) => language !== 'rust');
  const nested = Math.max(0, options.nestedServicePins ?? 0);
  let plain = options.packages - 2 * nested;
  if (plain < 0) throw new RangeError(`packages (${options.packages}) must be at least 2 × nestedServicePins (${nested})`);
  // rust only comes as nested pairs (service-level pin above a package-level one).
  const rustPairs = languages.includes('rust')
    ? Math.floor(split(plain, languages.map((l) => LANGUAGE_WEIGHTS[l]))[languages.indexOf('rust')]! / 2)
    : 0;
  plain -= 2 * rustPairs;
  const counts = split(plain, plainLanguages.map((x) => LANGUAGE_WEIGHTS[x]));
  return {
    counts: new Map(plainLanguages.map((l, i) => [l, counts[i]!])),
    nested: { language: 'rust', pairs: nested + rustPairs },
    claims: 'one-language-repo',
  };
}

interface SharedPlan {
  depth: number;
  solo: number;
  /** Commit slots that change each package, ascending. */
  touches: Map<PlannedPackage, number[]>;
  pinnedSlot: Map<PlannedPackage, number>;
  batchSlots: number[];
}

/**
 * History shape: solo commits (one package each) and batch commits (many packages each) on
 * `main`, so most pins share a commit; a share of packages is also touched by earlier commits.
 */
function planSlots(options: SharedShapeOptions, committed: PlannedPackage[], rng: Prng): SharedPlan {
  const m = committed.length;
  const sharedFraction = Math.min(1, Math.max(0, options.sharedCommitFraction ?? 0.9));
  const solo = m === 0 ? 0 : Math.min(m - 1, Math.round(m * (1 - sharedFraction)));
  const depth = Math.max(options.historyDepth ?? Math.max(3, Math.round(m / 7.5)), solo + 1, 1);
  const soloSlots = new Set(rng.shuffle(Array.from({ length: depth - 1 }, (_, i) => i + 1)).slice(0, solo));
  const batchSlots = Array.from({ length: depth }, (_, i) => i).filter((slot) => !soloSlots.has(slot));
  const soloList = [...soloSlots];
  const touches = new Map<PlannedPackage, number[]>();
  const pinnedSlot = new Map<PlannedPackage, number>();
  rng.shuffle(committed).forEach((p, i) => {
    let pinned: number;
    if (i < solo) pinned = soloList[i]!;
    // Round-robin first so every batch commit changes something, then at random.
    else if (i - solo < batchSlots.length) pinned = batchSlots[i - solo]!;
    else pinned = rng.pick(batchSlots);
    const earlier = batchSlots.filter((slot) => slot < pinned);
    const touched = new Set<number>([pinned]);
    if (earlier.length > 0 && rng.bool(0.35)) touched.add(rng.pick(earlier));
    if (earlier.length > 0 && rng.bool(0.1)) touched.add(rng.pick(earlier));
    pinnedSlot.set(p, pinned);
    touches.set(p, [...touched].sort((a, b) => a - b));
  });
  return { depth, solo, touches, pinnedSlot, batchSlots };
}

/** Stale pins: a later push changed the recordings, but the language repo still pins the older one; then the SHA dialect. */
function markSpecialPins(options: SharedShapeOptions, committed: PlannedPackage[], plan: SharedPlan, rng: Prng): void {
  const m = committed.length;
  const staleWanted = options.stalePins ?? (m >= 10 ? Math.max(1, Math.round(m * 0.02)) : 0);
  let staleMade = 0;
  for (const p of rng.shuffle(committed)) {
    if (staleMade >= staleWanted) break;
    const later = plan.batchSlots.filter((slot) => slot > plan.pinnedSlot.get(p)!);
    if (later.length === 0) continue;
    plan.touches.get(p)!.push(rng.pick(later));
    plan.touches.get(p)!.sort((a, b) => a - b);
    staleMade++;
  }
  const shaWanted = options.shaPinnedPackages ?? 0;
  for (const p of rng.shuffle(committed.filter((c) => c.entry.nesting === undefined)).slice(0, shaWanted)) {
    p.dialect = 'sha';
    p.branch = `auto/${p.entry.service}`;
  }
}

/**
 * The `shared` shape: every push is a commit on `main`, most packages are pushed in batches, so
 * 300 packages pin about 40 distinct commits, and most pins are ancestors of later commits that
 * left their subtree unchanged.
 */
export async function writeSharedHistory(
  options: SharedShapeOptions,
  planned: PlannedPackage[],
  repoPath: string,
  rng: Prng,
): Promise<WrittenHistory> {
  const plainOnes = rng.shuffle(planned.filter((p) => p.entry.nesting === undefined));
  for (const p of plainOnes.slice(0, Math.min(options.emptyTagPackages ?? 0, plainOnes.length))) p.emptyTag = true;
  const committed = planned.filter((p) => !p.emptyTag);
  const plan = planSlots(options, committed, rng);
  markSpecialPins(options, committed, plan, rng);
  for (const p of committed) {
    p.pushMarks = plan.touches.get(p)!.map((slot) => slot + 1);
    p.pinnedMark = plan.pinnedSlot.get(p)! + 1;
  }
  options.log(`corpus: ${planned.length} packages, ${plan.depth} commits (${plan.solo} solo), shared shape`);

  const writer = await FastImportWriter.start(repoPath, options.fastImport);
  let blobs = 0;
  const marks = await writeOrAbort(writer, async () => {
    blobs = await writeSlots(writer, options, planned, plan, rng);
  });
  const contained = containedPackages(planned);
  for (const p of committed) {
    p.stale = contained.get(p)!.some((q) => q.pushMarks.some((mark) => mark > p.pinnedMark));
  }
  return { commitOf: commitLookup(marks), headMark: plan.depth, commits: plan.depth, blobs, streamBytes: writer.streamBytes };
}

/** Every commit on main, oldest first; the SHA dialect's `auto/<service>` branches at the newest pin they hold. */
async function writeSlots(
  writer: FastImportWriter,
  options: SharedShapeOptions,
  planned: PlannedPackage[],
  plan: SharedPlan,
  rng: Prng,
): Promise<number> {
  const contained = containedPackages(planned);
  const committed = planned.filter((p) => !p.emptyTag);
  const bySlot = new Map<number, PlannedPackage[]>();
  for (const p of committed) {
    for (const slot of plan.touches.get(p)!) bySlot.set(slot, [...(bySlot.get(slot) ?? []), p]);
  }
  let blobs = 0;
  let date = HISTORY_START;
  for (let slot = 0; slot < plan.depth; slot++) {
    date += 3600 * rng.int(1, 30);
    await writer.commit({ ref: 'refs/heads/main', mark: slot + 1, ...(slot === 0 ? {} : { from: `:${slot}` }), message: COMMIT_MESSAGE, date });
    if (slot === 0) {
      await writer.modify('README.md', `# ${options.assetsRepo}\n\nTest recordings for the Azure SDKs, restored by the test proxy from the tags named in each package's assets.json.\n`);
    }
    const touched = (bySlot.get(slot) ?? []).sort((a, b) => a.index - b.index);
    for (const p of touched) blobs += await writePush(writer, p, slot, plan.touches.get(p)!.indexOf(slot));
    for (const p of committed.filter((c) => plan.pinnedSlot.get(c) === slot)) p.snapshot = snapshotOf(p, contained.get(p)!);
    if (slot % 50 === 49) options.log(`corpus: ${slot + 1}/${plan.depth} commits, ${(writer.streamBytes / 1e6).toFixed(0)} MB`);
  }
  // The 2022 dialect names a branch per service; it must contain the pinned commit.
  const branchTips = new Map<string, number>();
  for (const p of committed.filter((c) => c.branch !== undefined)) {
    branchTips.set(p.branch!, Math.max(branchTips.get(p.branch!) ?? 0, p.pinnedMark));
  }
  for (const [branch, mark] of branchTips) await writer.reset(`refs/heads/${branch}`, `:${mark}`);
  return blobs;
}
