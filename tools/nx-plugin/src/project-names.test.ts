import { describe, expect, it } from 'vitest';
import { projectNames } from './project-names.js';

describe('projectNames', () => {
  it('names a project after its folder', () => {
    const names = projectNames(['sdk/tables', 'sdk/tables/azure-data-tables', 'sdk/storage/azure-storage-blob']);
    expect(Object.fromEntries(names)).toEqual({
      'sdk/tables': 'tables',
      'sdk/tables/azure-data-tables': 'azure-data-tables',
      'sdk/storage/azure-storage-blob': 'azure-storage-blob',
    });
  });

  it('gives folders that share a basename their service as well', () => {
    const names = projectNames(['sdk/tables/tests', 'sdk/keyvault/tests', 'sdk/storage/azure-storage-blob']);
    expect(names.get('sdk/tables/tests')).toBe('tables-tests');
    expect(names.get('sdk/keyvault/tests')).toBe('keyvault-tests');
    // Only the clashing ones grow.
    expect(names.get('sdk/storage/azure-storage-blob')).toBe('azure-storage-blob');
  });

  it('keeps growing while names still clash, and only the ones that clash', () => {
    const names = projectNames(['sdk/a/x/tests', 'sdk/b/x/tests', 'sdk/c/y/tests']);
    expect(Object.fromEntries(names)).toEqual({
      'sdk/a/x/tests': 'a-x-tests',
      'sdk/b/x/tests': 'b-x-tests',
      'sdk/c/y/tests': 'y-tests',
    });
  });

  it('steps around names other projects already have', () => {
    const names = projectNames(['sdk/tables', 'sdk/storage/azure-storage-blob'], new Set(['tables']));
    expect(names.get('sdk/tables')).toBe('sdk-tables');
    expect(names.get('sdk/storage/azure-storage-blob')).toBe('azure-storage-blob');
  });

  it('ends with a hash of the path when the whole path still clashes', () => {
    // Both become sdk-a-b once ':' and ' ' are replaced.
    const names = projectNames(['sdk/a:b', 'sdk/a b']);
    const colon = names.get('sdk/a:b')!;
    const space = names.get('sdk/a b')!;
    expect(colon).toMatch(/^sdk-a-b-[0-9a-f]{6}$/);
    expect(space).toMatch(/^sdk-a-b-[0-9a-f]{6}$/);
    expect(colon).not.toBe(space);
    // The same path always gets the same hash.
    expect(projectNames(['sdk/a b', 'sdk/a:b']).get('sdk/a:b')).toBe(colon);
    // A one-folder path that clashes with a taken name cannot grow either.
    expect(projectNames(['tables'], new Set(['tables'])).get('tables')).toMatch(/^tables-[0-9a-f]{6}$/);
  });

  it('gives the same names whatever the order of the folders', () => {
    const folders = ['sdk/x/tests', 'sdk/y/tests', 'sdk/tables', 'sdk/other/tables', 'sdk/z/pkg'];
    const forward = Object.fromEntries(projectNames(folders));
    const backward = Object.fromEntries(projectNames([...folders].reverse()));
    expect(backward).toEqual(forward);
    expect(new Set(Object.values(forward)).size).toBe(folders.length);
  });

  it('names the workspace root after the root folder, and keeps ":" out of names', () => {
    const names = projectNames(['.', 'sdk/odd:name'], new Set(), 'azure-sdk-for-python');
    expect(names.get('.')).toBe('azure-sdk-for-python');
    expect(names.get('sdk/odd:name')).toBe('odd-name');
  });
});
