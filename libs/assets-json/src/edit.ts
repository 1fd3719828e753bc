import { applyEdits, findNodeAtLocation, modify, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { AssetSyncError, type Problem } from '@asset-sync/errors';
import { KNOWN_KEYS, detectDialect, type AssetsJsonKey } from './model.js';
import type { WrittenPin } from './pin.js';
import { JSONC_OPTIONS, syntaxProblems, valueOf } from './parse.js';
import { FIELD_HINTS, fieldSchemas } from './schema.js';
import { detectEol, firstConflictMarkerLine, splitBom } from './text.js';

/**
 * In-place edits: one value changes and every other byte stays as the user wrote it (key order,
 * comments, indentation, CRLF, a missing final newline), so a pin bump is a one-line diff.
 */

function invalid(file: string, message: string, problems: Problem[]): AssetSyncError {
  return new AssetSyncError('ASSETS_JSON_INVALID', `${file}: ${message}`, {
    file,
    problems,
    hint: problems[0]?.hint ?? 'fix the file, then run the command again',
  });
}

/** The syntax tree of an editable file: valid JSONC, an object, no conflict markers. */
function editableTree(body: string, file: string): Node {
  const markerLine = firstConflictMarkerLine(body);
  if (markerLine !== undefined) {
    throw invalid(file, 'cannot edit a file with merge conflict markers', [
      { file, message: `the file has unresolved merge conflict markers (line ${markerLine})`, line: markerLine, column: 1 },
    ]);
  }
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, JSONC_OPTIONS);
  if (errors.length > 0) throw invalid(file, 'cannot edit a file that is not valid JSON', syntaxProblems(body, errors, file));
  if (root?.type !== 'object') {
    throw invalid(file, 'cannot edit a file that is not a JSON object', [
      { file, message: 'the file must be a JSON object' },
    ]);
  }
  return root;
}

function validateValue(field: string, value: string, file: string): void {
  if (!(KNOWN_KEYS as readonly string[]).includes(field)) return;
  const result = fieldSchemas[field as AssetsJsonKey].safeParse(value);
  if (!result.success) {
    const hint = FIELD_HINTS[field as AssetsJsonKey];
    const problems = result.error.issues.map((issue) => ({ file, field, message: `"${field}" ${issue.message}`, hint }));
    throw invalid(file, `cannot set "${field}"`, problems);
  }
}

/** The offset of the comma after `offset`, skipping whitespace and comments, if one follows. */
function commaAfter(body: string, offset: number): number | undefined {
  let i = offset;
  while (i < body.length) {
    const rest = body.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
    } else if (rest.startsWith('//')) {
      const lf = body.indexOf('\n', i);
      i = lf === -1 ? body.length : lf;
    } else if (rest.startsWith('/*')) {
      const close = body.indexOf('*/', i + 2);
      i = close === -1 ? body.length : close + 2;
    } else {
      return body[i] === ',' ? i : undefined;
    }
  }
  return undefined;
}

/** Where the line holding `offset` ends, when only whitespace and comments follow on it. */
function lineEndAfter(body: string, offset: number): number | undefined {
  const lf = body.indexOf('\n', offset);
  let end = lf === -1 ? body.length : lf;
  if (end > offset && body[end - 1] === '\r') end--;
  return /^\s*(?:\/\*.*?\*\/\s*)*(?:\/\/.*)?$/.test(body.slice(offset, end)) ? end : undefined;
}

function lineStartOf(body: string, offset: number): number {
  return body.lastIndexOf('\n', offset - 1) + 1;
}

