import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  git,
  listFilesAt,
  listTreeAt,
  makeTempDir,
  removeTempDirs,
  resolveCommit,
} from '@asset-sync/git-harness';
import {
  drawRecordingSize,
  generateCorpus,
  Prng,
  realSizeStats,
  writeLanguageRepoFromCorpus,
  type CorpusManifest,
  type CorpusPackage,
} from '@asset-sync/corpus';
import { REAL_PYTHON_PACKAGES } from './fixture-data.js';

const SHARED = {
  shape: 'shared',
  packages: 60,
  recordingsPerPackage: 6,
  seed: 'unit',
  shaPinnedPackages: 2,
  emptyTagPackages: 1,
  nestedServicePins: 1,
  stalePins: 3,
} as const;

const PRODUCTION = {
  packages: 40,
  recordingsPerPackage: 6,
  seed: 'unit',
  shaPinnedPackages: 2,
  emptyTagPackages: 1,
  nestedServicePins: 1,
  // More uploads than the default, so a corpus this small surely has some.
  storageUploadShare: 0.15,
} as const;

let manifest: CorpusManifest;
let production: CorpusManifest;

beforeAll(async () => {
  [manifest, production] = await Promise.all([
    generateCorpus({ root: await makeTempDir('corpus'), ...SHARED }),
    generateCorpus({ root: await makeTempDir('corpus'), ...PRODUCTION }),
  ]);
}, 120_000);

afterAll(removeTempDirs);

const pinnedIn = (m: CorpusManifest): CorpusPackage[] => m.packages.filter((p) => p.commit !== '');
const pinned = (): CorpusPackage[] => pinnedIn(manifest);
const subtree = (p: CorpusPackage): string => `${p.prefix}/${p.packagePath}`;
const treeId = async (m: CorpusManifest, commit: string, path: string): Promise<string> =>
  git(['--git-dir', m.repoPath, 'rev-parse', `${commit}:${path}`]);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
}

/** Every pin's folder at its commit holds exactly the files and bytes the manifest says. */
async function expectTruthfulManifest(m: CorpusManifest): Promise<void> {
  for (const p of pinnedIn(m)) {
    const tree = await listTreeAt(m.repoPath, p.commit, subtree(p));
    expect([...tree.keys()].sort(), subtree(p)).toEqual(p.paths);
    expect(tree.size).toBe(p.files);
    expect([...tree.values()].reduce((sum, entry) => sum + entry.size, 0)).toBe(p.bytes);
    expect(p.files).toBeGreaterThan(0);
  }
  expect(m.totalBytes).toBe(m.packages.reduce((sum, p) => sum + p.bytes, 0));
}

/** Commit → its parents, for every commit the refs reach. */
async function parentsOf(m: CorpusManifest): Promise<Map<string, string[]>> {
  const lines = (await git(['--git-dir', m.repoPath, 'rev-list', '--parents', '--all'])).split('\n').filter(Boolean);
  return new Map(lines.map((line) => {
    const [commit, ...parents] = line.split(' ');
    return [commit as string, parents];
  }));
}

