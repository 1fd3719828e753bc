import { describe, expect, it } from 'vitest';
import { packageOf } from './bundle.js';
import { rewriteSpecifiers } from './declarations.js';
import { runtimeDependencies } from './dependencies.js';
import type { Workspace, WorkspacePackage } from './workspace.js';

const pkg = (name: string, dependencies: Record<string, string> = {}, version = '0.1.0'): WorkspacePackage => ({
  name,
  dir: `/ws/${name}`,
  manifest: { name, version, dependencies },
});

function workspaceOf(...packages: WorkspacePackage[]): Workspace {
  return { root: '/ws', manifest: { name: 'ws', version: '0.0.0' }, packages: new Map(packages.map((p) => [p.name, p])) };
}

describe('runtimeDependencies', () => {
  const cli = pkg('asset-sync', { commander: '^14.0.0', '@asset-sync/errors': '0.1.0' }, '1.2.3');
  const lib = pkg('@asset-sync/git-store', { 'simple-git': '^3.28.0', picomatch: '^4.0.7', '@types/picomatch': '^4.0.3' });

  it('lists exactly what the bundle imports, with the range the workspace declares', () => {
    const deps = runtimeDependencies(workspaceOf(cli, lib), new Set(['simple-git', 'commander']), [cli, lib]);
    expect(deps).toEqual({ commander: '^14.0.0', 'simple-git': '^3.28.0' });
  });

  it('pins a packed workspace package to its exact version', () => {
    const plugin = pkg('@asset-sync/nx', { 'asset-sync': '^1.0.0' });
    expect(runtimeDependencies(workspaceOf(cli, plugin), new Set(['asset-sync']), [plugin])).toEqual({ 'asset-sync': '1.2.3' });
  });

  it('refuses an import nobody declares and ranges that disagree, naming every one', () => {
    const other = pkg('@asset-sync/executor', { picomatch: '^3.0.0' });
    expect(() => runtimeDependencies(workspaceOf(cli, lib, other), new Set(['picomatch', 'left-pad']), [cli, lib, other])).toThrow(
      /left-pad is imported at run time[\s\S]*picomatch has different ranges: \^4\.0\.7 \(@asset-sync\/git-store\), \^3\.0\.0 \(@asset-sync\/executor\)/,
    );
  });
});

describe('rewriteSpecifiers', () => {
  it('sees every kind of module specifier a declaration file has', () => {
    const text = [
      "import type { A } from '@asset-sync/errors';",
      "export * from './types.js';",
      'export declare const x: import("@asset-sync/planner").Plan;',
      "import './side-effect.js';",
      '// a comment that says from nowhere',
    ].join('\n');
    const seen: string[] = [];
    const out = rewriteSpecifiers(text, (s) => {
      seen.push(s);
      return s.startsWith('@asset-sync/') ? `asset-sync/internal/${s.slice('@asset-sync/'.length)}` : s;
    });
    expect(seen).toEqual(['@asset-sync/errors', './types.js', '@asset-sync/planner', './side-effect.js']);
    expect(out).toContain("from 'asset-sync/internal/errors'");
    expect(out).toContain('import("asset-sync/internal/planner")');
  });
});

describe('packageOf', () => {
  it('names the package of a deep import', () => {
    expect(packageOf('@nx/devkit/internal')).toBe('@nx/devkit');
    expect(packageOf('zod/v4')).toBe('zod');
    expect(packageOf('commander')).toBe('commander');
  });
});
