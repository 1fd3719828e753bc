/**
 * The wording every message and report shares, so one CLI never counts or sizes two ways.
 * Sizes are binary (IEC: KiB, MiB, GiB), as git itself prints them.
 */

/** `1 file`, `2 files`, `4,693 files`; a file name such as `assets.json` has no plural. */
export function plural(count: number, word: string): string {
  const suffix = count === 1 || word.endsWith('.json') ? '' : /(s|x|z|ch|sh)$/.test(word) ? 'es' : 's';
  return `${withThousands(count)} ${word}${suffix}`;
}

/**
 * `4693` → `4,693`. Not `toLocaleString`: its first call loads ICU's locale data, some 30 ms of a
 * no-op restore that prints one count.
 */
export function withThousands(count: number): string {
  const [whole = '', fraction] = String(count).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** `512 B`, `1.5 KiB`, `2.0 MiB`, `1.25 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