/** Adds a key after the last one, in the file's own indentation, spacing and line ending. */
function insertProperty(body: string, root: Node, field: string, value: string): string {
  const eol = detectEol(body);
  const properties = root.children ?? [];
  const last = properties[properties.length - 1];
  const lastKey = last?.children?.[0];
  const lastValue = last?.children?.[1];
  if (last === undefined || lastKey === undefined || lastValue === undefined) {
    const inside = body.slice(root.offset + 1, root.offset + root.length - 1);
    const member = `"${field}": ${JSON.stringify(value)}`;
    if (inside.trim() === '') {
      return `${body.slice(0, root.offset)}{${eol}  ${member}${eol}}${body.slice(root.offset + root.length)}`;
    }
    return `${body.slice(0, root.offset + 1)}${eol}  ${member}${body.slice(root.offset + 1)}`;
  }

  const colon = body.slice(lastKey.offset + lastKey.length, lastValue.offset);
  const member = `${JSON.stringify(field)}${colon}${JSON.stringify(value)}`;
  const valueEnd = lastValue.offset + lastValue.length;
  const trailingComma = commaAfter(body, valueEnd);
  const multiLine = /\n/.test(body.slice(root.offset, last.offset));

  if (!multiLine) {
    const previous = properties[properties.length - 2]?.children?.[1];
    const separator =
      previous !== undefined ? body.slice(previous.offset + previous.length, last.offset) : colon.includes(' ') ? ', ' : ',';
    return `${body.slice(0, valueEnd)}${separator}${member}${body.slice(valueEnd)}`;
  }

  const lineStart = lineStartOf(body, last.offset);
  const indent = /^[ \t]*/.exec(body.slice(lineStart))?.[0] ?? '';
  if (trailingComma !== undefined) {
    // JSONC allows a comma after the last key; the new last key keeps that style.
    const end = lineEndAfter(body, trailingComma + 1);
    if (end !== undefined) return `${body.slice(0, end)}${eol}${indent}${member},${body.slice(end)}`;
    return `${body.slice(0, trailingComma + 1)}${eol}${indent}${member},${body.slice(trailingComma + 1)}`;
  }
  const end = lineEndAfter(body, valueEnd);
  if (end !== undefined) {
    return `${body.slice(0, valueEnd)},${body.slice(valueEnd, end)}${eol}${indent}${member}${body.slice(end)}`;
  }
  return `${body.slice(0, valueEnd)},${eol}${indent}${member}${body.slice(valueEnd)}`;
}

/**
 * Sets one top-level string value. An existing key has only its value replaced; a new key goes
 * after the last one in the file's style. Known keys are validated first, so a hostile value is
 * never written.
 *
 * @throws AssetSyncError ASSETS_JSON_INVALID when the text cannot be edited safely or the value is invalid.
 */
export function setField(text: string, field: string, value: string, file = 'assets.json'): string {
  validateValue(field, value, file);
  const { bom, body } = splitBom(text);
  const root = editableTree(body, file);
  const occurrences = (root.children ?? []).filter((property) => property.children?.[0]?.value === field).length;
  if (occurrences > 1) {
    throw invalid(file, `cannot set "${field}", which appears ${occurrences} times`, [
      { file, field, message: `"${field}" appears ${occurrences} times`, hint: `keep one "${field}"` },
    ]);
  }
  if (findNodeAtLocation(root, [field]) !== undefined) {
    // No formatting options: jsonc-parser then replaces the value's characters and nothing else.
    return bom + applyEdits(body, modify(body, [field], value, {}));
  }
  return bom + insertProperty(body, root, field, value);
}

/**
 * Writes a pin in the file's own dialect: `Tag` in the tag dialect, `SHA` in the branch dialect.
 * A `none` pin empties the pin value (`"Tag": ""`, `"SHA": ""`), leaving a file without one as it is.
 */
export function setPin(text: string, pin: WrittenPin, file = 'assets.json'): string {
  const { body } = splitBom(text);
  const raw = valueOf(editableTree(body, file)) as Record<string, unknown>;
  const dialect = detectDialect(raw);
  if (pin.kind === 'none') {
    const key = dialect === 'tag' ? 'Tag' : 'SHA';
    return Object.hasOwn(raw, key) ? setField(text, key, '', file) : text;
  }
  if (pin.kind === 'tag' && dialect === 'tag') return setField(text, 'Tag', pin.tag, file);
  if (pin.kind === 'sha' && dialect === 'branch') return setField(text, 'SHA', pin.sha.toLowerCase(), file);
  const wanted = pin.kind === 'tag' ? 'a tag ("Tag")' : 'a commit ("SHA")';
  const has = dialect === 'tag' ? 'the tag dialect ("Tag")' : 'the branch dialect ("SHA")';
  throw invalid(file, `cannot pin ${wanted} in a file written in ${has}`, [
    {
      file,
      message: `cannot pin ${wanted} in a file written in ${has}`,
      hint: 'pin a tag in a file with "Tag" and a commit in a file with "SHA"',
    },
  ]);
}
