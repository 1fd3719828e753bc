import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatBytes, plural } from '@asset-sync/errors';
import { packPackages, type PackedPackage } from './pack.js';

/** `npm run pack [-- --out <dir>]`: both tarballs, into dist/packages (gitignored) by default. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, json: { type: 'boolean' } } });
  // tools/pack/dist/main.js → the workspace root.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const outDir = resolve(values.out ?? join(root, 'dist', 'packages'));
  const packed = await packPackages({ root, outDir });
  process.stdout.write(values.json ? `${JSON.stringify(packed, null, 2)}\n` : describe(packed));
  return 0;
}

export function describe(packed: readonly PackedPackage[]): string {
  const list = (deps: Record<string, string> | undefined): string =>
    Object.entries(deps ?? {})
      .map(([name, range]) => `${name} ${range}`)
      .join(', ') || 'none';
  return packed
    .map((p) =>
      [
        `${p.tarball}`,
        `  ${p.name}@${p.version}: ${formatBytes(p.bytes)} (${formatBytes(p.unpackedBytes)} unpacked, ${plural(p.files, 'file')})`,
        `  dependencies: ${list(p.dependencies)}`,
        ...(p.peerDependencies ? [`  peerDependencies: ${list(p.peerDependencies)}`] : []),
      ].join('\n'),
    )
    .join('\n')
    .concat('\n');
}

// Run only as the entry point (`node tools/pack/dist/main.js`), not when imported.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`pack: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
}
