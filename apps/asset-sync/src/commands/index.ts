import { Option, type Command } from 'commander';
import type { Io } from '../main.js';
import type { CommandResult, GlobalOptions } from '../result.js';

type Handler = (globals: GlobalOptions, ...args: never[]) => Promise<CommandResult>;
export type Run = (handler: Handler) => (...args: unknown[]) => Promise<void>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const shardOption = (
  description = 'with --all: only shard i of n (e.g. 2/4), for CI machines that each run part of the tests; a package\'s shard is fixed by a hash of its folder path, so the n shards together restore every package exactly once',
): Option => new Option('--shard <i>/<n>', description);
const layoutOption = (): Option =>
  new Option('--layout <layout>', 'shared checkouts, or one folder per assets.json as the Azure test-proxy lays them out').choices(['shared', 'test-proxy']);

/**
 * Every subcommand, each a thin layer over a library call. A handler's module is loaded only
 * when its command runs, so `--help` and every other command start without it.
 */
export function registerCommands(program: Command, run: Run, io: Io): void {
  program
    .command('restore')
    .description('restore the recordings of the assets.json governing PATH (default: the current directory), or of every package with --all')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo, in one pass')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable), e.g. "sdk/storage/**"', collect)
    .addOption(shardOption())
    .option('--jobs <n>', 'checkouts written in parallel (default: number of CPUs)')
    .option('--dry-run', 'show what would change; fetch commits and trees only, touch no checkout')
    .option('--force', 'discard pending local changes that stand in the way')
    .option('-y, --yes', 'same as --force, without asking')
    .addOption(layoutOption())
    .action(run(async (g, paths: string[], flags: object) => (await import('./restore.js')).restoreCommand(g, io, paths, flags)));

  program
    .command('plan')
    .description('print the restore plan: the checkouts that will exist, and which serves each assets.json and why')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(shardOption())
    .addOption(layoutOption())
    .action(run(async (g, paths: string[], flags: object) => (await import('./plan.js')).planCommand(g, paths, flags)));

  program
    .command('locate')
    .description('print the directory to start the test-proxy in for the package governing PATH')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .addOption(layoutOption())
    .action(run(async (g, path: string | undefined, flags: object) => (await import('./locate.js')).locateCommand(g, path, flags)));

  program
    .command('status')
    .description('pin, restored or not, up to date or not, and pending local changes')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(layoutOption())
    .action(run(async (g, paths: string[], flags: object) => (await import('./status.js')).statusCommand(g, paths, flags)));

  program
    .command('push')
    .description('commit the package\'s pending recording changes to the assets repo, publish them, and write the new pin into its assets.json')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .option('--allow-secret <file>', 'let a reviewed false positive of the secret scan through (repeatable)', collect)
    .option('-y, --yes', 'accepted for scripts; push never discards anything')
    .action(run(async (g, path: string | undefined, flags: object) => (await import('./push.js')).pushCommand(g, path, flags)));

  program
    .command('reset')
    .description('throw away the package\'s pending changes and return to its pinned content (asks first; --yes to skip)')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .option('-y, --yes', 'discard without asking')
    .action(run(async (g, path: string | undefined, flags: object) => (await import('./reset.js')).resetCommand(g, io, path, flags)));

  program
    .command('init')
    .description('create an assets.json for a new package or service, copied from the nearest parent without its pin')
    .argument('[dir]', 'the package folder (default: the current directory)')
    .option('--assets-repo <owner/name>', 'the assets repo, when no parent assets.json exists')
    .option('--prefix <path>', 'AssetsRepoPrefixPath (the language, e.g. python)')
    .action(run(async (g, dir: string | undefined, flags: object) => (await import('./init.js')).initCommand(g, dir, flags)));

  program
    .command('resolve')
    .description('combine the two pins a git merge left in conflict markers in assets.json')
    .argument('[path]', 'the package folder or its assets.json (default: the current directory)')
    .action(run(async (g, path: string | undefined) => (await import('./resolve.js')).resolveCommand(g, path)));

  program
    .command('merge')
    .description('nightly: fold every pin into one commit on the assets repo\'s fallback branch and repin each assets.json where its folder is identical')
    .option('--dry-run', 'show what would be merged and repinned; push nothing, edit nothing')
    .action(run(async (g, flags: object) => (await import('./merge.js')).mergeCommand(g, flags)));

  program
    .command('gc')
    .description('list assets-repo tags and auto/* branches no assets.json references on any language-repo ref; delete them with --delete')
    .option('--language-refs <pattern>', 'language-repo refs that matter (for-each-ref patterns, repeatable; default: every branch and tag)', collect)
    .option('--delete', 'delete the unreferenced refs (never anything a scanned ref still needs)')
    .option('--store', 'instead: trim the local store (the shared one, with storeDir) to what registered checkouts need; forgets checkouts whose folder is gone')
    .option('--expire <when>', 'with --store: keep refs and objects younger than this, "now" or e.g. 30m, 2d (default 1h)')
    .action(
      run(async (g, flags: { store?: boolean; expire?: string; languageRefs?: string[]; delete?: boolean }) =>
        flags.store ? (await import('./gc-store.js')).gcStoreCommand(g, flags) : (await import('./gc.js')).gcCommand(g, flags),
      ),
    );

  program
    .command('cache-key')
    .description('print a hash of each assets.json\'s package folder, assets repo, prefix and pin: a CI cache key for the store that changes exactly when a pin does')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(shardOption('the key of shard i of n only: what restore --all --shard i/n fetches'))
    .action(run(async (g, flags: object) => (await import('./cache-key.js')).cacheKeyCommand(g, flags)));

  program
    .command('discover')
    .description('list every assets.json with dialect, assets repo, prefix, pin and problems')
    .action(run(async (g) => (await import('./discover.js')).discoverCommand(g)));

  const config = program.command('config').description('inspect configuration');
  config
    .command('show')
    .description('the resolved assets.json for PATH and the effective config, with where each value came from')
    .argument('[path]', 'a directory inside a package')
    .action(run(async (g, path: string | undefined) => (await import('./config.js')).configShowCommand(g, path)));

  program
    .command('migrate')
    .description('move every recordings folder of the language repo into the assets repo in one commit: plan, write, publish, pin, verify by a restore, then remove and stage')
    .option('--assets-repo <owner/name>', 'the assets repo (default: defaults.AssetsRepo in asset-sync.yaml)')
    .option('--prefix <lang>', 'AssetsRepoPrefixPath; also picks the language\'s recordings globs (python, js, net, java, go, cpp)')
    .option('--recordings <glob>', 'a recordings folder glob, e.g. "sdk/**/tests/recordings" (repeatable; overrides the language default)', collect)
    .option('--granularity <unit>', 'one assets.json per package folder (default) or per sdk/<service>: package | service')
    .option('--dialect <dialect>', 'pin with Tag (default) or with the 2022 branch fields (SHA, AssetsRepoBranch): tag | branch')
    .option('--fallback-branch <branch>', 'the assets-repo branch the migration commit builds on (default main)')
    .option('--branch <branch>', 'branch dialect: push every unit to this branch instead of auto/<service>')
    .option('--force', 'also migrate packages that already have an assets.json (re-pinning it)')
    .option('--dry-run', 'print the plan (every file and where it lands); change nothing anywhere')
    .option('-y, --yes', 'do not ask; go ahead although the language repo has uncommitted changes (they are left alone)')
    .option('--commit', 'commit the result in the language repo (default: staged for review)')
    .option('--max-push-bytes <n>', 'split the migration into commits of at most this many bytes (server push limits)')
    .option('--jobs <n>', 'parallel blob writers (default: number of CPUs, at most 4)')
    .action(run(async (g, flags: object) => (await import('./migrate.js')).migrateCommand(g, io, flags)));
}
