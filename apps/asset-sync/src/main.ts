import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { AssetSyncError, exitCodeOf, isAssetSyncError, redact, type ErrorReport } from '@asset-sync/errors';
import { registerCommands, type Run } from './commands/index.js';
import type { CommandResult, GlobalOptions } from './result.js';

/**
 * The CLI's single exit: parses arguments, runs one handler, prints its result (text or JSON),
 * and returns the exit code. 0 ok, 1 an operation failed, 2 usage or configuration error.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = new Command('asset-sync');
  let result: CommandResult | undefined;
  const run: Run =
    <Args extends unknown[]>(handler: (globals: GlobalOptions, ...args: Args) => Promise<CommandResult>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      result = await handler(globalsOf(command), ...(args.slice(0, -1) as Args));
    };

  program
    .description('Restores test recordings from an assets repo, and pushes new ones, for SDK language repos.')
    .addOption(new Option('--json', 'print machine-readable JSON').default(false))
    .addOption(new Option('--verbose', 'print stack traces and git commands').default(false))
    .addOption(new Option('-C, --cwd <dir>', 'run as if started in <dir>'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerCommands(program, run, io);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; anything else is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error, program.opts<{ json?: boolean; verbose?: boolean }>(), io);
  }
  if (!result) return 0;
  const globals = program.opts<{ json?: boolean }>();
  if (globals.json) io.out(`${JSON.stringify(result.json, null, 2)}\n`);
  else if (result.text) io.out(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
  for (const warning of result.warnings ?? []) io.err(`${warning}\n`);
  return result.exitCode;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal and CI is not set: live progress and prompts are allowed. */
  interactive: boolean;
}

export function processIo(): Io {
  const ci = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
  // A reader that went away (`restore --all | head -1`) must not stop the work half-way: writes
  // to a closed stream are dropped, and the run goes on to record what it did.
  const closed = { out: false, err: false };
  process.stdout.on('error', () => void (closed.out = true));
  process.stderr.on('error', () => void (closed.err = true));
  return {
    out: (text) => void (closed.out || process.stdout.write(text)),
    err: (text) => void (closed.err || process.stderr.write(text)),
    interactive: Boolean(process.stderr.isTTY && process.stdin.isTTY) && !ci,
  };
}

function globalsOf(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals<{ json?: boolean; verbose?: boolean; cwd?: string }>();
  return { json: opts.json === true, verbose: opts.verbose === true, cwd: resolve(opts.cwd ?? process.cwd()) };
}

function reportError(error: unknown, globals: { json?: boolean; verbose?: boolean }, io: Io): number {
  const code = exitCodeOf(error);
  if (globals.json) {
    const body: ErrorReport = isAssetSyncError(error) ? error.toJSON() : { code: 'INTERNAL', message: redact(String((error as Error)?.message ?? error)) };
    io.out(`${JSON.stringify({ ok: false, error: body }, null, 2)}\n`);
    return code;
  }
  if (isAssetSyncError(error)) {
    io.err(`error: ${redact(error.message)}\n`);
    for (const problem of error.problems) {
      const line = `  - ${problem.file}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ''}: ${problem.message}`;
      if (!error.message.includes(problem.message)) io.err(`${line}\n`);
    }
    if (error.hint) io.err(`hint: ${error.hint}\n`);
  } else {
    io.err(`error: ${redact(String((error as Error)?.message ?? error))}\n`);
    if (!globals.verbose) io.err('(run with --verbose for the stack trace)\n');
  }
  if (globals.verbose && error instanceof Error && error.stack) io.err(`${redact(error.stack)}\n`);
  return code;
}

export { AssetSyncError };
