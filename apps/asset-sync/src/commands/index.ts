import { Option, type Command } from 'commander';
import type { Io } from '../main.js';
import type { CommandResult, GlobalOptions } from '../result.js';
import type { AdoptFlags } from './adopt.js';
import type { CacheKeyFlags } from './cache-key.js';
import type { ConfigShowFlags } from './config.js';
import type { GcFlags } from './gc.js';
import type { GcStoreFlags } from './gc-store.js';
import type { GrepFlags } from './grep.js';
import type { InitFlags } from './init.js';
import type { LocateFlags } from './locate.js';
import type { MergeFlags } from './merge.js';
import type { MigrateFlags } from './migrate.js';
import type { PlanFlags } from './plan.js';
import type { PushFlags } from './push.js';
import type { ResetFlags } from './reset.js';
import type { RestoreFlags } from './restore.js';
import type { RestoreBackupFlags } from './restore-backup.js';
import type { StatusFlags } from './status.js';
import type { VerifyPinsFlags } from './verify-pins.js';

/**
 * Wraps a handler as a commander action: commander passes the positional arguments, then the
 * command's flags, and the handler gets the global options in front of them. The modules above
 * are imported for their types only: a handler's module is loaded when its command runs.
 */
export type Run = <Args extends unknown[]>(handler: (globals: GlobalOptions, ...args: Args) => Promise<CommandResult>) => (...args: unknown[]) => Promise<void>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const shardOption = (
  description = 'with --all: only shard i of n (e.g. 2/4), for CI machines that each run part of the tests; a package\'s shard is fixed by a hash of its folder path, so the n shards together restore every package exactly once',
): Option => new Option('--shard <i>/<n>', description);
const layoutOption = (): Option =>
  new Option('--layout <layout>', 'shared checkouts, or one folder per assets.json as the Azure test-proxy lays them out').choices(['shared', 'test-proxy']);
/** The test-proxy's own options for its asset verbs, so scripts written for it can call asset-sync. */
const assetsJsonOption = (repeatable: boolean): Option =>
  new Option('-a, --assets-json-path <file>', `as the test-proxy takes it: an assets.json or its folder${repeatable ? ' (repeatable: one batched run)' : ''}; implies --layout test-proxy`).argParser(collect);
const storageLocationOption = (): Option => new Option('-l, --storage-location <dir>', 'as the test-proxy takes it: where relative -a paths are read from (default TEST_PROXY_FOLDER, else the working directory)');

/**
 * Every subcommand, each a thin layer over a library call. A handler's module is loaded only
 * when its command runs, so `--help` and every other command start without it.
 */
export function registerCommands(program: Command, run: Run, io: Io): void {
  registerRestoreCommands(program, run, io);
  registerPackageCommands(program, run, io);
  registerMaintenanceCommands(program, run);
  registerInspectCommands(program, run);
  registerMigrateCommand(program, run, io);
}

/** restore and the commands that read what it restores: plan, locate, status. */
function registerRestoreCommands(program: Command, run: Run, io: Io): void {
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
    .addOption(assetsJsonOption(true))
    .addOption(storageLocationOption())
    .action(run(async (g, paths: string[], flags: RestoreFlags) => (await import('./restore.js')).restoreCommand(g, io, paths, flags)));

  program
    .command('plan')
    .description('print the restore plan: the checkouts that will exist, and which serves each assets.json and why')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(shardOption())
    .addOption(layoutOption())
    .action(run(async (g, paths: string[], flags: PlanFlags) => (await import('./plan.js')).planCommand(g, paths, flags)));

  program
    .command('locate')
    .description('print the directory to start the test-proxy in for the package governing PATH')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .addOption(layoutOption())
    .action(run(async (g, path: string | undefined, flags: LocateFlags) => (await import('./locate.js')).locateCommand(g, path, flags)));

  program
    .command('status')
    .description('pin, restored or not, up to date or not, and pending local changes')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(layoutOption())
    .action(run(async (g, paths: string[], flags: StatusFlags) => (await import('./status.js')).statusCommand(g, paths, flags)));
}

