/**
 * What every command handler returns. Handlers never print and never exit: main() does both, in
 * one place, so handlers can be tested by calling them.
 */
export interface CommandResult {
  /** 0 ok, 1 an operation failed, 2 usage or configuration error. */
  exitCode: 0 | 1 | 2;
  /** Printed with --json. */
  json: unknown;
  /** Printed otherwise (stdout). */
  text: string;
  /** Printed to stderr in both modes (warnings, hints). */
  warnings?: string[];
}

export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
  cwd: string;
}

export function ok(json: unknown, text: string, warnings?: string[]): CommandResult {
  return { exitCode: 0, json, text, ...(warnings?.length ? { warnings } : {}) };
}
