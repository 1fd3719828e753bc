// Lint for the workspace: a small rule set (ESLint's and typescript-eslint's recommended rules)
// and the dependency graph between our packages, enforced rather than only described. The graph
// rules use each package's Nx tags (`nx.tags` in its package.json); docs/CONVENTIONS.md says why
// each rule exists.
import js from '@eslint/js';
import { createProjectGraphAsync } from '@nx/devkit';
import nx from '@nx/eslint-plugin';
import { defineConfig } from 'eslint/config';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The boundary rule reads Nx's cached project graph and, without one, skips itself with only a
// warning: compute the graph first (the tags may have changed since), so `eslint .` alone checks it.
await createProjectGraphAsync({ exitOnError: true });

/** The graph of our packages. Every rule is about imports of `@asset-sync/*` and `asset-sync`. */
const depConstraints = [
  // The planner is pure: plain data in, plain data out. The pin model is its only import.
  { sourceTag: 'scope:planner', onlyDependOnLibsWithTags: ['scope:assets-json'] },
  // The one git seam sits below everything that plans or runs commands.
  { sourceTag: 'scope:git-store', onlyDependOnLibsWithTags: ['scope:errors', 'scope:assets-json'] },
  // The CLI ships; the tools (the Nx plugin, demo, bench, pack) are built on it, never the reverse.
  // The fixture builders (type:fixture: git-harness, corpus) build git worlds for tests, the demo
  // and the bench; nothing that ships runs them.
  { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:tool', 'type:fixture'] },
  { sourceTag: 'type:lib', notDependOnLibsWithTags: ['type:app', 'type:tool', 'type:fixture'] },
  // They start the CLI as a subprocess, as a user does, and never import it or a tool.
  { sourceTag: 'type:fixture', notDependOnLibsWithTags: ['type:app', 'type:tool'] },
  // Every package is tagged, and what no rule above restricts is allowed.
  { sourceTag: '*', onlyDependOnLibsWithTags: ['*'] },
];

/** Tests may also build fixtures (real repositories, a git daemon, a generated corpus). */
const testDepConstraints = depConstraints.map((c) =>
  c.onlyDependOnLibsWithTags
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:fixture'] }
    : { ...c, notDependOnLibsWithTags: c.notDependOnLibsWithTags.filter((tag) => tag !== 'type:fixture') },
);

const boundaries = (constraints, allow = []) => [
  'error',
  {
    // Tests import their own package by name (vitest maps it to src/), as every user does.
    allowCircularSelfDependency: true,
    allow,
    depConstraints: constraints,
  },
];

/** The corpus of real assets.json files is test data of the workspace, not a package. */
const testFixtures = ['../../../test/fixtures/real-world.js'];

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'test/fixtures/**', '.nx/**', 'coverage/**', '**/*.tsbuildinfo'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      // `_`-named bindings are the ones left out on purpose (a field dropped from a rest copy).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(testDepConstraints, testFixtures),
    },
  },
  {
    // No cycles between the files of a package either: a cycle makes the load order decide what is
    // still undefined at import time, and it hides which file owns a concept. Between packages the
    // boundary rule above reports them. Type-only imports are left out (they vanish at run time);
    // so are tests, which nothing imports.
    files: ['**/*.ts'],
    ignores: ['**/*.test.ts', 'test/**'],
    plugins: { 'import-x': importX },
    settings: {
      // Relative imports name the emitted `.js`; the source beside it is the `.ts`.
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
      // Follow our TypeScript sources only: packages (ours through their built dist/, and
      // node_modules) resolve to `.js` and are not parsed.
      'import-x/extensions': ['.ts'],
    },
    rules: {
      'import-x/no-cycle': 'error',
    },
  },
);
