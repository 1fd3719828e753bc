import { checkRefName, defaultBranchOf, derivedTagPrefix, fieldSchemas, hasControlCharacter } from '@asset-sync/assets-json';
import { serviceOf } from '@asset-sync/discovery';
import type { Problem } from '@asset-sync/errors';
import { assetsPathOf, isSameOrBelow } from '@asset-sync/planner';

/**
 * Pure planning: which folders become units (future assets.json locations), which files each
 * carries and where they land in the assets repo. Everything arrives as arguments (the files
 * found on disk, the assets.json files that exist) and a plain plan comes back, so the rules are
 * tested in memory.
 */

export type Granularity = 'package' | 'service';
export type MigrationDialect = 'tag' | 'branch';

/** A folder a recordings glob matched, with the glob that matched it. */
export interface RecordingsFolder {
  path: string;
  glob: string;
}

export interface RecordingFile {
  /** Relative to the language repo root, `/`-separated. */
  path: string;
  size: number;
  mode?: '100644' | '100755';
}

/** A file found in a recordings folder that cannot be moved as it is (a symbolic link...). */
export interface UnsupportedFile {
  path: string;
  size: number;
  reason: string;
}

export interface PlanInput {
  assetsRepo: string;
  /** AssetsRepoPrefixPath: the language folder in the assets repo ('' for the root). */
  prefix: string;
  granularity: Granularity;
  dialect: MigrationDialect;
  fallbackBranch: string;
  /** Branch dialect: the branch every unit pushes to; default `auto/<service>`. */
  branch?: string;
  folders: RecordingsFolder[];
  /** Every file found in the folders. */
  files: RecordingFile[];
  unsupported?: UnsupportedFile[];
  /** Folders (relative to the repo root) that already hold an assets.json. */
  existing: string[];
  /** Migrate units that already have an assets.json (their assets.json is re-pinned). */
  force?: boolean;
  /** Start a new commit when a commit would carry more than this; default: one commit. */
  maxCommitBytes?: number;
}

export interface PlannedFile {
  path: string;
  size: number;
  mode: '100644' | '100755';
  /** Where it lands in the assets repo: `<prefix>/<path>`. */
  destination: string;
}

export interface PlannedUnit {
  /** The folder that gets the assets.json. */
  path: string;
  assetsJson: string;
  /** Its recordings folders (what is replaced in the assets repo and removed from the language repo). */
  folders: string[];
  files: PlannedFile[];
  bytes: number;
  /** Tag dialect. */
  tagPrefix?: string;
  /** Branch dialect. */
  branch?: string;
  /** It had an assets.json before (migrated because of --force). */
  existing: boolean;
  /** Which commit of the migration carries it (0 unless the push limit splits the migration). */
  layer: number;
}

export interface SkippedUnit {
  path: string;
  assetsJson: string;
  files: number;
  bytes: number;
  reason: string;
}

export interface LeftFile {
  path: string;
  size: number;
  reason: string;
}

export interface MigrationPlan {
  assetsRepo: string;
  prefix: string;
  granularity: Granularity;
  dialect: MigrationDialect;
  fallbackBranch: string;
  units: PlannedUnit[];
  /** Units that already have an assets.json (without --force). */
  skipped: SkippedUnit[];
  /** Recordings that belong to no unit: reported and left where they are. */
  left: LeftFile[];
  /** Values that would make an invalid assets.json or ref; the migration refuses to start. */
  problems: Problem[];
  layers: number;
  totals: { units: number; files: number; bytes: number };
}

const MAGIC = /[*?[\]{}()!+@]/;

/**
 * What a recordings glob says about package folders: the literal segments after its last
 * wildcard name the recordings folder inside a package (`tests/recordings`,
 * `src/test/resources/session-records`), and the literal segments before its first wildcard are
 * the base packages sit below (`sdk`). A glob without wildcards names one folder; its parent is
 * the package.
 */
export function globShape(glob: string): { base: string[]; tail: number } {
  const segments = glob.replace(/^\.\/+/, '').replace(/\/+$/, '').split('/').filter(Boolean);
  const firstMagic = segments.findIndex((s) => MAGIC.test(s));
  if (firstMagic < 0) return { base: [], tail: Math.min(1, segments.length) };
  let tail = 0;
  for (let i = segments.length - 1; i >= 0 && !MAGIC.test(segments[i]!); i--) tail++;
  return { base: segments.slice(0, firstMagic), tail: Math.max(1, tail) };
}

