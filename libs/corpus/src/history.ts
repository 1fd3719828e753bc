import type { FastImportWriter } from '@asset-sync/git-harness';

/** What writing a corpus's history left behind, for the tags and the manifest. */
export interface WrittenHistory {
  /** Commit id of a fast-import mark. */
  commitOf(mark: number): string;
  /** Mark of the tip of `main`. */
  headMark: number;
  /** Commits written. */
  commits: number;
  /** Recording versions written (before git's own deduplication). */
  blobs: number;
  streamBytes: number;
  /** Refs the writer needed only while writing; deleted with the tags' transaction. */
  scratchRefs?: string[];
}

/** 2023-01-02T00:00:00Z; commits follow hours or days apart. */
export const HISTORY_START = 1_672_617_600;

export const COMMIT_MESSAGE = 'Automatic asset update from test-proxy.';

/** The commit id of every mark fast-import reported, failing loudly on one it did not. */
export function commitLookup(marks: Map<number, string>): (mark: number) => string {
  return (mark) => {
    const commit = marks.get(mark);
    if (commit === undefined) throw new Error(`fast-import reported no commit for mark :${mark}`);
    return commit;
  };
}

/** Runs `body` against the writer, aborting fast-import (no ref updated) when it throws. */
export async function writeOrAbort(writer: FastImportWriter, body: () => Promise<void>): Promise<Map<number, string>> {
  try {
    await body();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.finish();
}
