import { lstatSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { describeValue, type Problem } from '@asset-sync/errors';
import {
  BRANCH_ONLY_KEYS,
  DEFAULT_FALLBACK_BRANCH,
  KNOWN_KEYS,
  TAG_ONLY_KEYS,
  detectDialect,
  type AssetsJson,
  type AssetsJsonKey,
  type Dialect,
} from './model.js';
import { FIELD_HINTS, branchDialectSchema, mixedDialectSchema, tagDialectSchema } from './schema.js';
import { closestMatch, firstConflictMarkerLine, positionAt, splitBom } from './text.js';

export type ParseAssetsJsonResult = { ok: true; value: AssetsJson } | { ok: false; problems: Problem[] };
export type ReadAssetsJsonResult =
  | { ok: true; value: AssetsJson; text: string }
  | { ok: false; problems: Problem[]; text?: string };

/** jsonc-parser reads comments and trailing commas, as people write them in assets.json. */
export const JSONC_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false } as const;

/** An assets.json is a few lines; anything this big is not one. */
const MAX_BYTES = 1024 * 1024;

const WHOLE_FILE_EXPECTED = 'the file must be a JSON object with at least "AssetsRepo"';
const WHOLE_FILE_HINT =
  'write {"AssetsRepo": "Azure/azure-sdk-assets", "AssetsRepoPrefixPath": "...", "TagPrefix": "...", "Tag": ""}, or run asset-sync init';

const SYNTAX_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name in double quotes is expected',
  ValueExpected: 'a value is expected',
  ColonExpected: 'a colon is expected',
  CommaExpected: 'a comma is expected',
  CloseBraceExpected: 'a closing brace "}" is expected',
  CloseBracketExpected: 'a closing bracket "]" is expected',
  EndOfFileExpected: 'nothing may follow the closing brace',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** The directory an assets.json governs, as `asset-sync resolve` takes it. */
function packageDirOf(file: string): string {
  return posix.dirname(file.replaceAll('\\', '/'));
}

export function syntaxProblems(body: string, errors: ParseError[], file: string): Problem[] {
  // Only the first: after a syntax error the parser's recovery is a guess, and the errors that
  // follow are mostly echoes of the first one.
  return errors.slice(0, 1).map((error) => {
    const { line, column } = positionAt(body, error.offset);
    const code = printParseErrorCode(error.error);
    return {
      file,
      message: `not valid JSON: ${SYNTAX_ERRORS[code] ?? code} (line ${line}, column ${column})`,
      hint: 'fix the JSON syntax; comments and trailing commas are allowed',
      line,
      column,
    };
  });
}

/**
 * A JSON value from the syntax tree. Keys are defined, not assigned, so a `"__proto__"` key is
 * kept as data and cannot change what the object's other keys read as.
 */
