import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFilesAt, listTreeAt, makeTempDir, removeTempDirs, resolveCommit } from '@asset-sync/git-harness';
import { generateCorpus, type CorpusManifest } from '@asset-sync/corpus';
import { assetsPathOf, restorablePackages } from './manifest.js';
import { buildSameBytesRepo, type SameBytesRepo } from './floors.js';
import { PIN_CHANGES, planPinChanges } from './restore.js';

let manifest: CorpusManifest;
let sameBytes: SameBytesRepo;

beforeAll(async () => {
  const root = await makeTempDir('bench-floors');
  const full = await generateCorpus({ root: join(root, 'server'), packages: 40, recordingsPerPackage: 3, seed: 'bench-floors', nestedServicePins: 1, shaPinnedPackages: 1, storageUploadShare: 0 });
  const packages = full.packages.filter((pkg) => full.languageRepoLanguages.includes(pkg.language));
  manifest = { ...full, packages };
  sameBytes = await buildSameBytesRepo(join(root, 'server'), manifest);
}, 120_000);

afterAll(removeTempDirs);

describe('buildSameBytesRepo', () => {
  it('holds every package’s folder at its pin, byte for byte, and nothing else, in one commit', async () => {
    expect(await resolveCommit(sameBytes.path, 'refs/heads/main')).toBe(sameBytes.commit);
    const all = await listFilesAt(sameBytes.path, sameBytes.commit);
    const expected = new Map<string, Buffer>();
    for (const pkg of restorablePackages(manifest)) {
      for (const [path, bytes] of await listFilesAt(manifest.repoPath, pkg.commit, assetsPathOf(pkg))) expected.set(`${assetsPathOf(pkg)}/${path}`, bytes);
    }
    expect([...all.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, bytes] of expected) expect(all.get(path)!.equals(bytes), path).toBe(true);
    expect(sameBytes.files).toBe(expected.size);
    expect(sameBytes.bytes).toBe([...expected.values()].reduce((sum, bytes) => sum + bytes.length, 0));
    // A nested package's files sit in its service's folder too, so they count once here.
    expect(sameBytes.bytes).toBeLessThan(manifest.packages.reduce((sum, pkg) => sum + pkg.bytes, 0));
  });
});

describe('planPinChanges', () => {
  it('moves up to 10 older Tag pins to their package’s newest push and counts the bytes that changed', async () => {
    const changes = await planPinChanges(manifest);
    expect(changes.moved.length).toBeGreaterThan(0);
    expect(changes.moved.length).toBeLessThanOrEqual(PIN_CHANGES);
    let files = 0;
    let bytes = 0;
    for (const moved of changes.moved) {
      const before = manifest.packages.find((pkg) => pkg.packagePath === moved.packagePath)!;
      expect(before.commit).not.toBe(moved.commit);
      expect(moved.commit).toBe(before.pushes[before.pushes.length - 1]);
      expect(moved.dialect).toBe('tag');
      expect(await resolveCommit(manifest.repoPath, `refs/tags/${moved.tag}`)).toBe(moved.commit);
      const old = await listFilesAt(manifest.repoPath, before.commit, assetsPathOf(before));
      const now = await listFilesAt(manifest.repoPath, moved.commit, assetsPathOf(moved));
      for (const [path, content] of now) {
        if (old.get(path)?.equals(content)) continue;
        files += 1;
        bytes += content.length;
      }
      expect(moved.paths).toEqual([...(await listTreeAt(manifest.repoPath, moved.commit, assetsPathOf(moved))).keys()].sort());
      expect(changes.manifest.packages.find((pkg) => pkg.packagePath === moved.packagePath)).toEqual(moved);
    }
    expect({ files: changes.files, bytes: changes.bytes }).toEqual({ files, bytes });
    expect(changes.manifest.packages).toHaveLength(manifest.packages.length);
  });
});
