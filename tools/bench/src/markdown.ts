import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

const PREAMBLE = `# Benchmarks

Measured by \`npm run bench\` (see \`tools/bench\`). Each generated section sits between
\`<!-- bench:<name>:start -->\` and \`<!-- bench:<name>:end -->\` markers: a run replaces its own
sections and leaves everything else in this file as it is.
`;

export function startMarker(name: string): string {
  return `<!-- bench:${name}:start -->`;
}

export function endMarker(name: string): string {
  return `<!-- bench:${name}:end -->`;
}

/**
 * `text` with the section between `name`'s markers replaced by `body`, or with a new marked
 * section appended when the markers are not there yet.
 */
export function replaceSection(text: string, name: string, body: string): string {
  const start = startMarker(name);
  const end = endMarker(name);
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = from === -1 ? -1 : text.indexOf(end, from);
  if (from !== -1 && to !== -1) return text.slice(0, from) + block + text.slice(to + end.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}

/** Writes each section into `file` (created with a short preamble if absent), keeping the rest. */
export async function writeSections(file: string, sections: Record<string, string>): Promise<void> {
  let text = existsSync(file) ? await readFile(file, 'utf8') : PREAMBLE;
  for (const [name, body] of Object.entries(sections)) text = replaceSection(text, name, body);
  await writeFile(file, text.endsWith('\n') ? text : `${text}\n`);
}
