/**
 * One thing wrong with one input file. Validators collect these instead of throwing at the
 * first, so a user fixes a file in one pass.
 */
export interface Problem {
  /** The file, relative to the language repo root where possible. */
  file: string;
  /** The field (JSON key or dotted YAML path); absent when the file as a whole is wrong. */
  field?: string;
  /** The whole sentence, e.g. `"Tag" must be a string, found number 42`. */
  message: string;
  /** What would make it right. */
  hint?: string;
  /** 1-based position, for syntax errors. */
  line?: number;
  column?: number;
}

/** `file: message` (with the position for syntax errors), the form every command prints. */
export function formatProblem(problem: Problem): string {
  const where =
    problem.line !== undefined
      ? `${problem.file}:${problem.line}:${problem.column ?? 1}`
      : problem.file;
  return `${where}: ${problem.message}`;
}

/**
 * How a found value reads in a message: its JSON type and, when short, the value itself
 * (`number 42`, `string "-rf"`, `an empty string`). Long strings are cut so a message stays a line.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