describe('generateCorpus, shared shape: pins', () => {
  it('makes the requested number of packages with the special pins asked for', () => {
    expect(manifest.packages).toHaveLength(SHARED.packages);
    expect(manifest.packages.filter((p) => p.dialect === 'sha')).toHaveLength(2);
    expect(manifest.packages.filter((p) => p.commit === '' && p.tag === '')).toHaveLength(1);
    expect(manifest.packages.filter((p) => p.nesting !== undefined)).toHaveLength(2);
    // Three asked for; a service pin whose nested package was pushed later is stale too.
    expect(manifest.packages.filter((p) => p.stale).length).toBeGreaterThanOrEqual(3);
    expect(new Set(manifest.packages.map((p) => p.packagePath)).size).toBe(SHARED.packages);
  });

  it('names every tag <TagPrefix>_<first 10 hex of the commit> and points it at that commit', async () => {
    for (const p of pinned().filter((x) => x.dialect === 'tag')) {
      expect(p.tag).toBe(`${p.tagPrefix}_${p.commit.slice(0, 10)}`);
      expect(await resolveCommit(manifest.repoPath, `refs/tags/${p.tag}`)).toBe(p.commit);
    }
  });

  it('holds exactly the manifest files under <prefix>/<packagePath> at each pinned commit', async () => {
    await expectTruthfulManifest(manifest);
  });

  it('shares commits between packages', () => {
    const distinct = new Set(pinned().map((p) => p.commit));
    expect([...distinct].sort()).toEqual([...manifest.distinctCommits].sort());
    expect(distinct.size).toBeLessThan(pinned().length / 3);
    const perCommit = new Map<string, number>();
    for (const p of pinned()) perCommit.set(p.commit, (perCommit.get(p.commit) ?? 0) + 1);
    expect(Math.max(...perCommit.values())).toBeGreaterThan(3);
  });

  it('leaves most subtrees unchanged after their pin, so a newer commit could serve them', async () => {
    const fresh = pinned().filter((p) => !p.stale);
    const later = fresh.filter((p) => p.commit !== manifest.headCommit);
    expect(later.length).toBeGreaterThan(10);
    for (const p of later) {
      expect(await treeId(manifest, manifest.headCommit, subtree(p))).toBe(await treeId(manifest, p.commit, subtree(p)));
      await git(['--git-dir', manifest.repoPath, 'merge-base', '--is-ancestor', p.commit, manifest.headCommit]);
    }
  });

  it('changes stale pins’ subtrees after the pinned commit, so the newest commit must not serve them', async () => {
    for (const p of manifest.packages.filter((x) => x.stale)) {
      expect(await treeId(manifest, manifest.headCommit, subtree(p))).not.toBe(await treeId(manifest, p.commit, subtree(p)));
    }
  });

  it('puts SHA-dialect pins on their auto/<service> branch', async () => {
    for (const p of manifest.packages.filter((x) => x.dialect === 'sha')) {
      expect(p.branch).toBe(`auto/${p.service}`);
      expect(p.commit).toMatch(/^[0-9a-f]{40}$/);
      await git(['--git-dir', manifest.repoPath, 'merge-base', '--is-ancestor', p.commit, `refs/heads/${p.branch}`]);
    }
  });

  it('has no recordings for the empty-Tag package', async () => {
    const empty = manifest.packages.find((p) => p.commit === '')!;
    expect(empty.files).toBe(0);
    expect((await listTreeAt(manifest.repoPath, manifest.headCommit, subtree(empty))).size).toBe(0);
  });

  it('nests a package pin inside a service pin, whose subtree includes the package’s files', () => {
    const service = manifest.packages.find((p) => p.nesting === 'service')!;
    const inner = manifest.packages.find((p) => p.nesting === 'package')!;
    expect(inner.packagePath.startsWith(`${service.packagePath}/`)).toBe(true);
    expect(service.language).toBe('rust');
    const innerDir = `${inner.packagePath.slice(service.packagePath.length + 1)}/`;
    const own = service.paths.filter((path) => !path.startsWith(innerDir));
    expect(own.length).toBeGreaterThan(0);
  });
});