/**
 * The unit a recordings folder belongs to, or why it belongs to none: a package folder is the
 * recordings folder without the glob's literal tail, and must lie below the glob's base (a
 * `sdk/tests/recordings` folder is in no package). With service granularity the unit is the
 * first folder below the base (`sdk/<service>`).
 */
export function unitOfFolder(folder: string, glob: string, granularity: Granularity): { unit: string } | { outside: string } {
  const { base, tail } = globShape(glob);
  const segments = folder.split('/');
  const packageSegments = segments.slice(0, Math.max(0, segments.length - tail));
  const baseMatches = base.every((segment, i) => packageSegments[i] === segment);
  if (packageSegments.length === 0 || !baseMatches || packageSegments.length <= base.length) {
    const where = base.length > 0 ? `${base.join('/')}/` : 'the repository root';
    return { outside: `not inside a package folder (directly in ${where})` };
  }
  if (granularity === 'package') return { unit: packageSegments.join('/') };
  if (base.length > 0) return { unit: packageSegments.slice(0, base.length + 1).join('/') };
  return { unit: packageSegments[0] === 'sdk' && packageSegments.length > 1 ? packageSegments.slice(0, 2).join('/') : packageSegments[0]! };
}

/** Drops folders that lie inside another matched folder: the outer one carries their files. */
export function outermostFolders(folders: RecordingsFolder[]): RecordingsFolder[] {
  const sorted = [...new Map(folders.map((f) => [f.path, f])).values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const kept: RecordingsFolder[] = [];
  for (const folder of sorted) {
    if (!kept.some((outer) => isSameOrBelow(folder.path, outer.path))) kept.push(folder);
  }
  return kept;
}

/** A name git cannot take safely in a tree or on a command line: a control character or a backslash. */
export function isUnsafeName(path: string): boolean {
  return hasControlCharacter(path) || path.includes('\\');
}

export function planMigration(input: PlanInput): MigrationPlan {
  const problems: Problem[] = [];
  const left: LeftFile[] = (input.unsupported ?? []).map((u) => ({ ...u }));
  const existing = new Set(input.existing);
  const byUnit = filesByUnit(input, existing, left);
  const { units, skipped } = planUnits(input, byUnit, existing, left, problems);
  problems.push(...nestedUnitProblems(units));
  const layers = assignLayers(units, input.maxCommitBytes);

  left.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files = units.reduce((sum, u) => sum + u.files.length, 0);
  const bytes = units.reduce((sum, u) => sum + u.bytes, 0);
  return {
    assetsRepo: input.assetsRepo,
    prefix: input.prefix,
    granularity: input.granularity,
    dialect: input.dialect,
    fallbackBranch: input.fallbackBranch,
    units,
    skipped,
    left,
    problems,
    layers,
    totals: { units: units.length, files, bytes },
  };
}

interface UnitFiles {
  files: PlannedFile[];
  folders: Set<string>;
}

/**
 * Each folder's unit, then each file's: the deepest of its folder's unit and any existing
 * assets.json between that unit and the file (an already-migrated package keeps its files).
 * Files that cannot move go to `left` with the reason.
 */
function filesByUnit(input: PlanInput, existing: Set<string>, left: LeftFile[]): Map<string, UnitFiles> {
  const folders = outermostFolders(input.folders);
  const folderUnit = new Map<string, string>();
  const folderOutside = new Map<string, string>();
  for (const folder of folders) {
    const result = unitOfFolder(folder.path, folder.glob, input.granularity);
    if ('unit' in result) folderUnit.set(folder.path, result.unit);
    else folderOutside.set(folder.path, result.outside);
  }
  const byUnit = new Map<string, UnitFiles>();
  const sortedFiles = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sortedFiles) {
    const folder = folders.find((f) => isSameOrBelow(file.path, f.path) && file.path !== f.path);
    if (!folder) {
      left.push({ path: file.path, size: file.size, reason: 'not in a recordings folder' });
      continue;
    }
    const outside = folderOutside.get(folder.path);
    if (outside !== undefined) {
      left.push({ path: file.path, size: file.size, reason: outside });
      continue;
    }
    if (isUnsafeName(file.path)) {
      left.push({ path: file.path, size: file.size, reason: 'its name has a control character or a backslash' });
      continue;
    }
    let unit = folderUnit.get(folder.path)!;
    const directory = file.path.slice(0, file.path.lastIndexOf('/'));
    for (const candidate of existing) {
      if (candidate.length > unit.length && isSameOrBelow(candidate, unit) && isSameOrBelow(directory, candidate)) unit = candidate;
    }
    let entry = byUnit.get(unit);
    if (!entry) byUnit.set(unit, (entry = { files: [], folders: new Set() }));
    entry.folders.add(folder.path);
    entry.files.push({ path: file.path, size: file.size, mode: file.mode ?? '100644', destination: assetsPathOf(input.prefix, file.path) });
  }
  return byUnit;
}

