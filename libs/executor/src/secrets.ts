/**
 * The secret scan that runs on every file a push would publish. Recordings pass through the
 * test-proxy's sanitizers, which replace secrets with placeholders ("Sanitized", "REDACTED",
 * "Kg==", zeros); a value that still looks like a real key is what a missing sanitizer leaves.
 * Findings name the file, line and rule, never the value.
 */

export interface SecretFinding {
  file: string;
  /** 1-based. */
  line: number;
  rule: SecretRule;
}

export type SecretRule =
  | 'storage-account-key'
  | 'sas-signature'
  | 'bearer-token'
  | 'jwt'
  | 'private-key'
  | 'connection-string-secret'
  | 'github-token';

interface Rule {
  rule: SecretRule;
  pattern: RegExp;
  /** The captured secret, checked against the placeholders sanitizers write. */
  group?: number;
}

const RULES: Rule[] = [
  { rule: 'private-key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----/ },
  { rule: 'github-token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/, group: 1 },
  { rule: 'jwt', pattern: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})/, group: 1 },
  { rule: 'bearer-token', pattern: /["']?Authorization["']?\s*[:=]\s*\[?\s*["']?Bearer\s+([A-Za-z0-9._~+/=-]{16,})/i, group: 1 },
  { rule: 'connection-string-secret', pattern: /\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|ClientSecret)=([^;"'\s\\]{8,})/i, group: 1 },
  // A storage account key: 64 random bytes, base64 (88 characters ending in ==).
  { rule: 'storage-account-key', pattern: /(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])/, group: 1 },
  { rule: 'sas-signature', pattern: /[?&;"\s]sig=([A-Za-z0-9%+/=]{20,})/i, group: 1 },
];

const PLACEHOLDERS = [/^sanitized$/i, /^redacted$/i, /^fake/i, /^dummy/i, /^placeholder/i, /^\*+$/, /^(?:x+|0+|a+)$/i, /^kg==$/i, /^Sanitized/i, /^REDACTED/i];

function isPlaceholder(value: string): boolean {
  const decoded = safeDecode(value);
  if (PLACEHOLDERS.some((p) => p.test(decoded))) return true;
  // Real keys are random: a value built from one or two repeated characters is a stand-in.
  return new Set(decoded.replace(/[=%]/g, '')).size <= 3;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Scans one file's text; returns every finding (a rule at most once per line). */
export function scanText(file: string, text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((content, i) => {
    for (const { rule, pattern, group } of RULES) {
      const match = pattern.exec(content);
      if (!match) continue;
      if (group !== undefined && isPlaceholder(match[group] ?? '')) continue;
      findings.push({ file, line: i + 1, rule });
    }
  });
  return findings;
}

/** Scans files (path -> content); binary files (with NUL bytes) are skipped. */
export function scanFiles(files: Map<string, Buffer>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const [file, content] of files) {
    if (content.includes(0)) continue;
    findings.push(...scanText(file, content.toString('utf8')));
  }
  return findings;
}

export function describeFinding(finding: SecretFinding): string {
  return `${finding.file}:${finding.line}: ${finding.rule}`;
}
