/**
 * The `TagPrefix` a package's tags are named with when its assets.json names none:
 * `<prefix>/<path under sdk/>`, as production names tags. Push, merge, resolve, init and migrate
 * all name tags by it.
 */
export function derivedTagPrefix(prefix: string, packagePath: string): string {
  const under = packagePath.startsWith('sdk/') ? packagePath.slice(4) : packagePath;
  return [prefix, under].filter(Boolean).join('/');
}
