import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Packages of this workspace are named in this scope; none of them is published on its own. */
export const INTERNAL_SCOPE = '@asset-sync/';

export interface PackageManifest {
  name: string;
  version: string;
  description?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface WorkspacePackage {
  name: string;
  /** Absolute folder of the package. */
  dir: string;
  manifest: PackageManifest;
}

export interface Workspace {
  root: string;
  manifest: PackageManifest & { workspaces?: string[]; engines?: Record<string, string> };
  packages: Map<string, WorkspacePackage>;
}

/** The root package.json and every package its `workspaces` globs (`libs/*` and the like) name. */
export async function readWorkspace(root: string): Promise<Workspace> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Workspace['manifest'];
  const packages = new Map<string, WorkspacePackage>();
  for (const pattern of manifest.workspaces ?? []) {
    // Every workspace glob here is `<folder>/*`; anything richer would need a glob library.
    const parent = join(root, pattern.replace(/\/\*$/, ''));
    for (const child of (await readdir(parent, { withFileTypes: true })).filter((d) => d.isDirectory())) {
      const dir = join(parent, child.name);
      if (!existsSync(join(dir, 'package.json'))) continue;
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageManifest;
      packages.set(pkg.name, { name: pkg.name, dir, manifest: pkg });
    }
  }
  return { root, manifest, packages };
}

export function packageNamed(workspace: Workspace, name: string): WorkspacePackage {
  const pkg = workspace.packages.get(name);
  if (!pkg) throw new Error(`no workspace package is named ${name}`);
  return pkg;
}

/** The workspace libraries a package depends on at run time, directly or through one another. */
export function internalDependencies(workspace: Workspace, name: string): WorkspacePackage[] {
  const found = new Map<string, WorkspacePackage>();
  const visit = (pkg: WorkspacePackage): void => {
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) {
      if (!dep.startsWith(INTERNAL_SCOPE) || found.has(dep)) continue;
      const lib = packageNamed(workspace, dep);
      found.set(dep, lib);
      visit(lib);
    }
  };
  visit(packageNamed(workspace, name));
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** `errors` for `@asset-sync/errors`: the name a library has under a packed package's `internal/`. */
export function shortName(name: string): string {
  return name.startsWith(INTERNAL_SCOPE) ? name.slice(INTERNAL_SCOPE.length) : name;
}

/** The built module and declarations of a package's `.` export (`dist/index.js`, `dist/index.d.ts`). */
export function mainEntry(pkg: WorkspacePackage): { module: string; types: string } {
  const dot = pkg.manifest.exports?.['.'] as { default?: string; types?: string } | undefined;
  if (!dot?.default || !dot.types) throw new Error(`${pkg.name}: package.json has no exports["."] with "types" and "default"`);
  return { module: join(pkg.dir, dot.default), types: join(pkg.dir, dot.types) };
}
