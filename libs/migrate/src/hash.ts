import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** Bigger files are hashed as a stream rather than read whole. */
const STREAM_ABOVE = 64 << 20;

/**
 * The git blob id of a file's bytes (SHA-1 of `blob <size>\0<bytes>`): the content hash the
 * migration compares, and the same id git gave the file when it was written, so a mismatch
 * names exactly which copy differs. Undefined when the file does not exist.
 */
export async function blobIdOfFile(path: string, options: { streamAbove?: number } = {}): Promise<string | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info || !info.isFile()) return undefined;
  const hash = createHash('sha1');
  if (info.size <= (options.streamAbove ?? STREAM_ABOVE)) {
    const data = await readFile(path);
    hash.update(`blob ${data.length}\0`);
    hash.update(data);
    return hash.digest('hex');
  }
  hash.update(`blob ${info.size}\0`);
  let read = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
  }
  // A file that grew or shrank while being read does not get the id of either version.
  return read === info.size ? hash.digest('hex') : `changed-while-reading:${path}`;
}

export function blobIdOf(data: Buffer | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
