import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { AssetSyncError, redact } from '@asset-sync/errors';
import { checkGitVersion, countProcess, gitEnvironment, gitNotFound } from './run.js';
import type { Store } from './store.js';

/**
 * Bulk blob writes for `asset-sync migrate`: thousands of files' contents into an assets-repo
 * store through `git fast-import`, streamed from disk, without a checkout. The bytes are stored
 * exactly as read (no filters, no line-ending conversion).
 */
/** One file to store: where its bytes are on disk. */
export interface BlobSource {
  absPath: string;
  /** Size as planned; a file that changed size since is still read whole. */
  size?: number;
}

export interface WriteBlobsOptions {
  /** Parallel fast-import processes; default: CPUs, at most 4, and 1 for small inputs. */
  jobs?: number;
  /** zlib level for contents that compress (0-9); default 1: speed first, the push sends these bytes as they are. */
  compression?: number;
  /**
   * Contents whose sample deflates to at least this share of its size are stored uncompressed
   * (level 0): random payloads (base64 uploads) save a quarter at three times the CPU. Default
   * 0.7; 1 or more compresses everything.
   */
  storeAboveRatio?: number;
  /** Called with the bytes streamed so far. */
  onProgress?: (bytesDone: number) => void;
}

/** Bytes in flight per process: enough read-ahead to keep git busy, bounded for 50 MB files. */
const READ_AHEAD_BYTES = 32 << 20;
const READ_AHEAD_FILES = 16;
/** Files this big or bigger are sampled for compressibility; smaller ones are compressed. */
const SAMPLE_FROM = 64 << 10;
const SAMPLE_BYTES = 32 << 10;

/**
 * Stores the files' contents as blobs and returns their ids, in input order. `jobs` `git
 * fast-import` processes each get a share balanced by the work it costs and write one pack, so
 * objects are compressed once, in parallel, and the push reuses them as they are. Objects the
 * store already has are not written again.
 */
export async function writeBlobs(store: Store, files: BlobSource[], options: WriteBlobsOptions = {}): Promise<string[]> {
  if (files.length === 0) return [];
  const total = files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  const jobs = Math.max(1, Math.min(options.jobs ?? Math.min(4, availableParallelism()), files.length, total < 8 << 20 ? 1 : 64));
  const level = options.compression ?? 1;
  const stored = level > 0 ? await incompressible(files, options.storeAboveRatio ?? 0.7) : new Set<number>();
  // Deflating costs about three times what storing does: processes are shared out by that work.
  const groups = [
    { level, items: files.map((_, i) => i).filter((i) => !stored.has(i)), weight: 3 },
    { level: 0, items: [...stored], weight: 1 },
  ].filter((g) => g.items.length > 0);
  const cost = (g: (typeof groups)[number]): number => g.weight * g.items.reduce((sum, i) => sum + (files[i]!.size ?? 0), 0);
  const allCost = groups.reduce((sum, g) => sum + cost(g), 0) || 1;
  const bins: Array<{ level: number; bytes: number; items: number[] }> = [];
  for (const group of groups) {
    const count = Math.max(1, Math.round((jobs * cost(group)) / allCost));
    const mine = Array.from({ length: Math.min(count, group.items.length) }, () => ({ level: group.level, bytes: 0, items: [] as number[] }));
    // Largest first into the lightest bin: a 50 MB file does not leave one process doing all the work.
    for (const i of [...group.items].sort((a, b) => (files[b]!.size ?? 0) - (files[a]!.size ?? 0))) {
      const bin = mine.reduce((lightest, b) => (b.bytes < lightest.bytes ? b : lightest));
      bin.items.push(i);
      bin.bytes += files[i]!.size ?? 0;
    }
    bins.push(...mine);
  }
  const oids = new Array<string>(files.length);
  let done = 0;
  await Promise.all(
    bins.map(async (bin) => {
      bin.items.sort((a, b) => a - b);
      const ids = await fastImportBlobs(store, bin.items.map((i) => files[i]!), bin.level, (n) => {
        done += n;
        options.onProgress?.(done);
      });
      bin.items.forEach((fileIndex, k) => (oids[fileIndex] = ids[k]!));
    }),
  );
  return oids;
}

