import type { FastImportWriter } from '@asset-sync/git-harness';
import type { Prng } from './prng.js';
import type { CatalogEntry } from './catalog.js';
import { recordingNames } from './names.js';
import { assetsDirOf, type PlannedPackage } from './packages.js';
import { renderRecording, renderUploadRecording } from './recording.js';
import { drawRecordingSize, drawUploadSize } from './sizes.js';

/** Storage data-plane packages, whose tests upload and download blobs and files. */
export function isStoragePackage(entry: CatalogEntry): boolean {
  return entry.service === 'storage' && !entry.mgmt;
}

export interface PushShares {
  /** Chance that a later push re-records a given recording. */
  rerecord: number;
  /** Chance that a new recording of a storage package is an upload of random data. */
  upload: number;
}

/**
 * Writes one push of a package into the current commit; returns how many recordings it wrote.
 * The first push records every test; a later one re-records some, adds a couple and now and then
 * drops one. `stamp` tells pushes apart in the contents' random streams.
 */
export async function writePush(
  writer: FastImportWriter,
  p: PlannedPackage,
  stamp: number,
  version: number,
  shares: PushShares = { rerecord: 0.4, upload: 0 },
): Promise<number> {
  const base = assetsDirOf(p);
  const rng = p.rng.fork(`touch:${version}`);
  const changed = new Map<string, number>();
  const deleted: string[] = [];
  const uploads = shares.upload > 0 && isStoragePackage(p.entry);
  const sizeOf = (name: string): number => (p.uploads.has(name) ? drawUploadSize(rng) : drawRecordingSize(rng));
  const add = (name: string): void => {
    if (uploads && rng.bool(shares.upload)) p.uploads.add(name);
    changed.set(name, sizeOf(name));
  };
  if (version === 0) {
    for (const name of recordingNames(p.entry, p.recordings, p.rng.fork('names'))) add(name);
  } else {
    const current = [...p.files.keys()];
    for (const name of current) {
      if (rng.bool(shares.rerecord)) changed.set(name, sizeOf(name));
    }
    if (changed.size === 0 && current.length > 0) {
      const name = rng.pick(current);
      changed.set(name, sizeOf(name));
    }
    const additions = rng.int(0, 2);
    const fresh = recordingNames(p.entry, p.files.size + additions + 4, p.rng.fork(`names:${version}`)).filter(
      (name) => !p.files.has(name),
    );
    for (const name of fresh.slice(0, additions)) add(name);
    if (current.length > 3 && rng.bool(0.2)) {
      const victim = rng.pick(current.filter((name) => !changed.has(name)).concat(current[0]!));
      changed.delete(victim);
      deleted.push(victim);
    }
  }
  for (const name of deleted) {
    p.files.delete(name);
    p.uploads.delete(name);
    await writer.delete(`${base}/${name}`);
  }
  for (const [name, size] of changed) {
    const fileRng: Prng = p.rng.fork(`file:${name}@${stamp}`);
    const text = p.uploads.has(name) ? renderUploadRecording(p.style, size, fileRng) : renderRecording(p.style, size, fileRng);
    p.files.set(name, text.length);
    await writer.modify(`${base}/${name}`, text);
  }
  return changed.size;
}

/** Files and bytes under a package's folder now: its own and those of the packages nested in it. */
export function snapshotOf(p: PlannedPackage, inside: PlannedPackage[]): { files: number; bytes: number; paths: string[] } {
  const paths: string[] = [];
  let bytes = 0;
  for (const q of inside) {
    const rel = q === p ? '' : `${q.entry.packagePath.slice(p.entry.packagePath.length + 1)}/`;
    for (const [name, size] of q.files) {
      paths.push(rel + name);
      bytes += size;
    }
  }
  paths.sort();
  return { files: paths.length, bytes, paths };
}
