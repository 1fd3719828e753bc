import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AssetSyncError, describeValue, formatProblem, plural, redact, type Problem } from '@asset-sync/errors';
import { hasControlCharacter } from '@asset-sync/assets-json';
import {
  ALWAYS_IGNORED,
  CONFIG_FILE,
  DEFAULT_ASSETS_DIR,
  DEFAULT_GLOBS,
  DEFAULT_NETWORK_CONCURRENCY,
  DEFAULT_RECORDINGS,
  DEFAULT_REMOTE_URL_TEMPLATE,
  ENV_ASSETS_DIR,
  ENV_FALLBACK_REMOTES,
  ENV_FORK,
  ENV_REMOTE_URL_TEMPLATE,
  ENV_STORE_DIR,
  defaultLocalConcurrency,
} from './defaults.js';
import { formatSettingPath } from './setting-path.js';
import type { ConfigFileSettings } from './schema.js';
import { checkUrlTemplate } from './url.js';
import { checkOtherRemote } from './other-remote.js';

/** Where a setting's value came from, for `asset-sync config show`. */
export type ConfigSource = 'default' | typeof CONFIG_FILE | `env:${string}`;

/** The effective configuration: asset-sync.yaml over the defaults, the environment over both. */
export interface AssetSyncConfig {
  /** Absolute path of the language repo. */
  repoRoot: string;
  /** Absolute path of asset-sync.yaml, when there is one. */
  configFile?: string;
  discovery: {
    /** Where assets.json files are searched, relative to the repo root. */
    globs: string[];
    /** Never searched: the configured globs plus node_modules, .assets and .git. */
    ignore: string[];
  };
  /** Absolute path of the folder that holds the store and checkouts. */
  assetsDir: string;
  /**
   * Absolute path of a store shared by every language repo and worktree that names it (one
   * object store per assets repo below it); unset, each assets dir keeps its own store.
   */
  storeDir?: string;
  concurrency: { network: number; local: number };
  /** Clone URL per assets repo (`owner/name`), overriding every template. */
  remotes: Record<string, string>;
  /** The template clone URLs are made from; see `remoteUrlFor` for when it applies. */
  remoteUrlTemplate: string;
  /** Recording globs per language. */
  recordings: Record<string, string[]>;
  /** The fork `push` publishes to instead of the assets repo (`owner/name` or a clone URL). */
  fork?: string;
  /** Where restore looks for pins the assets repo lacks, in order: the environment's, then asset-sync.yaml's. */
  fallbackRemotes: string[];
  /** Used by `asset-sync init` when no parent assets.json exists. */
  defaults: { AssetsRepo?: string; AssetsRepoPrefixPath?: string };
  /** Where each setting came from, by dotted path (`concurrency.network`, `recordings.python`). */
  sources: Record<string, ConfigSource>;
}

export type ResolveConfigResult = { ok: true; value: AssetSyncConfig } | { ok: false; problems: Problem[] };

/** How environment variables are named in problems. */
const ENVIRONMENT = 'environment';

/**
 * The assets dir: relative paths are inside the language repo, and may not climb out of it;
 * an absolute path may point anywhere (a shared cache on CI) but not at or above the repo.
 */
export function checkAssetsDir(repoRoot: string, value: string): { path: string } | { wrong: string } {
  if (value.trim() === '') return { wrong: 'which is empty' };
  if (hasControlCharacter(value)) return { wrong: 'which contains a control character' };
  const path = resolve(repoRoot, value);
  const inside = relative(repoRoot, path);
  if (inside === '') return { wrong: 'which is the language repo itself' };
  const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
  if (outside) {
    if (!isAbsolute(value)) {
      return { wrong: 'which leaves the language repo (use an absolute path for a folder outside it)' };
    }
    const above = relative(path, repoRoot);
    if (!(above === '..' || above.startsWith(`..${sep}`) || isAbsolute(above))) {
      return { wrong: 'which contains the language repo' };
    }
    return { path };
  }
  if (inside.split(sep)[0]?.toLowerCase() === '.git') return { wrong: 'which is inside the .git folder' };
  return { path };
}

/**
 * A shared store dir: absolute, or `~/...` in the user's home (so one asset-sync.yaml serves every
 * machine), and outside the language repo, whose clones and worktrees it serves.
 */
