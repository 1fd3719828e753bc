import { hasControlCharacter } from '@asset-sync/assets-json';

/**
 * Clone URLs and URL templates end up as arguments of git: each is checked so that it cannot be
 * read as an option (`-...`) or run a command through a remote helper (`ext::sh -c ...`).
 * Checks return undefined when fine, otherwise what is wrong, phrased to follow "found ...".
 */

export const PLACEHOLDERS = ['repo', 'owner', 'name'] as const;

const SCHEMES = ['https', 'http', 'ssh', 'git', 'file'];

export function checkCloneUrl(url: string): string | undefined {
  if (url === '') return 'which is empty';
  if (/\s/.test(url) || hasControlCharacter(url)) return 'which contains whitespace or a control character';
  if (url.startsWith('-')) return 'which starts with "-"';
  const helper = /^([A-Za-z][A-Za-z0-9+.-]*)::/.exec(url);
  if (helper) return `which runs the git remote helper "${helper[1]}::"`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (scheme) {
    return SCHEMES.includes((scheme[1] ?? '').toLowerCase())
      ? undefined
      : `whose scheme "${scheme[1]}" is not one of ${SCHEMES.join(', ')}`;
  }
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return undefined;
  // scp-like: [user@]host:path
  if (/^(?:[A-Za-z0-9._~-]+@)?[A-Za-z0-9][A-Za-z0-9.-]*:[^/]/.test(url)) return undefined;
  return 'which is not a URL (https, ssh, git, file), an scp-like address (git@host:path) or an absolute path';
}

/** Placeholders a template uses that asset-sync does not know. */
export function unknownPlaceholders(template: string): string[] {
  const used = [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '');
  return used.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

/** Substitutes `{repo}` (owner/name), `{owner}` and `{name}`. */
export function expandUrlTemplate(template: string, assetsRepo: string): string {
  const [owner = '', name = ''] = assetsRepo.split('/');
  return template.replaceAll('{repo}', assetsRepo).replaceAll('{owner}', owner).replaceAll('{name}', name);
}

export function checkUrlTemplate(template: string): string | undefined {
  const unknown = unknownPlaceholders(template);
  if (unknown.length > 0) {
    return `which has the unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `{${name}}`).join(', ')}`;
  }
  if (!template.includes('{repo}') && !template.includes('{name}')) {
    return 'which has neither {repo} nor {name}, so every assets repo would get the same URL';
  }
  const wrong = checkCloneUrl(expandUrlTemplate(template, 'owner/name'));
  return wrong === undefined ? undefined : wrong.replace(/^which /, 'which, once expanded, ');
}

/**
 * The host of an SSH remote (`git@host:path` or `ssh://[user@]host[:port]/path`), so the assets
 * repo is cloned the way the language repo was. Undefined for anything else.
 */
export function sshRemoteOf(url: string): { host: string; port?: string } | undefined {
  const host = '([A-Za-z0-9][A-Za-z0-9.-]*)';
  const ssh = new RegExp(`^ssh://(?:[^@/\\s]+@)?${host}(?::(\\d+))?/`).exec(url);
  if (ssh) return ssh[2] === undefined ? { host: ssh[1] ?? '' } : { host: ssh[1] ?? '', port: ssh[2] };
  const scp = new RegExp(`^[A-Za-z0-9._~-]+@${host}:(?!//)`).exec(url);
  if (scp) return { host: scp[1] ?? '' };
  return undefined;
}
