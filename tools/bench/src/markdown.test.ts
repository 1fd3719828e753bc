import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '@asset-sync/git-harness';
import { replaceSection, writeSections } from './markdown.js';

afterAll(removeTempDirs);

describe('replaceSection', () => {
  const other = '<!-- bench:migrate:start -->\n## Migrate\nkept as is\n<!-- bench:migrate:end -->';

  it('replaces only the named section and keeps the text around it', () => {
    const text = `# Benchmarks\n\nintro\n\n<!-- bench:restore:start -->\nold table\n<!-- bench:restore:end -->\n\n${other}\n`;
    const next = replaceSection(text, 'restore', 'new table');
    expect(next).toBe(`# Benchmarks\n\nintro\n\n<!-- bench:restore:start -->\nnew table\n<!-- bench:restore:end -->\n\n${other}\n`);
  });

  it('appends a marked section when the markers are not there', () => {
    expect(replaceSection(`# Benchmarks\n\n${other}\n`, 'restore', 'table')).toBe(
      `# Benchmarks\n\n${other}\n\n<!-- bench:restore:start -->\ntable\n<!-- bench:restore:end -->\n`,
    );
  });

  it('is stable: writing the same body twice gives the same text', () => {
    const once = replaceSection('# B\n', 'restore', 'table');
    expect(replaceSection(once, 'restore', 'table')).toBe(once);
  });
});

describe('writeSections', () => {
  it('creates the file with a preamble, then updates it in place', async () => {
    const file = join(await makeTempDir('bench-md'), 'BENCHMARKS.md');
    await writeSections(file, { restore: 'first' });
    const created = await readFile(file, 'utf8');
    expect(created).toMatch(/^# Benchmarks\n/);
    expect(created).toContain('<!-- bench:restore:start -->\nfirst\n<!-- bench:restore:end -->');

    await writeFile(file, `${created}\nA note someone wrote by hand.\n`);
    await writeSections(file, { restore: 'second', 'restore-scale': 'curve' });
    const updated = await readFile(file, 'utf8');
    expect(updated).toContain('<!-- bench:restore:start -->\nsecond\n<!-- bench:restore:end -->');
    expect(updated).toContain('A note someone wrote by hand.');
    expect(updated).toContain('<!-- bench:restore-scale:start -->\ncurve\n<!-- bench:restore-scale:end -->');
    expect(updated).not.toContain('first');
  });
});