export function checkStoreDir(repoRoot: string, value: string, home: string | undefined): { path: string } | { wrong: string } {
  if (value.trim() === '') return { wrong: 'which is empty' };
  if (hasControlCharacter(value)) return { wrong: 'which contains a control character' };
  let expanded = value;
  if (value === '~' || value.startsWith('~/')) {
    if (!home) return { wrong: 'which starts with "~" but the home folder is unknown (HOME is not set)' };
    expanded = join(home, value.slice(1));
  }
  if (!isAbsolute(expanded)) return { wrong: 'which is not an absolute path (a shared store must be the same folder for every clone)' };
  const path = resolve(expanded);
  const inside = relative(repoRoot, path);
  if (inside === '' || !(inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))) return { wrong: 'which is inside the language repo' };
  const above = relative(path, repoRoot);
  if (!(above === '..' || above.startsWith(`..${sep}`) || isAbsolute(above))) return { wrong: 'which contains the language repo' };
  return { path };
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  // `VAR= command` unsets a variable for one command; an empty value means "not set".
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The effective configuration from the parsed asset-sync.yaml (if any) and the environment.
 * Pure: no disk access, so every precedence rule is testable in memory.
 */
export function resolveConfig(
  repoRoot: string,
  settings: ConfigFileSettings | undefined,
  env: NodeJS.ProcessEnv = {},
  configFile?: string,
): ResolveConfigResult {
  const root = resolve(repoRoot);
  const problems: Problem[] = [];
  const sources: Record<string, ConfigSource> = {};
  const fromFile = (path: string, isSet: boolean): void => {
    sources[path] = isSet ? CONFIG_FILE : 'default';
  };

  const globs = settings?.discovery?.globs ?? [...DEFAULT_GLOBS];
  fromFile('discovery.globs', settings?.discovery?.globs !== undefined);
  const ignore = [...new Set([...(settings?.discovery?.ignore ?? []), ...ALWAYS_IGNORED])];
  fromFile('discovery.ignore', settings?.discovery?.ignore !== undefined);

  const assetsDir = resolveAssetsDir(root, settings, env, sources, problems);
  const storeDir = resolveStoreDir(root, settings, env, sources, problems);

  const concurrency = {
    network: settings?.concurrency?.network ?? DEFAULT_NETWORK_CONCURRENCY,
    local: settings?.concurrency?.local ?? defaultLocalConcurrency(),
  };
  fromFile('concurrency.network', settings?.concurrency?.network !== undefined);
  fromFile('concurrency.local', settings?.concurrency?.local !== undefined);

  const remotes = { ...(settings?.remotes ?? {}) };
  fromFile('remotes', settings?.remotes !== undefined);
  for (const repo of Object.keys(remotes)) sources[formatSettingPath(['remotes', repo])] = CONFIG_FILE;

  const remoteUrlTemplate = resolveRemoteUrlTemplate(settings, env, sources, problems);
  const others = otherRemotes(settings, env, sources, problems);

  const recordings = resolveRecordings(settings, sources);
  const defaults: AssetSyncConfig['defaults'] = {};
  if (settings?.defaults?.AssetsRepo !== undefined) defaults.AssetsRepo = settings.defaults.AssetsRepo;
  if (settings?.defaults?.AssetsRepoPrefixPath !== undefined) {
    defaults.AssetsRepoPrefixPath = settings.defaults.AssetsRepoPrefixPath;
  }
  fromFile('defaults.AssetsRepo', defaults.AssetsRepo !== undefined);
  fromFile('defaults.AssetsRepoPrefixPath', defaults.AssetsRepoPrefixPath !== undefined);

  if (problems.length > 0) return { ok: false, problems };
  const value: AssetSyncConfig = {
    repoRoot: root,
    discovery: { globs, ignore },
    assetsDir,
    ...(storeDir !== undefined ? { storeDir } : {}),
    concurrency,
    remotes,
    remoteUrlTemplate,
    recordings,
    defaults,
    sources,
    fallbackRemotes: others.fallbackRemotes,
  };
  if (others.fork !== undefined) value.fork = others.fork;
  if (configFile !== undefined) value.configFile = configFile;
  return { ok: true, value };
}

