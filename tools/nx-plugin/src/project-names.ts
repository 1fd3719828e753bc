import { createHash } from 'node:crypto';

/**
 * Names for the projects the plugin creates, one per assets.json folder.
 *
 * A project is named after its folder (`sdk/tables/azure-data-tables` → `azure-data-tables`).
 * When names clash, with each other or with a name already `taken` (a package.json or
 * project.json name), every clashing folder takes one more parent folder into its name
 * (`sdk/tables/tests` and `sdk/keyvault/tests` → `tables-tests` and `keyvault-tests`), until the
 * names differ or a folder runs out of parents; a folder that still clashes then ends with a short
 * hash of its path. The result depends only on the set of folders and taken names, never on their
 * order, so the graph is the same on every machine and never fails on a duplicate name.
 *
 * @param folders Project roots relative to the workspace root, forward slashes; `.` is the root.
 * @param rootName The name for the folder `.` (the workspace root's own folder name).
 */
export function projectNames(folders: readonly string[], taken: ReadonlySet<string> = new Set(), rootName = 'root'): Map<string, string> {
  const unique = [...new Set(folders)].sort();
  const segments = new Map(unique.map((folder) => [folder, segmentsOf(folder, rootName)]));
  const depth = new Map(unique.map((folder) => [folder, 1]));
  const nameOf = (folder: string): string => segments.get(folder)!.slice(-depth.get(folder)!).join('-');

  for (;;) {
    const clashing = clashes(unique, nameOf, taken);
    let grew = false;
    for (const folder of clashing) {
      if (depth.get(folder)! < segments.get(folder)!.length) {
        depth.set(folder, depth.get(folder)! + 1);
        grew = true;
      }
    }
    if (!grew) break;
  }

  const names = new Map(unique.map((folder) => [folder, nameOf(folder)]));
  for (const folder of clashes(unique, (f) => names.get(f)!, taken)) {
    names.set(folder, `${names.get(folder)!}-${shortHash(folder)}`);
  }
  return names;
}

/** Folders whose name is shared with another folder or already taken. */
function clashes(folders: readonly string[], nameOf: (folder: string) => string, taken: ReadonlySet<string>): string[] {
  const byName = new Map<string, string[]>();
  for (const folder of folders) {
    const name = nameOf(folder);
    byName.set(name, [...(byName.get(name) ?? []), folder]);
  }
  return [...byName].filter(([name, owners]) => owners.length > 1 || taken.has(name)).flatMap(([, owners]) => owners);
}

/** Folder names usable in a project name: `:` separates project and target on the command line. */
function segmentsOf(folder: string, rootName: string): string[] {
  const parts = folder === '.' || folder === '' ? [rootName] : folder.split('/').filter(Boolean);
  return parts.map((part) => part.replace(/[^\w.@-]+/g, '-'));
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}
