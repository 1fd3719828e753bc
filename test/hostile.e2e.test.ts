import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestoreReport } from '@asset-sync/executor';
import { git, makeTempDir } from '@asset-sync/git-harness';
import { ASSETS_REPO, asJson, cli, ensureBareRepo, expectSameFiles, languageRepo, startServer, tagAssetsJson, type Server } from './helpers.js';

/** The hints a hostile pin's failure gives, each naming the fix. */
const FIX_PATHS = 'Fix the recordings in the assets repo (rename or remove those paths) and pin the new commit.';
const FIX_LINK = 'Replace the symlink with the file itself in the assets repo and pin the new commit.';
const PLAIN_FOLDER = 'The recordings of a package must be a plain folder in the assets repo; fix the assets repo or pin another commit.';
const CHECK_FOLDER = 'Check AssetsRepoPrefixPath and where assets.json sits (the package may have moved); the pin must be one pushed for this package.';
const COMMIT_TAG = 'The assets repo holds a broken or hostile ref; pin a tag that names a commit.';
const CHECK_PIN = 'Check the pin in assets.json; if it was pushed from another machine, make sure that push finished.';

/** One entry of a crafted tree: a file, a symlink (its target) or a submodule (a commit id). */
type Entry = { file: string } | { symlink: string } | { gitlink: string };

/**
 * Writes objects straight into the server's repository, including what no well-behaved client
 * would push (`.git` folders, links out of the package, names too long for a file system), the
 * way a hostile or broken assets repo could hold them.
 */
async function craftTree(repo: string, entries: Record<string, Entry>): Promise<string> {
  const dirs = new Map<string, Map<string, string>>([['', new Map()]]);
  const lineOf = async (name: string, entry: Entry): Promise<string> => {
    if ('gitlink' in entry) return `160000 commit ${entry.gitlink}\t${name}`;
    const content = 'file' in entry ? entry.file : entry.symlink;
    const oid = execFileSync('git', ['--git-dir', repo, 'hash-object', '-w', '--stdin'], { input: content }).toString().trim();
    return `${'file' in entry ? '100644' : '120000'} blob ${oid}\t${name}`;
  };
  for (const [path, entry] of Object.entries(entries)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) if (!dirs.has(parts.slice(0, i).join('/'))) dirs.set(parts.slice(0, i).join('/'), new Map());
    dirs.get(parts.slice(0, -1).join('/'))!.set(parts.at(-1)!, await lineOf(parts.at(-1)!, entry));
  }
  // Deepest folders first, so each parent can name its children's trees.
  for (const dir of [...dirs.keys()].sort((a, b) => b.split('/').length - a.split('/').length)) {
    if (dir === '') continue;
    const oid = execFileSync('git', ['--git-dir', repo, 'mktree', '--missing'], { input: [...dirs.get(dir)!.values()].join('\n') + '\n' }).toString().trim();
    const parent = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    dirs.get(parent)!.set(dir.split('/').at(-1)!, `040000 tree ${oid}\t${dir.split('/').at(-1)}`);
  }
  return execFileSync('git', ['--git-dir', repo, 'mktree', '--missing'], { input: [...dirs.get('')!.values()].join('\n') + '\n' }).toString().trim();
}

async function craftCommit(repo: string, entries: Record<string, Entry>, tag: string): Promise<string> {
  const tree = await craftTree(repo, entries);
  const commit = execFileSync('git', ['--git-dir', repo, 'commit-tree', tree, '-m', `crafted ${tag}`], { env: { ...process.env, GIT_AUTHOR_NAME: 'x', GIT_AUTHOR_EMAIL: 'x@x', GIT_COMMITTER_NAME: 'x', GIT_COMMITTER_EMAIL: 'x@x' } }).toString().trim();
  await git(['--git-dir', repo, 'update-ref', `refs/tags/${tag}`, commit]);
  return commit;
}

const good = (name: string): Record<string, Entry> => ({ [`python/sdk/good/${name}/recordings/a.json`]: { file: `{"ok":"${name}"}\n` } });

