import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests import the libraries from source; end-to-end tests drive the built CLI, which
// `npm test` builds first.
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const alias = {
  '@asset-sync/errors': here('./libs/errors/src/index.ts'),
  '@asset-sync/assets-json': here('./libs/assets-json/src/index.ts'),
  '@asset-sync/config': here('./libs/config/src/index.ts'),
  '@asset-sync/discovery': here('./libs/discovery/src/index.ts'),
  '@asset-sync/planner': here('./libs/planner/src/index.ts'),
  '@asset-sync/git-store': here('./libs/git-store/src/index.ts'),
  '@asset-sync/executor': here('./libs/executor/src/index.ts'),
  '@asset-sync/git-harness': here('./libs/git-harness/src/index.ts'),
  '@asset-sync/corpus': here('./libs/corpus/src/index.ts'),
  '@asset-sync/migrate': here('./libs/migrate/src/index.ts'),
  '@asset-sync/nx': here('./tools/nx-plugin/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'tools/*/src/**/*.test.ts'],
          testTimeout: 30_000,
          // Unit tests first, then the end-to-end tests, each group with its own worker count.
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // Each file starts its own git daemons and repositories; two at a time suits a 2-core box.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
