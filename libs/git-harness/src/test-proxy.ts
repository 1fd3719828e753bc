import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { runGit, type GitResult } from './git.js';

/**
 * An executable emulation of the Azure test-proxy's asset store (`Store/GitStore.cs` and
 * `GitStoreBreadcrumb.cs` in azure-sdk-tools): the git commands its restore and push run in
 * `<assets dir>/<hash>`, in the same order and with the same arguments, its folder hash, sparse
 * patterns, breadcrumb format, and its in-memory map of restored tags (seeded, as the proxy
 * seeds it, from the breadcrumb of the first assets.json it is asked about only). Tests run it
 * beside asset-sync on the same folders, the way the unmodified proxy runs in a developer's repo.
 *
 * The proxy builds its clone URLs for github.com; `serverBase` sends them to a local server
 * instead through git's own `url.<base>.insteadOf`, so the URLs written into configs stay the
 * proxy's.
 */
export interface TestProxyOptions {
  /** Where `https://github.com/` (and `git@github.com:`) really go, e.g. `git://127.0.0.1:<port>/`. */
  serverBase: string;
  /** The proxy's environment: PROXY_ASSETS_FOLDER, GIT_TOKEN, GIT_COMMIT_OWNER, GIT_COMMIT_EMAIL. */
  env?: Record<string, string | undefined>;
  /** Breadcrumb lines end in CRLF, as the proxy writes them on Windows. */
  crlf?: boolean;
  /** The proxy dies right after the first git command this matches (nothing after it runs). */
  crashAfter?: (args: readonly string[]) => boolean;
  /** The push's secret scan: true blocks the push (the proxy then returns -1 and exits 0). */
  findsSecrets?: (files: string[]) => boolean;
  /**
   * False: the map of restored tags starts empty and is never seeded from breadcrumbs, so every
   * restore runs its git commands (the proxy's re-run case). Default true, as the proxy.
   */
  seedFromBreadcrumbs?: boolean;
}

/** What ParseConfigurationFile makes of an assets.json. */
export interface TestProxyConfig {
  assetsRepo: string;
  prefix: string;
  tagPrefix: string;
  tag: string;
  /** Absolute path of the assets.json. */
  assetsJson: string;
  /** The assets.json path relative to the language repo root, forward slashes. */
  relativePath: string;
  repoRoot: string;
  hash: string;
  /** `PROXY_ASSETS_FOLDER`, or `<repo root>/.assets`. */
  storeLocation: string;
  /** `<store location>/<hash>`: the folder the proxy runs git in. */
  location: string;
}

