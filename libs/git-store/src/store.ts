import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AssetSyncError, faultPoint, isAssetSyncError, redact } from '@asset-sync/errors';
import { describePin, pinKey, type Pin } from '@asset-sync/assets-json';
import { lockFolder, serialize } from './lock.js';
import { parseLsRemote } from './porcelain.js';
import { commitExpressionOf, localRefOf, negotiationTipsOf, refspecOf } from './refs.js';
import { CatFileReader } from './cat-file.js';
import { readTreeObjects, withCatFile, type TreeEntry } from './trees.js';
import { assertNotOption, runGit, splitCredentials, type RunOptions, type RunResult } from './run.js';

export interface FetchProgress {
  /** e.g. "Receiving objects", "Resolving deltas". */
  phase: string;
  percent?: number;
  /** Bytes received so far, when git reports them. */
  bytes?: number;
}

export interface StoreLocation {
  assetsDir: string;
  assetsRepo: string;
  url: string;
  /**
   * The root of a store shared by several assets dirs (`storeDir` in asset-sync.yaml); without
   * it the store sits in the assets dir and serves that assets dir alone.
   */
  storeDir?: string;
}

const HEX40 = /^[0-9a-f]{40}$/;

/** `<assets dir>/.store/<owner>/<name>.git`, or `<storeDir>/<owner>/<name>.git`: one store per assets repo. */
export function storeDirOf(assetsDir: string, assetsRepo: string, storeDir?: string): string {
  const [owner, name] = assetsRepo.split('/');
  return join(storeDir ?? join(assetsDir, '.store'), owner ?? assetsRepo, `${name ?? assetsRepo}.git`);
}

/**
 * The local object database of one assets repo: a bare, blob-less partial clone that every
 * checkout of that repo shares. Commits and trees arrive with the pins; file contents arrive
 * only for the paths a plan needs, in one request.
 */
export class Store {
  readonly assetsRepo: string;
  readonly gitDir: string;
  /** The remote URL as written in the store's config: never with credentials in it. */
  readonly url: string;
  /** Credentials that were in the URL, as settings for the commands that talk to the remote. */
  readonly credentials: Array<[string, string]>;
  /** Other assets dirs (other clones, other language repos) may use this store at the same time. */
  readonly shared: boolean;

  private constructor(location: StoreLocation) {
    this.assetsRepo = location.assetsRepo;
    this.gitDir = storeDirOf(location.assetsDir, location.assetsRepo, location.storeDir);
    const split = splitCredentials(location.url);
    this.url = split.url;
    this.credentials = split.config;
    this.shared = location.storeDir !== undefined;
  }

  /**
   * Opens the store, creating it on first use. Creating it does no network I/O. Whatever URL
   * another tool left on `origin` (the test-proxy sets its own in the folders it restores, with
   * GIT_TOKEN in it while it fetches; another clone sharing the store its own), asset-sync's own
   * is put back, here and before every fetch. A shared store first forgets checkouts whose
   * folder is gone (a deleted clone), so nothing it holds for them counts as needed and no new
   * checkout collides with their registration.
   */
  static async open(location: StoreLocation): Promise<Store> {
    assertNotOption(location.url, 'the remote URL');
    const store = new Store(location);
    if (!existsSync(join(store.gitDir, 'HEAD')) || !(await store.configured(store.url))) {
      await store.locked(async () => {
        if (!existsSync(join(store.gitDir, 'HEAD'))) {
          await store.create();
          store.createdNow = true;
        } else await store.configure();
      });
    }
    if (store.shared) await store.pruneWorktrees();
    return store;
  }

  private sharing: { users: number; reader?: Promise<CatFileReader> } | undefined;
  private createdNow = false;

  /**
   * True when this process created the store (open() found none): it holds no file contents
   * except those this run fetched, so every blob below a pinned folder is still to fetch.
   */
  get created(): boolean {
    return this.createdNow;
  }

