import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { AssetSyncError, redact } from '@asset-sync/errors';
import { checkGitVersion, countProcess, FIXED_CONFIG, gitEnvironment, gitNotFound } from './run.js';

/** One object `git cat-file --batch` printed. */
export interface CatFileObject {
  type: string;
  /** Empty for an `info` question. */
  body: Buffer;
  oid: string;
}

/**
 * Reads `git cat-file --batch` output: the objects found, by the name they were asked for
 * (answers come in the order of the questions; a name git does not know is absent). The one
 * parser of that format, for one-shot reads and for an open reader alike.
 */
export function parseCatFileBatch(out: Buffer, names: readonly string[]): Map<string, CatFileObject> {
  const parser = new BatchParser();
  const found = new Map<string, CatFileObject>();
  let index = 0;
  parser.push(out, (object) => {
    const name = names[index++];
    if (name !== undefined && object) found.set(name, object);
  });
  return found;
}

/** What a question asks: an object's contents (`--batch`) or only its id and type (`--batch-check`). */
export type Question = 'contents' | 'info';

/**
 * Incremental parser: each complete answer is handed on; a partial one waits for more bytes.
 * `next` says what the next answer is to: an `info` answer is its header line alone.
 */
class BatchParser {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, answer: (object: CatFileObject | undefined) => void, next: () => Question = () => 'contents'): void {
    let buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let at = 0;
    for (;;) {
      const headerEnd = buffer.indexOf(10, at);
      if (headerEnd < 0) break;
      const fields = buffer.subarray(at, headerEnd).toString('latin1').split(' ');
      const last = fields[fields.length - 1];
      // `<name> missing` (or `ambiguous`): the name may hold spaces, the verdict is the last word.
      if (last === 'missing' || last === 'ambiguous' || fields.length < 3) {
        at = headerEnd + 1;
        answer(undefined);
        continue;
      }
      const type = fields[fields.length - 2] as string;
      if (next() === 'info') {
        at = headerEnd + 1;
        answer({ type, body: Buffer.alloc(0), oid: fields[0] as string });
        continue;
      }
      const size = Number(last);
      const end = headerEnd + 1 + size;
      if (end + 1 > buffer.length) break;
      answer({ type, body: Buffer.from(buffer.subarray(headerEnd + 1, end)), oid: fields[0] as string });
      at = end + 1;
    }
    buffer = buffer.subarray(at);
    this.pending = buffer.length === 0 ? Buffer.alloc(0) : Buffer.from(buffer);
  }
}

interface Waiter {
  question: Question;
  names: string[];
  found: Map<string, CatFileObject>;
  answered: number;
  resolve: (found: Map<string, CatFileObject>) => void;
  reject: (error: Error) => void;
}

/**
 * One `git cat-file --batch-command` kept open: a tree walk asks for each level's objects on the
 * same process instead of starting one per level, and a run sharing it (Store.shareReader) asks
 * its type checks there too (every start costs git its setup and a read of the pack indexes,
 * and this machine's fork and exec about 8 ms; a restore started eleven of them). Questions are
 * answered in order; objects fetched meanwhile are found (git rereads the pack list on a miss).
 * Always `close()` it, in a `finally`.
 */
export class CatFileReader {
  private readonly parser = new BatchParser();
  private readonly waiting: Waiter[] = [];
  private stderr = '';
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) =>
      this.parser.push(
        chunk,
        (object) => this.answer(object),
        () => this.waiting[0]?.question ?? 'contents',
      ),
    );
    child.stderr.on('data', (chunk: Buffer) => void (this.stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.on('error', (error: NodeJS.ErrnoException) => {
        this.fail(error.code === 'ENOENT' ? gitNotFound() : error);
        resolve();
      });
      child.on('close', (code) => {
        this.fail(new AssetSyncError('GIT_FAILED', `git cat-file --batch-command exited (${code ?? 'signal'}) with questions unanswered:\n${redact(this.stderr.trim())}`));
        resolve();
      });
    });
  }

  /** Starts the reader on a repository (a bare store's git dir or a worktree). */
  static async open(cwd: string): Promise<CatFileReader> {
    await checkGitVersion();
    countProcess();
    const args = [...FIXED_CONFIG.flatMap((c) => ['-c', c]), 'cat-file', '--batch-command'];
    return new CatFileReader(spawn('git', args, { cwd, env: gitEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** The objects with these names (ids, or `<commit>:<path>`); names git lacks are absent. */
  read(names: readonly string[]): Promise<Map<string, CatFileObject>> {
    return this.ask('contents', names);
  }

  /** Id and type of the objects with these names (bodies empty), as `--batch-check` says them. */
  info(names: readonly string[]): Promise<Map<string, CatFileObject>> {
    return this.ask('info', names);
  }

  private ask(question: Question, names: readonly string[]): Promise<Map<string, CatFileObject>> {
    const unique = [...new Set(names)];
    if (unique.length === 0) return Promise.resolve(new Map());
    // A line break in a name would shift every answer after it.
    const broken = unique.find((name) => /[\r\n\0]/.test(name));
    if (broken !== undefined) return Promise.reject(new AssetSyncError('UNSAFE_INPUT', `refusing to ask git about ${JSON.stringify(broken)}: it holds a line break`));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ question, names: unique, found: new Map(), answered: 0, resolve, reject });
      this.child.stdin.write(unique.map((name) => `${question} ${name}\n`).join(''));
    });
  }

  /** True once the process is gone: every question would fail. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }

  private answer(object: CatFileObject | undefined): void {
    const waiter = this.waiting[0];
    if (!waiter) return;
    const name = waiter.names[waiter.answered++] as string;
    if (object) waiter.found.set(name, object);
    if (waiter.answered === waiter.names.length) {
      this.waiting.shift();
      waiter.resolve(waiter.found);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}