/** `assetsDir`: the environment's value, the file's, or `.assets`; checked against the repo. */
function resolveAssetsDir(root: string, settings: ConfigFileSettings | undefined, env: NodeJS.ProcessEnv, sources: Record<string, ConfigSource>, problems: Problem[]): string {
  const envAssetsDir = envValue(env, ENV_ASSETS_DIR);
  const [dirValue, dirSource] =
    envAssetsDir !== undefined
      ? ([envAssetsDir, `env:${ENV_ASSETS_DIR}`] as const)
      : settings?.assetsDir !== undefined
        ? ([settings.assetsDir, CONFIG_FILE] as const)
        : ([DEFAULT_ASSETS_DIR, 'default'] as const);
  sources['assetsDir'] = dirSource;
  const checkedDir = checkAssetsDir(root, dirValue);
  if ('path' in checkedDir) return checkedDir.path;
  const field = dirSource === CONFIG_FILE ? 'assetsDir' : ENV_ASSETS_DIR;
  problems.push({
    file: dirSource === CONFIG_FILE ? CONFIG_FILE : ENVIRONMENT,
    field,
    message: `"${field}" must be a folder for asset-sync's data, found ${describeValue(dirValue)}, ${checkedDir.wrong}`,
    hint: 'use a folder inside the language repo, e.g. ".assets", or an absolute path outside it',
  });
  return resolve(root, DEFAULT_ASSETS_DIR);
}

/** `remoteUrlTemplate`: a valid one from the environment, else the file's, else the default. */
function resolveRemoteUrlTemplate(settings: ConfigFileSettings | undefined, env: NodeJS.ProcessEnv, sources: Record<string, ConfigSource>, problems: Problem[]): string {
  sources['remoteUrlTemplate'] = 'default';
  const envTemplate = envValue(env, ENV_REMOTE_URL_TEMPLATE);
  if (envTemplate !== undefined) {
    const wrong = checkUrlTemplate(envTemplate);
    if (wrong === undefined) {
      sources['remoteUrlTemplate'] = `env:${ENV_REMOTE_URL_TEMPLATE}`;
      return envTemplate;
    }
    problems.push({
      file: ENVIRONMENT,
      field: ENV_REMOTE_URL_TEMPLATE,
      message: redact(`"${ENV_REMOTE_URL_TEMPLATE}" must be a URL template, found ${describeValue(envTemplate)}, ${wrong}`),
      hint: 'use the placeholders {repo}, {owner} and {name}, e.g. "https://github.com/{repo}.git"',
    });
    return DEFAULT_REMOTE_URL_TEMPLATE;
  }
  if (settings?.remoteUrlTemplate !== undefined) {
    sources['remoteUrlTemplate'] = CONFIG_FILE;
    return settings.remoteUrlTemplate;
  }
  return DEFAULT_REMOTE_URL_TEMPLATE;
}

/** The recording globs per language: the defaults, each replaced by the file's where it names one. */
function resolveRecordings(settings: ConfigFileSettings | undefined, sources: Record<string, ConfigSource>): Record<string, string[]> {
  const recordings: Record<string, string[]> = {};
  for (const [language, patterns] of Object.entries(DEFAULT_RECORDINGS)) {
    recordings[language] = [...patterns];
    sources[formatSettingPath(['recordings', language])] = 'default';
  }
  for (const [language, patterns] of Object.entries(settings?.recordings ?? {})) {
    recordings[language] = [...patterns];
    sources[formatSettingPath(['recordings', language])] = CONFIG_FILE;
  }
  return recordings;
}

/** `fork` and `fallbackRemotes`: the environment's value first, each entry checked. */
function otherRemotes(settings: ConfigFileSettings | undefined, env: NodeJS.ProcessEnv, sources: Record<string, ConfigSource>, problems: Problem[]): { fork?: string; fallbackRemotes: string[] } {
  const checkEnv = (name: string, values: string[]): string[] =>
    values.filter((value) => {
      const wrong = checkOtherRemote(value);
      if (wrong !== undefined) {
        problems.push({ file: ENVIRONMENT, field: name, message: redact(`"${name}" must name "owner/name" or a clone URL, found ${describeValue(value)}, ${wrong}`), hint: 'e.g. octocat/azure-sdk-assets or https://github.com/octocat/azure-sdk-assets.git' });
      }
      return wrong === undefined;
    });
  const envFork = envValue(env, ENV_FORK);
  const fork = envFork !== undefined ? checkEnv(ENV_FORK, [envFork])[0] : settings?.fork;
  sources['fork'] = envFork !== undefined ? `env:${ENV_FORK}` : settings?.fork !== undefined ? CONFIG_FILE : 'default';
  const envFallbacks = checkEnv(ENV_FALLBACK_REMOTES, (envValue(env, ENV_FALLBACK_REMOTES) ?? '').split(/[,\s]+/).filter(Boolean));
  const fallbackRemotes = [...new Set([...envFallbacks, ...(settings?.fallbackRemotes ?? [])])];
  sources['fallbackRemotes'] = envFallbacks.length > 0 ? `env:${ENV_FALLBACK_REMOTES}` : settings?.fallbackRemotes !== undefined ? CONFIG_FILE : 'default';
  return { ...(fork !== undefined ? { fork } : {}), fallbackRemotes };
}