describe('hostile assets-repo content: each bad pin fails alone, named, and nothing else is lost', () => {
  let server: Server;
  let repo: string;
  let lang: string;
  let report: RestoreReport;
  const P = (pkg: string): string => `python/sdk/bad/${pkg}`;
  /** Each hostile pin, what its tree holds, and what the failure must say. */
  const cases: Array<{ pkg: string; entries?: (p: string) => Record<string, Entry>; pin?: (repo: string) => Promise<string>; code: string; hint: string; says: RegExp }> = [
    { pkg: 'dotgit', entries: (p) => ({ [`${p}/.git/config`]: { file: '[core]\n\tfsmonitor = touch /tmp/pwned\n' }, [`${p}/ok.json`]: { file: '{}' } }), code: 'UNSAFE_INPUT', hint: FIX_PATHS, says: /\.git\/config has a "\.git" component/ },
    { pkg: 'dotgit-case', entries: (p) => ({ [`${p}/deep/.GIT/hooks/post-checkout`]: { file: '#!/bin/sh\ntouch /tmp/pwned\n' } }), code: 'UNSAFE_INPUT', hint: FIX_PATHS, says: /\.GIT\/hooks\/post-checkout has a "\.git" component/ },
    { pkg: 'long-name', entries: (p) => ({ [`${p}/${'n'.repeat(300)}.json`]: { file: '{}' } }), code: 'UNSAFE_INPUT', hint: FIX_PATHS, says: /has a name of 305 bytes/ },
    { pkg: 'link-out', entries: (p) => ({ [`${p}/secrets.json`]: { symlink: '/etc/passwd' }, [`${p}/ok.json`]: { file: '{}' } }), code: 'UNSAFE_INPUT', hint: FIX_LINK, says: /secrets\.json is a symlink to an absolute path/ },
    { pkg: 'link-up', entries: (p) => ({ [`${p}/r/up.json`]: { symlink: '../../../good/one/recordings/a.json' } }), code: 'UNSAFE_INPUT', hint: FIX_LINK, says: /leaves its package folder/ },
    { pkg: 'submodule', entries: (p) => ({ [`${p}/vendor`]: { gitlink: 'a'.repeat(40) } }), code: 'UNSAFE_INPUT', hint: FIX_PATHS, says: /vendor is a submodule/ },
    { pkg: 'folder-is-file', entries: (p) => ({ [p]: { file: 'not a folder\n' } }), code: 'UNSAFE_INPUT', hint: PLAIN_FOLDER, says: /python\/sdk\/bad\/folder-is-file is a file, not a folder/ },
    { pkg: 'folder-is-link', entries: (p) => ({ [p]: { symlink: '/tmp' } }), code: 'UNSAFE_INPUT', hint: PLAIN_FOLDER, says: /is a symlink, not a folder/ },
    { pkg: 'below-link', entries: () => ({ 'python/sdk/bad': { symlink: '/tmp' } }), code: 'UNSAFE_INPUT', hint: PLAIN_FOLDER, says: /passes through python\/sdk\/bad, which is a symlink/ },
    { pkg: 'prefix-link', entries: () => ({ python: { symlink: '/etc' } }), code: 'UNSAFE_INPUT', hint: PLAIN_FOLDER, says: /passes through python, which is a symlink/ },
    { pkg: 'no-folder', entries: () => ({ 'python/sdk/elsewhere/a.json': { file: '{}' } }), code: 'FOLDER_NOT_FOUND', hint: CHECK_FOLDER, says: /has no folder python\/sdk\/bad\/no-folder/ },
    { pkg: 'tag-to-tree', pin: async (r) => { const t = await craftTree(r, { 'x.json': { file: '{}' } }); await git(['--git-dir', r, 'update-ref', 'refs/tags/python/bad/tag-to-tree_0000000000', t]); return 'python/bad/tag-to-tree_0000000000'; }, code: 'UNSAFE_INPUT', hint: COMMIT_TAG, says: /points at a tree, not a commit/ },
    { pkg: 'tag-to-blob', pin: async (r) => { const b = execFileSync('git', ['--git-dir', r, 'hash-object', '-w', '--stdin'], { input: 'blob' }).toString().trim(); await git(['--git-dir', r, 'update-ref', 'refs/tags/python/bad/tag-to-blob_0000000000', b]); return 'python/bad/tag-to-blob_0000000000'; }, code: 'UNSAFE_INPUT', hint: COMMIT_TAG, says: /points at a blob, not a commit/ },
    { pkg: 'annotated-to-tree', pin: async (r) => { const t = await craftTree(r, { 'x.json': { file: '{}' } }); await git(['--git-dir', r, 'tag', '-a', '-m', 'hostile', 'python/bad/annotated_0000000000', t]); return 'python/bad/annotated_0000000000'; }, code: 'UNSAFE_INPUT', hint: COMMIT_TAG, says: /points at a tree, not a commit/ },
    { pkg: 'missing-tag', pin: async () => 'python/bad/missing-tag_0123456789', code: 'PIN_NOT_FOUND', hint: CHECK_PIN, says: /missing-tag_0123456789 was not found|does not exist/ },
    { pkg: 'shadow', entries: (p) => ({ [`${p}/a.json`]: { file: '{}' }, [`${p}/sub/.git`]: { file: 'gitdir: /etc\n' } }), code: 'UNSAFE_INPUT', hint: FIX_PATHS, says: /sub\/\.git has a "\.git" component/ },
  ];

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    const files: Record<string, string> = {};
    for (const name of ['one', 'two']) {
      await craftCommit(repo, good(name), `python/good/${name}_x`);
      files[`sdk/good/${name}/assets.json`] = tagAssetsJson('python', `python/good/${name}`, `python/good/${name}_x`);
    }
    for (const c of cases) {
      const tag = c.pin ? await c.pin(repo) : `python/bad/${c.pkg}_x`;
      // A case that replaces the whole `python` folder gets no good neighbour in its commit.
      if (c.entries) await craftCommit(repo, { ...(c.pkg === 'prefix-link' ? {} : good('one')), ...c.entries(P(c.pkg)) }, tag);
      files[`sdk/bad/${c.pkg}/assets.json`] = tagAssetsJson('python', `python/bad/${c.pkg}`, tag);
    }
    lang = await languageRepo(files);
    const result = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    report = asJson<RestoreReport>(result);
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  it(`fails each of the ${cases.length} hostile pins alone, with its assets.json, the path and what is wrong`, () => {
    const byId = Object.fromEntries(report.packages.map((p) => [p.id, p]));
    for (const c of cases) {
      const p = byId[`sdk/bad/${c.pkg}/assets.json`]!;
      expect(p.status, c.pkg).toBe('failed');
      expect(p.error!.code, `${c.pkg}: ${p.error!.message}`).toBe(c.code);
      expect(p.error!.message, c.pkg).toMatch(c.says);
      expect(p.error!.message.startsWith(`sdk/bad/${c.pkg}/assets.json: `), p.error!.message).toBe(true);
      expect(p.error!.hint, c.pkg).toBe(c.hint);
      // No progress noise: git's \r-separated counters never reach a message.
      expect(p.error!.message).not.toContain('\r');
    }
    expect(report.packages.filter((p) => p.status === 'failed')).toHaveLength(cases.length);
  });

  it('restores the good packages byte for byte and writes nothing outside the assets dir', async () => {
    const root = join(lang, '.assets', ASSETS_REPO);
    for (const name of ['one', 'two']) {
      const commit = await git(['--git-dir', repo, 'rev-parse', `python/good/${name}_x^{commit}`]);
      await expectSameFiles(join(root, 'python/sdk/good', name), repo, commit, `python/sdk/good/${name}`);
    }
    expect(existsSync('/tmp/pwned')).toBe(false);
    // Nothing of any hostile pin was written: the checkout holds the good folders only.
    expect(readdirSync(join(root, 'python/sdk'))).toEqual(['good']);
  });
});