/** Which files look like random data: a sample of each big file deflated at level 1 barely shrinks. */
async function incompressible(files: BlobSource[], ratio: number): Promise<Set<number>> {
  const found = new Set<number>();
  if (ratio >= 1) return found;
  const sample = Buffer.alloc(SAMPLE_BYTES);
  for (const [i, file] of files.entries()) {
    if ((file.size ?? 0) < SAMPLE_FROM) continue;
    const handle = await open(file.absPath, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
    if (!handle) continue;
    try {
      const { bytesRead } = await handle.read(sample, 0, SAMPLE_BYTES, 0);
      if (bytesRead > 0 && deflateRawSync(sample.subarray(0, bytesRead), { level: 1 }).length >= bytesRead * ratio) found.add(i);
    } finally {
      await handle.close();
    }
  }
  return found;
}

async function fastImportBlobs(store: Store, files: BlobSource[], compression: number, onBytes: (n: number) => void): Promise<string[]> {
  const marks = join(store.gitDir, `asset-sync-marks-${process.pid}-${randomBytes(4).toString('hex')}`);
  const args = ['-c', `pack.compression=${compression}`, '-c', 'core.bigFileThreshold=2g', 'fast-import', '--quiet', '--done', '--depth=0', `--export-marks=${marks}`];
  // Spawned here, not through runGit: the blobs stream into stdin with backpressure.
  await checkGitVersion();
  countProcess();
  const child = spawn('git', args, { cwd: store.gitDir, env: gitEnvironment(), stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let streamError: Error | undefined;
  child.stdin.on('error', (error) => (streamError ??= error));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? gitNotFound() : error));
    child.on('close', (code) => resolve(code ?? 128));
  });
  exited.catch(() => undefined);
  const failure = (code: number | string): AssetSyncError =>
    new AssetSyncError('GIT_FAILED', `git fast-import in ${store.gitDir} failed (${code}):\n${redact(stderr.trim()).split('\n').slice(-6).join('\n')}`);

  try {
    // Reads run ahead of the pipe so that disk and git work at the same time.
    const reads: Array<Promise<Buffer> | undefined> = [];
    let inFlight = 0;
    for (let i = 0; i < files.length; i++) {
      while (reads.length < files.length && (reads.length <= i || (inFlight < READ_AHEAD_BYTES && reads.length - i < READ_AHEAD_FILES))) {
        const file = files[reads.length]!;
        inFlight += file.size ?? 0;
        const read = readSource(file.absPath);
        // Awaited in order below; until then a failure must not count as unhandled.
        read.catch(() => undefined);
        reads.push(read);
      }
      const data = await (reads[i] as Promise<Buffer>);
      reads[i] = undefined;
      inFlight -= files[i]!.size ?? 0;
      if (streamError || child.exitCode !== null) throw failure(child.exitCode ?? String(streamError));
      child.stdin.write(`blob\nmark :${i + 1}\ndata ${data.length}\n`);
      child.stdin.write(data);
      if (!child.stdin.write('\n') && child.stdin.writableLength > 8 << 20) {
        await new Promise<void>((resolve) => {
          const go = (): void => {
            child.stdin.off('drain', go);
            child.stdin.off('close', go);
            resolve();
          };
          child.stdin.once('drain', go);
          child.stdin.once('close', go);
        });
      }
      onBytes(data.length);
    }
    child.stdin.end('done\n');
    const code = await exited;
    if (code !== 0) throw failure(code);
    const ids = new Array<string>(files.length);
    for (const line of (await readFile(marks, 'utf8')).split('\n')) {
      const match = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
      if (match) ids[Number(match[1]) - 1] = match[2]!;
    }
    const missing = ids.findIndex((id) => id === undefined);
    if (missing >= 0 || ids.length !== files.length) throw failure(`no id for ${files[Math.max(0, missing)]?.absPath}`);
    return ids;
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited.catch(() => undefined);
    throw error;
  } finally {
    await rm(marks, { force: true });
  }
}

async function readSource(path: string): Promise<Buffer> {
  // O_NOFOLLOW: a file replaced by a symbolic link since planning is refused, not followed.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
    throw new AssetSyncError('MIGRATION_FAILED', `cannot read ${path}: ${error.code ?? error.message}`, {
      hint: 'The file changed or disappeared since the plan was made; run asset-sync migrate again.',
    });
  });
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