describe('generateCorpus, production shape: pins', () => {
  const own = (): CorpusPackage[] => production.packages.filter((p) => p.language === 'python');
  const ownPinned = (): CorpusPackage[] => own().filter((p) => p.commit !== '');

  it('pins the requested packages of one language; the other languages are server-side weight', () => {
    expect(production.shape).toBe('production');
    expect(production.languageRepoLanguages).toEqual(['python']);
    expect(own()).toHaveLength(PRODUCTION.packages);
    const others = production.packages.filter((p) => p.language !== 'python');
    expect(new Set(others.map((p) => p.language))).toEqual(new Set(['js', 'net', 'java', 'go', 'cpp']));
    // The default share is a half: as many other-language packages as the language repo's.
    expect(others.length / production.packages.length).toBeCloseTo(0.5, 1);
    expect(new Set(own().map((p) => p.packagePath)).size).toBe(PRODUCTION.packages);
  });

  it('takes the share of other-language data from otherLanguageShare', async () => {
    const heavy = await generateCorpus({ root: await makeTempDir('corpus'), packages: 10, recordingsPerPackage: 2, seed: 'share', otherLanguageShare: 0.75 });
    const bytes = (filter: (p: CorpusPackage) => boolean): number => heavy.packages.filter(filter).reduce((sum, p) => sum + p.bytes, 0);
    expect(heavy.packages.filter((p) => p.language === 'python')).toHaveLength(10);
    expect(heavy.packages.filter((p) => p.language !== 'python')).toHaveLength(30);
    expect(bytes((p) => p.language !== 'python')).toBeGreaterThan(bytes((p) => p.language === 'python'));
  }, 60_000);

  it('keeps main near-empty: eng/, a README and the Visual Studio .gitignore', async () => {
    const files = await listFilesAt(production.repoPath, 'refs/heads/main');
    expect([...files.keys()].sort()).toEqual(['.gitignore', 'README.md', 'eng/CODEOWNERS', 'eng/common/README.md']);
    const ignore = files.get('.gitignore')!.toString('utf8').split('\n');
    for (const line of ['[Tt]est[Rr]esult*/', '[Ll]og/', '[Bb]in/', '[Rr]elease/', '*.log', '.env']) expect(ignore).toContain(line);
    expect(await resolveCommit(production.repoPath, 'refs/heads/main')).toBe(production.headCommit);
    expect(await git(['--git-dir', production.repoPath, 'rev-list', '--count', 'refs/heads/main'])).toBe('1');
  });

  it('gives every pin a commit of its own, none of them on main', async () => {
    const pins = pinnedIn(production);
    expect(new Set(pins.map((p) => p.commit)).size).toBe(pins.length);
    expect([...production.distinctCommits].sort()).toEqual(pins.map((p) => p.commit).sort());
    const onMain = new Set((await git(['--git-dir', production.repoPath, 'rev-list', 'refs/heads/main'])).split('\n'));
    for (const p of pins) expect(onMain.has(p.commit), subtree(p)).toBe(false);
  });

  it('chains each package’s pushes: the first on main’s commit, each later one on the push before it', async () => {
    const parents = await parentsOf(production);
    const byFolder = new Map(production.packages.map((p) => [subtree(p), p]));
    for (const p of pinnedIn(production)) {
      const inner = p.nesting === 'service' ? production.packages.find((q) => q.nesting === 'package' && subtree(q).startsWith(`${subtree(p)}/`)) : undefined;
      // A service pin's pushes build on its nested package's newest push, so its folder holds that package's files.
      const base = inner === undefined ? production.headCommit : inner.pushes[inner.pushes.length - 1];
      p.pushes.forEach((commit, i) => expect(parents.get(commit), `${subtree(p)} push ${i}`).toEqual([i === 0 ? base : p.pushes[i - 1]]));
      expect(p.pushes).toContain(p.commit);
    }
    expect(byFolder.size).toBe(production.packages.length);
    expect(Math.max(...production.packages.map((p) => p.pushes.length))).toBeGreaterThan(5);
  });

  it('tags every push of a Tag-dialect package <TagPrefix>_<sha10>', async () => {
    const tags = new Map(
      (await git(['--git-dir', production.repoPath, 'for-each-ref', '--format=%(refname:strip=2) %(objectname)', 'refs/tags']))
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    let pushes = 0;
    for (const p of pinnedIn(production).filter((x) => x.dialect === 'tag')) {
      expect(p.tag).toBe(`${p.tagPrefix}_${p.commit.slice(0, 10)}`);
      for (const commit of p.pushes) expect(tags.get(`${p.tagPrefix}_${commit.slice(0, 10)}`)).toBe(commit);
      pushes += p.pushes.length;
    }
    expect(tags.size).toBe(pushes);
    expect(production.stats.tags).toBe(pushes);
  });

  it('pins about a fifth of the packages to an older push, whose folder differs from the newest tag’s', async () => {
    const stale = ownPinned().filter((p) => p.stale);
    expect(stale.length / ownPinned().length).toBeGreaterThan(0.12);
    expect(stale.length / ownPinned().length).toBeLessThan(0.28);
    for (const p of stale) {
      const newest = p.pushes[p.pushes.length - 1]!;
      expect(p.commit).not.toBe(newest);
      expect(await treeId(production, p.commit, subtree(p))).not.toBe(await treeId(production, newest, subtree(p)));
    }
    for (const p of pinnedIn(production).filter((x) => !x.stale)) expect(p.commit).toBe(p.pushes[p.pushes.length - 1]);
  });

  it('holds exactly the manifest files under <prefix>/<packagePath> at each pinned commit', async () => {
    await expectTruthfulManifest(production);
  });

  it('puts SHA-dialect pins on their auto/<service> branch, one package per branch', async () => {
    const sha = production.packages.filter((p) => p.dialect === 'sha');
    expect(sha).toHaveLength(2);
    expect(new Set(sha.map((p) => p.branch)).size).toBe(2);
    for (const p of sha) {
      expect(p.language).toBe('python');
      expect(p.branch).toBe(`auto/${p.service}`);
      expect(p.tag).toBe('');
      await git(['--git-dir', production.repoPath, 'merge-base', '--is-ancestor', p.commit, `refs/heads/${p.branch}`]);
    }
  });

  it('has an empty Tag with nothing pushed', async () => {
    const empty = production.packages.filter((p) => p.commit === '');
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({ language: 'python', tag: '', files: 0, pushes: [] });
    expect(await git(['--git-dir', production.repoPath, 'tag', '--list', `${empty[0]!.tagPrefix}_*`])).toBe('');
  });

  it('nests python’s real sdk/tables pin above sdk/tables/azure-data-tables; the service folder holds the package’s files at its pin', async () => {
    const service = production.packages.find((p) => p.nesting === 'service')!;
    const inner = production.packages.find((p) => p.nesting === 'package')!;
    expect([service.packagePath, inner.packagePath]).toEqual(['sdk/tables', 'sdk/tables/azure-data-tables']);
    expect(await treeId(production, service.commit, subtree(inner))).toBe(await treeId(production, inner.commit, subtree(inner)));
    expect(service.paths.some((path) => !path.startsWith('azure-data-tables/'))).toBe(true);
  });

  it('has MB-sized storage uploads of random data, base64, that barely compress', async () => {
    const uploads: Buffer[] = [];
    for (const p of pinnedIn(production).filter((x) => x.service === 'storage')) {
      for (const bytes of (await listFilesAt(production.repoPath, p.commit, subtree(p))).values()) {
        if (bytes.length >= 256 * 1024) uploads.push(bytes);
      }
    }
    expect(uploads.length).toBeGreaterThan(0);
    for (const bytes of uploads) {
      const json = JSON.parse(bytes.toString('utf8')) as { Entries: Array<{ RequestBody: string; RequestMethod: string }> };
      expect(json.Entries[0]!.RequestMethod).toBe('PUT');
      expect(json.Entries[0]!.RequestBody).toMatch(/^[A-Za-z0-9+/]{1000}/);
      expect(deflateSync(bytes, { level: 6 }).length / bytes.length).toBeGreaterThan(0.7);
    }
  });
});

describe('generateCorpus: realistic content', () => {
  const SHAPES: Record<string, RegExp> = {
    python: /^tests\/recordings\/test_\w+\.pyTest\w+test_\w+\.json$/,
    js: /^recordings\/(node|browsers)\/[\w]+\/recording_[\w]+\.json$/,
    net: /^tests\/SessionRecords\/[\w]+(\([^/]*\))?\/\w+(\([^/]*\))?(Async)?\.json$/,
    java: /^src\/test\/resources\/session-records\/\w+\.\w+\[\d+\]\.json$/,
    go: /^testdata\/recordings\/Test\w+(\/Test\w+)?\.json$/,
    cpp: /^[\w-]+\/test\/ut\/recordings\/[\w.-]+\.json$/,
    rust: /^([\w]+\/)?tests\/recordings\/\w+\/\w+\.json$/,
  };

  const BOTH = [
    ['shared', () => manifest, ['python', 'js', 'net', 'java', 'go', 'cpp', 'rust']],
    ['production', () => production, ['python', 'js', 'net', 'java', 'go', 'cpp']],
  ] as const;

  /** A path relative to the folder of the pin that owns it: a service pin's folder also holds its nested package's. */
  function ownPath(m: CorpusManifest, p: CorpusPackage, path: string): string {
    const inner = m.packages.find((q) => q !== p && q.language === p.language && q.packagePath.startsWith(`${p.packagePath}/`));
    const dir = inner === undefined ? undefined : `${inner.packagePath.slice(p.packagePath.length + 1)}/`;
    return dir !== undefined && p.language !== 'rust' && path.startsWith(dir) ? path.slice(dir.length) : path;
  }

  it.each(BOTH)('uses the real languages and path shapes (%s shape)', (_, corpus, expected) => {
    const m = corpus();
    expect(new Set(m.packages.map((p) => p.language))).toEqual(new Set(expected));
    for (const p of pinnedIn(m)) {
      for (const path of p.paths) expect(ownPath(m, p, path), `${p.language} ${p.packagePath}`).toMatch(SHAPES[p.language]!);
    }
    const netNames = pinnedIn(m)
      .filter((p) => p.language === 'net')
      .flatMap((p) => p.paths)
      .join('\n');
    for (const char of ['(', ')', '%', "'", ',', ' ']) expect(netNames).toContain(char);
  });

  it.each(BOTH)('uses real package names before inventing any (%s shape)', (_, corpus) => {
    const python = corpus().packages.filter((p) => p.language === 'python' && p.nesting !== 'service');
    expect(python.length).toBeGreaterThan(10);
    for (const p of python) expect(REAL_PYTHON_PACKAGES).toContain(p.packagePath);
  });

  it.each(BOTH)('writes test-proxy recordings: JSON with Entries and Variables, ASCII, 2-space indent, final newline (%s shape)', async (_, corpus) => {
    const m = corpus();
    let checked = 0;
    for (const p of pinnedIn(m).slice(0, 20)) {
      const files = await listFilesAt(m.repoPath, p.commit, subtree(p));
      for (const [path, bytes] of files) {
        if (bytes.length === 0) continue;
        const text = bytes.toString('utf8');
        expect(text, path).toMatch(/^\{\n {2}"Entries": \[/);
        expect(text.endsWith('}\n')).toBe(true);
        // eslint-disable-next-line no-control-regex -- the range starts at NUL to say "anything outside ASCII"
        expect(/[^\x00-\x7f]/.test(text)).toBe(false);
        expect(text.includes('\r')).toBe(false);
        const json = JSON.parse(text) as { Entries: Array<Record<string, unknown>>; Variables: unknown };
        expect(typeof json.Variables).toBe('object');
        for (const entry of json.Entries) {
          expect(Object.keys(entry)).toEqual(['RequestUri', 'RequestMethod', 'RequestHeaders', 'RequestBody', 'StatusCode', 'ResponseHeaders', 'ResponseBody']);
          expect((entry['RequestHeaders'] as Record<string, string>)['Authorization']).toBe('Sanitized');
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('sizes recordings like the real distribution (median about 11 KB, long tail)', () => {
    const all: number[] = [];
    for (let i = 0; i < 5000; i++) all.push(drawRecordingSize(new Prng(`size-${i}`)));
    all.sort((a, b) => a - b);
    const real = realSizeStats();
    expect(quantile(all, 0.5)).toBeGreaterThan(real.median * 0.85);
    expect(quantile(all, 0.5)).toBeLessThan(real.median * 1.15);
    expect(quantile(all, 0.9)).toBeGreaterThan(real.p90 * 0.75);
    expect(quantile(all, 0.9)).toBeLessThan(real.p90 * 1.25);
    expect(all[all.length - 1]).toBeGreaterThan(100_000);
    expect(all[all.length - 1]).toBeLessThanOrEqual(Math.ceil(real.max * 1.23));
    expect(all.filter((size) => size === 0).length).toBeGreaterThan(0);
  });

  it.each(BOTH)('generates files of exactly the drawn sizes, so the corpus follows the distribution too (%s shape)', async (_, corpus) => {
    const m = corpus();
    const sizes: number[] = [];
    for (const p of pinnedIn(m)) {
      const tree = await listTreeAt(m.repoPath, p.commit, subtree(p));
      for (const entry of tree.values()) sizes.push(entry.size);
    }
    sizes.sort((a, b) => a - b);
    const median = quantile(sizes, 0.5);
    expect(median).toBeGreaterThan(7_000);
    expect(median).toBeLessThan(16_000);
    expect(quantile(sizes, 0.95)).toBeGreaterThan(20_000);
  });
});

describe('generateCorpus: determinism', () => {
  const strip = (m: CorpusManifest): unknown => ({ ...m, repoPath: undefined, stats: { ...m.stats, elapsedMs: undefined } });
  const refs = async (m: CorpusManifest): Promise<string> => git(['--git-dir', m.repoPath, 'show-ref']);

  it.each([
    ['shared', SHARED, () => manifest],
    ['production', PRODUCTION, () => production],
  ] as const)('gives the same repository, commit ids included, for the same seed (%s shape)', async (_, options, first) => {
    const again = await generateCorpus({ root: await makeTempDir('corpus'), ...options });
    expect(strip(again)).toEqual(strip(first()));
    expect(await refs(again)).toBe(await refs(first()));
  }, 60_000);

  it('gives a different repository for another seed', async () => {
    const other = await generateCorpus({ root: await makeTempDir('corpus'), ...PRODUCTION, seed: 'other' });
    expect(other.distinctCommits).not.toEqual(production.distinctCommits);
    expect(await refs(other)).not.toBe(await refs(production));
  }, 60_000);
});

describe('writeLanguageRepoFromCorpus', () => {
  it('writes one assets.json per package in the real formatting, plus source, in one clean commit', async () => {
    const dir = join(await makeTempDir('lang'), 'azure-sdk');
    const repo = await writeLanguageRepoFromCorpus(dir, manifest);
    expect(repo.assetsJsonPaths).toHaveLength(manifest.packages.length);
    expect(await git(['status', '--porcelain'], { cwd: dir })).toBe('');
    for (const p of manifest.packages) {
      const text = await readFile(join(dir, p.packagePath, 'assets.json'), 'utf8');
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toMatch(/^\{\n {2}"AssetsRepo": "Azure\/azure-sdk-assets",\n/);
      const json = JSON.parse(text) as Record<string, string>;
      if (p.dialect === 'sha') {
        expect(Object.keys(json)).toEqual(['AssetsRepo', 'AssetsRepoPrefixPath', 'AssetsRepoId', 'AssetsRepoBranch', 'SHA']);
        expect(json['SHA']).toBe(p.commit);
        expect(json['AssetsRepoBranch']).toBe(p.branch);
      } else {
        expect(json).toEqual({ AssetsRepo: 'Azure/azure-sdk-assets', AssetsRepoPrefixPath: p.language, TagPrefix: p.tagPrefix, Tag: p.tag });
      }
    }
    const tracked = (await git(['ls-files'], { cwd: dir })).split('\n');
    expect(tracked.length).toBeGreaterThan(manifest.packages.length * 2);
    expect(tracked.some((path) => path.includes('/recordings/') || path.includes('SessionRecords'))).toBe(false);
  });

  it('writes only the language repo’s language by default for a production corpus', async () => {
    const dir = join(await makeTempDir('lang'), 'azure-sdk-for-python');
    const repo = await writeLanguageRepoFromCorpus(dir, production);
    const python = production.packages.filter((p) => p.language === 'python');
    expect(repo.packages).toEqual(python);
    expect(repo.assetsJsonPaths).toEqual(python.map((p) => `${p.packagePath}/assets.json`));
    const tracked = (await git(['ls-files'], { cwd: dir })).split('\n').filter((path) => path.endsWith('/assets.json'));
    expect(tracked.sort()).toEqual([...repo.assetsJsonPaths].sort());
    const empty = python.find((p) => p.commit === '')!;
    expect(JSON.parse(await readFile(join(dir, empty.packagePath, 'assets.json'), 'utf8'))).toMatchObject({ Tag: '' });
  });

  it('filters by language and overrides AssetsRepo', async () => {
    const dir = join(await makeTempDir('lang'), 'azure-sdk-for-python');
    const repo = await writeLanguageRepoFromCorpus(dir, manifest, { languages: ['python'], assetsRepo: 'Azure/other-assets', sourceFiles: false });
    expect(repo.packages.every((p) => p.language === 'python')).toBe(true);
    const first = JSON.parse(await readFile(join(dir, repo.assetsJsonPaths[0]!), 'utf8')) as Record<string, string>;
    expect(first['AssetsRepo']).toBe('Azure/other-assets');
  });
});