  /**
   * Until the returned function is called, the store's object reads and type checks share one
   * open `cat-file --batch-command` (see CatFileReader) instead of starting a process each. A
   * restore shares it for the whole run; the function closes it when the last sharer is done.
   */
  shareReader(): () => Promise<void> {
    const sharing = (this.sharing ??= { users: 0 });
    sharing.users++;
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      if (--sharing.users > 0) return;
      if (this.sharing === sharing) this.sharing = undefined;
      await (await sharing.reader?.catch(() => undefined))?.close();
    };
  }

  /** The shared reader while one is shared (started on first use, restarted if it died), else undefined. */
  async sharedReader(): Promise<CatFileReader | undefined> {
    const sharing = this.sharing;
    if (!sharing) return undefined;
    const current = await (sharing.reader ??= CatFileReader.open(this.gitDir));
    if (!current.broken) return current;
    sharing.reader = CatFileReader.open(this.gitDir);
    return sharing.reader;
  }

  /** Sets what open() checks: one origin URL, asset-sync's (never one with a token), worktree config, long paths. */
  private async configure(): Promise<void> {
    const urls = (await this.git(['config', '--get-all', 'remote.origin.url'], { okExitCodes: [1] })).stdout.split('\n').filter(Boolean);
    if (urls.length !== 1 || urls[0] !== this.url) await this.git(['config', '--replace-all', 'remote.origin.url', this.url]);
    // Idempotent, and rare: a store whose config file says less than it should.
    await this.enableWorktreeConfig();
    if ((await this.config('core.longpaths')) !== 'true') await this.git(['config', 'core.longpaths', 'true']);
  }

  /** Before a fetch, under the lock: another process sharing the store may have set another URL. */
  private async ensureOrigin(): Promise<void> {
    if (!(await this.configured(this.url))) await this.configure();
  }

  /**
   * Runs `work` holding the store's lock: across processes, one at a time per store. Everything
   * that changes what the store shares (refs, fetched packs, its config, worktree registrations)
   * runs inside; reading objects and writing one checkout's files do not, so restores of other
   * language repos keep writing their checkouts while one of them fetches. If the previous
   * holder died holding it, the git lock files it left in the store are removed first.
   */
  locked<T>(work: () => Promise<T>): Promise<T> {
    return serialize(resolve(this.gitDir), async () => {
      const release = await lockFolder(join(this.gitDir, 'asset-sync'));
      try {
        // Temporary indexes (push, resolve) are private to the process that made them: spared.
        if (release.recovered) await this.clearLocksBelow(this.gitDir, new Set(['objects', 'worktrees', 'asset-sync']), (name) => name.startsWith('asset-sync-index-'));
        return await work();
      } finally {
        await release();
      }
    });
  }

  /** Opens an existing store without creating one (read-only commands). */
  static existing(location: StoreLocation): Store | undefined {
    const store = new Store(location);
    return existsSync(join(store.gitDir, 'HEAD')) ? store : undefined;
  }

  /**
   * Runs `work` alone among the store's worktree administration (worktree add, prune), across
   * processes: git 2.39 does not make those safe to run together (one prunes another's half-made
   * worktree), while the checkouts themselves still run in parallel.
   */
  serializeAdmin<T>(work: () => Promise<T>): Promise<T> {
    return this.locked(work);
  }

  /**
   * Drops the registration of every checkout whose folder is gone (`git worktree prune`), when
   * there is one: reading the registrations costs no process.
   */
  async pruneWorktrees(): Promise<boolean> {
    const root = join(this.gitDir, 'worktrees');
    const names = await readdir(root).catch(() => [] as string[]);
    const stale = await Promise.all(
      names.map(async (name) => {
        const target = await readFile(join(root, name, 'gitdir'), 'utf8').catch(() => undefined);
        return target === undefined || !existsSync(target.trim());
      }),
    );
    if (!stale.includes(true)) return false;
    await this.serializeAdmin(() => this.git(['worktree', 'prune']));
    return true;
  }

  git(args: string[], options: Omit<RunOptions, 'cwd'> = {}): Promise<RunResult> {
    const config = options.network && this.credentials.length > 0 ? { config: [...(options.config ?? []), ...this.credentials] } : {};
    return runGit(args, { cwd: this.gitDir, ...options, ...config });
  }

  /**
   * True when the store's config file plainly says what open() would set. Reading the file costs
   * no process; anything unusual (quoting, another URL) is left to git to read and fix.
   */
  private async configured(url: string): Promise<boolean> {
    const text = await readFile(join(this.gitDir, 'config'), 'utf8').catch(() => '');
    const urls = text.match(/\n\turl = /g)?.length ?? 0;
    // A main config that still says bare (a store made by a run killed half-way) is not configured.
    return urls === 1 && text.includes(`\n\turl = ${url}\n`) && /\n\tworktreeConfig = true\n/.test(text) && /\n\tlongpaths = true\n/.test(text) && !/\n\tbare = true\n/.test(text) && !/[\\"#;]/.test(url);
  }

  private async config(key: string): Promise<string | undefined> {
    const result = await this.git(['config', '--get', key], { okExitCodes: [1] });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /**
   * Builds the store in a folder of its own and moves it into place when it is complete: a run
   * killed half-way through creating it (say, after `git init --bare` but before core.bare moved
   * to the store's own config, which would make every checkout bare) leaves nothing that looks
   * like a store.
   */
  private async create(): Promise<void> {
    const building = `${this.gitDir}.building-${process.pid}`;
    await removeAbandonedBuilds(this.gitDir);
    await mkdir(building, { recursive: true });
    await runGit(['init', '--quiet', '--bare', '--initial-branch=main', building], { cwd: building });
    await faultPoint('store-init');
    // Written in one go rather than by a git process per setting; git init's own [core] lines stay.
    const initial = await readFile(join(building, 'config'), 'utf8');
    const core = initial.replace(/^\s*bare = true\n/m, '').replace(/^\s*repositoryformatversion = 0$/m, '\trepositoryformatversion = 1');
    await writeFile(join(building, 'config'), core + storeSettings(this.url));
    await writeFile(join(building, 'config.worktree'), '[core]\n\tbare = true\n');
    // Attributes in the assets repo could ask for eol conversion or filters; the pinned bytes win.
    await mkdir(join(building, 'info'), { recursive: true });
    await writeFile(join(building, 'info', 'attributes'), '* -text -filter -ident -working-tree-encoding\n');
    // Moved in entry by entry (the store's lock folder may already be there), HEAD last: a store
    // is complete exactly when HEAD exists.
    await mkdir(this.gitDir, { recursive: true });
    const entries = (await readdir(building)).filter((name) => name !== 'HEAD');
    for (const name of entries) {
      await rm(join(this.gitDir, name), { recursive: true, force: true });
      await rename(join(building, name), join(this.gitDir, name));
    }
    await rename(join(building, 'HEAD'), join(this.gitDir, 'HEAD'));
    await rm(building, { recursive: true, force: true });
  }

  private async enableWorktreeConfig(): Promise<void> {
    await enableWorktreeConfig((args, okExitCodes) => this.git(args, okExitCodes ? { okExitCodes } : {}));
  }

  /**
   * Removes git lock files left by a killed run. Only called while holding the asset-sync lock
   * on the assets dir, so no other asset-sync process can own them, unless the store is shared:
   * then other assets dirs' runs may hold lock files in it right now, so it does nothing here
   * (the store's own lock clears what a run that died holding it left; see locked()).
   */
  async clearStaleLocks(): Promise<string[]> {
    if (this.shared) return [];
    const removed = await this.clearLocksBelow(this.gitDir, new Set(['objects', 'asset-sync']));
    await this.clearPartialPacks();
    return removed;
  }

  /** Removes every `*.lock` file below `dir`, except in the folders named in `skip` (at the top) and those `spare` names. */
  async clearLocksBelow(dir: string, skip: Set<string> = new Set(), spare: (name: string) => boolean = () => false): Promise<string[]> {
    const removed: string[] = [];
    const visit = async (folder: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (depth < 6 && !(depth === 0 && skip.has(entry.name)) && entry.name !== 'objects') await visit(full, depth + 1);
        } else if (entry.name.endsWith('.lock') && !spare(entry.name)) {
          await rm(full, { force: true });
          removed.push(full);
        }
      }
    };
    await visit(dir, 0);
    return removed;
  }

  /**
   * Removes what a cut or killed fetch left in the object database (a half-received pack is
   * `objects/pack/tmp_pack_*`, quarantined pushes `objects/tmp_objdir-*`): they are never used, and
   * a large one keeps the disk full.
   */
  async clearPartialPacks(): Promise<void> {
    const packs = join(this.gitDir, 'objects', 'pack');
    for (const name of await readdir(packs).catch(() => [] as string[])) {
      if (name.startsWith('tmp_') || name.startsWith('.tmp-')) await rm(join(packs, name), { force: true, recursive: true });
    }
    for (const name of await readdir(join(this.gitDir, 'objects')).catch(() => [] as string[])) {
      if (name.startsWith('tmp_objdir') || name.startsWith('incoming-')) await rm(join(this.gitDir, 'objects', name), { force: true, recursive: true });
    }
  }

  /** Resolves pins to commits from local refs only: no network. Unknown pins are absent. */
  async resolvePins(pins: Pin[]): Promise<Map<string, string>> {
    const unique = uniquePins(pins);
    const resolved = new Map<string, string>();
    if (unique.length === 0) return resolved;
    const lines = await this.batchCheck(unique.map(commitExpressionOf));
    unique.forEach((pin, i) => {
      const line = lines[i];
      if (line && line.type === 'commit') resolved.set(pinKey(pin), line.oid);
    });
    return resolved;
  }

  /**
   * What each pin's local ref peels to: a commit normally, but a hostile or broken assets repo
   * can tag a tree or a blob. Unknown pins are absent. No network.
   */
  async peelPins(pins: Pin[]): Promise<Map<string, { oid: string; type: string }>> {
    const unique = uniquePins(pins);
    const peeled = new Map<string, { oid: string; type: string }>();
    const lines = await this.batchCheck(unique.map((pin) => `${localRefOf(pin)}^{}`));
    unique.forEach((pin, i) => {
      const line = lines[i];
      if (line && line.type !== 'missing' && line.oid) peeled.set(pinKey(pin), line);
    });
    return peeled;
  }

  /**
   * Which of these commits the store already has in the history of its refs. Asking git about a
   * commit id directly would fetch it on the spot if missing; walking the refs' history never does.
   */
  async presentCommits(shas: string[]): Promise<string[]> {
    const wanted = new Set(shas);
    if (wanted.size === 0) return [];
    const result = await this.git(['rev-list', '--all']);
    return result.stdout.split('\n').filter((line) => wanted.has(line));
  }

  /** Names SHA pins that arrived in another pin's history, so they resolve through refs from now on. */
  async namePins(shas: string[]): Promise<void> {
    if (shas.length === 0) return;
    for (const sha of shas) if (!HEX40.test(sha)) throw new AssetSyncError('UNSAFE_INPUT', `not a commit id: ${JSON.stringify(sha)}`);
    await this.locked(() => this.git(['update-ref', '--stdin'], { input: shas.map((sha) => `update refs/asset-sync/pins/${sha} ${sha}\n`).join('') }));
  }

  /**
   * Fetches the given pins (commits and trees, no file contents) in one `git fetch`. A pin the
   * server does not have fails alone: it is reported and the fetch is repeated without it.
   */
  async fetchPins(
    pins: Pin[],
    onProgress?: (progress: FetchProgress) => void,
    from?: string,
  ): Promise<{ missing: Map<string, AssetSyncError>; fetched: Pin[] }> {
    for (const pin of uniquePins(pins)) {
      if (pin.kind === 'tag') assertNotOption(pin.tag, 'the tag');
      if (pin.kind === 'branch-head') assertNotOption(pin.branch, 'the branch');
      if (pin.kind === 'sha' && !HEX40.test(pin.sha)) throw new AssetSyncError('GIT_FAILED', `not a commit id: ${pin.sha}`);
    }
    return this.locked(async () => {
      await this.ensureOrigin();
      let pending = uniquePins(pins);
      if (this.shared) {
        const arrived = await this.peelPins(pending.filter((pin) => pin.kind !== 'branch-head'));
        pending = pending.filter((pin) => !arrived.has(pinKey(pin)));
      }
      return { missing: await this.fetchPinsNow(pending, onProgress, from), fetched: pending };
    });
  }

  private async fetchPinsNow(pins: Pin[], onProgress: ((progress: FetchProgress) => void) | undefined, from: string | undefined): Promise<Map<string, AssetSyncError>> {
    const remote = remoteOf(from);
    const missing = new Map<string, AssetSyncError>();
    let pending = pins;
    // Each round either succeeds or removes at least one pin, so this ends.
    while (pending.length > 0) {
      try {
        await this.git(
          [
            'fetch',
            '--filter=blob:none',
            '--no-tags',
            '--no-write-fetch-head',
            '--progress',
            ...negotiationTipsOf(pending).map((tip) => `--negotiation-tip=${tip}`),
            '--stdin',
            remote.name,
          ],
          { input: pending.map(refspecOf).join('\n') + '\n', network: true, config: remote.settings, onStderr: progressParser(onProgress) },
        );
        return missing;
      } catch (error) {
        await this.clearPartialPacks();
        if (!isAssetSyncError(error, 'GIT_FAILED')) throw error;
        const absent = await this.findAbsentPins(pending, error.message, remote);
        if (absent.length === 0) throw error;
        for (const pin of absent) missing.set(pinKey(pin), this.pinNotFound(pin, from));
        const absentKeys = new Set(absent.map(pinKey));
        pending = pending.filter((pin) => !absentKeys.has(pinKey(pin)));
      }
    }
    return missing;
  }

  private pinNotFound(pin: Pin, from: string | undefined): AssetSyncError {
    return new AssetSyncError('PIN_NOT_FOUND', `${describePin(pin)} does not exist in ${from === undefined ? this.assetsRepo : 'the remote'} (${redact(from ?? this.url)})`, {
      hint:
        pin.kind === 'branch-head'
          ? `Create the branch in the assets repo, or set AssetsRepoFallbackBranch to one that exists.`
          : 'Check the pin in assets.json; if it was pushed from another machine, make sure that push finished.',
    });
  }

  /** Which of these pins the server lacks: from the error, and for refs from one ls-remote. */
  private async findAbsentPins(pins: Pin[], message: string, remote: RemoteArgs): Promise<Pin[]> {
    const absent: Pin[] = [];
    const notOurRef = [...message.matchAll(/not our ref ([0-9a-f]{40})/g)].map((m) => m[1]);
    for (const pin of pins) if (pin.kind === 'sha' && notOurRef.includes(pin.sha)) absent.push(pin);
    if (absent.length > 0 || !/couldn't find remote ref/.test(message)) return absent;
    const refs = pins.filter((p) => p.kind !== 'sha');
    const existing = new Set<string>();
    for (const chunk of chunkByLength(refs.map(remoteRefOf), 60_000)) {
      const result = await this.git(['ls-remote', '--refs', remote.name, ...chunk], { network: true, config: remote.settings });
      for (const { ref } of parseLsRemote(result.stdout)) existing.add(ref);
    }
    return refs.filter((pin) => !existing.has(remoteRefOf(pin)));
  }

  /**
   * Tree ids at every path in every commit given: treeAt[commit][path] is the tree (or, oddly,
   * blob) id there, or null when the path does not exist in that commit.
   *
   * Resolving `commit:path` from the root for every pair costs commits x paths tree walks. Commits
   * share most of their trees, so this walks all paths level by level instead, reading each
   * distinct tree object once (all levels on one open `cat-file --batch`).
   */
  async treeIds(commitList: string[], pathList: string[]): Promise<Record<string, Record<string, string | null>>> {
    const paths = [...new Set(pathList)];
    for (const path of paths) assertSafePath(path);
    // The paths as a trie, so a subtree shared by many commits is looked into once.
    let nextId = 0;
    const trie: PathTrie = { id: nextId++, children: new Map(), paths: [] };
    for (const path of paths) {
      let node = trie;
      for (const segment of path === '' ? [] : path.split('/')) {
        let child = node.children.get(segment);
        if (!child) node.children.set(segment, (child = { id: nextId++, children: new Map(), paths: [] }));
        node = child;
      }
      node.paths.push(path);
    }
    const commits = [...new Set(commitList)];
    const roots = await this.batchCheck(commits.map((c) => `${c}^{tree}`));

    // Read every tree object the trie reaches, level by level, all levels on one `cat-file --batch`.
    const trees = new Map<string, Map<string, TreeEntry>>();
    let frontier = new Map<string, { oid: string; node: PathTrie }>();
    for (const r of roots) if (r?.type === 'tree') frontier.set(`${r.oid}|${trie.id}`, { oid: r.oid, node: trie });
    if (frontier.size > 0) {
      await withCatFile(this, async (reader) => {
        while (frontier.size > 0) frontier = await treeLevel(this, reader, frontier, trees);
      });
    }

    // Every path's id below (tree, trie node), computed once per distinct pair.
    const memo = new Map<string, Array<[string, string | null]>>();
    const collect = (oid: string | null, type: string, node: PathTrie): Array<[string, string | null]> => {
      const key = `${oid}|${type}|${node.id}`;
      const known = memo.get(key);
      if (known) return known;
      const found: Array<[string, string | null]> = node.paths.map((path) => [path, oid]);
      for (const [segment, child] of node.children) {
        const entry = oid !== null && type === 'tree' ? trees.get(oid)?.get(segment) : undefined;
        found.push(...collect(entry?.oid ?? null, entry?.type ?? 'missing', child));
      }
      memo.set(key, found);
      return found;
    };
    const result: Record<string, Record<string, string | null>> = {};
    commits.forEach((commit, i) => {
      const root = roots[i]?.type === 'tree' ? roots[i]!.oid : null;
      result[commit] = Object.fromEntries(collect(root, 'tree', trie));
    });
    return result;
  }



  /**
   * For each commit, which of the others are its ancestors. One walk of the history between the
   * commits and their common base, not one process per pair.
   */
  async ancestry(commits: string[]): Promise<Record<string, string[]>> {
    const unique = [...new Set(commits)].sort();
    const result: Record<string, string[]> = Object.fromEntries(unique.map((c) => [c, []]));
    if (unique.length < 2) return result;
    const base = await this.git(['merge-base', '--octopus', ...unique], { okExitCodes: [1] });
    const bases = base.stdout.split('\n').filter((l) => HEX40.test(l));
    const walk = await this.git(['rev-list', '--parents', '--boundary', ...unique, ...(bases.length ? ['--not', ...bases] : [])]);
    const parents = new Map<string, string[]>();
    for (const line of walk.stdout.split('\n')) {
      if (!line) continue;
      const [self, ...rest] = line.replace(/^-/, '').split(' ');
      if (self) parents.set(self, rest);
    }
    const wanted = new Set(unique);
    for (const commit of unique) {
      const seen = new Set<string>();
      const stack = [...(parents.get(commit) ?? [])];
      while (stack.length > 0) {
        const next = stack.pop() as string;
        if (seen.has(next)) continue;
        seen.add(next);
        if (wanted.has(next)) result[commit]!.push(next);
        stack.push(...(parents.get(next) ?? []));
      }
      result[commit]!.sort();
    }
    return result;
  }

  /** Objects below these trees that the store does not have yet (file contents, normally). */
  async missingObjects(trees: string[]): Promise<string[]> {
    const unique = [...new Set(trees)];
    if (unique.length === 0) return [];
    const result = await this.git(['rev-list', '--objects', '--no-object-names', '--missing=print', '--stdin'], {
      input: unique.join('\n') + '\n',
    });
    return [...new Set(result.stdout.split('\n').filter((l) => l.startsWith('?')).map((l) => l.slice(1)))];
  }

  /**
   * Entries named one of `names` directly in the root and in every folder above each path, at a
   * commit: what the test-proxy's sparse patterns (`eng/`, `.gitignore`) add to a package folder.
   * Their ids, from trees the store has: blobs, and trees whose missing contents are fetched.
   */
  async namedEntriesAbove(commit: string, paths: string[], names: string[]): Promise<{ blobs: string[]; trees: string[] }> {
    const above = new Set<string>(['']);
    for (const path of paths) {
      const segments = path.split('/').filter(Boolean);
      for (let i = 1; i < segments.length; i++) above.add(segments.slice(0, i).join('/'));
    }
    const folders = await this.treeIds([commit], [...above]);
    const oids = Object.values(folders[commit] ?? {}).filter((oid): oid is string => typeof oid === 'string');
    const wanted = new Set(names);
    const blobs = new Set<string>();
    const trees = new Set<string>();
    for (const entries of (await readTreeObjects(this, oids)).values()) {
      for (const [name, entry] of entries) {
        if (!wanted.has(name)) continue;
        if (entry.type === 'blob') blobs.add(entry.oid);
        else if (entry.type === 'tree') trees.add(entry.oid);
      }
    }
    return { blobs: [...blobs], trees: [...trees] };
  }

  /** True when the store has this branch (`refs/heads/<name>`), loose or packed; no process. */
  async hasBranch(name: string): Promise<boolean> {
    const ref = `refs/heads/${name}`;
    if (existsSync(join(this.gitDir, ref))) return true;
    const packed = await readFile(join(this.gitDir, 'packed-refs'), 'utf8').catch(() => '');
    return packed.split('\n').some((line) => line.endsWith(` ${ref}`));
  }

  /** The root tree of a commit the store has. */
  async treeOf(commit: string): Promise<string> {
    return (await this.git(['rev-parse', '--verify', `${commit}^{tree}`])).stdout.trim();
  }

  /** The root tree of a commit, or undefined when the store cannot name one (an old record's commit). */
  async findTreeOf(commit: string): Promise<string | undefined> {
    assertNotOption(commit, 'the commit');
    return (await this.git(['rev-parse', '--verify', `${commit}^{tree}`], { okExitCodes: [128] })).stdout.trim() || undefined;
  }

  /** The commits these refs name in the store, without a network request; absent refs are left out. */
  async refCommits(refs: string[]): Promise<Map<string, string>> {
    for (const ref of refs) assertNotOption(ref, 'the ref');
    const lines = await this.batchCheck(refs.map((ref) => `${ref}^{commit}`));
    const found = new Map<string, string>();
    refs.forEach((ref, i) => {
      const line = lines[i];
      if (line?.type === 'commit') found.set(ref, line.oid);
    });
    return found;
  }

  /**
   * Which of these blobs the store lacks, without fetching them: asking git about a missing object
   * directly makes it fetch it on the spot, so they are put in a throwaway tree (mktree --missing)
   * and that tree is walked with --missing=print.
   */
  async missingBlobs(oids: string[]): Promise<string[]> {
    const unique = [...new Set(oids)];
    if (unique.length === 0) return [];
    const tree = (await this.git(['mktree', '--missing'], { input: unique.map((oid, i) => `100644 blob ${oid}\t${i}\n`).join('') })).stdout.trim();
    return this.missingObjects([tree]);
  }

  /**
   * Fetches exactly these objects in one request (what git itself does for a partial clone), from
   * the store's origin or, with `from`, from that URL (a fork that served a pin). In a shared
   * store, objects another process fetched while this one waited for the lock are left out.
   * Returns how many were asked for (0: no request was made).
   */
  async fetchObjects(oids: string[], onProgress?: (progress: FetchProgress) => void, from?: string): Promise<number> {
    if (oids.length === 0) return 0;
    return this.locked(async () => {
      if (from === undefined) await this.ensureOrigin();
      const wanted = this.shared ? await this.missingBlobs(oids) : [...new Set(oids)];
      if (wanted.length > 0) await this.fetchObjectsNow(wanted, onProgress, from);
      return wanted.length;
    });
  }

  /**
   * Fetches these trees with everything below them, in one request, without working out first
   * which of their blobs are missing: for a store created by this run (see `created`) that is all
   * of them, and naming the trees spares listing thousands of blobs locally before the request
   * can start. `--refetch`: the trees themselves came with the pins, and git leaves out a want
   * it already has. Their trees arrive a second time (a few hundred bytes each); gc drops the copies.
   */
  async fetchWholeTrees(trees: string[], onProgress?: (progress: FetchProgress) => void): Promise<void> {
    const unique = [...new Set(trees)];
    if (unique.length === 0) return;
    await this.locked(async () => {
      await this.ensureOrigin();
      await this.fetchIds(['--refetch', '--no-filter'], unique, onProgress, undefined);
    });
  }

  private async fetchObjectsNow(oids: string[], onProgress: ((progress: FetchProgress) => void) | undefined, from: string | undefined): Promise<void> {
    await this.fetchIds(['--filter=blob:none'], oids, onProgress, from);
  }

  /** One fetch of objects by id, offering nothing (the ids are exact); a cut fetch leaves no partial pack. */
  private async fetchIds(flags: string[], oids: string[], onProgress: ((progress: FetchProgress) => void) | undefined, from: string | undefined): Promise<void> {
    const remote = remoteOf(from);
    await this.git(
      ['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', ...flags, '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--progress', '--stdin', remote.name],
      { input: oids.join('\n') + '\n', network: true, config: remote.settings, onStderr: progressParser(onProgress) },
    ).catch(async (error: unknown) => {
      await this.clearPartialPacks();
      throw error;
    });
  }

  private async batchCheck(names: string[]): Promise<Array<{ oid: string; type: string } | undefined>> {
    if (names.length === 0) return [];
    for (const name of names) {
      if (name.includes('\n')) throw new AssetSyncError('GIT_FAILED', `refusing an object name with a newline: ${JSON.stringify(name)}`);
    }
    const shared = await this.sharedReader();
    if (shared) {
      const found = await shared.info(names);
      return names.map((name) => {
        const object = found.get(name);
        return object ? { oid: object.oid, type: object.type } : { oid: '', type: 'missing' };
      });
    }
    const result = await this.git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: names.join('\n') + '\n' });
    const lines = result.stdout.split('\n');
    return names.map((_, i) => {
      const line = lines[i] ?? '';
      if (line.endsWith(' missing') || line.endsWith(' ambiguous')) return { oid: '', type: 'missing' };
      const [oid, type] = line.split(' ');
      return oid && type ? { oid, type } : undefined;
    });
  }

  /** Size of the store on disk, for reports. */
  async sizeOnDisk(): Promise<number> {
    let total = 0;
    const visit = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await visit(full);
        else total += (await stat(full).catch(() => ({ size: 0 }))).size;
      }
    };
    await visit(join(this.gitDir, 'objects'));
    return total;
  }
}

