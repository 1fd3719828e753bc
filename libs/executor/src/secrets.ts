/**
 * The secret scan that runs on everything a push would publish. Recordings pass through the
 * test-proxy's sanitizers, which replace secrets with placeholders ("Sanitized", "REDACTED",
 * "Kg==", zeros); a value that still looks like a real key is what a missing sanitizer leaves.
 *
 * A text is read as written, JSON-decoded and then URL-decoded, because the test-proxy writes
 * `&` as `\u0026` and `+` as `\u002B`, and form bodies URL-encode keys; decoding keeps every line
 * break, so a finding names the line in the file. Rules need context (a key name, `AccountKey=`,
 * `sig=`, a PEM header), so random base64 in a body is not a key. Findings name the file, line,
 * rule and a masked excerpt, never the whole value.
 */

export interface SecretFinding {
  file: string;
  /** 1-based, in the file as published (for binary content, in the reading that found it). */
  line: number;
  rule: SecretRule;
  /** The matched text with the secret masked to its first characters and its length. */
  excerpt: string;
}

export type SecretRule =
  | 'private-key'
  | 'github-token'
  | 'aws-access-key'
  | 'aws-secret-key'
  | 'jwt'
  | 'bearer-token'
  | 'basic-auth'
  | 'oauth-token'
  | 'client-secret'
  | 'connection-string-secret'
  | 'storage-account-key'
  | 'api-key'
  | 'sas-signature'
  | 'password-field';

/**
 * One path as git will publish it: for a file its bytes, for a symlink its link text (git stores
 * the target path, never the target's bytes, so scanning the target would check the wrong thing).
 */
export interface PublishedEntry {
  path: string;
  kind: 'file' | 'symlink';
  content: Buffer;
}

interface Rule {
  rule: SecretRule;
  /** Global; group 1 is the secret. */
  pattern: RegExp;
  /** A name that must appear on the line or the two before, for values that are keys only by context. */
  near?: RegExp;
  /** A shape check the pattern cannot express (a JWT header that parses). */
  accepts?: (secret: string) => boolean;
}

// Value shapes. A storage, Cosmos or Communication Services key is 64 random bytes (88 base64
// characters); a Service Bus, Event Hubs, Event Grid or App Configuration key is 32 bytes (44).
const KEY_64 = '[A-Za-z0-9+/]{86}==';
const KEY_32 = '[A-Za-z0-9+/]{43}=';
// The end of a value in a connection string, form body or query: a separator, quote or escape.
const VALUE = `[^;&,"'\\s\\\\]`;

