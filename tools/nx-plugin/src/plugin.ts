import { readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import {
  createNodesFromFiles,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
  type ProjectConfiguration,
  type TargetConfiguration,
} from '@nx/devkit';
import picomatch from 'picomatch';
import { formatProblem } from '@asset-sync/errors';
import { discoverOne, findRepoRoot } from '@asset-sync/discovery';
import { projectNames } from './project-names.js';

export interface AssetSyncPluginOptions {
  /** Globs (relative to the workspace root) an assets.json must match to become a project. Default every one. */
  include?: string[];
  /** Globs of assets.json files to leave out. Default node_modules, .assets and .git folders. */
  exclude?: string[];
  restoreTargetName?: string;
  pushTargetName?: string;
  resetTargetName?: string;
  statusTargetName?: string;
  locateTargetName?: string;
}

type NormalizedOptions = Required<AssetSyncPluginOptions>;

/** The executor the restore target runs (this package's executors.json). */
export const RESTORE_EXECUTOR = '@asset-sync/nx:restore';

/** The command the other targets run: the CLI this package depends on, on the PATH Nx gives commands. */
export const CLI_COMMAND = 'asset-sync';

const ASSETS_JSON_GLOB = '**/assets.json';

/** The same folders asset-sync discovery never searches. */
const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.assets/**', '**/.git/**'];

/**
 * Every folder with an assets.json becomes a project with restore, push, reset, status and locate
 * targets; a folder that is already a project (a named package.json or project.json) gets the
 * targets added instead. A broken assets.json still makes its project, with its problems in the
 * metadata, and its targets fail with the CLI's message when run: Nx fails the whole graph on any
 * error a plugin reports, so a problem in one file must stay data on its own project.
 */
export const createNodesV2: CreateNodesV2<AssetSyncPluginOptions> = [
  ASSETS_JSON_GLOB,
  async (configFiles, options, context) => {
    const normalized = normalizeOptions(options);
    const files = selectFiles(configFiles, normalized);
    const repoRoot = await findRepoRoot(context.workspaceRoot).catch(() => context.workspaceRoot);
    const existing = new Map(files.map((file) => [file, existingProject(context.workspaceRoot, rootOf(file))]));
    const taken = new Set([...existing.values()].map((project) => project?.name).filter((name): name is string => name !== undefined));
    const names = projectNames(
      files.filter((file) => existing.get(file) === undefined).map(rootOf),
      taken,
      basename(context.workspaceRoot),
    );
    return createNodesFromFiles(
      // Projects that exist already keep their name: the targets join them.
      (file, _options, ctx) => createProjectFromAssetsJson(file, normalized, ctx, repoRoot, existing.get(file) ? undefined : names.get(rootOf(file))),
      files,
      normalized,
      context,
    );
  },
];

/** Nx 22 reads `createNodes` with the v2 signature; both names are exported for Nx 21 and 22. */
export const createNodes = createNodesV2;

async function createProjectFromAssetsJson(
  file: string,
  options: NormalizedOptions,
  context: CreateNodesContextV2,
  repoRoot: string,
  name: string | undefined,
): Promise<CreateNodesResult> {
  const root = rootOf(file);
  const entry = await discoverOne(join(context.workspaceRoot, file), repoRoot);
  const project: Omit<ProjectConfiguration, 'root'> & { root: string } = {
    root,
    ...(name ? { name } : {}),
    targets: {
      [options.restoreTargetName]: restoreTarget(entry.path),
      [options.pushTargetName]: pushTarget(entry.path),
      [options.resetTargetName]: resetTarget(entry.path),
      [options.statusTargetName]: statusTarget(entry.path),
      [options.locateTargetName]: locateTarget(),
    },
    metadata: {
      targetGroups: {
        'asset-sync': [options.restoreTargetName, options.pushTargetName, options.resetTargetName, options.statusTargetName, options.locateTargetName],
      },
      assetSync: {
        assetsJson: entry.path,
        ...(entry.assetsRepo ? { assetsRepo: entry.assetsRepo } : {}),
        ...(entry.value ? { pin: entry.value.dialect === 'tag' ? entry.value.tag ?? '' : entry.value.sha ?? '' } : {}),
        ...(entry.problems.length > 0 ? { problems: entry.problems.map(formatProblem) } : {}),
      },
    },
  };
  return { projects: { [root]: project } };
}

function restoreTarget(assetsJson: string): TargetConfiguration {
  return {
    executor: RESTORE_EXECUTOR,
    // The recordings live in the assets repo and the store; there is nothing for Nx to cache.
    cache: false,
    options: {},
    metadata: {
      technologies: ['asset-sync'],
      description: `Restore the recordings ${assetsJson} pins (with --batch, every selected project in one plan and one fetch)`,
    },
  };
}

function pushTarget(assetsJson: string): TargetConfiguration {
  return {
    command: `${CLI_COMMAND} push {projectRoot}`,
    cache: false,
    // Each push moves the assets repo and rewrites a pin: one at a time.
    parallelism: false,
    metadata: {
      technologies: ['asset-sync'],
      description: `Push new and changed recordings to the assets repo and update the pin in ${assetsJson}`,
    },
  };
}

function resetTarget(assetsJson: string): TargetConfiguration {
  return {
    command: `${CLI_COMMAND} reset {projectRoot}`,
    cache: false,
    metadata: {
      technologies: ['asset-sync'],
      description: `Discard pending local changes to the recordings and restore them at the pin in ${assetsJson}`,
    },
  };
}

function statusTarget(assetsJson: string): TargetConfiguration {
  return {
    command: `${CLI_COMMAND} status {projectRoot}`,
    // The answer depends on the checkouts on disk, which are no input Nx knows.
    cache: false,
    metadata: {
      technologies: ['asset-sync'],
      description: `Show the pin in ${assetsJson}, whether its recordings are restored and up to date, and pending local changes`,
    },
  };
}

function locateTarget(): TargetConfiguration {
  return {
    command: `${CLI_COMMAND} locate {projectRoot}`,
    cache: false,
    metadata: {
      technologies: ['asset-sync'],
      description: 'Print the directory to start the test-proxy in (the restored recordings)',
    },
  };
}

function normalizeOptions(options: AssetSyncPluginOptions | undefined): NormalizedOptions {
  return {
    include: options?.include ?? [ASSETS_JSON_GLOB],
    exclude: options?.exclude ?? DEFAULT_EXCLUDE,
    restoreTargetName: options?.restoreTargetName ?? 'restore',
    pushTargetName: options?.pushTargetName ?? 'push',
    resetTargetName: options?.resetTargetName ?? 'reset',
    statusTargetName: options?.statusTargetName ?? 'status',
    locateTargetName: options?.locateTargetName ?? 'locate',
  };
}

/** Only files named exactly assets.json, matched by `include` and by no `exclude`. */
export function selectFiles(configFiles: readonly string[], options: Pick<NormalizedOptions, 'include' | 'exclude'>): string[] {
  const included = picomatch(options.include, { dot: true });
  const excluded = options.exclude.length > 0 ? picomatch(options.exclude, { dot: true }) : () => false;
  return configFiles
    .map((file) => file.replace(/\\/g, '/'))
    .filter((file) => posix.basename(file) === 'assets.json' && included(file) && !excluded(file))
    .sort();
}

function rootOf(file: string): string {
  return posix.dirname(file);
}

/**
 * The project Nx already makes of the folder: any project.json makes one (Nx names it or reports
 * what is wrong with it), and so does a package.json with a name. Undefined when there is none.
 */
export function existingProject(workspaceRoot: string, root: string): { name?: string } | undefined {
  const projectJson = readJson(join(workspaceRoot, root, 'project.json'));
  if (projectJson !== undefined) {
    const name = stringField(projectJson.value, 'name');
    return name ? { name } : {};
  }
  const packageJson = readJson(join(workspaceRoot, root, 'package.json'))?.value;
  const nx = packageJson && typeof packageJson === 'object' ? (packageJson as { nx?: unknown }).nx : undefined;
  const name = stringField(nx, 'name') ?? stringField(packageJson, 'name');
  return name ? { name } : undefined;
}

/** A file's JSON, `{ value: undefined }` when it does not parse, undefined when it cannot be read. */
function readJson(path: string): { value: unknown } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { value: undefined };
  }
}

function stringField(value: unknown, key: string): string | undefined {
  const field = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === 'string' && field !== '' ? field : undefined;
}