/** storeDir from the environment, then the file; undefined (a store per assets dir) by default. */
function resolveStoreDir(
  root: string,
  settings: ConfigFileSettings | undefined,
  env: NodeJS.ProcessEnv,
  sources: Record<string, ConfigSource>,
  problems: Problem[],
): string | undefined {
  const fromEnv = envValue(env, ENV_STORE_DIR);
  const value = fromEnv ?? settings?.storeDir;
  sources['storeDir'] = fromEnv !== undefined ? `env:${ENV_STORE_DIR}` : value !== undefined ? CONFIG_FILE : 'default';
  if (value === undefined) return undefined;
  const checked = checkStoreDir(root, value, envValue(env, 'HOME') ?? envValue(env, 'USERPROFILE'));
  if ('path' in checked) return checked.path;
  const field = fromEnv !== undefined ? ENV_STORE_DIR : 'storeDir';
  problems.push({
    file: fromEnv !== undefined ? ENVIRONMENT : CONFIG_FILE,
    field,
    message: `"${field}" must be a folder for the shared store, found ${describeValue(value)}, ${checked.wrong}`,
    hint: 'use an absolute folder outside the language repo, e.g. "~/.cache/asset-sync", or leave it unset for a store per assets dir',
  });
  return undefined;
}

/** Every default, for a language repo without asset-sync.yaml and an empty environment. */
export function defaultConfig(repoRoot: string): AssetSyncConfig {
  const result = resolveConfig(repoRoot, undefined, {});
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

function invalid(problems: Problem[]): AssetSyncError {
  const fromFile = problems.every((problem) => problem.file === CONFIG_FILE);
  const count = plural(problems.length, 'problem');
  return new AssetSyncError(
    'CONFIG_INVALID',
    fromFile ? `${CONFIG_FILE} has ${count}` : `the configuration has ${count}`,
    {
      ...(fromFile ? { file: CONFIG_FILE } : {}),
      problems,
      hint: problems[0]?.hint ?? `fix ${CONFIG_FILE}`,
    },
  );
}

/**
 * Loads asset-sync.yaml from the language repo root (optional) and applies the environment
 * (`ASSET_SYNC_REMOTE_URL_TEMPLATE`, `ASSET_SYNC_DIR`, `ASSET_SYNC_STORE_DIR`).
 *
 * @throws AssetSyncError CONFIG_INVALID with every problem found.
 */
export async function loadConfig(repoRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<AssetSyncConfig> {
  const root = resolve(repoRoot);
  const configFile = join(root, CONFIG_FILE);
  let settings: ConfigFileSettings | undefined;
  let text: string | undefined;
  try {
    text = await readFile(configFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw invalid([
        {
          file: CONFIG_FILE,
          message: `the file cannot be read (${code ?? String(error)})`,
          hint: `check ${CONFIG_FILE} and its permissions`,
        },
      ]);
    }
    // A misnamed file would otherwise be ignored without a word.
    const yml = await stat(join(root, 'asset-sync.yml')).catch(() => undefined);
    if (yml !== undefined) {
      throw invalid([
        {
          file: 'asset-sync.yml',
          message: `asset-sync reads ${CONFIG_FILE}, not asset-sync.yml`,
          hint: `rename asset-sync.yml to ${CONFIG_FILE}`,
        },
      ]);
    }
  }
  if (text !== undefined) {
    // The YAML parser loads only for a repo that has the file: most commands never need it.
    const { parseConfigText } = await import('./parse.js');
    const parsed = parseConfigText(text, CONFIG_FILE);
    if (!parsed.ok) {
      // Report the values' problems too, not only the unknown keys, so one edit fixes the file.
      const more = parsed.partial ? resolveConfig(root, parsed.partial, env, configFile) : undefined;
      throw invalid([...parsed.problems, ...(more && !more.ok ? more.problems : [])]);
    }
    settings = parsed.value;
  }
  const result = resolveConfig(root, settings, env, text === undefined ? undefined : configFile);
  if (!result.ok) throw invalid(result.problems);
  return result.value;
}
