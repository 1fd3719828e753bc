import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { redact, type Problem } from '@asset-sync/errors';
import { closestMatch } from '@asset-sync/assets-json';
import { CONFIG_FILE } from './defaults.js';
import { ALLOWED_KEYS, SETTING_HINTS, configFileSchema, type ConfigFileSettings } from './schema.js';
import { formatSettingPath } from './setting-path.js';

export type ParseConfigResult =
  | { ok: true; value: ConfigFileSettings }
  /** `partial`: the settings without the unknown keys, when those were the only problems, so later checks can still report theirs. */
  | { ok: false; problems: Problem[]; partial?: ConfigFileSettings };

/** Where a setting is written: its key for a map entry, the item itself in a list. */
function positionOf(
  doc: Document,
  path: readonly PropertyKey[],
  lineCounter: LineCounter,
): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment);
      if (pair === undefined) break;
      offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      offset = isScalar(item) || isMap(item) || isSeq(item) ? item.range?.[0] : undefined;
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Reads the text of asset-sync.yaml. Every problem is collected, each with its dotted setting
 * path and, where known, its line and column.
 */
export function parseConfigText(text: string, file = CONFIG_FILE): ParseConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const what = error.message.split('\n')[0] ?? error.code;
        return {
          file,
          message: `not valid YAML: ${what} (line ${line}, column ${col})`,
          hint: 'fix the YAML syntax',
          line,
          column: col,
        };
      }),
    };
  }

  // An empty file, or one with only comments, is every default.
  const data: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = configFileSchema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };

  const problems: Problem[] = [];
  const add = (path: readonly PropertyKey[], problem: Omit<Problem, 'file'>): void => {
    const position = positionOf(doc, path, lineCounter);
    // A URL may carry a token.
    problems.push({ file, ...problem, message: redact(problem.message), ...position });
  };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const parent = formatSettingPath(issue.path);
      for (const key of issue.keys) {
        const field = formatSettingPath([...issue.path, key]);
        const allowed = ALLOWED_KEYS[parent] ?? [];
        const suggestion = closestMatch(key, allowed);
        add([...issue.path, key], {
          field,
          message: `"${field}" is not a setting of ${CONFIG_FILE}`,
          hint:
            suggestion !== undefined
              ? `did you mean "${formatSettingPath([...issue.path, suggestion])}"?`
              : `the settings ${parent === '' ? '' : `of "${parent}" `}are ${allowed.map((name) => `"${name}"`).join(', ')}`,
        });
      }
      continue;
    }
    if (issue.path.length === 0) {
      add([], { message: `the file ${issue.message}`, hint: 'write settings as "key: value" lines' });
      continue;
    }
    const field = formatSettingPath(issue.path);
    const hint = SETTING_HINTS[String(issue.path[0])];
    add(issue.path, { field, message: `"${field}" ${issue.message}`, ...(hint === undefined ? {} : { hint }) });
  }
  // In the order of the file, so the list reads top to bottom.
  const order = (problem: Problem): number => (problem.line ?? Infinity) * 1e6 + (problem.column ?? 0);
  const ordered = problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => order(a.problem) - order(b.problem) || a.index - b.index);
  const onlyUnknownKeys = parsed.error.issues.every((issue) => issue.code === 'unrecognized_keys');
  let partial: ConfigFileSettings | undefined;
  if (onlyUnknownKeys && data !== null && typeof data === 'object') {
    const known = structuredClone(data) as Record<string, unknown>;
    for (const issue of parsed.error.issues) {
      if (issue.code !== 'unrecognized_keys') continue;
      let holder: unknown = known;
      for (const key of issue.path) holder = (holder as Record<PropertyKey, unknown>)?.[key as string];
      for (const key of issue.keys) delete (holder as Record<string, unknown>)[key];
    }
    const again = configFileSchema.safeParse(known);
    if (again.success) partial = again.data;
  }
  return { ok: false, problems: ordered.map(({ problem }) => problem), ...(partial ? { partial } : {}) };
}