export function valueOf(node: Node): unknown {
  if (node.type === 'object') {
    const object: Record<string, unknown> = {};
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key === undefined) continue;
      Object.defineProperty(object, String(key.value), {
        value: value === undefined ? undefined : valueOf(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  if (node.type === 'array') return (node.children ?? []).map(valueOf);
  return node.value;
}

function own(data: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(data, key) ? data[key] : undefined;
}

const quoted = (keys: readonly string[]): string => keys.map((key) => `"${key}"`).join(', ');

const MAX_NESTING = 32;

/** How deep brackets nest outside strings and comments; cheap, and it never recurses. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (c === '/' && text[i + 1] === '*') i = text.indexOf('*/', i + 2) < 0 ? text.length : text.indexOf('*/', i + 2) + 1;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/**
 * Reads the text of an assets.json (JSONC) and validates it. Every problem is collected: the
 * user fixes the file in one pass.
 */
export function parseAssetsJson(text: string, file: string): ParseAssetsJsonResult {
  const root = rootObjectOf(text, file);
  if (!('properties' in root)) return { ok: false, problems: root.problems };
  const keys = root.properties.map((property) => String(property.children?.[0]?.value));
  const raw = root.raw;
  const { problems, unknownKeys, mixed } = keyProblems(keys, raw, file);
  const dialect = detectDialect(raw);
  const schema = mixed ? mixedDialectSchema : dialect === 'tag' ? tagDialectSchema : branchDialectSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) problems.push(...schemaProblems(parsed.error.issues, raw, unknownKeys, file));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems: inKeyOrder(problems, keys) };
  return { ok: true, value: assetsJsonOf(dialect, parsed.data as Record<string, unknown>, raw) };
}

/** The file's top-level object, or the one problem that makes it unreadable as a whole. */
function rootObjectOf(text: string, file: string): { properties: Node[]; raw: Record<string, unknown> } | { problems: Problem[] } {
  const fail = (problems: Problem[]): { problems: Problem[] } => ({ problems });
  const { body } = splitBom(text);
  if (body.trim() === '') {
    const found = body === '' ? 'an empty file' : 'only whitespace';
    return fail([{ file, message: `${WHOLE_FILE_EXPECTED}, found ${found}`, hint: WHOLE_FILE_HINT }]);
  }
  const depth = nestingDepth(body);
  if (depth > MAX_NESTING) {
    // The parser recurses per level: thousands of levels would overflow the stack and end the run.
    return fail([{ file, message: `${WHOLE_FILE_EXPECTED}, found values nested ${depth} levels deep`, hint: WHOLE_FILE_HINT }]);
  }

  const markerLine = firstConflictMarkerLine(body);
  if (markerLine !== undefined) {
    return fail([
      {
        file,
        message: `the file has unresolved merge conflict markers (line ${markerLine})`,
        hint: `run asset-sync resolve ${packageDirOf(file)}`,
        line: markerLine,
        column: 1,
      },
    ]);
  }

  const errors: ParseError[] = [];
  const root = parseTree(body, errors, JSONC_OPTIONS);
  if (errors.length > 0) return fail(syntaxProblems(body, errors, file));
  if (root === undefined) {
    return fail([{ file, message: `${WHOLE_FILE_EXPECTED}, found no JSON value`, hint: WHOLE_FILE_HINT }]);
  }
  if (root.type !== 'object') {
    return fail([
      { file, message: `${WHOLE_FILE_EXPECTED}, found ${describeValue(valueOf(root))}`, hint: WHOLE_FILE_HINT },
    ]);
  }
  const properties = root.children ?? [];
  if (properties.length === 0) {
    return fail([{ file, message: `${WHOLE_FILE_EXPECTED}, found an empty object`, hint: WHOLE_FILE_HINT }]);
  }
  return { properties, raw: valueOf(root) as Record<string, unknown> };
}

/** Problems with the keys themselves: duplicates, a known key in the wrong case, two dialects mixed. */
function keyProblems(keys: string[], raw: Record<string, unknown>, file: string): { problems: Problem[]; unknownKeys: string[]; mixed: boolean } {
  const problems: Problem[] = [];
  // A key written twice reads as the last one to a JSON parser and as either one to a reviewer.
  for (const key of new Set(keys)) {
    const count = keys.filter((other) => other === key).length;
    if (count > 1) {
      problems.push({ file, field: key, message: `"${key}" appears ${count} times`, hint: `keep one "${key}"` });
    }
  }

  const unknownKeys = Object.keys(raw).filter((key) => !(KNOWN_KEYS as readonly string[]).includes(key));
  for (const key of unknownKeys) {
    const known = KNOWN_KEYS.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (known !== undefined) {
      problems.push({
        file,
        field: key,
        message: `"${key}" is not an assets.json key (keys are case-sensitive)`,
        hint: `did you mean "${known}"?`,
      });
    }
  }

  const tagKeys = TAG_ONLY_KEYS.filter((key) => Object.hasOwn(raw, key));
  const branchKeys = BRANCH_ONLY_KEYS.filter((key) => Object.hasOwn(raw, key));
  const mixed = tagKeys.length > 0 && branchKeys.length > 0;
  if (mixed) {
    problems.push({
      file,
      field: branchKeys[0],
      message: `${quoted(tagKeys)} (tag dialect) cannot be used together with ${quoted(branchKeys)} (branch dialect)`,
      hint: `keep either ${quoted(tagKeys)} or ${quoted(branchKeys)}, not both`,
    });
  }
  return { problems, unknownKeys, mixed };
}

/** One problem per schema issue, with the field's hint, or the misspelt key when one is missing. */
function schemaProblems(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, raw: Record<string, unknown>, unknownKeys: string[], file: string): Problem[] {
  return issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    const problem: Problem = { file, field, message: `"${field}" ${issue.message}` };
    const hint = FIELD_HINTS[field as AssetsJsonKey] as string | undefined;
    if (hint !== undefined) problem.hint = hint;
    // A missing key is often a misspelt one.
    if (own(raw, field) === undefined) {
      const typo = unknownKeys.find((key) => closestMatch(key, [field]) === field);
      if (typo !== undefined) problem.hint = `did you mean "${field}" instead of "${typo}"?`;
    }
    return problem;
  });
}

