/** `discovery.globs[1]`, `remotes.Azure/azure-sdk-assets`: how a setting is named in messages. */
export function formatSettingPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += `${out === '' ? '' : '.'}${String(segment)}`;
  }
  return out;
}
