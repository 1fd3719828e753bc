import type { WorkspacePackage } from './workspace.js';

/** How one workspace package becomes a package that installs on its own. */
export interface PackageSpec {
  /** The workspace package packed, under the same name. */
  name: string;
  /** Bundle entry points: output name under `dist/` → the module tsc built, relative to the package folder. */
  entries: Record<string, string>;
  /**
   * True to bundle the workspace libraries in and export each as `<name>/internal/<lib>` for the
   * packed packages that depend on this one; false to import them from `internalFrom`.
   */
  providesInternals: boolean;
  /** The packed package the workspace libraries come from, when this one does not bundle them. */
  internalFrom?: string;
  /** Files and folders copied as they are, relative to the package folder. */
  copy: string[];
  /** The README that goes in, relative to the workspace root. */
  readme: string;
  /** package.json fields besides name, version, description, type, engines and dependencies. */
  fields(pkg: WorkspacePackage): Record<string, unknown>;
}

/** The CLI, with the programmatic API as its main export and the workspace libraries inside. */
export const CLI_PACKAGE: PackageSpec = {
  name: 'asset-sync',
  entries: { index: 'dist/index.js', main: 'dist/main.js' },
  providesInternals: true,
  copy: ['bin'],
  readme: 'README.md',
  fields: (pkg) => ({
    bin: pkg.manifest['bin'],
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      // For @asset-sync/nx, which runs the same restore in Nx's process; not a stable API.
      './internal/*': { types: './dist/internal/*/index.d.ts', default: './dist/internal/*.js' },
      './package.json': './package.json',
    },
  }),
};

/** The Nx plugin: its own code only; the libraries (and the `asset-sync` its targets run) come from the CLI package. */
export const NX_PLUGIN_PACKAGE: PackageSpec = {
  name: '@asset-sync/nx',
  entries: { index: 'dist/index.js', 'restore-executor': 'dist/restore-executor.js' },
  providesInternals: false,
  internalFrom: 'asset-sync',
  // Nx require()s executors: the CommonJS entry tsc built loads the bundled ES module.
  copy: ['dist/executors.cjs', 'executors.json', 'schemas'],
  readme: 'tools/nx-plugin/README.md',
  fields: (pkg) => ({
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: pkg.manifest.exports,
    executors: pkg.manifest['executors'],
    peerDependencies: pkg.manifest.peerDependencies,
  }),
};

export const PACKAGES: readonly PackageSpec[] = [CLI_PACKAGE, NX_PLUGIN_PACKAGE];
