// Bundles the built CLI (dist/main.js and the workspace libraries it imports) into one module,
// dist/bundle/main.js, which bin/asset-sync.js runs when it is current. Loading one file instead
// of some sixty modules takes a third off the start of every command. Third-party packages are
// bundled too (resolving and compiling zod, commander and fast-glob file by file cost another 15%
// of a no-op restore's CPU); only node's builtins stay imports, and what the code loads with
// import() stays lazy.
import { rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
// Chunk names carry content hashes: a previous build's chunks would pile up.
rmSync(here('../dist/bundle'), { recursive: true, force: true });
await build({
  entryPoints: { main: here('../dist/main.js') },
  outdir: here('../dist/bundle'),
  bundle: true,
  // Modules the code loads with import() stay separate chunks, so what they import stays lazy.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ESM builds first: some packages' CommonJS builds load their own files with a computed require().
  mainFields: ['module', 'main'],
  // Bundled CommonJS packages call require() for node's builtins and read __filename
  // (write-file-atomic seeds its temp names with it); an ES module has neither of its own.
  banner: {
    js: [
      "import { createRequire as __assetSyncRequire } from 'node:module';",
      "import { fileURLToPath as __assetSyncPath } from 'node:url';",
      'const require = __assetSyncRequire(import.meta.url);',
      'const __filename = __assetSyncPath(import.meta.url);',
    ].join(' '),
  },
  logLevel: 'warning',
  plugins: [
    {
      name: 'builtins-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (isBuiltin(args.path) ? { path: args.path, external: true } : undefined));
      },
    },
  ],
});
