import { Option, type Command } from 'commander';
import { processIo } from '../main.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import { configShowCommand } from './config.js';
import { discoverCommand } from './discover.js';
import { initCommand, pushCommand, resetCommand, resolveCommand } from './develop.js';
import { locateCommand } from './locate.js';
import { planCommand } from './plan.js';
import { restoreCommand } from './restore.js';
import { statusCommand } from './status.js';

type Handler = (globals: GlobalOptions, ...args: never[]) => Promise<CommandResult>;
export type Run = (handler: Handler) => (...args: unknown[]) => Promise<void>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const layoutOption = (): Option =>
  new Option('--layout <layout>', 'shared checkouts, or one folder per assets.json as the Azure test-proxy lays them out').choices(['shared', 'test-proxy']);

/** Every subcommand, each a thin layer over a library call. */
export function registerCommands(program: Command, run: Run): void {
  const io = processIo();

  program
    .command('restore')
    .description('restore the recordings of the assets.json governing PATH (default: the current directory), or of every package with --all')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo, in one pass')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable), e.g. "sdk/storage/**"', collect)
    .option('--jobs <n>', 'checkouts written in parallel (default: number of CPUs)')
    .option('--dry-run', 'show what would change; fetch commits and trees only, touch no checkout')
    .option('--force', 'discard pending local changes that stand in the way')
    .option('-y, --yes', 'same as --force, without asking')
    .addOption(layoutOption())
    .action(run((g, paths: string[], flags: object) => restoreCommand(g, io, paths, flags)));

  program
    .command('plan')
    .description('print the restore plan: the checkouts that will exist, and which serves each assets.json and why')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(layoutOption())
    .action(run((g, paths: string[], flags: object) => planCommand(g, paths, flags)));

  program
    .command('locate')
    .description('print the directory to start the test-proxy in for the package governing PATH')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .addOption(layoutOption())
    .action(run((g, path: string | undefined, flags: object) => locateCommand(g, path, flags)));

  program
    .command('status')
    .description('pin, restored or not, up to date or not, and pending local changes')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(layoutOption())
    .action(run((g, paths: string[], flags: object) => statusCommand(g, paths, flags)));

  program
    .command('push')
    .description('commit the package\'s pending recording changes to the assets repo, publish them, and write the new pin into its assets.json')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .option('--allow-secret <file>', 'let a reviewed false positive of the secret scan through (repeatable)', collect)
    .option('-y, --yes', 'accepted for scripts; push never discards anything')
    .action(run((g, path: string | undefined, flags: object) => pushCommand(g, path, flags)));

  program
    .command('reset')
    .description('throw away the package\'s pending changes and return to its pinned content (asks first; --yes to skip)')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .option('-y, --yes', 'discard without asking')
    .action(run((g, path: string | undefined, flags: object) => resetCommand(g, io, path, flags)));

  program
    .command('init')
    .description('create an assets.json for a new package or service, copied from the nearest parent without its pin')
    .argument('[dir]', 'the package folder (default: the current directory)')
    .option('--assets-repo <owner/name>', 'the assets repo, when no parent assets.json exists')
    .option('--prefix <path>', 'AssetsRepoPrefixPath (the language, e.g. python)')
    .action(run((g, dir: string | undefined, flags: object) => initCommand(g, dir, flags)));

  program
    .command('resolve')
    .description('combine the two pins a git merge left in conflict markers in assets.json')
    .argument('[path]', 'the package folder or its assets.json (default: the current directory)')
    .action(run((g, path: string | undefined) => resolveCommand(g, path)));

  program
    .command('discover')
    .description('list every assets.json with dialect, assets repo, prefix, pin and problems')
    .action(run((g) => discoverCommand(g)));

  const config = program.command('config').description('inspect configuration');
  config
    .command('show')
    .description('the resolved assets.json for PATH and the effective config, with where each value came from')
    .argument('[path]', 'a directory inside a package')
    .action(run((g, path: string | undefined) => configShowCommand(g, path)));
}