/** Half-built stores of runs that were killed (their process is gone): never used, so removed. */
async function removeAbandonedBuilds(gitDir: string): Promise<void> {
  const parent = dirname(gitDir);
  const prefix = `${basename(gitDir)}.building-`;
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    let alive = pid === process.pid;
    try {
      if (!alive && Number.isInteger(pid) && pid > 0) alive = process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive || pid === process.pid) await rm(join(parent, name), { recursive: true, force: true });
  }
}

/**
 * The settings every store has, as config file text. Exact bytes: no line-ending conversion,
 * whatever the user's global config says. Deep recording paths exceed Windows' 260 characters
 * (core.longpaths). Checkout files are written with every core. No background maintenance.
 * Each checkout keeps its own settings (sparse patterns) in its own config (worktreeConfig).
 */
function storeSettings(url: string): string {
  const quoted = /[\\"#;\s]/.test(url) ? `"${url.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : url;
  return [
    '\tautocrlf = false',
    '\tsafecrlf = false',
    '\tfsmonitor = false',
    '\tlongpaths = true',
    '[extensions]',
    '\tpartialClone = origin',
    '\tworktreeConfig = true',
    '[remote "origin"]',
    `\turl = ${quoted}`,
    '\tpromisor = true',
    '\tpartialclonefilter = blob:none',
    '[fetch]',
    '\twriteCommitGraph = false',
    '[gc]',
    '\tauto = 0',
    '[maintenance]',
    '\tauto = false',
    '[advice]',
    '\tdetachedHead = false',
    '[checkout]',
    '\tworkers = 0',
    '',
  ].join('\n');
}

/**
 * Each checkout keeps its sparse settings in its own config. This is set once, when the store is
 * made: left to `git sparse-checkout`, parallel checkouts would race for the store's config.lock.
 * As git does when it turns this on, core.bare moves to the store's own config.worktree, or every
 * checkout would count as bare.
 */
async function enableWorktreeConfig(git: (args: string[], okExitCodes?: number[]) => Promise<RunResult>): Promise<void> {
  await git(['config', 'extensions.worktreeConfig', 'true']);
  await git(['config', '--worktree', 'core.bare', 'true']);
  // Exit 5: it was not set, which is what is wanted.
  await git(['config', '--unset', 'core.bare'], [5]);
}

interface RemoteArgs {
  /** Settings that define the remote for one command, passed through the environment (never argv). */
  settings: Array<[string, string]>;
  name: string;
}

/** A remote besides origin is named for one command only, so the store's config keeps naming upstream alone. */
const OTHER_REMOTE = 'asset-sync-other';

/**
 * `origin`, or another URL (a fork, a fallback, a backup) set up as a promisor remote for this one
 * command: its commits and trees arrive without file contents, like origin's, and git accepts a
 * pack whose blobs are missing only from a promisor remote. Credentials in the URL become a header
 * scoped to it, and the settings travel in the environment: nothing shows in `ps` or a config file.
 */
export function remoteOf(url?: string): RemoteArgs {
  if (url === undefined) return { settings: [], name: 'origin' };
  assertNotOption(url, 'the remote URL');
  if (/[\s\0]/.test(url)) throw new AssetSyncError('UNSAFE_INPUT', `refusing the remote URL ${JSON.stringify(redact(url))}: it has whitespace or a control character`);
  const split = splitCredentials(url);
  const key = (k: string, v: string): [string, string] => [`remote.${OTHER_REMOTE}.${k}`, v];
  return { settings: [key('url', split.url), key('promisor', 'true'), key('partialclonefilter', 'blob:none'), ...split.config], name: OTHER_REMOTE };
}

function remoteRefOf(pin: Pin): string {
  if (pin.kind === 'tag') return `refs/tags/${pin.tag}`;
  return pin.kind === 'branch-head' ? `refs/heads/${pin.branch}` : '';
}

function uniquePins(pins: Pin[]): Pin[] {
  return [...new Map(pins.map((p) => [pinKey(p), p])).values()];
}

/** Splits arguments so one command line stays far below the OS limit. */
export function chunkByLength(items: string[], maxChars: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const item of items) {
    if (current.length > 0 && length + item.length + 1 > maxChars) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    current.push(item);
    length += item.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function assertSafePath(path: string): void {
  // eslint-disable-next-line no-control-regex -- a path with a control character is refused before it reaches git
  if (path.startsWith('/') || path.split('/').some((s) => s === '..') || /[\u0000-\u001f\\]/.test(path)) {
    throw new AssetSyncError('GIT_FAILED', `refusing the path ${JSON.stringify(path)}: it is absolute, climbs out with "..", or has control characters`);
  }
}

/** Turns git's `--progress` stderr into phase / percent / bytes callbacks. */
function progressParser(onProgress?: (progress: FetchProgress) => void): ((text: string) => void) | undefined {
  if (!onProgress) return undefined;
  return (text) => {
    for (const part of text.split(/[\r\n]/)) {
      const match = /^(?:remote: )?([A-Za-z ]+):\s+(\d+)%/.exec(part.trim());
      if (!match) continue;
      const size = /,\s+([\d.]+) (KiB|MiB|GiB|bytes)/.exec(part);
      const units: Record<string, number> = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
      const bytes = size ? Math.round(Number(size[1]) * (units[size[2]!] ?? 1)) : undefined;
      onProgress({ phase: match[1]!.trim(), percent: Number(match[2]), ...(bytes === undefined ? {} : { bytes }) });
    }
  };
}

/** The paths treeIds looks up, as a trie, so a subtree shared by many commits is looked into once. */
interface PathTrie {
  id: number;
  children: Map<string, PathTrie>;
  paths: string[];
}

/** One level of treeIds' walk: reads the trees not read yet, returns the next level's (tree, trie node) pairs. */
async function treeLevel(
  store: Store,
  reader: CatFileReader,
  frontier: Map<string, { oid: string; node: PathTrie }>,
  trees: Map<string, Map<string, TreeEntry>>,
): Promise<Map<string, { oid: string; node: PathTrie }>> {
  const unread = [...new Set([...frontier.values()].map((f) => f.oid))].filter((oid) => !trees.has(oid));
  for (const [oid, entries] of await readTreeObjects(store, unread, reader)) trees.set(oid, entries);
  const next = new Map<string, { oid: string; node: PathTrie }>();
  for (const { oid, node } of frontier.values()) {
    for (const [segment, child] of node.children) {
      const entry = trees.get(oid)?.get(segment);
      if (entry?.type === 'tree' && child.children.size > 0) next.set(`${entry.oid}|${child.id}`, { oid: entry.oid, node: child });
    }
  }
  return next;
}
