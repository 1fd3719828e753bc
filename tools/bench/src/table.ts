/** A table as rows of cells; the first row is the header. Numbers are right-aligned by `align`. */
export interface Table {
  headers: string[];
  rows: string[][];
  /** 'r' for a right-aligned column; default left. */
  align?: Array<'l' | 'r'>;
}

/** Plain text with padded columns, for the terminal. */
export function renderText(table: Table): string {
  const widths = table.headers.map((header, i) => Math.max(header.length, ...table.rows.map((row) => (row[i] ?? '').length)));
  const pad = (cell: string, i: number): string => (table.align?.[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0));
  const line = (cells: string[]): string => cells.map(pad).join('  ').trimEnd();
  return [line(table.headers), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line)].join('\n');
}

/** A GitHub-flavoured markdown table. */
export function renderMarkdown(table: Table): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const rule = table.headers.map((_, i) => (table.align?.[i] === 'r' ? '---:' : '---'));
  return [table.headers, rule, ...table.rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

export function seconds(value: number): string {
  return value < 10 ? `${value.toFixed(2)} s` : `${value.toFixed(1)} s`;
}

export function ratio(value: number): string {
  return value < 10 ? `${value.toFixed(2)}×` : `${value.toFixed(1)}×`;
}
