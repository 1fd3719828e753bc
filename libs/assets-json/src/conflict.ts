import { parseTree, type ParseError } from 'jsonc-parser';
import { AssetSyncError, type Problem } from '@asset-sync/errors';
import type { AssetsJson } from './model.js';
import { pinOf, type WrittenPin } from './pin.js';
import { JSONC_OPTIONS, parseAssetsJson } from './parse.js';
import { FIELD_HINTS, fieldSchemas } from './schema.js';
import { conflictMarkerOf, splitBom, splitLines, type Line } from './text.js';

/**
 * Two branches that both moved a pin leave git merge markers around the pin line. When the
 * conflict is on the pin line and nowhere else, asset-sync can resolve it; anything more is the
 * user's to resolve by hand.
 */

export interface ConflictedAssetsJson {
  /** The key the conflict is on. */
  pinKey: 'Tag' | 'SHA';
  /** The pin on the checked-out side (`<<<<<<< HEAD`). */
  ours: WrittenPin;
  /** The pin on the side being merged in (`>>>>>>> branch`). */
  theirs: WrittenPin;
  /** The common ancestor's pin, when git wrote diff3 markers (`||||||| base`). */
  base?: WrittenPin;
  /** The rest of the file, parsed as the checked-out side has it. */
  assetsJson: AssetsJson;
}

export type ParseConflictedAssetsJsonResult =
  | { ok: true; value: ConflictedAssetsJson }
  | { ok: false; problems: Problem[] };

interface ConflictBlock {
  /** 0-based indexes of the `<<<<<<<` and `>>>>>>>` lines. */
  first: number;
  last: number;
  ours: Line[];
  base?: Line[];
  theirs: Line[];
}

interface PinLine {
  line: Line;
  key: string;
  value: unknown;
  /** Where the value sits in `line.content`. */
  valueStart: number;
  valueEnd: number;
}

const BY_HAND =
  'resolve the conflict by hand: keep one version of each line and delete the <<<<<<<, ======= and >>>>>>> lines';

function scanBlocks(lines: Line[], file: string): { blocks: ConflictBlock[]; problems: Problem[] } {
  const blocks: ConflictBlock[] = [];
  const problems: Problem[] = [];
  let open: (ConflictBlock & { section: 'ours' | 'base' | 'theirs' }) | undefined;
  const broken = (index: number, what: string): void => {
    problems.push({ file, message: `${what} (line ${index + 1})`, hint: BY_HAND, line: index + 1, column: 1 });
  };
  lines.forEach((line, index) => {
    const marker = conflictMarkerOf(line.content);
    if (marker === undefined) {
      if (open !== undefined) (open.section === 'base' ? (open.base ??= []) : open[open.section]).push(line);
      return;
    }
    if (marker === 'ours') {
      if (open !== undefined) broken(index, 'a merge conflict starts inside another one');
      open = { first: index, last: index, ours: [], theirs: [], section: 'ours' };
    } else if (open === undefined) {
      broken(index, 'a merge conflict marker has no "<<<<<<<" line before it');
    } else if (marker === 'base' && open.section === 'ours') {
      open.section = 'base';
      open.base = [];
    } else if (marker === 'theirs' && open.section !== 'theirs') {
      open.section = 'theirs';
    } else if (marker === 'end' && open.section === 'theirs') {
      const { section: _section, ...block } = open;
      blocks.push({ ...block, last: index });
      open = undefined;
    } else {
      broken(index, 'a merge conflict marker is out of order');
    }
  });
  if (open !== undefined) broken(open.first, 'a merge conflict is not closed by a ">>>>>>>" line');
  return { blocks, problems };
}

/** A line holding exactly one `"Key": value` member, as JSONC. */
function pinLineOf(line: Line): PinLine | undefined {
  const errors: ParseError[] = [];
  // The newline keeps a trailing `// comment` from swallowing the closing brace.
  const root = parseTree(`{${line.content}\n}`, errors, JSONC_OPTIONS);
  const property = root?.children?.length === 1 ? root.children[0] : undefined;
  const [key, value] = property?.children ?? [];
  if (errors.length > 0 || key === undefined || value === undefined) return undefined;
  return {
    line,
    key: String(key.value),
    value: value.value,
    valueStart: value.offset - 1,
    valueEnd: value.offset - 1 + value.length,
  };
}

const nonBlank = (lines: Line[]): Line[] => lines.filter((line) => line.content.trim() !== '');

function sideText(lines: Line[], blocks: ConflictBlock[], side: 'ours' | 'base' | 'theirs'): string {
  const out: string[] = [];
  let next = 0;
  for (const block of blocks) {
    for (const line of lines.slice(next, block.first)) out.push(line.content + line.eol);
    for (const line of block[side] ?? []) out.push(line.content + line.eol);
    next = block.last + 1;
  }
  for (const line of lines.slice(next)) out.push(line.content + line.eol);
  return out.join('');
}

interface Analysis {
  result: ParseConflictedAssetsJsonResult;
  lines: Line[];
  blocks: ConflictBlock[];
  oursPinLines: PinLine[];
}

