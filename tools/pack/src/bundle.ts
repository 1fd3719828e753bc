import { isBuiltin } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { INTERNAL_SCOPE, shortName } from './workspace.js';

export interface BundleOptions {
  /** Output name under `outDir` (`index`, `internal/errors`) → the module tsc built. */
  entries: Record<string, string>;
  outDir: string;
  /**
   * The packed package that provides the workspace libraries (as `<name>/internal/<lib>`), for a
   * package that depends on it; undefined to bundle the libraries in.
   */
  internalFrom?: string;
}

/**
 * Bundles the entries as ES modules for Node 20: the workspace libraries go in (or come from
 * `internalFrom`), every other package stays an import, to be installed as a dependency. The
 * entries share chunks, so a module the CLI, the API and the internal exports all use is loaded
 * once and its classes (AssetSyncError) are one class. Returns the package names left as imports.
 */
export async function bundle(options: BundleOptions): Promise<Set<string>> {
  const imported = new Set<string>();
  await build({
    entryPoints: options.entries,
    outdir: options.outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    // Readable stack traces matter more than bytes for a dev tool.
    minify: false,
    logLevel: 'warning',
    plugins: [externals(imported, options.internalFrom)],
  });
  return imported;
}

function externals(imported: Set<string>, internalFrom: string | undefined): Plugin {
  return {
    name: 'asset-sync-externals',
    setup(build) {
      // Bare specifiers only: relative imports are the package's own files.
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith(INTERNAL_SCOPE)) {
          if (internalFrom === undefined) return undefined;
          imported.add(internalFrom);
          return { path: `${internalFrom}/internal/${shortName(packageOf(args.path))}`, external: true };
        }
        imported.add(packageOf(args.path));
        return { path: args.path, external: true };
      });
    },
  };
}

/** `@nx/devkit` for `@nx/devkit/internal`, `zod` for `zod/v4`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