/** One package's own changes: push, reset, init, resolve. */
function registerPackageCommands(program: Command, run: Run, io: Io): void {
  program
    .command('push')
    .description('commit the package\'s pending recording changes to the assets repo, publish them, and write the new pin into its assets.json')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .option('--allow-secret <file>', 'let a reviewed false positive of the secret scan through (repeatable)', collect)
    .option('--fork <owner/name>', 'publish to this fork of the assets repo (no write access upstream); also ASSET_SYNC_FORK or fork: in asset-sync.yaml')
    .option('-y, --yes', 'accepted for scripts; push never discards anything')
    .addOption(layoutOption())
    .addOption(assetsJsonOption(false))
    .addOption(storageLocationOption())
    .action(run(async (g, path: string | undefined, flags: PushFlags) => (await import('./push.js')).pushCommand(g, path, flags)));

  program
    .command('reset')
    .description('throw away the package\'s pending changes and return to its pinned content (asks first; --yes to skip)')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .option('-y, --yes', 'discard without asking')
    .addOption(layoutOption())
    .addOption(assetsJsonOption(false))
    .addOption(storageLocationOption())
    .action(run(async (g, path: string | undefined, flags: ResetFlags) => (await import('./reset.js')).resetCommand(g, io, path, flags)));

  program
    .command('init')
    .description('create an assets.json for a new package or service, copied from the nearest parent without its pin')
    .argument('[dir]', 'the package folder (default: the current directory)')
    .option('--assets-repo <owner/name>', 'the assets repo, when no parent assets.json exists')
    .option('--prefix <path>', 'AssetsRepoPrefixPath (the language, e.g. python)')
    .action(run(async (g, dir: string | undefined, flags: InitFlags) => (await import('./init.js')).initCommand(g, dir, flags)));

  program
    .command('resolve')
    .description('combine the two pins a git merge left in conflict markers in assets.json')
    .argument('[path]', 'the package folder or its assets.json (default: the current directory)')
    .action(run(async (g, path: string | undefined) => (await import('./resolve.js')).resolveCommand(g, path)));
}

/** What maintainers and CI run on the assets repo: merge, gc, cache-key, restore-backup, adopt, verify-pins. */
function registerMaintenanceCommands(program: Command, run: Run): void {
  program
    .command('merge')
    .description('nightly: fold every pin into one commit on the assets repo\'s fallback branch and repin each assets.json where its folder is identical')
    .option('--dry-run', 'show what would be merged and repinned; push nothing, edit nothing')
    .action(run(async (g, flags: MergeFlags) => (await import('./merge.js')).mergeCommand(g, flags)));

  program
    .command('gc')
    .description('list assets-repo tags and auto/* branches no assets.json references on any language-repo ref; delete them with --delete')
    .option('--language-refs <pattern>', 'language-repo refs that matter (for-each-ref patterns, repeatable; default: every branch and tag)', collect)
    .option('--delete', 'delete the unreferenced refs (never anything a scanned ref still needs), after --backup holds a verified copy')
    .option('--backup <remote|file.bundle>', 'copy every ref to be deleted here first (a remote as owner/name or URL, or a git bundle file); a failed backup deletes nothing')
    .option('--no-backup', 'delete without making a copy first')
    .option('--older-than <duration>', 'only refs whose commit is older than this, e.g. 30d, 4w, 12h')
    .option('--store', 'instead: trim the local store (the shared one, with storeDir) to what registered checkouts need; forgets checkouts whose folder is gone')
    .option('--expire <when>', 'with --store: keep refs and objects younger than this, "now" or e.g. 30m, 2d (default 1h)')
    .action(
      run(async (g, flags: GcFlags & GcStoreFlags & { store?: boolean }) =>
        flags.store ? (await import('./gc-store.js')).gcStoreCommand(g, flags) : (await import('./gc.js')).gcCommand(g, flags),
      ),
    );

  program
    .command('cache-key')
    .description('print a hash of each assets.json\'s package folder, assets repo, prefix and pin: a CI cache key for the store that changes exactly when a pin does')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .addOption(shardOption('the key of shard i of n only: what restore --all --shard i/n fetches'))
    .action(run(async (g, flags: CacheKeyFlags) => (await import('./cache-key.js')).cacheKeyCommand(g, flags)));

  program
    .command('restore-backup')
    .description('bring refs gc deleted back into the assets repo from its backup (a bundle file or a remote), same names and commits')
    .argument('<from>', 'the bundle gc wrote (file.bundle) or the backup remote (owner/name or URL)')
    .argument('<names...>', 'tags (or refs/heads/auto/... branches) to bring back')
    .option('--assets-repo <owner/name>', 'the assets repo (default: the one the assets.json files name)')
    .action(run(async (g, from: string, names: string[], flags: RestoreBackupFlags) => (await import('./restore-backup.js')).restoreBackupCommand(g, from, names, flags)));

  program
    .command('adopt')
    .description('copy every pinned tag that exists only in a fork into the assets repo, same commit ids (needs write access)')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .option('--from <owner/name>', 'the fork the tags were pushed to (owner/name or URL)')
    .action(run(async (g, paths: string[], flags: AdoptFlags) => (await import('./adopt.js')).adoptCommand(g, paths, flags)));

  program
    .command('verify-pins')
    .description('exit 1 naming every assets.json whose pin is not on the assets repo itself (the PR gate before a merge)')
    .argument('[paths...]', 'directories or assets.json files')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .action(run(async (g, paths: string[], flags: VerifyPinsFlags) => (await import('./verify-pins.js')).verifyPinsCommand(g, paths, flags)));
}

