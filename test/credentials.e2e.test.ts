import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '@asset-sync/git-harness';
import { cli, languageRepo, tagAssetsJson } from './helpers.js';

/** What a server saw: each request's path and Authorization header. */
interface Seen {
  path: string;
  authorization?: string;
}

/** An http(s) server that records requests and answers 404: enough for git to send what it sends. */
async function recordingServer(kind: 'http' | 'https', tls?: { key: string; cert: string }): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const handler = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    seen.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    res.writeHead(404).end('not found');
  };
  const server: HttpServer = kind === 'https' ? createHttpsServer(tls!, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Every file below a folder, as text, to prove a secret is in none of them. */
function allText(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    text += statSync(path).isDirectory() ? allText(path) : readFileSync(path, 'latin1');
  }
  return text;
}

const TOKEN = 'ghs_notarealtoken0123456789';
const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

describe('credentials', () => {
  let tls: { key: string; cert: string; ca: string };
  let https: Awaited<ReturnType<typeof recordingServer>>;
  let http: Awaited<ReturnType<typeof recordingServer>>;

  beforeAll(async () => {
    const dir = await makeTempDir('tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    tls = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), ca: join(dir, 'cert.pem') };
    https = await recordingServer('https', tls);
    http = await recordingServer('http');
  });
  afterAll(async () => {
    await https?.close();
    await http?.close();
  });

  const repoWith = (remote: string): Promise<string> =>
    languageRepo({
      'asset-sync.yaml': `remotes:\n  Azure/azure-sdk-assets: ${remote}\n`,
      'sdk/x/y/assets.json': tagAssetsJson('python', 'python/x/y', 'python/x/y_0123456789'),
    });
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({ GIT_TOKEN: TOKEN, GIT_SSL_CAINFO: tls.ca, ASSET_SYNC_NETWORK_ATTEMPTS: '1', ...extra });

  it('never sends GIT_TOKEN over plain http, even to a remote the repo names', async () => {
    const lang = await repoWith(`http://127.0.0.1:${http.port}/Azure/azure-sdk-assets.git`);
    http.seen.length = 0;
    expect((await cli(['restore', '--all'], lang, env())).exitCode).toBe(1);
    expect(http.seen.length).toBeGreaterThan(0);
    expect(http.seen.filter((s) => s.authorization)).toEqual([]);
  });

  it('sends GIT_TOKEN over https only to hosts the environment allows, never to one asset-sync.yaml names', async () => {
    const lang = await repoWith(`https://127.0.0.1:${https.port}/Azure/azure-sdk-assets.git`);
    https.seen.length = 0;
    expect((await cli(['restore', '--all'], lang, env())).exitCode).toBe(1);
    expect(https.seen.length).toBeGreaterThan(0);
    expect(https.seen.filter((s) => s.authorization)).toEqual([]);

    https.seen.length = 0;
    expect((await cli(['restore', '--all'], lang, env({ ASSET_SYNC_TOKEN_HOSTS: `127.0.0.1:${https.port}` }))).exitCode).toBe(1);
    expect(https.seen.map((s) => s.authorization)).toContain(basic('x-access-token', TOKEN));
  });

  it('uses credentials written into a remote URL without writing them to any file or message', async () => {
    const lang = await languageRepo({ 'sdk/x/y/assets.json': tagAssetsJson('python', 'python/x/y', 'python/x/y_0123456789') });
    https.seen.length = 0;
    const result = await cli(['restore', '--all', '--json'], lang, {
      GIT_SSL_CAINFO: tls.ca,
      ASSET_SYNC_NETWORK_ATTEMPTS: '1',
      ASSET_SYNC_REMOTE_URL_TEMPLATE: `https://alice:s3cr3t-value@127.0.0.1:${https.port}/{repo}.git`,
    });
    expect(result.exitCode).toBe(1);
    expect(https.seen.map((s) => s.authorization)).toContain(basic('alice', 's3cr3t-value'));
    expect(allText(join(lang, '.assets'))).not.toContain('s3cr3t-value');
    expect(result.stdout + result.stderr).not.toContain('s3cr3t-value');
  });
});
