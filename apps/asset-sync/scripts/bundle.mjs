// Bundles the built CLI (dist/main.js and the workspace libraries it imports) into one module,
// dist/bundle/main.js, which bin/asset-sync.js runs when it is current. Loading one file instead
// of some sixty modules takes a third off the start of every command; third-party packages stay
// imports, and what the code loads with import() stays lazy.
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
  logLevel: 'warning',
  plugins: [
    {
      name: 'third-party-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (isBuiltin(args.path) || !args.path.startsWith('@asset-sync/') ? { path: args.path, external: true } : undefined));
      },
    },
  ],
});
