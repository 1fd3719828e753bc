/** Text helpers shared by the reader, the editor and the conflict resolver. */

const BOM = '\ufeff';

/** Editors on Windows may save a UTF-8 byte order mark; it is kept on write and ignored on read. */
export function splitBom(text: string): { bom: string; body: string } {
  return text.startsWith(BOM) ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text };
}

/** The file's own line ending: the first one found, `\n` when there is none. */
export function detectEol(text: string): '\n' | '\r\n' {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

/** 1-based line and column of an offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export interface Line {
  /** The line without its ending. */
  content: string;
  /** `\n`, `\r\n` or '' for a last line without one. */
  eol: string;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const lf = text.indexOf('\n', start);
    if (lf === -1) {
      lines.push({ content: text.slice(start), eol: '' });
      break;
    }
    const crlf = lf > start && text[lf - 1] === '\r';
    lines.push({ content: text.slice(start, crlf ? lf - 1 : lf), eol: crlf ? '\r\n' : '\n' });
    start = lf + 1;
  }
  return lines;
}

export type ConflictMarker = 'ours' | 'base' | 'theirs' | 'end';

/** git's merge markers at their default size of seven: `<<<<<<< HEAD`, `||||||| base`, `=======`, `>>>>>>> branch`. */
export function conflictMarkerOf(content: string): ConflictMarker | undefined {
  if (/^<{7}(?:[ \t]|$)/.test(content)) return 'ours';
  if (/^\|{7}(?:[ \t]|$)/.test(content)) return 'base';
  if (/^={7}[ \t]*$/.test(content)) return 'theirs';
  if (/^>{7}(?:[ \t]|$)/.test(content)) return 'end';
  return undefined;
}

/** The 1-based line of the first merge conflict marker, if the text has one. */
export function firstConflictMarkerLine(text: string): number | undefined {
  const index = splitLines(text).findIndex((line) => conflictMarkerOf(line.content) !== undefined);
  return index === -1 ? undefined : index + 1;
}

export function hasConflictMarkers(text: string): boolean {
  return firstConflictMarkerLine(splitBom(text).body) !== undefined;
}

/** Edit distance, for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate closest to `word`, when it is close enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance =
      candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(2, Math.floor(word.length / 4));
  return bestDistance <= tolerance ? best : undefined;
}
