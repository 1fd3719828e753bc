import writeFileAtomic from 'write-file-atomic';
import { readFile } from 'node:fs/promises';

/**
 * Writes a whole file or none of it: the data goes to a temporary file beside `file`, is flushed,
 * and is renamed over it. A crash or a failed write leaves the old file as it was, never half a
 * file; concurrent writes to one file are queued. Every file asset-sync rewrites goes through here.
 */
export async function writeFileAtomically(file: string, data: string): Promise<void> {
  await writeFileAtomic(file, data);
}

/**
 * Rewrites an assets.json in place: `edit` gets the current text and returns the new one (the
 * edits of this lib change one value and keep every other byte). Returns what was written.
 */
export async function editAssetsJson(file: string, edit: (text: string) => string): Promise<string> {
  const text = edit(await readFile(file, 'utf8'));
  await writeFileAtomically(file, text);
  return text;
}
