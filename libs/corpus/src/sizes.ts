import type { Prng } from './prng.js';
import { REAL_RECORDING_SIZES } from './fixture-data.js';

/**
 * A recording size drawn from the real distribution (fixtures/real-world/recording-sizes.tsv):
 * one real size picked uniformly, then jittered by up to ±20% so sizes do not repeat exactly.
 * Empty files stay empty.
 */
export function drawRecordingSize(rng: Prng): number {
  const base = rng.pick(REAL_RECORDING_SIZES);
  if (base === 0) return 0;
  return Math.max(1, Math.round(base * Math.exp((rng.next() * 2 - 1) * 0.2)));
}

/** Median, 90th percentile, maximum and share of empty files of the real distribution. */
export function realSizeStats(): { median: number; p90: number; max: number; emptyFraction: number } {
  const sizes = REAL_RECORDING_SIZES;
  return {
    median: sizes[Math.floor(sizes.length / 2)] as number,
    p90: sizes[Math.floor(sizes.length * 0.9)] as number,
    max: sizes[sizes.length - 1] as number,
    emptyFraction: sizes.filter((size) => size === 0).length / sizes.length,
  };
}

/** Smallest and largest storage upload recording, bytes. */
const UPLOAD_MIN = 256 * 1024;
const UPLOAD_MAX = 8 * 1024 * 1024;

/**
 * The size of a storage upload recording (a request body of random bytes, base64): log-uniform
 * from 256 KiB to 8 MiB, mean about 2.2 MiB. With the default share of uploads among a storage
 * package's recordings (see generateCorpus), a storage package averages roughly the 140 KB per
 * recording of the real Java storage recordings (4,693 files, 666 MB).
 */
export function drawUploadSize(rng: Prng): number {
  return Math.round(Math.exp(Math.log(UPLOAD_MIN) + rng.next() * (Math.log(UPLOAD_MAX) - Math.log(UPLOAD_MIN))));
}