// Each rule runs over whole texts of up to hundreds of MB, so each must stay linear: no nested
// repetition, and every repetition of a value bounded (an unbounded one that fails at the end of
// a 5 MB run of its characters costs V8 near a second).
const RULES: Rule[] = [
  {
    rule: 'private-key',
    // The body may follow on the next line, or in the next string of a JSON array of lines.
    pattern: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:\\[rn]|[\s",]){0,64}([^\s"'\\]{1,64})/g,
    // Sanitizers keep the armour and replace the body; a real body is base64 (or, for an
    // encrypted PKCS#1 key, starts with its Proc-Type header).
    accepts: (body) => /^(?:[A-Za-z0-9+/]{32}|Proc-Type:)/.test(body),
  },
  { rule: 'github-token', pattern: /(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g },
  { rule: 'aws-access-key', pattern: /(?<![A-Za-z0-9+/])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9+/])/g },
  { rule: 'aws-secret-key', pattern: /(?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])/gi },
  { rule: 'jwt', pattern: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,16384}\.[A-Za-z0-9_-]{16,4096})/g, accepts: hasJwtHeader },
  { rule: 'bearer-token', pattern: /\bAuthorization["']?\s*[:=]\s*(?:\[\s*)?["']?Bearer\s+([A-Za-z0-9._~+/=-]{16,16384})/gi },
  { rule: 'basic-auth', pattern: /\bAuthorization["']?\s*[:=]\s*(?:\[\s*)?["']?Basic\s+([A-Za-z0-9+/]{8,1024}={0,2})/gi, accepts: isUserColonPassword },
  // A JSON field ("access_token": "...") or a form field (refresh_token=...).
  { rule: 'oauth-token', pattern: /(?:access|refresh|id)_?token(?:"\s*:\s*"|=)([^"&\s'\\]{16,16384})/gi },
  { rule: 'client-secret', pattern: /client_?secret(?:"\s*:\s*"|=)([^"&\s'\\]{8,1024})/gi },
  {
    rule: 'connection-string-secret',
    pattern: new RegExp(`(?<![A-Za-z0-9_])(?:AccountKey|SharedAccessKey|AccessKey|Secret|Password|Pwd)=(${VALUE}{8,1024})`, 'gi'),
  },
  // A key-named JSON field or header ("primaryKey", "key1", "STORAGE_ACCOUNT_KEY", "x-ms-...-key").
  { rule: 'storage-account-key', pattern: new RegExp(`key\\d?"\\s*:\\s*(?:\\[\\s*)?"(${KEY_64}|${KEY_32})"`, 'gi') },
  // A listKeys response: {"keyName": "key1", "value": "<key>"}, often pretty-printed over lines.
  { rule: 'storage-account-key', pattern: new RegExp(`"value"\\s*:\\s*"(${KEY_64}|${KEY_32})"`, 'g'), near: /"keyName"\s*:/ },
  {
    rule: 'api-key',
    // api-key, x-api-key, Ocp-Apim-Subscription-Key, x-functions-key, aeg-sas-key: headers or query.
    pattern: /(?:api|subscription|functions|sas)-key(?:"\s*:\s*(?:\[\s*)?"|=)([^"&\s'\\]{16,1024})/gi,
  },
  // In a URL query, a storage SAS connection string or a Service Bus SharedAccessSignature token.
  { rule: 'sas-signature', pattern: /(?:^|[?&;"'\s])sig=([A-Za-z0-9%+/=]{20,1024})/gi },
  { rule: 'password-field', pattern: /(?:pass(?:word|wd|phrase)|pwd)"\s*:\s*"([^"]{6,1024})"/gi },
];

// Values that are published on purpose: the Azurite and Cosmos DB emulator keys and the jwt.io
// sample token appear in documentation and emulator tests, and open nothing.
const PUBLIC_VALUES = new Set([
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);

// What sanitizers and templates write in place of a secret.
const PLACEHOLDERS = [
  /sanitized/i,
  /redacted/i,
  /^(?:fake|dummy|placeholder|sample|mock)/i,
  /EXAMPLE/, // the AWS documentation keys
  /^(?:\$\{|\$\(|\{\{|<|%[A-Z_]+%$)/i, // ${VAR}, $(VAR), {{var}}, <your-password>, %VAR%
  /^(?:password|secret|changeme|true|false|null|undefined|none)$/i,
  /^(?:[a-z]+(?:[._][a-z]+)+|[A-Z]+(?:_[A-Z]+)+)$/, // a variable's name: azure_client_secret, ADMIN_PASSWORD
  /^\*+$/,
];

function isStandIn(value: string): boolean {
  const decoded = decodeUrl(decodeJson(value));
  if (PUBLIC_VALUES.has(decoded) || PLACEHOLDERS.some((p) => p.test(decoded))) return true;
  // Real secrets are random: a value built from a few repeated characters ("Kg==", zeros,
  // "ghp_xxxx...") is a stand-in.
  const distinct = new Set(decoded.replace(/[=%-]/g, '')).size;
  return distinct <= 3 || (decoded.length >= 20 && distinct <= 6);
}

function hasJwtHeader(token: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && ('alg' in header || 'typ' in header);
  } catch {
    return false;
  }
}

function isUserColonPassword(credentials: string): boolean {
  const decoded = Buffer.from(credentials, 'base64').toString('latin1');
  return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded) && !isStandIn(decoded.slice(decoded.indexOf(':') + 1));
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: ' ', f: ' ', n: ' ', r: ' ', t: ' ' };

/**
 * Decodes JSON string escapes. An escaped backslash stays one backslash, not the start of another
 * escape; escaped line breaks become spaces, so a line keeps its number in every reading. A loop
 * over indexOf that appends to a string: on an escaped 5 MB body it is several times faster than
 * a replace callback or an array of parts.
 */
function decodeJson(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', from)) {
    const next = text[at + 1] ?? '';
    const code = next === 'u' ? hexAt(text, at + 2, 4) : -1;
    out += text.slice(from, at) + (code === 0x0a || code === 0x0d ? ' ' : code >= 0 ? String.fromCharCode(code) : (JSON_ESCAPES[next] ?? `\\${next}`));
    from = at + (code >= 0 ? 6 : 2);
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Decodes %XX byte by byte; unlike decodeURIComponent it never throws on a stray %. */
function decodeUrl(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) {
    const code = hexAt(text, at + 1, 2);
    if (code < 0) continue;
    out += text.slice(from, at) + (code === 0x0a || code === 0x0d ? ' ' : String.fromCharCode(code));
    from = at + 3;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** The number written in `length` hex digits at `at`, or -1. */
function hexAt(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const c = text.charCodeAt(i) | 0x20; // lower case; NaN past the end becomes 0x20
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Masks a secret to at most its first four characters (fewer for short ones) and its length. */
function mask(secret: string): string {
  return `${secret.slice(0, Math.min(4, Math.floor(secret.length / 8)))}...(${secret.length} chars)`;
}

/**
 * The matched text with the secret masked. Patterns start at the end of a field name ("password",
 * "key"), so the rest of the name, read back to its quote, is put in front.
 */
function excerptOf(reading: string, match: RegExpExecArray, secret: string): string {
  const name = /"[\w.-]{1,40}$/.exec(reading.slice(Math.max(0, match.index - 41), match.index))?.[0] ?? '';
  const before = `${name}${match[0].slice(0, match[0].lastIndexOf(secret))}`.replace(/\s+/g, ' ').trimStart();
  return `${before.slice(-60)}${mask(secret)}`;
}

/** Maps an offset in a text to its 0-based line; the line starts are found on first use. */
function lineIndex(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  };
}

interface Reading {
  text: string;
  /** Another reading decodes this one's escapes further. */
  decodedLater: boolean;
}

/** A rule's findings in one reading of a text, at most one per line, never a stand-in. */
function scanReading(rule: Rule, reading: Reading, lineOf: (offset: number) => number, raw: () => string[], found: Map<string, SecretFinding>, file: string): void {
  for (const match of reading.text.matchAll(rule.pattern)) {
    const secret = match[1];
    if (!secret || isStandIn(secret) || (rule.accepts && !rule.accepts(secret))) continue;
    // A value cut short by an escape is judged whole in the decoded reading.
    if (reading.decodedLater && reading.text[match.index + match[0].lastIndexOf(secret) + secret.length] === '\\') continue;
    // The line of the match's first visible character: a pattern may begin at the line break before it.
    const line = lineOf(match.index + match[0].length - match[0].trimStart().length);
    const key = `${line}:${rule.rule}`;
    if (found.has(key)) continue;
    if (rule.near && !rule.near.test(raw().slice(Math.max(0, line - 2), line + 1).join('\n'))) continue;
    found.set(key, { file, line: line + 1, rule: rule.rule, excerpt: excerptOf(reading.text, match, secret) });
  }
}

/**
 * Scans a text as written, JSON-decoded, and then URL-decoded (each reading only if it differs);
 * every reading has the same line breaks, so a finding names the line in the file.
 */
function scanReadings(file: string, text: string, found: Map<string, SecretFinding>): void {
  const json = decodeJson(text);
  const texts = [...new Set([text, json, decodeUrl(json)])];
  const readings = texts.map((reading, i): Reading => ({ text: reading, decodedLater: i < texts.length - 1 }));
  let lines: string[] | undefined;
  const raw = (): string[] => (lines ??= text.split('\n'));
  for (const reading of readings) {
    const lineOf = lineIndex(reading.text);
    for (const rule of RULES) scanReading(rule, reading, lineOf, raw, found, file);
  }
}

/** Findings in line order, rules in table order within a line. */
function sorted(found: Map<string, SecretFinding>): SecretFinding[] {
  const order = (rule: SecretRule): number => RULES.findIndex((r) => r.rule === rule);
  return [...found.values()].sort((a, b) => a.line - b.line || order(a.rule) - order(b.rule));
}

/** Scans one file's text; returns every finding (a rule at most once per line). */
export function scanText(file: string, text: string): SecretFinding[] {
  const found = new Map<string, SecretFinding>();
  scanReadings(file, text, found);
  return sorted(found);
}

/** UTF-16 by byte-order mark, or by the zero high bytes that mostly-ASCII UTF-16 text has. */
function utf16Of(content: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (content[0] === 0xff && content[1] === 0xfe) return 'utf-16le';
  if (content[0] === 0xfe && content[1] === 0xff) return 'utf-16be';
  if (!content.includes(0)) return undefined;
  const sample = content.subarray(0, Math.min(content.length, 65536) & ~1);
  const pairs = sample.length / 2;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const encoding = oddZeros > pairs * 0.3 && evenZeros < pairs * 0.02 ? 'utf-16le' : evenZeros > pairs * 0.3 && oddZeros < pairs * 0.02 ? 'utf-16be' : undefined;
  if (!encoding) return undefined;
  // A binary with many zero bytes can pass the count; text has almost no control characters.
  // eslint-disable-next-line no-control-regex -- counting control characters (tab, newlines and form feed excepted) is the test
  const controls = new TextDecoder(encoding).decode(sample).match(/[\x00-\x08\x0e-\x1f]/g)?.length ?? 0;
  return controls < pairs * 0.01 ? encoding : undefined;
}

/**
 * The printable characters of binary content, read as single bytes or as UTF-16 code units at an
 * alignment (like `strings`, and `strings -el`), everything else as a space so that lines keep
 * their numbers and a secret cannot be glued to noise.
 */
function printableOf(content: Buffer, width: 1 | 2, align: 0 | 1): string {
  const out = Buffer.alloc(Math.ceil(content.length / width));
  let n = 0;
  for (let i = align; i + width <= content.length; i += width) {
    const byte = content[i]!;
    const printable = (width === 1 || content[i + 1] === 0) && (byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f));
    out[n++] = printable ? byte : 0x20;
  }
  return out.toString('latin1', 0, n);
}

/** The texts to scan for one published entry's bytes. */
function textsOf(content: Buffer): string[] {
  const utf16 = utf16Of(content);
  if (utf16) return [new TextDecoder(utf16).decode(content)];
  if (!content.includes(0)) return [content.toString('utf8')];
  return [printableOf(content, 1, 0), printableOf(content, 2, 0), printableOf(content, 2, 1)];
}

/**
 * Scans what a push publishes: file bytes (text in UTF-8 or UTF-16; binary content by its
 * printable runs) and symlink link text.
 */
export function scanEntries(entries: Iterable<PublishedEntry>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const entry of entries) {
    const found = new Map<string, SecretFinding>();
    const texts = entry.kind === 'symlink' ? [entry.content.toString('utf8')] : textsOf(entry.content);
    for (const text of texts) scanReadings(entry.path, text, found);
    findings.push(...sorted(found));
  }
  return findings;
}

/** Scans files (path -> bytes); see scanEntries for symlinks. */
export function scanFiles(files: Map<string, Buffer>): SecretFinding[] {
  return scanEntries([...files].map(([path, content]) => ({ path, kind: 'file' as const, content })));
}

export function describeFinding(finding: SecretFinding): string {
  return `${finding.file}:${finding.line}: ${finding.rule}: ${finding.excerpt}`;
}
