import { describe, expect, it } from 'vitest';
import { TestProxy, TestProxyError, parseTestProxyBreadcrumb } from './test-proxy.js';

describe('the emulated test-proxy', () => {
  it('reads breadcrumbs as strictly as the proxy: a blank line or a second line for a path is HTTP 400', () => {
    expect([...parseTestProxyBreadcrumb('\uFEFFsdk/a/assets.json;H;t\r\n').values()]).toEqual([{ path: 'sdk/a/assets.json', hash: 'H', tag: 't' }]);
    for (const text of ['sdk/a/assets.json;H;t\n\nsdk/b/assets.json;H;t\n', 'sdk/a/assets.json;H;t\nsdk/a/assets.json;H;u\n', 'sdk/a/assets.json;H\n']) {
      expect(() => parseTestProxyBreadcrumb(text)).toThrow(TestProxyError);
    }
  });

  it('sets the proxy\'s sparse patterns, `./` for an assets.json at the root of an empty prefix', () => {
    expect(TestProxy.checkoutPaths({ prefix: 'python', relativePath: 'sdk/a/assets.json' })).toEqual(['python/sdk/a', 'eng/', '.gitignore']);
    expect(TestProxy.checkoutPaths({ prefix: '', relativePath: 'assets.json' })).toEqual(['./', 'eng/', '.gitignore']);
  });
});