/** The units in path order; one whose assets.json exists already is skipped unless `force`. */
function planUnits(
  input: PlanInput,
  byUnit: Map<string, UnitFiles>,
  existing: Set<string>,
  left: LeftFile[],
  problems: Problem[],
): { units: PlannedUnit[]; skipped: SkippedUnit[] } {
  const units: PlannedUnit[] = [];
  const skipped: SkippedUnit[] = [];
  for (const path of [...byUnit.keys()].sort()) {
    const { files, folders: unitFolders } = byUnit.get(path)!;
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    const assetsJson = `${path}/assets.json`;
    const had = existing.has(path);
    if (had && !input.force) {
      skipped.push({ path, assetsJson, files: files.length, bytes, reason: `${assetsJson} exists already (rerun with --force to migrate it anyway)` });
      for (const f of files) left.push({ path: f.path, size: f.size, reason: `belongs to ${assetsJson}, which exists already` });
      continue;
    }
    const unit: PlannedUnit = { path, assetsJson, folders: [...unitFolders].sort(), files, bytes, existing: had, layer: 0 };
    const problem = input.dialect === 'tag' ? nameByTag(unit, input) : nameByBranch(unit, input);
    if (problem) problems.push(problem);
    units.push(unit);
  }
  return { units, skipped };
}

/** Sets the unit's TagPrefix; a problem when it cannot name a git tag. */
function nameByTag(unit: PlannedUnit, input: PlanInput): Problem | undefined {
  unit.tagPrefix = derivedTagPrefix(input.prefix, unit.path);
  const check = fieldSchemas.TagPrefix.safeParse(unit.tagPrefix);
  const tagCheck = checkRefName(`${unit.tagPrefix}_0123456789`);
  if (check.success && tagCheck === undefined) return undefined;
  return {
    file: unit.assetsJson,
    field: 'TagPrefix',
    message: `"TagPrefix" would be ${JSON.stringify(unit.tagPrefix)}, which is not a valid git tag name prefix${tagCheck ? ` (${tagCheck})` : ''}`,
    hint: 'Rename the package folder, or migrate it by hand with a TagPrefix of your choice.',
  };
}

/** Sets the unit's AssetsRepoBranch; a problem when it is not a valid branch name. */
function nameByBranch(unit: PlannedUnit, input: PlanInput): Problem | undefined {
  const service = serviceOf(unit.path);
  unit.branch = input.branch ?? defaultBranchOf(service ?? 'assets');
  const reason = checkRefName(unit.branch);
  if (reason === undefined) return undefined;
  return {
    file: unit.assetsJson,
    field: 'AssetsRepoBranch',
    message: `"AssetsRepoBranch" would be ${JSON.stringify(unit.branch)}, which ${reason}`,
    hint: 'Pass --branch <name> to push every unit to one branch.',
  };
}

/** Units nested in another unit's recordings folder would be deleted with it. */
function nestedUnitProblems(units: PlannedUnit[]): Problem[] {
  const problems: Problem[] = [];
  for (const unit of units) {
    const host = units.find((other) => other !== unit && other.folders.some((f) => isSameOrBelow(unit.path, f)));
    if (host) {
      problems.push({
        file: unit.assetsJson,
        message: `${unit.assetsJson} would sit inside the recordings folder of ${host.assetsJson}`,
        hint: 'Narrow --recordings so that recordings folders do not contain package folders.',
      });
    }
  }
  return problems;
}

/** Layers: whole units per commit, in path order, each commit below the push limit when it can be. Returns how many. */
function assignLayers(units: PlannedUnit[], maxCommitBytes: number | undefined): number {
  let layer = 0;
  let layerBytes = 0;
  const limit = maxCommitBytes && maxCommitBytes > 0 ? maxCommitBytes : Infinity;
  for (const unit of units) {
    if (layerBytes > 0 && layerBytes + unit.bytes > limit) {
      layer++;
      layerBytes = 0;
    }
    unit.layer = layer;
    layerBytes += unit.bytes;
  }
  return units.length > 0 ? layer + 1 : 0;
}
