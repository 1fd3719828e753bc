import { hasControlCharacter } from './checks.js';

/**
 * git's ref-name rules (`git check-ref-format`), in TypeScript so a hostile Tag, TagPrefix or
 * branch is refused before it reaches a git command line. A leading `-` is refused too: git
 * would read it as an option.
 *
 * Returns undefined when the name is fine, otherwise why it is not (`contains ".."`).
 */
export function checkRefName(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '@') return 'is "@"';
  if (name.startsWith('-')) return 'starts with "-"';
  if (hasControlCharacter(name)) return 'contains a control character';
  const forbidden = [' ', '~', '^', ':', '?', '*', '[', '\\'].find((char) => name.includes(char));
  if (forbidden !== undefined) return forbidden === ' ' ? 'contains a space' : `contains "${forbidden}"`;
  if (name.includes('..')) return 'contains ".."';
  if (name.includes('@{')) return 'contains "@{"';
  if (name.startsWith('/')) return 'starts with "/"';
  if (name.endsWith('/')) return 'ends with "/"';
  if (name.includes('//')) return 'contains "//"';
  if (name.endsWith('.')) return 'ends with "."';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return `has a component starting with "." ("${component}")`;
    if (component.endsWith('.lock')) return `has a component ending with ".lock" ("${component}")`;
  }
  return undefined;
}
