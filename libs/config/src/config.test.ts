import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAssetSyncError, type AssetSyncError, type Problem } from '@asset-sync/errors';
import { parseConfigText } from './parse.js';
import {
  defaultConfig,
  loadConfig,
  resolveConfig,
  type AssetSyncConfig,
  type ConfigFileSettings,
} from '@asset-sync/config';

const ROOT = '/work/azure-sdk-for-python';

function settingsOf(text: string): ConfigFileSettings {
  const result = parseConfigText(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function problemsOf(text: string): Problem[] {
  const result = parseConfigText(text);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

/** The single problem of a text, as `field: message`. */
function onlyProblem(text: string): string {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  return `${problems[0]?.field ?? '(file)'}: ${problems[0]?.message}`;
}

function resolved(settings: ConfigFileSettings | undefined, env: NodeJS.ProcessEnv = {}): AssetSyncConfig {
  const result = resolveConfig(ROOT, settings, env);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('defaults', () => {
  it('without asset-sync.yaml every setting is its default', () => {
    expect(defaultConfig(ROOT)).toEqual({
      repoRoot: ROOT,
      discovery: { globs: ['sdk/**/assets.json'], ignore: ['**/node_modules/**', '**/.assets/**', '**/.git/**'] },
      assetsDir: join(ROOT, '.assets'),
      concurrency: { network: 4, local: availableParallelism() },
      remotes: {},
      remoteUrlTemplate: 'https://github.com/{repo}.git',
      recordings: {
        python: ['sdk/**/tests/recordings'],
        js: ['sdk/**/recordings'],
        net: ['sdk/**/tests/SessionRecords'],
        java: ['sdk/**/src/test/resources/session-records'],
        go: ['sdk/**/testdata/recordings'],
        cpp: ['sdk/**/test/ut/recordings'],
      },
      defaults: {},
      fallbackRemotes: [],
      sources: {
        'discovery.globs': 'default',
        'discovery.ignore': 'default',
        assetsDir: 'default',
        storeDir: 'default',
        'concurrency.network': 'default',
        'concurrency.local': 'default',
        remotes: 'default',
        remoteUrlTemplate: 'default',
        'recordings.python': 'default',
        'recordings.js': 'default',
        'recordings.net': 'default',
        'recordings.java': 'default',
        'recordings.go': 'default',
        'recordings.cpp': 'default',
        'defaults.AssetsRepo': 'default',
        'defaults.AssetsRepoPrefixPath': 'default',
        fork: 'default',
        fallbackRemotes: 'default',
      },
    });
  });

  it.each(['', '\n', '# nothing configured yet\n', '---\n'])('an empty file (%j) is every default', (text) => {
    expect(settingsOf(text)).toEqual({});
  });
});

describe('asset-sync.yaml', () => {
  const FULL = [
    '# asset-sync settings for azure-sdk-for-rust',
    'discovery:',
    '  globs: ["sdk/**/assets.json", "eng/**/assets.json"]',
    '  ignore:',
    '    - sdk/template/**',
    'assetsDir: ../rust-assets-cache   # invalid: leaves the repo',
    'concurrency:',
    '  network: 8',
    '  local: 2',
    'remotes:',
    '  Azure/azure-sdk-assets: git@github.com:Azure/azure-sdk-assets.git',
    'remoteUrlTemplate: "https://mirror.example.com/{owner}/{name}.git"',
    'recordings:',
    '  rust: ["sdk/**/tests/recordings"]',
    '  python: ["sdk/**/tests/recordings", "sdk/**/tests/recordings-live"]',
    'defaults:',
    '  AssetsRepo: Azure/azure-sdk-assets',
    '  AssetsRepoPrefixPath: rust/',
    '',
  ].join('\n');

  it('reads every setting and says where each value came from', () => {
    const config = resolved(settingsOf(FULL.replace('../rust-assets-cache', '.cache/assets')));
    expect(config).toMatchObject({
      discovery: {
        globs: ['sdk/**/assets.json', 'eng/**/assets.json'],
        ignore: ['sdk/template/**', '**/node_modules/**', '**/.assets/**', '**/.git/**'],
      },
      assetsDir: join(ROOT, '.cache/assets'),
      concurrency: { network: 8, local: 2 },
      remotes: { 'Azure/azure-sdk-assets': 'git@github.com:Azure/azure-sdk-assets.git' },
      remoteUrlTemplate: 'https://mirror.example.com/{owner}/{name}.git',
      recordings: {
        rust: ['sdk/**/tests/recordings'],
        python: ['sdk/**/tests/recordings', 'sdk/**/tests/recordings-live'],
        go: ['sdk/**/testdata/recordings'],
      },
      defaults: { AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: 'rust' },
    });
    expect(config.sources).toMatchObject({
      'discovery.globs': 'asset-sync.yaml',
      'discovery.ignore': 'asset-sync.yaml',
      assetsDir: 'asset-sync.yaml',
      'concurrency.network': 'asset-sync.yaml',
      'concurrency.local': 'asset-sync.yaml',
      remotes: 'asset-sync.yaml',
      'remotes.Azure/azure-sdk-assets': 'asset-sync.yaml',
      remoteUrlTemplate: 'asset-sync.yaml',
      'recordings.rust': 'asset-sync.yaml',
      'recordings.python': 'asset-sync.yaml',
      'recordings.go': 'default',
      'defaults.AssetsRepo': 'asset-sync.yaml',
      'defaults.AssetsRepoPrefixPath': 'asset-sync.yaml',
    });
  });

  it.each<[string, string]>([
    ['discovery: sdk', 'discovery: "discovery" must be a map with "globs" and "ignore", found string "sdk"'],
    ['discovery:\n  globs: sdk/**/assets.json', 'discovery.globs: "discovery.globs" must be a list of globs, found string "sdk/**/assets.json"'],
    ['discovery:\n  globs: []', 'discovery.globs: "discovery.globs" must be a list of at least one glob, found an array'],
    ['discovery:\n  globs: [42]', 'discovery.globs[0]: "discovery.globs[0]" must be a glob relative to the repo root, found number 42'],
    ['discovery:\n  globs: [""]', 'discovery.globs[0]: "discovery.globs[0]" must be a glob relative to the repo root, found an empty string'],
    ['discovery:\n  globs: ["../other/**/assets.json"]', 'discovery.globs[0]: "discovery.globs[0]" must be a glob relative to the repo root, found string "../other/**/assets.json", which leaves the repo with ".."'],
    ['discovery:\n  globs: ["/etc/**"]', 'discovery.globs[0]: "discovery.globs[0]" must be a glob relative to the repo root, found string "/etc/**", which is an absolute path'],
    ['discovery:\n  ignore: [null]', 'discovery.ignore[0]: "discovery.ignore[0]" must be a glob relative to the repo root, found null'],
    ['assetsDir: 3', 'assetsDir: "assetsDir" must be a folder path, found number 3'],
    ['assetsDir: ""', 'assetsDir: "assetsDir" must be a folder path, found an empty string'],
    ['concurrency: 4', 'concurrency: "concurrency" must be a map with "network" and "local", found number 4'],
    ['concurrency:\n  network: 0', 'concurrency.network: "concurrency.network" must be a whole number from 1 to 256, found number 0'],
    ['concurrency:\n  network: -2', 'concurrency.network: "concurrency.network" must be a whole number from 1 to 256, found number -2'],
    ['concurrency:\n  local: 1.5', 'concurrency.local: "concurrency.local" must be a whole number from 1 to 256, found number 1.5'],
    ['concurrency:\n  local: "4"', 'concurrency.local: "concurrency.local" must be a whole number from 1 to 256, found string "4"'],
    ['concurrency:\n  network: 10000', 'concurrency.network: "concurrency.network" must be a whole number from 1 to 256, found number 10000'],
    ['remotes: [a]', 'remotes: "remotes" must be a map from "owner/name" to a clone URL, found an array'],
    ['remotes:\n  azure-sdk-assets: https://github.com/Azure/azure-sdk-assets.git', 'remotes.azure-sdk-assets: "remotes.azure-sdk-assets" must be keyed by an assets repo as "owner/name", found string "azure-sdk-assets", which is not of the form "owner/name"'],
    ['remotes:\n  Azure/a: "--upload-pack=touch /tmp/x"', 'remotes.Azure/a: "remotes.Azure/a" must be a clone URL, found string "--upload-pack=touch /tmp/x", which contains whitespace or a control character'],
    ['remotes:\n  Azure/a: -oProxyCommand=x', 'remotes.Azure/a: "remotes.Azure/a" must be a clone URL, found string "-oProxyCommand=x", which starts with "-"'],
    ['remotes:\n  Azure/a: "ext::sh"', 'remotes.Azure/a: "remotes.Azure/a" must be a clone URL, found string "ext::sh", which runs the git remote helper "ext::"'],
    ['remotes:\n  Azure/a: "ftp://host/a.git"', 'remotes.Azure/a: "remotes.Azure/a" must be a clone URL, found string "ftp://host/a.git", whose scheme "ftp" is not one of https, http, ssh, git, file'],
    ['remotes:\n  Azure/a: ../a.git', 'remotes.Azure/a: "remotes.Azure/a" must be a clone URL, found string "../a.git", which is not a URL (https, ssh, git, file), an scp-like address (git@host:path) or an absolute path'],
    ['remoteUrlTemplate: "https://github.com/{org}/{repo}.git"', 'remoteUrlTemplate: "remoteUrlTemplate" must be a URL template, found string "https://github.com/{org}/{repo}.git", which has the unknown placeholder {org}'],
    ['remoteUrlTemplate: "https://{host}/{Repo}.git"', 'remoteUrlTemplate: "remoteUrlTemplate" must be a URL template, found string "https://{host}/{Repo}.git", which has the unknown placeholders {host}, {Repo}'],
    ['remoteUrlTemplate: "https://github.com/Azure/azure-sdk-assets.git"', 'remoteUrlTemplate: "remoteUrlTemplate" must be a URL template, found string "https://github.com/Azure/azure-sdk-assets.git", which has neither {repo} nor {name}, so every assets repo would get the same URL'],
    ['remoteUrlTemplate: "{repo}"', 'remoteUrlTemplate: "remoteUrlTemplate" must be a URL template, found string "{repo}", which, once expanded, is not a URL (https, ssh, git, file), an scp-like address (git@host:path) or an absolute path'],
    ['remoteUrlTemplate: "-{repo}"', 'remoteUrlTemplate: "remoteUrlTemplate" must be a URL template, found string "-{repo}", which, once expanded, starts with "-"'],
    ['recordings: ["sdk/**"]', 'recordings: "recordings" must be a map from language to a list of globs, found an array'],
    ['recordings:\n  python: sdk/**/tests/recordings', 'recordings.python: "recordings.python" must be a list of globs, found string "sdk/**/tests/recordings"'],
    ['recordings:\n  go: [3]', 'recordings.go[0]: "recordings.go[0]" must be a glob relative to the repo root, found number 3'],
    ['defaults: Azure/azure-sdk-assets', 'defaults: "defaults" must be a map with "AssetsRepo" and "AssetsRepoPrefixPath", found string "Azure/azure-sdk-assets"'],
    ['defaults:\n  AssetsRepo: azure-sdk-assets', 'defaults.AssetsRepo: "defaults.AssetsRepo" must be an assets repo as "owner/name", found string "azure-sdk-assets", which is not of the form "owner/name"'],
    ['defaults:\n  AssetsRepoPrefixPath: /python', 'defaults.AssetsRepoPrefixPath: "defaults.AssetsRepoPrefixPath" must be a relative path inside the assets repo, found string "/python", which is an absolute path'],
    ['- globs', '(file): the file must be a map of settings, found an array'],
    ['just text', '(file): the file must be a map of settings, found string "just text"'],
  ])('%j', (text, expected) => {
    expect(onlyProblem(text)).toBe(expected);
  });

  it('names unknown settings with a did-you-mean hint', () => {
    expect(problemsOf('assetDir: .assets\nconcurency:\n  netwrk: 2\nxyzzy: 1\n')).toEqual([
      {
        file: 'asset-sync.yaml',
        field: 'assetDir',
        message: '"assetDir" is not a setting of asset-sync.yaml',
        hint: 'did you mean "assetsDir"?',
        line: 1,
        column: 1,
      },
      {
        file: 'asset-sync.yaml',
        field: 'concurency',
        message: '"concurency" is not a setting of asset-sync.yaml',
        hint: 'did you mean "concurrency"?',
        line: 2,
        column: 1,
      },
      {
        file: 'asset-sync.yaml',
        field: 'xyzzy',
        message: '"xyzzy" is not a setting of asset-sync.yaml',
        hint: 'the settings are "discovery", "assetsDir", "storeDir", "concurrency", "remotes", "remoteUrlTemplate", "recordings", "defaults", "fork", "fallbackRemotes"',
        line: 4,
        column: 1,
      },
    ]);
    expect(problemsOf('discovery:\n  glob: ["sdk/**/assets.json"]\n')[0]).toMatchObject({
      field: 'discovery.glob',
      hint: 'did you mean "discovery.globs"?',
      line: 2,
      column: 3,
    });
    expect(problemsOf('defaults:\n  TagPrefix: python\n')[0]?.hint).toBe(
      'the settings of "defaults" are "AssetsRepo", "AssetsRepoPrefixPath"',
    );
  });

  it('reports every problem at once, in file order, with positions and hints', () => {
    const problems = problemsOf(
      ['concurrency:', '  network: 0', 'discovery:', '  globs: [1, "ok/**"]', 'assetsDir: 7', 'colour: blue'].join('\n'),
    );
    expect(problems).toEqual([
      {
        file: 'asset-sync.yaml',
        field: 'concurrency.network',
        message: '"concurrency.network" must be a whole number from 1 to 256, found number 0',
        hint: 'use a whole number from 1 to 256',
        line: 2,
        column: 3,
      },
      {
        file: 'asset-sync.yaml',
        field: 'discovery.globs[0]',
        message: '"discovery.globs[0]" must be a glob relative to the repo root, found number 1',
        hint: 'list globs relative to the repo root, e.g. globs: ["sdk/**/assets.json"]',
        line: 4,
        column: 11,
      },
      {
        file: 'asset-sync.yaml',
        field: 'assetsDir',
        message: '"assetsDir" must be a folder path, found number 7',
        hint: 'use a folder inside the language repo, e.g. ".assets", or an absolute path outside it',
        line: 5,
        column: 1,
      },
      {
        file: 'asset-sync.yaml',
        field: 'colour',
        message: '"colour" is not a setting of asset-sync.yaml',
        hint: 'the settings are "discovery", "assetsDir", "storeDir", "concurrency", "remotes", "remoteUrlTemplate", "recordings", "defaults", "fork", "fallbackRemotes"',
        line: 6,
        column: 1,
      },
    ]);
  });

  it.each<[string, string, string, number, number]>([
    ['an unclosed list', 'discovery:\n  globs: [\n', 'Flow sequence in block collection must be sufficiently indented and end with a ]', 3, 1],
    ['a duplicate key', 'assetsDir: a\nassetsDir: b\n', 'Map keys must be unique', 2, 1],
    ['a tab indent', 'discovery:\n\tglobs: []\n', 'Tabs are not allowed as indentation', 2, 1],
  ])('reports YAML syntax errors with line and column: %s', (_name, text, what, line, column) => {
    expect(problemsOf(text)[0]).toEqual({
      file: 'asset-sync.yaml',
      message: `not valid YAML: ${what} (line ${line}, column ${column})`,
      hint: 'fix the YAML syntax',
      line,
      column,
    });
  });

  it('never echoes a token found in a URL', () => {
    const [problem] = problemsOf('remotes:\n  Azure/a: "-https://user:ghp_secret@github.com/Azure/a.git"\n');
    expect(problem?.message).toBe(
      '"remotes.Azure/a" must be a clone URL, found string "-https://***@github.com/Azure/a.git", which starts with "-"',
    );
  });
});

describe('environment overrides', () => {
  const settings = settingsOf('assetsDir: .cache/assets\nremoteUrlTemplate: "https://mirror.example.com/{repo}.git"\n');

  it('ASSET_SYNC_DIR and ASSET_SYNC_REMOTE_URL_TEMPLATE win over asset-sync.yaml', () => {
    const config = resolved(settings, {
      ASSET_SYNC_DIR: '/var/cache/asset-sync',
      ASSET_SYNC_REMOTE_URL_TEMPLATE: 'git://127.0.0.1:9418/{repo}.git',
    });
    expect(config.assetsDir).toBe('/var/cache/asset-sync');
    expect(config.remoteUrlTemplate).toBe('git://127.0.0.1:9418/{repo}.git');
    expect(config.sources['assetsDir']).toBe('env:ASSET_SYNC_DIR');
    expect(config.sources['remoteUrlTemplate']).toBe('env:ASSET_SYNC_REMOTE_URL_TEMPLATE');
  });

  it('an empty variable counts as unset', () => {
    const config = resolved(settings, { ASSET_SYNC_DIR: '', ASSET_SYNC_REMOTE_URL_TEMPLATE: '' });
    expect(config.assetsDir).toBe(join(ROOT, '.cache/assets'));
    expect(config.sources['assetsDir']).toBe('asset-sync.yaml');
    expect(config.sources['remoteUrlTemplate']).toBe('asset-sync.yaml');
  });

  it('ASSET_SYNC_DIR is relative to the repo root', () => {
    expect(resolved(undefined, { ASSET_SYNC_DIR: 'build/assets' }).assetsDir).toBe(join(ROOT, 'build/assets'));
  });

  it('validates environment values like file values', () => {
    const result = resolveConfig(ROOT, undefined, {
      ASSET_SYNC_DIR: '..',
      ASSET_SYNC_REMOTE_URL_TEMPLATE: 'https://github.com/{org}.git',
    });
    expect(result.ok ? [] : result.problems).toEqual([
      {
        file: 'environment',
        field: 'ASSET_SYNC_DIR',
        message:
          '"ASSET_SYNC_DIR" must be a folder for asset-sync\'s data, found string "..", which leaves the language repo (use an absolute path for a folder outside it)',
        hint: 'use a folder inside the language repo, e.g. ".assets", or an absolute path outside it',
      },
      {
        file: 'environment',
        field: 'ASSET_SYNC_REMOTE_URL_TEMPLATE',
        message:
          '"ASSET_SYNC_REMOTE_URL_TEMPLATE" must be a URL template, found string "https://github.com/{org}.git", which has the unknown placeholder {org}',
        hint: 'use the placeholders {repo}, {owner} and {name}, e.g. "https://github.com/{repo}.git"',
      },
    ]);
  });
});

describe('assetsDir', () => {
  it.each<[string, string]>([
    ['.assets', join(ROOT, '.assets')],
    ['./out/assets/', join(ROOT, 'out/assets')],
    ['/var/cache/asset-sync', '/var/cache/asset-sync'],
    ['/work/other-repo/.assets', '/work/other-repo/.assets'],
    [join(ROOT, 'cache'), join(ROOT, 'cache')],
  ])('accepts %j', (value, path) => {
    expect(resolved({ assetsDir: value }).assetsDir).toBe(path);
  });

  it.each<[string, string]>([
    ['.', 'which is the language repo itself'],
    ['sdk/..', 'which is the language repo itself'],
    ['../cache', 'which leaves the language repo (use an absolute path for a folder outside it)'],
    ['/work', 'which contains the language repo'],
    ['/', 'which contains the language repo'],
    [ROOT, 'which is the language repo itself'],
    ['.git/assets', 'which is inside the .git folder'],
    ['   ', 'which is empty'],
  ])('refuses %j', (value, wrong) => {
    const result = resolveConfig(ROOT, { assetsDir: value });
    expect(result.ok ? [] : result.problems.map((problem) => problem.message)).toEqual([
      `"assetsDir" must be a folder for asset-sync's data, found string ${JSON.stringify(value)}, ${wrong}`,
    ]);
  });
});

describe('storeDir', () => {
  const HOME = '/home/dev';

  it('is unset by default: each assets dir keeps its own store', () => {
    const config = resolved(undefined, { HOME });
    expect(config.storeDir).toBeUndefined();
    expect(config.sources['storeDir']).toBe('default');
  });

  it.each<[string, string]>([
    ['~/.cache/asset-sync', '/home/dev/.cache/asset-sync'],
    ['~', '/home/dev'],
    ['/var/cache/asset-sync/', '/var/cache/asset-sync'],
    ['/work/azure-sdk-for-python-2/.store', '/work/azure-sdk-for-python-2/.store'],
  ])('accepts %j from asset-sync.yaml', (value, path) => {
    const config = resolved({ storeDir: value }, { HOME });
    expect(config.storeDir).toBe(path);
    expect(config.sources['storeDir']).toBe('asset-sync.yaml');
  });

  it('ASSET_SYNC_STORE_DIR wins over asset-sync.yaml; empty counts as unset', () => {
    const config = resolved({ storeDir: '~/.cache/asset-sync' }, { HOME, ASSET_SYNC_STORE_DIR: '/ci/cache/store' });
    expect(config.storeDir).toBe('/ci/cache/store');
    expect(config.sources['storeDir']).toBe('env:ASSET_SYNC_STORE_DIR');
    expect(resolved({ storeDir: '/a/b' }, { HOME, ASSET_SYNC_STORE_DIR: '' }).storeDir).toBe('/a/b');
  });

  it.each<[string, string]>([
    ['.store', 'which is not an absolute path (a shared store must be the same folder for every clone)'],
    ['../shared-store', 'which is not an absolute path (a shared store must be the same folder for every clone)'],
    [`${ROOT}/.assets/store`, 'which is inside the language repo'],
    [ROOT, 'which is inside the language repo'],
    ['/work', 'which contains the language repo'],
    [' ', 'which is empty'],
  ])('refuses %j', (value, wrong) => {
    const result = resolveConfig(ROOT, { storeDir: value }, { HOME });
    expect(result.ok ? [] : result.problems.map((problem) => problem.message)).toEqual([
      `"storeDir" must be a folder for the shared store, found string ${JSON.stringify(value)}, ${wrong}`,
    ]);
  });

  it('refuses "~" without a home folder, naming the variable', () => {
    const result = resolveConfig(ROOT, undefined, { ASSET_SYNC_STORE_DIR: '~/.cache/asset-sync' });
    expect(result.ok ? [] : result.problems).toEqual([
      expect.objectContaining({ file: 'environment', field: 'ASSET_SYNC_STORE_DIR', message: expect.stringContaining('the home folder is unknown') }),
    ]);
  });
});

describe('loadConfig', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'asset-sync-config-'));
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  async function loadError(env: NodeJS.ProcessEnv = {}): Promise<AssetSyncError> {
    try {
      await loadConfig(repo, env);
    } catch (error) {
      if (isAssetSyncError(error)) return error;
      throw error;
    }
    throw new Error('expected loadConfig to fail');
  }

  it('uses the defaults when there is no asset-sync.yaml', async () => {
    const config = await loadConfig(repo, {});
    expect(config.configFile).toBeUndefined();
    expect(config).toEqual(defaultConfig(repo));
  });

  it('reads asset-sync.yaml at the repo root and applies the environment', async () => {
    await writeFile(join(repo, 'asset-sync.yaml'), 'concurrency:\n  network: 2\nassetsDir: cache\n');
    const config = await loadConfig(repo, { ASSET_SYNC_DIR: 'env-cache' });
    expect(config.configFile).toBe(join(repo, 'asset-sync.yaml'));
    expect(config.concurrency.network).toBe(2);
    expect(config.assetsDir).toBe(join(repo, 'env-cache'));
    expect(config.sources['concurrency.network']).toBe('asset-sync.yaml');
    expect(config.sources['assetsDir']).toBe('env:ASSET_SYNC_DIR');
  });

  it('throws CONFIG_INVALID with every problem', async () => {
    await writeFile(join(repo, 'asset-sync.yaml'), 'concurrency:\n  network: 0\nassetDir: x\n');
    const error = await loadError();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('asset-sync.yaml has 2 problems');
    expect(error.file).toBe('asset-sync.yaml');
    expect(error.hint).toBe('use a whole number from 1 to 256');
    expect(error.problems.map((problem) => problem.field)).toEqual(['concurrency.network', 'assetDir']);
  });

  it('throws CONFIG_INVALID for a bad environment value', async () => {
    const error = await loadError({ ASSET_SYNC_REMOTE_URL_TEMPLATE: '-{repo}' });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe('the configuration has 1 problem');
    expect(error.problems[0]?.file).toBe('environment');
  });

  it('does not ignore a misnamed asset-sync.yml in silence', async () => {
    await writeFile(join(repo, 'asset-sync.yml'), 'concurrency:\n  network: 2\n');
    const error = await loadError();
    expect(error.problems).toEqual([
      {
        file: 'asset-sync.yml',
        message: 'asset-sync reads asset-sync.yaml, not asset-sync.yml',
        hint: 'rename asset-sync.yml to asset-sync.yaml',
      },
    ]);
  });
});