describe('malformed assets.json: every kind fails only its own package, naming file and field', () => {
  let server: Server;
  let lang: string;
  let report: RestoreReport;
  let discovered: Array<{ path: string; problems: Array<{ message: string; field?: string }> }>;
  const repoOk = ASSETS_REPO;
  const ok = { AssetsRepo: repoOk, AssetsRepoPrefixPath: 'python', TagPrefix: 'python/good/one', Tag: 'python/good/one_x' };
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  /** [folder, file content (string) or a function making the entry, what a problem must mention] */
  const kinds: Array<[string, string | ((file: string) => void), RegExp]> = [
    ['truncated', '{\n  "AssetsRepo": "Azure/azure-sdk-assets",\n  "Tag": \n', /^sdk\/m\/truncated\/assets\.json:\d+:\d+: /],
    ['empty', '', /found an empty file/],
    ['whitespace', '  \n\t\n', /found only whitespace/],
    ['array', '[1, 2]', /JSON object|found an array/i],
    ['string', '"Azure/azure-sdk-assets"', /JSON object|found a string/i],
    ['null', 'null', /JSON object|found null/i],
    ['no-repo', json({ AssetsRepoPrefixPath: 'python', TagPrefix: 'x', Tag: 'x_1' }), /"AssetsRepo"/],
    ['repo-number', json({ ...ok, AssetsRepo: 42 }), /"AssetsRepo".*number 42/],
    ['repo-no-slash', json({ ...ok, AssetsRepo: 'azure-sdk-assets' }), /"AssetsRepo"/],
    ['repo-dash', json({ ...ok, AssetsRepo: '-x/y' }), /"AssetsRepo"/],
    ['repo-dotdot', json({ ...ok, AssetsRepo: '../etc' }), /"AssetsRepo"/],
    ['repo-newline', json({ ...ok, AssetsRepo: 'Azure/a\nb' }), /"AssetsRepo"/],
    ['prefix-absolute', json({ ...ok, AssetsRepoPrefixPath: '/etc' }), /"AssetsRepoPrefixPath"/],
    ['prefix-traversal', json({ ...ok, AssetsRepoPrefixPath: '../../etc' }), /"AssetsRepoPrefixPath".*\.\./],
    ['prefix-backslash', json({ ...ok, AssetsRepoPrefixPath: 'py\\thon' }), /"AssetsRepoPrefixPath"/],
    ['prefix-nul', json({ ...ok, AssetsRepoPrefixPath: 'py\u0000thon' }), /"AssetsRepoPrefixPath"/],
    ['tag-option', json({ ...ok, Tag: '--upload-pack=touch /tmp/pwned' }), /"Tag"/],
    ['tag-dotdot', json({ ...ok, Tag: 'python/../x_1' }), /"Tag"/],
    ['tag-space', json({ ...ok, Tag: 'python x_1' }), /"Tag"/],
    ['tag-specials', json({ ...ok, Tag: 'x~1^2:y' }), /"Tag"/],
    ['tag-number', json({ ...ok, Tag: 42 }), /"Tag".*number 42/],
    ['tag-null', json({ ...ok, Tag: null }), /"Tag"/],
    ['tagprefix-dotdot', json({ ...ok, TagPrefix: 'python/..' }), /"TagPrefix"/],
    ['mixed-dialect', json({ ...ok, SHA: 'a'.repeat(40) }), /"SHA"|"Tag"/],
    ['sha-short', json({ AssetsRepo: repoOk, AssetsRepoPrefixPath: 'python', AssetsRepoBranch: 'auto/x', SHA: 'abc123' }), /"SHA"/],
    ['sha-not-hex', json({ AssetsRepo: repoOk, AssetsRepoPrefixPath: 'python', AssetsRepoBranch: 'auto/x', SHA: 'z'.repeat(40) }), /"SHA"/],
    ['branch-option', json({ AssetsRepo: repoOk, AssetsRepoPrefixPath: 'python', AssetsRepoBranch: '-b', SHA: 'a'.repeat(40) }), /"AssetsRepoBranch"/],
    ['fallback-dotdot', json({ AssetsRepo: repoOk, AssetsRepoPrefixPath: 'python', AssetsRepoFallbackBranch: 'main..x', SHA: 'a'.repeat(40) }), /"AssetsRepoFallbackBranch"/],
    ['duplicate-key', '{"AssetsRepo": "Azure/azure-sdk-assets", "AssetsRepoPrefixPath": "python", "Tag": "a_1", "Tag": "b_2"}', /"Tag"|duplicate/i],
    ['deep', `{"AssetsRepo": ${'['.repeat(3000)}${']'.repeat(3000)}}`, /nested 3001 levels deep/],
    ['not-utf8', (file) => writeFileSync(file, Buffer.concat([Buffer.from('{"AssetsRepo": "Azure/azure-sdk-assets", "AssetsRepoPrefixPath": "python", "Tag": "x_'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), /not valid UTF-8/],
    ['symlink', (file) => symlinkSync('/etc/hostname', file), /is a symbolic link/],
    ['directory', (file) => mkdirSync(file), /is a directory/],
    ['fifo', (file) => execFileSync('mkfifo', [file]), /named pipe/],
    ['huge', `{"AssetsRepo": "Azure/azure-sdk-assets", "x": "${'y'.repeat(2_000_000)}"}`, /bytes; an assets\.json is a few lines/],
    ['conflict', '{\n<<<<<<< HEAD\n  "Tag": "a_1"\n=======\n  "Tag": "b_2"\n>>>>>>> branch\n}\n', /conflict|resolve/i],
  ];

  beforeAll(async () => {
    server = await startServer();
    const repo = await ensureBareRepo(server);
    await craftCommit(repo, good('one'), 'python/good/one_x');
    lang = await languageRepo({ 'sdk/good/one/assets.json': json(ok), 'README.md': '#\n' });
    for (const [name, content] of kinds) {
      const file = join(lang, 'sdk/m', name, 'assets.json');
      await mkdir(join(file, '..'), { recursive: true });
      if (typeof content === 'string') await writeFile(file, content);
      else content(file);
    }
    const result = await cli(['restore', '--all', '--json'], lang, server.env);
    expect(result.exitCode, result.stderr).toBe(1);
    report = asJson<RestoreReport>(result);
    discovered = asJson<{ entries: typeof discovered }>(await cli(['discover', '--json'], lang, server.env)).entries;
  }, 180_000);
  afterAll(async () => {
    await server?.daemon.stop();
  });

  it(`reports all ${kinds.length} kinds, each failing alone with its file named`, () => {
    expect(kinds.length).toBeGreaterThanOrEqual(30);
    const byId = Object.fromEntries(report.packages.map((p) => [p.id, p]));
    for (const [name, , says] of kinds) {
      const p = byId[`sdk/m/${name}/assets.json`];
      expect(p, `${name} is not in the report`).toBeDefined();
      expect(p!.status, name).toBe('failed');
      expect(p!.error!.code, `${name}: ${p!.error!.message}`).toBe('ASSETS_JSON_INVALID');
      expect(p!.error!.message, name).toContain(`sdk/m/${name}/assets.json`);
      expect(p!.error!.message, name).toMatch(says);
    }
    expect(byId['sdk/good/one/assets.json']!.status).toBe('restored');
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('lists every kind as a problem in discover too, instead of skipping links, folders and pipes', () => {
    const withProblems = discovered.filter((d) => d.problems.length > 0).map((d) => d.path);
    for (const [name] of kinds) expect(withProblems, name).toContain(`sdk/m/${name}/assets.json`);
  });
});

describe('faults and the environment', () => {
  let server: Server;
  let repo: string;

  beforeAll(async () => {
    server = await startServer();
    repo = await ensureBareRepo(server);
    for (const name of ['one', 'two', 'three']) await craftCommit(repo, { [`python/sdk/good/${name}/recordings/a.json`]: { file: `{"ok":"${name}","pad":"${'x'.repeat(200_000)}"}\n` } }, `python/good/${name}_x`);
  });
  afterAll(async () => {
    await server?.daemon.stop();
  });

  const files = (): Record<string, string> =>
    Object.fromEntries(['one', 'two', 'three'].map((name) => [`sdk/good/${name}/assets.json`, tagAssetsJson('python', `python/good/${name}`, `python/good/${name}_x`)]));

  it('goes on to the end when the reader of its output went away (restore --all | head -1)', async () => {
    const lang = await languageRepo(files());
    const bin = join(__dirname, '..', 'apps/asset-sync/bin/asset-sync.js');
    const env = { ...process.env, ...server.env, CI: 'true' };
    // stdout and stderr both go to a pipe whose reader stops after the first line.
    execFileSync('sh', ['-c', `node "${bin}" restore --all 2>&1 | head -1 >/dev/null`], { cwd: lang, env });
    const status = asJson<Array<{ id: string; restored: boolean }>>(await cli(['status', '--all', '--json'], lang, server.env));
    expect(status.map((s) => s.restored)).toEqual([true, true, true]);
  });

  it('says which folder and why when the disk is full, cleans up, and converges after space is freed', async () => {
    const lang = await languageRepo(files());
    const mount = join(lang, '.assets');
    mkdirSync(mount);
    // A 300 KiB file system: the store fits, the 600 KiB of recordings do not.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=420k', 'tmpfs', mount]);
    try {
      const full = await cli(['restore', '--all', '--json'], lang, server.env);
      expect(full.exitCode).toBe(1);
      const failed = asJson<RestoreReport>(full).packages.filter((p) => p.status === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      for (const p of failed) {
        expect(p.error!.code, p.error!.message).toBe('WRITE_FAILED');
        expect(p.error!.message).toMatch(/disk is full/);
        expect(p.error!.hint).toMatch(/Free space/);
      }
      // Nothing half-written is taken for done.
      const status = asJson<Array<{ restored: boolean }>>(await cli(['status', '--all', '--json'], lang, server.env));
      const restored = status.filter((s) => s.restored).length;
      expect(restored).toBeLessThan(3);
      execFileSync('mount', ['-o', 'remount,size=8m', mount]);
      const again = await cli(['restore', '--all', '--json'], lang, server.env);
      expect(again.exitCode, again.stdout).toBe(0);
      for (const name of ['one', 'two', 'three']) {
        const commit = await git(['--git-dir', repo, 'rev-parse', `python/good/${name}_x^{commit}`]);
        await expectSameFiles(join(lang, '.assets', ASSETS_REPO, 'python/sdk/good', name), repo, commit, `python/sdk/good/${name}`);
      }
    } finally {
      execFileSync('umount', ['-l', mount]);
    }
  });

  it('says which folder and why when the assets dir is read-only', async () => {
    const lang = await languageRepo(files());
    const mount = join(lang, '.assets');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
    try {
      writeFileSync(join(mount, '.gitignore'), '*\n');
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      const result = await cli(['restore', '--all', '--json'], lang, server.env);
      expect(result.exitCode).toBeGreaterThan(0);
      const text = result.stdout + result.stderr;
      expect(text).toMatch(/read-only|not allowed to write|EROFS/i);
      expect(text).toContain(mount);
    } finally {
      execFileSync('umount', ['-l', mount]);
    }
  });

  it('refuses a second clone of the language repo sharing one assets dir, naming both', async () => {
    const shared = await makeTempDir('shared-assets-');
    const first = await languageRepo(files());
    const second = await languageRepo(files());
    const env = { ...server.env, ASSET_SYNC_DIR: shared };
    expect((await cli(['restore', '--all'], first, env)).exitCode).toBe(0);
    const refused = await cli(['restore', '--all'], second, env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`belongs to the language repo ${first}`);
    expect(refused.stderr).toMatch(/hint: Give each clone its own assets dir/);
    // The first clone's checkout is untouched.
    expect((await cli(['status', '--all'], first, env)).exitCode).toBe(0);
  });
});
