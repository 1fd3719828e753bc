import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { INTERNAL_SCOPE, mainEntry, packageNamed, shortName, type Workspace } from './workspace.js';

export interface DeclarationOptions {
  workspace: Workspace;
  stageDir: string;
  /**
   * The packages whose declarations go in, each to its folder in the stage (`dist` for the package
   * itself, `dist/internal/errors` for a bundled library). The first one is where the walk starts.
   */
  trees: Map<string, string>;
  /** The packed package the other workspace libraries' types come from (`<name>/internal/<lib>`). */
  internalFrom?: string;
}

/**
 * Copies the declarations tsc wrote (`dist/**\/*.d.ts`) that the package's entry reaches, each
 * import of a workspace library pointed at the copy of that library's declarations in the package
 * (or at `internalFrom`). tsc's own output, so the shipped types are the ones the workspace checks;
 * only the import specifiers change. Returns the files written, relative to the stage.
 */
export async function copyDeclarations(options: DeclarationOptions): Promise<string[]> {
  const roots = new Map([...options.trees].map(([name, dest]) => [name, { dest, entry: mainEntry(packageNamed(options.workspace, name)).types }]));
  const start = [...roots.values()].map((root) => root.entry);
  const owner = (file: string): [string, { dest: string; entry: string }] => {
    const found = [...roots].find(([, root]) => file.startsWith(dirname(root.entry) + sep));
    if (!found) throw new Error(`${file} belongs to no package being packed`);
    return found;
  };
  const seen = new Set<string>();
  const queue = [...start];
  const written: string[] = [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const [, root] = owner(file);
    const dest = join(options.stageDir, root.dest, relative(dirname(root.entry), file));
    const text = rewriteSpecifiers(await readFile(file, 'utf8'), (specifier) => {
      if (specifier.startsWith('.')) {
        queue.push(declarationFor(join(dirname(file), specifier)));
        return specifier;
      }
      if (!specifier.startsWith(INTERNAL_SCOPE)) return specifier;
      const target = roots.get(specifier);
      if (target) {
        queue.push(target.entry);
        const to = join(options.stageDir, target.dest, 'index.js');
        return toRelativeSpecifier(dirname(dest), to);
      }
      if (options.internalFrom) return `${options.internalFrom}/internal/${shortName(specifier)}`;
      throw new Error(`${file} imports ${specifier}, which is neither packed nor provided by another package`);
    });
    await mkdir(dirname(dest), { recursive: true });
    // The declaration maps point at sources that are not shipped.
    await writeFile(dest, text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'));
    written.push(relative(options.stageDir, dest));
  }
  return written.sort();
}

/** Every module specifier in a declaration file: `from '...'`, `import '...'`, `import("...")`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\2/g;

export function rewriteSpecifiers(text: string, rewrite: (specifier: string) => string): string {
  return text.replace(SPECIFIER, (_match, lead: string, quote: string, specifier: string) => `${lead}${quote}${rewrite(specifier)}${quote}`);
}

/** `./foo.js` → `./foo.d.ts` (and `.cjs` → `.d.cts`), as NodeNext resolves declarations. */
function declarationFor(modulePath: string): string {
  const candidates = [modulePath.replace(/\.js$/, '.d.ts'), modulePath.replace(/\.cjs$/, '.d.cts'), modulePath.replace(/\.mjs$/, '.d.mts'), join(modulePath, 'index.d.ts')];
  const found = candidates.find((candidate) => candidate !== modulePath && existsSync(candidate));
  if (!found) throw new Error(`no declarations for ${modulePath}`);
  return found;
}

function toRelativeSpecifier(fromDir: string, to: string): string {
  const path = relative(fromDir, to).split(sep).join(posix.sep);
  return path.startsWith('.') ? path : `./${path}`;
}
