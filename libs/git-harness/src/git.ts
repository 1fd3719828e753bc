import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The identity every fixture commit is made with, so commit ids are reproducible. */
export const TEST_IDENTITY = { name: 'asset-sync test', email: 'asset-sync-test@example.invalid' } as const;

/**
 * Variables that would point git at another repository, another config or another identity.
 * A test started from a git hook (or a developer's shell) must not inherit them.
 */
const LEAKY_GIT_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_CONFIG',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_SYSTEM',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_PROTOCOL',
  'GIT_TRACE',
  'GIT_TRACE_PACKET',
  'GIT_TRACE2',
  'GIT_TRACE2_EVENT',
  'GIT_TRACE2_PERF',
  'GIT_REDIRECT_STDERR',
];

let globalConfigs: { withIdentity: string; withoutIdentity: string } | undefined;

/**
 * Writes the files once per machine into a directory named by their hash: test runners end
 * workers without an 'exit' event, so per-process files would pile up. Each file is written to a
 * temporary name and renamed, so concurrent processes never read half a file.
 */
function sharedConfigFiles(files: Record<string, string>): Record<string, string> {
  const hash = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `asset-sync-gitconfig-${hash}`);
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if (!existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, content);
      renameSync(temporary, path);
    }
    paths[name] = path;
  }
  return paths;
}

/**
 * Paths of the two global git config files tests run with: one with the test identity, one
 * without (and `user.useConfigOnly`, so git refuses to guess a name from the host).
 */
export function testGitConfigFiles(): { withIdentity: string; withoutIdentity: string } {
  if (globalConfigs === undefined) {
    const common = [
      '[init]',
      '\tdefaultBranch = main',
      '[commit]',
      '\tgpgsign = false',
      '[tag]',
      '\tgpgsign = false',
      '[maintenance]',
      '\tauto = false',
      '[gc]',
      '\tauto = 0',
    ];
    const paths = sharedConfigFiles({
      gitconfig: [...common, '[user]', `\tname = ${TEST_IDENTITY.name}`, `\temail = ${TEST_IDENTITY.email}`, ''].join('\n'),
      'gitconfig-no-identity': [...common, '[user]', '\tuseConfigOnly = true', ''].join('\n'),
    });
    globalConfigs = { withIdentity: paths['gitconfig'] as string, withoutIdentity: paths['gitconfig-no-identity'] as string };
  }
  return globalConfigs;
}

/**
 * The environment fixtures and the CLI under test run git with: the caller's environment minus
 * anything that points git elsewhere, no system config, and a private global config.
 */
export function isolatedGitEnv(
  overrides: Record<string, string | undefined> = {},
  options: { identity?: boolean } = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of LEAKY_GIT_VARIABLES) delete env[name];
  for (const name of Object.keys(env)) {
    if (name.startsWith('GIT_CONFIG_KEY_') || name.startsWith('GIT_CONFIG_VALUE_')) delete env[name];
  }
  const files = testGitConfigFiles();
  env['GIT_CONFIG_NOSYSTEM'] = '1';
  env['GIT_CONFIG_GLOBAL'] = options.identity === false ? files.withoutIdentity : files.withIdentity;
  env['GIT_TERMINAL_PROMPT'] = '0';
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** A git command that exited non-zero; carries what is needed to understand why. */
export class GitCommandError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(args: readonly string[], exitCode: number | null, stderr: string, cwd: string | undefined) {
    super(
      `git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'})${cwd ? ` in ${cwd}` : ''}: ${stderr.trim()}`,
    );
    this.name = new.target.name;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export function isGitCommandError(error: unknown): error is GitCommandError {
  return error instanceof GitCommandError;
}

export interface RunGitOptions {
  cwd?: string;
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  /** Merged over the isolated environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number | null;
}

/** Runs git with the isolated environment; throws GitCommandError on a non-zero exit. */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: isolatedGitEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    // git may exit before reading all of stdin; the EPIPE that follows is not the error to report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => {
      const result = { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), exitCode: code };
      if (code !== 0 && !options.allowFailure) reject(new GitCommandError(args, code, result.stderr, options.cwd));
      else resolve(result);
    });
  });
}

/** Runs git and returns its stdout as trimmed text. */
export async function git(args: readonly string[], options: RunGitOptions = {}): Promise<string> {
  const { stdout } = await runGit(args, options);
  return stdout.toString('utf8').trim();
}