function analyse(text: string, file: string): Analysis {
  const lines = splitLines(splitBom(text).body);
  const fail = (problems: Problem[], blocks: ConflictBlock[] = []): Analysis => ({
    result: { ok: false, problems },
    lines,
    blocks,
    oursPinLines: [],
  });
  const { blocks, problems } = scanBlocks(lines, file);
  if (problems.length > 0) return fail(problems, blocks);
  if (blocks.length === 0) {
    return fail([{ file, message: 'the file has no merge conflict markers', hint: 'there is nothing to resolve' }]);
  }

  let pinKey: 'Tag' | 'SHA' | undefined;
  const oursPinLines: PinLine[] = [];
  for (const block of blocks) {
    const pinLineIn = (lines: Line[]): PinLine | undefined =>
      lines.length === 1 && lines[0] !== undefined ? pinLineOf(lines[0]) : undefined;
    const oursPin = pinLineIn(nonBlank(block.ours));
    const theirsPin = pinLineIn(nonBlank(block.theirs));
    const baseLines = block.base === undefined ? [] : nonBlank(block.base);
    // An empty ancestor side means both sides added the pin.
    const basePin = baseLines.length === 0 ? null : pinLineIn(baseLines);
    const key = oursPin?.key;
    const pinOnly =
      (key === 'Tag' || key === 'SHA') &&
      theirsPin?.key === key &&
      (basePin === null || basePin?.key === key) &&
      (pinKey === undefined || pinKey === key);
    if (!pinOnly) {
      return fail([
        {
          file,
          message: `the merge conflict at line ${block.first + 1} changes more than the "Tag" or "SHA" line`,
          hint: BY_HAND,
          line: block.first + 1,
          column: 1,
        },
      ]);
    }
    pinKey = key;
    if (oursPin !== undefined) oursPinLines.push(oursPin);
  }
  if (pinKey === undefined) return fail([{ file, message: 'the file has no merge conflict on its pin', hint: BY_HAND }]);

  // Each side must be a valid assets.json on its own; the rest of the file is the same on all sides.
  const ours = parseAssetsJson(sideText(lines, blocks, 'ours'), file);
  const theirs = parseAssetsJson(sideText(lines, blocks, 'theirs'), file);
  const base = blocks.some((block) => block.base !== undefined)
    ? parseAssetsJson(sideText(lines, blocks, 'base'), file)
    : undefined;
  const sideProblems: Problem[] = [];
  const seen = new Set<string>();
  for (const [side, parsed] of [
    ['', ours],
    [' (on the side being merged in)', theirs],
    [' (in the common ancestor)', base],
  ] as const) {
    if (parsed === undefined || parsed.ok) continue;
    for (const problem of parsed.problems) {
      if (seen.has(problem.message)) continue;
      seen.add(problem.message);
      sideProblems.push({ ...problem, message: problem.message + side });
    }
  }
  if (sideProblems.length > 0 || !ours.ok || !theirs.ok || (base !== undefined && !base.ok)) {
    return fail(sideProblems, blocks);
  }
  const value: ConflictedAssetsJson = {
    pinKey,
    ours: pinOf(ours.value),
    theirs: pinOf(theirs.value),
    assetsJson: ours.value,
  };
  if (base !== undefined) value.base = pinOf(base.value);
  return { result: { ok: true, value }, lines, blocks, oursPinLines };
}

/**
 * Reads an assets.json that a merge left with conflict markers on its pin line: both pins (and
 * the ancestor's, for diff3 markers) and the rest of the file. A conflict that touches any other
 * line is a problem, never a guess.
 */
export function parseConflictedAssetsJson(text: string, file = 'assets.json'): ParseConflictedAssetsJsonResult {
  return analyse(text, file).result;
}

/**
 * Replaces each conflict block with one pin line holding `newPinValue`, written like the
 * checked-out side's line (indentation, spacing, trailing comma, line ending).
 *
 * @throws AssetSyncError CONFLICT when the conflict is not on the pin line alone,
 *   ASSETS_JSON_INVALID when `newPinValue` is not a valid Tag or SHA.
 */
export function resolveConflictedAssetsJson(text: string, newPinValue: string, file = 'assets.json'): string {
  const { result, lines, blocks, oursPinLines } = analyse(text, file);
  if (!result.ok) {
    throw new AssetSyncError('CONFLICT', `${file}: the merge conflict cannot be resolved automatically`, {
      file,
      problems: result.problems,
      hint: result.problems[0]?.hint ?? BY_HAND,
    });
  }
  const { pinKey } = result.value;
  const checked = fieldSchemas[pinKey].safeParse(newPinValue);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => ({
      file,
      field: pinKey,
      message: `"${pinKey}" ${issue.message}`,
      hint: FIELD_HINTS[pinKey],
    }));
    throw new AssetSyncError('ASSETS_JSON_INVALID', `${file}: cannot resolve the conflict to an invalid "${pinKey}"`, {
      file,
      problems,
      hint: 'pass the tag or commit id printed by asset-sync push',
    });
  }

  const { bom } = splitBom(text);
  const out: string[] = [bom];
  let next = 0;
  blocks.forEach((block, index) => {
    const pinLine = oursPinLines[index];
    for (const line of lines.slice(next, block.first)) out.push(line.content + line.eol);
    if (pinLine !== undefined) {
      const { content, eol } = pinLine.line;
      out.push(content.slice(0, pinLine.valueStart) + JSON.stringify(checked.data) + content.slice(pinLine.valueEnd) + eol);
    }
    next = block.last + 1;
  });
  for (const line of lines.slice(next)) out.push(line.content + line.eol);
  const resolved = out.join('');

  const check = parseAssetsJson(resolved, file);
  if (!check.ok) {
    throw new AssetSyncError('CONFLICT', `${file}: resolving the merge conflict did not give a valid assets.json`, {
      file,
      problems: check.problems,
      hint: BY_HAND,
    });
  }
  return resolved;
}