/** An error the proxy turns into an HTTP status (400 for bad input, 500 for a failed git command). */
export class TestProxyError extends Error {
  constructor(
    readonly status: 400 | 500,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Thrown where `crashAfter` stops the emulated process. */
export class TestProxyCrash extends Error {
  constructor(readonly args: readonly string[]) {
    super(`test-proxy killed after git ${args.join(' ')}`);
    this.name = new.target.name;
  }
}

const ASSETS_JSON = 'assets.json';
const BOM = '\uFEFF';

/** ShortHashGenerator.GenerateShortHash: letters and digits of base64(SHA-1(UTF-8)), the first 10. */
export function testProxyFolderHash(assetsRepo: string, relativePath: string): string {
  const base64 = createHash('sha1').update(assetsRepo + relativePath.replaceAll('\\', '/'), 'utf8').digest('base64');
  const hash = [...base64].filter((c) => /[A-Za-z0-9]/.test(c)).slice(0, 10).join('');
  if (hash.length < 10) throw new Error(`no 10-character hash for ${assetsRepo}${relativePath}`);
  return hash;
}

/** Parses breadcrumb text as the proxy does: BOM skipped, any line ending, 3 trimmed fields per line. */
export function parseTestProxyBreadcrumb(text: string): Map<string, { path: string; hash: string; tag: string }> {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  // StreamReader.ReadLine: \r\n, \n or \r end a line; a final line ending adds no empty line.
  const lines = body.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const parsed = new Map<string, { path: string; hash: string; tag: string }>();
  for (const line of lines) {
    const values = line.split(';').map((v) => v.trim());
    if (values.length !== 3) throw new TestProxyError(400, `Unable to parse the line ${line}`);
    const [path, hash, tag] = values as [string, string, string];
    // ToDictionary throws on a second line for the same assets.json.
    if (parsed.has(path)) throw new TestProxyError(400, `An item with the same key has already been added. Key: ${path}`);
    parsed.set(path, { path, hash, tag });
  }
  return parsed;
}

export class TestProxy {
  /** GitStore.Assets: assets.json path -> the Tag the proxy believes is restored. */
  readonly assets = new Map<string, string>();
  /** Every git command run, in order, with the folder it ran in. */
  readonly commands: Array<{ cwd: string; args: string[] }> = [];
  private localCacheRefreshed = false;

  constructor(private readonly options: TestProxyOptions) {}

  /** `test-proxy restore -a <assets.json>`; returns the folder it restored. */
  async restore(assetsJsonPath: string): Promise<string> {
    const config = await this.parseConfigurationFile(assetsJsonPath);
    if (!(await this.isAssetsRepoInitialized(config))) await this.initializeAssetsRepo(config);
    await this.checkoutRepoAtConfig(config, true);
    await this.updateBreadcrumb(config);
    return config.location;
  }

  /**
   * `test-proxy push -a <assets.json>`: 0 when pushed or nothing to push, -1 when the folder was
   * never restored or the secret scan blocked it (the proxy's process still exits 0 then).
   */
  async push(assetsJsonPath: string): Promise<0 | -1> {
    const config = await this.parseConfigurationFile(assetsJsonPath);
    if (!(await this.isAssetsRepoInitialized(config))) return -1;
    await this.setOrigin(config);
    const pending = await this.detectPendingChanges(config);
    if (pending.length > 0) {
      if (this.options.findsSecrets?.(pending)) return -1;
      const tag = await this.commitAndTag(config);
      await this.updateAssetsJson(tag, config);
      await this.updateBreadcrumb({ ...config, tag });
    }
    await this.hideOrigin(config);
    return 0;
  }

  /** The folder `config locate -a` prints: `<assets dir>/<hash>[/<prefix>]`. */
  async locate(assetsJsonPath: string): Promise<string> {
    const config = await this.parseConfigurationFile(assetsJsonPath);
    return config.prefix ? join(config.location, config.prefix) : config.location;
  }

  async parseConfigurationFile(assetsJsonPath: string): Promise<TestProxyConfig> {
    if (!existsSync(assetsJsonPath)) throw new TestProxyError(400, `The provided ${ASSETS_JSON} path of "${assetsJsonPath}" does not exist.`);
    const file = assetsJsonPath.toLowerCase().endsWith(ASSETS_JSON) ? assetsJsonPath : join(assetsJsonPath, ASSETS_JSON);
    const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, string | undefined>;
    if (!value['AssetsRepo']) throw new TestProxyError(400, `Unable to utilize the ${ASSETS_JSON} present at "${assetsJsonPath}".`);
    const absolute = resolve(file);
    const repoRoot = ascendToRepoRoot(absolute);
    const relativePath = relative(repoRoot, absolute).split(sep).join('/');
    const hash = testProxyFolderHash(value['AssetsRepo'], relativePath);
    const folder = this.options.env?.['PROXY_ASSETS_FOLDER'];
    const storeLocation = folder ? (isAbsolute(folder) ? folder : resolve(folder)) : join(repoRoot, '.assets');
    const location = join(storeLocation, hash);
    await mkdir(location, { recursive: true });
    return {
      assetsRepo: value['AssetsRepo'],
      prefix: (value['AssetsRepoPrefixPath'] ?? '').replaceAll('\\', '/'),
      tagPrefix: value['TagPrefix'] ?? '',
      tag: value['Tag'] ?? '',
      assetsJson: absolute,
      relativePath,
      repoRoot,
      hash,
      storeLocation,
      location,
    };
  }

  /** The three sparse patterns: the assets.json's folder under the prefix, `eng/`, `.gitignore`. */
  static checkoutPaths(config: Pick<TestProxyConfig, 'prefix' | 'relativePath'>): string[] {
    const combined = posix.join(config.prefix || '', config.relativePath);
    if (combined.toLowerCase() === ASSETS_JSON) return ['./', 'eng/', '.gitignore'];
    return [combined.slice(0, combined.length - (ASSETS_JSON.length + 1)), 'eng/', '.gitignore'];
  }

  private async isAssetsRepoInitialized(config: TestProxyConfig): Promise<boolean> {
    if (!this.localCacheRefreshed && this.options.seedFromBreadcrumbs !== false) {
      // As the proxy does: only the breadcrumb of the first assets.json asked about is read.
      const file = breadcrumbFile(config);
      if (existsSync(file)) for (const line of parseTestProxyBreadcrumb(await readFile(file, 'utf8')).values()) this.assets.set(line.path, line.tag);
      this.localCacheRefreshed = true;
    }
    return this.assets.has(config.relativePath) || existsSync(join(config.location, '.git'));
  }

  private async initializeAssetsRepo(config: TestProxyConfig): Promise<void> {
    const url = await this.cloneUrl(config, true);
    await this.run(config, ['clone', '-c', 'core.longpaths=true', '--no-checkout', '--filter=tree:0', url, '.']);
    await this.run(config, ['config', '--local', 'core.safecrlf', 'false']);
    await this.run(config, ['sparse-checkout', 'init']);
    await this.checkoutRepoAtConfig(config, false);
  }

  private async checkoutRepoAtConfig(config: TestProxyConfig, cleanEnabled: boolean): Promise<void> {
    if (this.assets.get(config.relativePath) === config.tag) return;
    if (cleanEnabled) {
      await this.run(config, ['checkout', '.']);
      await this.run(config, ['clean', '-xdf']);
    }
    try {
      if (config.tag) {
        await this.setOrigin(config);
        await this.run(config, ['fetch', 'origin', `refs/tags/${config.tag}:refs/tags/${config.tag}`]);
      }
      await this.run(config, ['sparse-checkout', 'set', '--no-cone', ...TestProxy.checkoutPaths(config)]);
      await this.run(config, ['-c', 'advice.detachedHead=false', 'checkout', ...(config.tag ? [config.tag] : [])]);
      this.assets.set(config.relativePath, config.tag);
      await this.hideOrigin(config);
    } catch (error) {
      if (error instanceof TestProxyCrash) throw error;
      await this.hideOrigin(config);
      throw error;
    }
  }

  /** Commit on a throwaway branch, `eng/` and `.gitignore` patched from main, tagged and pushed. */
  private async commitAndTag(config: TestProxyConfig): Promise<string> {
    let committed = false;
    try {
      const branch = randomBytes(4).toString('hex');
      await this.run(config, ['branch', branch]);
      await this.run(config, ['checkout', branch]);
      const patch = join(config.location, 'changes.patch');
      await this.run(config, ['diff', '--output=changes.patch', '--no-color', '--binary', '--no-prefix', 'HEAD', 'main', '--', 'eng/']);
      if ((await this.tryRun(config, ['apply', '--check', '--directory=eng/', 'changes.patch'])).exitCode === 0) {
        await this.run(config, ['apply', '--directory=eng/', 'changes.patch']);
      }
      await rm(patch, { force: true });
      await this.run(config, ['diff', '--output=changes.patch', '--no-color', '--binary', 'HEAD', 'main', '--', '.gitignore']);
      if ((await this.tryRun(config, ['apply', '--check', 'changes.patch'])).exitCode === 0) await this.run(config, ['apply', 'changes.patch']);
      await rm(patch, { force: true });
      await this.run(config, ['add', '-A', '.']);
      const name = this.options.env?.['GIT_COMMIT_OWNER'] || (await this.run(config, ['config', '--get', 'user.name'])).stdout.toString().trim();
      const email = this.options.env?.['GIT_COMMIT_EMAIL'] || (await this.run(config, ['config', '--get', 'user.email'])).stdout.toString().trim();
      await this.run(config, ['-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '--no-gpg-sign', '-m', 'Automatic asset update from test-proxy.']);
      committed = true;
      const sha = (await this.run(config, ['rev-parse', '--short=10', 'HEAD'])).stdout.toString().trim();
      const tag = `${config.tagPrefix}_${sha}`;
      await this.run(config, ['tag', '--no-sign', tag]);
      const remote = await this.run(config, ['ls-remote', 'origin', '--tags', tag]);
      if (remote.stdout.toString().trim() === '') await this.run(config, ['push', 'origin', tag]);
      return tag;
    } catch (error) {
      if (error instanceof TestProxyCrash) throw error;
      await this.hideOrigin(config);
      if (committed) await this.tryRun(config, ['reset', '--soft', 'HEAD^']);
      throw error;
    }
  }

  private async detectPendingChanges(config: TestProxyConfig): Promise<string[]> {
    const result = await this.tryRun(config, ['status', '--porcelain']);
    if (result.exitCode !== 0) throw new TestProxyError(500, `git status --porcelain failed: ${result.stderr}`);
    return result.stdout.toString().split('\n').map((l) => l.trim()).filter(Boolean);
  }

  private async setOrigin(config: TestProxyConfig): Promise<void> {
    if (existsSync(join(config.location, '.git'))) await this.run(config, ['remote', 'set-url', 'origin', await this.cloneUrl(config, true)]);
  }

  private async hideOrigin(config: TestProxyConfig): Promise<void> {
    if (existsSync(join(config.location, '.git'))) await this.run(config, ['remote', 'set-url', 'origin', await this.cloneUrl(config, false)]);
  }

  /** GetCloneUrl: SSH when the language repo's first remote is, else https, with GIT_TOKEN in it when asked to. */
  private async cloneUrl(config: TestProxyConfig, honorToken: boolean): Promise<string> {
    const token = this.options.env?.['GIT_TOKEN'];
    const https = honorToken && token ? `https://x-access-token:${token}@github.com/${config.assetsRepo}` : `https://github.com/${config.assetsRepo}`;
    // Read as the proxy reads it: git's URL rewriting, which stands in for github.com here, would show otherwise.
    const remotes = await this.tryRun(config, ['remote', '-v'], config.repoRoot, false);
    const first = remotes.stdout.toString().split('\n')[0] ?? '';
    return first.includes('git@') ? `git@github.com:${config.assetsRepo}.git` : https;
  }

  /** UpdateAssetsJson: the old Tag replaced in the text, every occurrence, nothing else touched. */
  private async updateAssetsJson(newTag: string, config: TestProxyConfig): Promise<void> {
    if (config.tag === newTag) return;
    const current = (await this.parseConfigurationFile(config.assetsJson)).tag;
    let content = await readFile(config.assetsJson, 'utf8');
    content = current.trim() === '' ? content.replace(/"Tag":\s*"\s*"/gi, `"Tag": "${newTag}"`) : content.replaceAll(current, newTag);
    await writeFile(config.assetsJson, content);
  }

  /** BreadCrumb.Update: this assets.json's line added or replaced, every other line kept, BOM first. */
  private async updateBreadcrumb(config: TestProxyConfig): Promise<void> {
    const file = breadcrumbFile(config);
    await mkdir(dirname(file), { recursive: true });
    const lines = existsSync(file) ? parseTestProxyBreadcrumb(await readFile(file, 'utf8')) : new Map<string, { path: string; hash: string; tag: string }>();
    lines.set(config.relativePath, { path: config.relativePath, hash: config.hash, tag: config.tag });
    const newline = this.options.crlf ? '\r\n' : '\n';
    await writeFile(file, BOM + [...lines.values()].map((l) => `${l.path.replaceAll('\\', '/')};${l.hash};${l.tag}${newline}`).join(''));
  }

  /** GitHandler.Run: throws on a non-zero exit. */
  private async run(config: TestProxyConfig, args: string[], cwd = config.location): Promise<GitResult> {
    const result = await this.tryRun(config, args, cwd);
    if (result.exitCode !== 0) throw new TestProxyError(500, `Invocation of "git ${args.join(' ')}" had a non-zero exit code ${result.exitCode}.\nStdErr: ${result.stderr}`);
    return result;
  }

  private async tryRun(config: TestProxyConfig, args: string[], cwd = config.location, redirect = true): Promise<GitResult> {
    this.commands.push({ cwd, args });
    const result = await runGit(args, { cwd, env: redirect ? this.gitEnv() : { ...this.options.env }, allowFailure: true });
    if (this.options.crashAfter?.(args)) throw new TestProxyCrash(args);
    return result;
  }

  /** The proxy's process environment, plus the redirection of github.com to the local server. */
  private gitEnv(): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = { ...this.options.env };
    const token = this.options.env?.['GIT_TOKEN'];
    const bases = ['https://github.com/', 'git@github.com:', ...(token ? [`https://x-access-token:${token}@github.com/`] : [])];
    env['GIT_CONFIG_COUNT'] = String(bases.length);
    bases.forEach((base, i) => {
      env[`GIT_CONFIG_KEY_${i}`] = `url.${this.options.serverBase}.insteadOf`;
      env[`GIT_CONFIG_VALUE_${i}`] = base;
    });
    return env;
  }
}

function breadcrumbFile(config: TestProxyConfig): string {
  return join(config.storeLocation, 'breadcrumb', `${config.hash}.breadcrumb`);
}

/** AscendToRepoRoot: the nearest folder with a `.git` (directory or file). */
function ascendToRepoRoot(path: string): string {
  let dir = statSync(path).isDirectory() ? path : dirname(path);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new TestProxyError(400, `The target directory "${path}" does not exist within a git repository.`);
    dir = parent;
  }
}
