import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drawRecordingSize,
  generateCorpus,
  git,
  listFilesAt,
  listTreeAt,
  makeTempDir,
  Prng,
  realSizeStats,
  removeTempDirs,
  resolveCommit,
  writeLanguageRepoFromCorpus,
  type CorpusManifest,
  type CorpusPackage,
} from '@asset-sync/test-utils';
import { REAL_PYTHON_PACKAGES } from './corpus/fixture-data.js';

const OPTIONS = {
  packages: 60,
  recordingsPerPackage: 6,
  seed: 'unit',
  shaPinnedPackages: 2,
  emptyTagPackages: 1,
  nestedServicePins: 1,
  stalePins: 3,
} as const;

let manifest: CorpusManifest;

beforeAll(async () => {
  manifest = await generateCorpus({ root: await makeTempDir('corpus'), ...OPTIONS });
}, 60_000);

afterAll(removeTempDirs);

const pinned = (): CorpusPackage[] => manifest.packages.filter((p) => p.commit !== '');
const subtree = (p: CorpusPackage): string => `${p.prefix}/${p.packagePath}`;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] as number;
}

describe('generateCorpus: pins', () => {
  it('makes the requested number of packages with the special pins asked for', () => {
    expect(manifest.packages).toHaveLength(OPTIONS.packages);
    expect(manifest.packages.filter((p) => p.dialect === 'sha')).toHaveLength(2);
    expect(manifest.packages.filter((p) => p.commit === '' && p.tag === '')).toHaveLength(1);
    expect(manifest.packages.filter((p) => p.nesting !== undefined)).toHaveLength(2);
    // Three asked for; a service pin whose nested package was pushed later is stale too.
    expect(manifest.packages.filter((p) => p.stale).length).toBeGreaterThanOrEqual(3);
    expect(new Set(manifest.packages.map((p) => p.packagePath)).size).toBe(OPTIONS.packages);
  });

  it('names every tag <TagPrefix>_<first 10 hex of the commit> and points it at that commit', async () => {
    for (const p of pinned().filter((x) => x.dialect === 'tag')) {
      expect(p.tag).toBe(`${p.tagPrefix}_${p.commit.slice(0, 10)}`);
      expect(await resolveCommit(manifest.repoPath, `refs/tags/${p.tag}`)).toBe(p.commit);
    }
  });

  it('holds exactly the manifest files under <prefix>/<packagePath> at each pinned commit', async () => {
    for (const p of pinned()) {
      const tree = await listTreeAt(manifest.repoPath, p.commit, subtree(p));
      expect([...tree.keys()].sort()).toEqual(p.paths);
      expect(tree.size).toBe(p.files);
      expect([...tree.values()].reduce((sum, entry) => sum + entry.size, 0)).toBe(p.bytes);
      expect(p.files).toBeGreaterThan(0);
    }
    expect(manifest.totalBytes).toBe(manifest.packages.reduce((sum, p) => sum + p.bytes, 0));
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
      const atPin = await git(['--git-dir', manifest.repoPath, 'rev-parse', `${p.commit}:${subtree(p)}`]);
      const atHead = await git(['--git-dir', manifest.repoPath, 'rev-parse', `${manifest.headCommit}:${subtree(p)}`]);
      expect(atHead).toBe(atPin);
      await git(['--git-dir', manifest.repoPath, 'merge-base', '--is-ancestor', p.commit, manifest.headCommit]);
    }
  });

  it('changes stale pins’ subtrees after the pinned commit, so the newest commit must not serve them', async () => {
    for (const p of manifest.packages.filter((x) => x.stale)) {
      const atPin = await git(['--git-dir', manifest.repoPath, 'rev-parse', `${p.commit}:${subtree(p)}`]);
      const atHead = await git(['--git-dir', manifest.repoPath, 'rev-parse', `${manifest.headCommit}:${subtree(p)}`]);
      expect(atHead).not.toBe(atPin);
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

  it('uses the real languages and path shapes', () => {
    const languages = new Set(manifest.packages.map((p) => p.language));
    for (const language of ['python', 'js', 'net', 'java', 'go', 'cpp', 'rust']) expect(languages).toContain(language);
    for (const p of pinned()) {
      for (const path of p.paths) expect(path, `${p.language} ${p.packagePath}`).toMatch(SHAPES[p.language]!);
    }
    const netNames = pinned()
      .filter((p) => p.language === 'net')
      .flatMap((p) => p.paths)
      .join('\n');
    for (const char of ['(', ')', '%', "'", ',', ' ']) expect(netNames).toContain(char);
  });

  it('uses real package names before inventing any', () => {
    const python = manifest.packages.filter((p) => p.language === 'python');
    expect(python.length).toBeGreaterThan(10);
    for (const p of python) expect(REAL_PYTHON_PACKAGES).toContain(p.packagePath);
  });

  it('writes test-proxy recordings: JSON with Entries and Variables, ASCII, 2-space indent, final newline', async () => {
    let checked = 0;
    for (const p of pinned().slice(0, 20)) {
      const files = await listFilesAt(manifest.repoPath, p.commit, subtree(p));
      for (const [path, bytes] of files) {
        if (bytes.length === 0) continue;
        const text = bytes.toString('utf8');
        expect(text, path).toMatch(/^\{\n {2}"Entries": \[/);
        expect(text.endsWith('}\n')).toBe(true);
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

  it('generates files of exactly the drawn sizes, so the corpus follows the distribution too', async () => {
    const sizes: number[] = [];
    for (const p of pinned()) {
      const tree = await listTreeAt(manifest.repoPath, p.commit, subtree(p));
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

  it('gives the same repository, commit ids included, for the same seed', async () => {
    const again = await generateCorpus({ root: await makeTempDir('corpus'), ...OPTIONS });
    expect(strip(again)).toEqual(strip(manifest));
    const refs = async (m: CorpusManifest): Promise<string> => git(['--git-dir', m.repoPath, 'show-ref']);
    expect(await refs(again)).toBe(await refs(manifest));
  }, 60_000);

  it('gives a different repository for another seed', async () => {
    const other = await generateCorpus({ root: await makeTempDir('corpus'), ...OPTIONS, seed: 'other' });
    expect(other.headCommit).not.toBe(manifest.headCommit);
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

  it('filters by language and overrides AssetsRepo', async () => {
    const dir = join(await makeTempDir('lang'), 'azure-sdk-for-python');
    const repo = await writeLanguageRepoFromCorpus(dir, manifest, { languages: ['python'], assetsRepo: 'Azure/other-assets', sourceFiles: false });
    expect(repo.packages.every((p) => p.language === 'python')).toBe(true);
    const first = JSON.parse(await readFile(join(dir, repo.assetsJsonPaths[0]!), 'utf8')) as Record<string, string>;
    expect(first['AssetsRepo']).toBe('Azure/other-assets');
  });
});