/** Reading without restoring: grep, discover, config. */
function registerInspectCommands(program: Command, run: Run): void {
  program
    .command('grep')
    .description('search the recordings of every package at its pin, read from the store (nothing is checked out); exit 0 matched, 1 none, 2 error')
    .argument('<pattern>', 'a regular expression (JavaScript syntax), or a string with -F')
    .argument('[paths...]', 'directories or assets.json files (default: the current package)')
    .option('--all', 'every assets.json of the language repo')
    .option('--filter <glob>', 'only assets.json whose path or folder matches (repeatable)', collect)
    .option('--pins-from <ref>', 'also the pins this language-repo ref has: a branch, a release tag, or a pattern like refs/tags/release/ (repeatable)', collect)
    .option('-l, --files-with-matches', 'print only the names of files that match')
    .option('-i, --ignore-case', 'ignore case')
    .option('-F, --fixed-strings', 'the pattern is a string, not a regular expression')
    .option('-E, --extended-regexp', 'the pattern is a regular expression (the default)')
    .action(run(async (g, pattern: string, paths: string[], flags: GrepFlags) => (await import('./grep.js')).grepCommand(g, pattern, paths, flags)));

  program
    .command('discover')
    .description('list every assets.json with dialect, assets repo, prefix, pin and problems')
    .action(run(async (g) => (await import('./discover.js')).discoverCommand(g)));

  const config = program.command('config').description('inspect configuration');
  config
    .command('show')
    .description('the resolved assets.json for PATH and the effective config, with where each value came from')
    .argument('[path]', 'a directory inside a package')
    .addOption(assetsJsonOption(false))
    .addOption(storageLocationOption())
    .action(run(async (g, path: string | undefined, flags: ConfigShowFlags) => (await import('./config.js')).configShowCommand(g, path, flags)));
  config
    .command('locate')
    .description('as the test-proxy\'s `config locate -a`: print the folder a restored assets.json\'s recordings are under, as the last line')
    .argument('[path]', 'a directory inside the package (default: the current directory)')
    .addOption(layoutOption())
    .addOption(assetsJsonOption(false))
    .addOption(storageLocationOption())
    .action(run(async (g, path: string | undefined, flags: LocateFlags) => (await import('./locate.js')).locateCommand(g, path, flags)));
}

function registerMigrateCommand(program: Command, run: Run, io: Io): void {
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
    .action(run(async (g, flags: MigrateFlags) => (await import('./migrate.js')).migrateCommand(g, io, flags)));
}