/** In the order the keys appear in the file, missing keys last, so the list reads top to bottom. */
function inKeyOrder(problems: Problem[], keys: string[]): Problem[] {
  const rank = (problem: Problem): number => {
    const index = problem.field === undefined ? -1 : keys.indexOf(problem.field);
    return index === -1 && problem.field !== undefined ? keys.length : index;
  };
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => rank(a.problem) - rank(b.problem) || a.index - b.index)
    .map(({ problem }) => problem);
}

/** The model of a valid file: its dialect's fields, with what is absent left out. */
function assetsJsonOf(dialect: Dialect, data: Record<string, unknown>, raw: Record<string, unknown>): AssetsJson {
  const str = (key: AssetsJsonKey): string | undefined => {
    const value = own(data, key);
    return typeof value === 'string' ? value : undefined;
  };
  const value: AssetsJson = {
    dialect,
    assetsRepo: str('AssetsRepo') ?? '',
    prefixPath: str('AssetsRepoPrefixPath') ?? '',
    fallbackBranch: DEFAULT_FALLBACK_BRANCH,
    raw,
  };
  if (dialect === 'tag') {
    const tagPrefix = str('TagPrefix');
    const tag = str('Tag');
    if (tagPrefix !== undefined) value.tagPrefix = tagPrefix;
    if (tag !== undefined) value.tag = tag;
  } else {
    const assetsRepoId = str('AssetsRepoId');
    const branch = str('AssetsRepoBranch');
    const sha = str('SHA');
    const fallbackBranch = str('AssetsRepoFallbackBranch');
    if (assetsRepoId !== undefined) value.assetsRepoId = assetsRepoId;
    if (branch) value.branch = branch;
    if (sha) value.sha = sha;
    if (fallbackBranch) value.fallbackBranch = fallbackBranch;
  }
  return value;
}

/**
 * Reads and validates an assets.json from disk. A file that cannot be read is a problem like any
 * other, so discovery reports it beside the rest instead of stopping. Reads are synchronous on
 * purpose: discovery reads hundreds of small files, and a promise per system call costs more in
 * scheduling than the calls themselves. The file is never followed through a symlink: a link
 * could point anywhere, and asset-sync edits these files in place.
 */
// One decoder for every file: making one per file was a tenth of discovery's time. Without
// `stream`, each decode starts afresh, so sharing it carries nothing from one file to the next.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export async function readAssetsJson(absPath: string, displayPath: string): Promise<ReadAssetsJsonResult> {
  let text: string;
  try {
    const info = lstatSync(absPath);
    if (!info.isFile()) {
      const kind = info.isSymbolicLink() ? 'a symbolic link' : info.isDirectory() ? 'a directory' : info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : 'not a regular file';
      const fix = info.isSymbolicLink() ? 'replace the link with a copy of the file' : 'make assets.json a regular file, or remove it';
      return { ok: false, problems: [{ file: displayPath, message: `the file is ${kind}; asset-sync reads only regular assets.json files`, hint: fix }] };
    }
    if (info.size > MAX_BYTES) {
      return {
        ok: false,
        problems: [
          { file: displayPath, message: `the file is ${info.size} bytes; an assets.json is a few lines`, hint: WHOLE_FILE_HINT },
        ],
      };
    }
    const bytes = readFileSync(absPath);
    try {
      text = UTF8.decode(bytes);
    } catch {
      // Decoding leniently would turn the bad bytes into U+FFFD and pass a pin nobody wrote.
      const at = firstInvalidUtf8(bytes);
      return { ok: false, problems: [{ file: displayPath, message: `the file is not valid UTF-8 (a bad byte at offset ${at})`, hint: 'save the file as UTF-8; pins and paths are plain text' }] };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'the file cannot be read: permission denied'
          : `the file cannot be read (${code ?? String(error)})`;
    return { ok: false, problems: [{ file: displayPath, message: reason, hint: 'check the path and its permissions' }] };
  }
  return { ...parseAssetsJson(text, displayPath), text };
}

/** Offset of the first byte that breaks UTF-8, for the message. */
function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix that decodes (a character cut short at its end is not an error when streaming).
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}
