/**
 * Everything that echoes a URL or a subprocess's output goes through redact(), so a token in a
 * remote URL, an http.extraHeader or the environment never reaches a log or a report.
 */
const extraSecrets = new Set<string>();

/** Registers a value (e.g. GIT_TOKEN) to be blanked wherever it appears. */
export function addSecretToRedact(secret: string | undefined): void {
  if (secret && secret.length >= 4) extraSecrets.add(secret);
}

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+)(?::[^/@\s]*)?@/gi;
const AUTH_HEADER = /(authorization:\s*(?:basic|bearer|token)\s+)[^\s'"]+/gi;

export function redact(text: string): string {
  let out = text.replace(USERINFO, '$1***@').replace(AUTH_HEADER, '$1***');
  for (const secret of [process.env['GIT_TOKEN'], ...extraSecrets]) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
