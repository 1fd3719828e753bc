import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCommandError, isolatedGitEnv, TEST_IDENTITY } from './git.js';

export interface FastImportCommit {
  /** Full ref name, e.g. `refs/heads/main`. */
  ref: string;
  /** Positive integer; its commit id is returned by finish(). */
  mark?: number;
  /** Parent: `:<mark>`, a 40-hex id, or a ref expression such as `refs/heads/main^0`. */
  from?: string;
  message: string;
  /** Seconds since the epoch, used for author and committer; fixed dates keep ids reproducible. */
  date: number;
  author?: { name: string; email: string };
  /** Start from an empty tree instead of the parent's. */
  deleteAll?: boolean;
}

export interface FastImportOptions {
  /** zlib level for the pack fast-import writes (0-9); default 1, because speed beats size here. */
  compression?: number;
  /** Maximum delta chain depth; 0 stores every blob whole (fastest). Default 0. */
  deltaDepth?: number;
}

const FLUSH_BYTES = 1 << 20;
/**
 * How far the generator may run ahead of fast-import. Waiting for every chunk to drain would
 * make the two take turns; with some slack they work in parallel on two cores.
 */
const MAX_BUFFERED_BYTES = 16 << 20;

/**
 * One `git fast-import` process fed a single stream: commits, inline file contents, deletions and
 * ref resets. Writing respects backpressure, so a corpus of hundreds of megabytes never sits in
 * memory at once.
 */
export class FastImportWriter {
  private readonly child;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly stderr: Buffer[] = [];
  private readonly exited: Promise<number | null>;
  private failure: Error | undefined;
  private bytesWritten = 0;

  private constructor(
    private readonly gitDir: string,
    private readonly marksDir: string,
    options: FastImportOptions,
  ) {
    const args = [
      '--git-dir',
      gitDir,
      '-c',
      `pack.compression=${options.compression ?? 1}`,
      'fast-import',
      '--quiet',
      '--done',
      `--depth=${options.deltaDepth ?? 0}`,
      `--export-marks=${join(marksDir, 'marks')}`,
    ];
    this.child = spawn('git', args, { env: isolatedGitEnv(), stdio: ['pipe', 'ignore', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.stdin.on('error', (error) => {
      this.failure ??= error;
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code) => resolve(code));
    });
    // A crash shows up on the next write; keep the rejection from being unhandled meanwhile.
    this.exited.catch(() => undefined);
  }

  static async start(gitDir: string, options: FastImportOptions = {}): Promise<FastImportWriter> {
    const marksDir = await mkdtemp(join(tmpdir(), 'asset-sync-marks-'));
    return new FastImportWriter(gitDir, marksDir, options);
  }

  /** Total bytes of stream written so far. */
  get streamBytes(): number {
    return this.bytesWritten + this.pendingBytes;
  }

  async commit(commit: FastImportCommit): Promise<void> {
    const who = commit.author ?? TEST_IDENTITY;
    const ident = `${who.name} <${who.email}> ${commit.date} +0000`;
    const message = Buffer.from(commit.message, 'utf8');
    let head = `commit ${commit.ref}\n`;
    if (commit.mark !== undefined) head += `mark :${commit.mark}\n`;
    head += `author ${ident}\ncommitter ${ident}\ndata ${message.length}\n`;
    await this.push(head);
    await this.push(message);
    let tail = '\n';
    if (commit.from !== undefined) tail += `from ${commit.from}\n`;
    if (commit.deleteAll) tail += 'deleteall\n';
    await this.push(tail);
  }

  /** Adds or replaces a file in the commit being written (call after commit()). */
  async modify(path: string, content: string | Buffer, mode = '100644'): Promise<void> {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await this.push(`M ${mode} inline ${quotePath(path)}\ndata ${data.length}\n`);
    await this.push(data);
    await this.push('\n');
  }

  async delete(path: string): Promise<void> {
    await this.push(`D ${quotePath(path)}\n`);
  }

  /** Points `ref` (a branch or a lightweight tag) at `from`. */
  async reset(ref: string, from: string): Promise<void> {
    await this.push(`reset ${ref}\nfrom ${from}\n\n`);
  }

  async annotatedTag(name: string, from: string, message: string, date: number): Promise<void> {
    const data = Buffer.from(message, 'utf8');
    await this.push(
      `tag ${name}\nfrom ${from}\ntagger ${TEST_IDENTITY.name} <${TEST_IDENTITY.email}> ${date} +0000\ndata ${data.length}\n`,
    );
    await this.push(data);
    await this.push('\n');
  }

  /** Ends the stream, waits for fast-import, and returns the commit id of every mark. */
  async finish(): Promise<Map<number, string>> {
    await this.push('done\n');
    await this.flush();
    this.child.stdin.end();
    const code = await this.exited;
    try {
      if (code !== 0 || this.failure) throw this.error(code);
      const marks = new Map<number, string>();
      const text = await readFile(join(this.marksDir, 'marks'), 'utf8').catch(() => '');
      for (const line of text.split('\n')) {
        const match = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
        if (match) marks.set(Number(match[1]), match[2] as string);
      }
      return marks;
    } finally {
      await rm(this.marksDir, { recursive: true, force: true });
    }
  }

  /** Stops fast-import without updating any ref (for error paths). */
  async abort(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited.catch(() => undefined);
    await rm(this.marksDir, { recursive: true, force: true });
  }

  private error(code: number | null): Error {
    const stderr = Buffer.concat(this.stderr).toString('utf8');
    return new GitCommandError(['--git-dir', this.gitDir, 'fast-import'], code, stderr || String(this.failure ?? ''), undefined);
  }

  private async push(chunk: string | Buffer): Promise<void> {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.bytesWritten += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.failure || this.child.exitCode !== null) throw this.error(this.child.exitCode);
    this.child.stdin.write(data);
    if (this.child.stdin.writableLength > MAX_BUFFERED_BYTES) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.child.stdin.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          this.child.stdin.off('drain', onDrain);
          reject(this.error(this.child.exitCode));
        };
        this.child.stdin.once('drain', onDrain);
        this.child.stdin.once('close', onClose);
      });
    }
  }
}

/** fast-import reads a path to the end of the line; only a leading quote or a newline needs C quoting. */
function quotePath(path: string): string {
  if (!path.startsWith('"') && !path.includes('\n')) return path;
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
