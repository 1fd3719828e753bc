import type { Workspace, WorkspacePackage } from './workspace.js';

/**
 * The `dependencies` of a packed package: exactly the packages its bundle imports at run time,
 * each with the range the bundled workspace packages declare for it (they must agree), or the
 * exact version of a packed workspace package. Type-only packages (`@types/*`) are never imported,
 * so they never become dependencies; an import nobody declares is an error, not a guess.
 */
export function runtimeDependencies(workspace: Workspace, imported: ReadonlySet<string>, declaring: readonly WorkspacePackage[]): Record<string, string> {
  const dependencies: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of [...imported].sort()) {
    const packed = workspace.packages.get(name);
    if (packed) {
      dependencies[name] = packed.manifest.version;
      continue;
    }
    const ranges = new Map<string, string[]>();
    for (const pkg of declaring) {
      const range = pkg.manifest.dependencies?.[name];
      if (range !== undefined) ranges.set(range, [...(ranges.get(range) ?? []), pkg.name]);
    }
    if (ranges.size === 1) dependencies[name] = [...ranges.keys()][0]!;
    else if (ranges.size === 0) problems.push(`${name} is imported at run time, but none of ${declaring.map((p) => p.name).join(', ')} lists it in "dependencies"`);
    else problems.push(`${name} has different ranges: ${[...ranges].map(([range, by]) => `${range} (${by.join(', ')})`).join(', ')}`);
  }
  if (problems.length > 0) throw new Error(`cannot work out the dependencies of the packed package:\n  ${problems.join('\n  ')}`);
  return dependencies;
}
