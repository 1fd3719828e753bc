import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, makeBareAssetsRepo, makeTempDir, removeTempDirs, startGitDaemon, startWanLink, type GitDaemon, type WanLink } from '@asset-sync/git-harness';
import { linkBucket, proxyScript } from './netem.js';

/** A server on a free port: echoes what it gets, or answers a request line `send <n>` with n bytes. */
let upstream: Server;
let upstreamPort: number;
const received: Buffer[] = [];

beforeAll(async () => {
  upstream = createServer((socket) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      text += chunk.toString('latin1');
      const send = /^send (\d+)\n/.exec(text);
      if (send) {
        text = '';
        socket.end(randomBytes(Number(send[1])));
      } else if (text.startsWith('upload\n')) {
        text = '';
      } else if (text.endsWith('\n') && text.startsWith('echo')) {
        socket.write(text);
        text = '';
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as { port: number }).port;
});

const links: WanLink[] = [];
async function link(rttMs: number, mbit: number): Promise<WanLink> {
  const started = await startWanLink({ upstreamPort, rttMs, mbit });
  links.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop()));
  received.length = 0;
});
afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
  await removeTempDirs();
});

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Milliseconds from writing `line` until `bytes` bytes have come back. */
function timeUntil(socket: Socket, line: string, bytes: number): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    let got = 0;
    const onData = (chunk: Buffer): void => {
      got += chunk.length;
      if (got >= bytes) {
        socket.off('data', onData);
        resolve(performance.now() - started);
      }
    };
    socket.on('data', onData);
    socket.write(line);
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('linkBucket', () => {
  const config = { rttMs: 0, bytesPerMs: 10, burstBytes: 100, upstreamPort: 0 };

  it('lets a burst leave at once, then paces at the rate, queueing later callers behind earlier ones', () => {
    const depart = linkBucket(config);
    expect(depart(0, 100)).toBe(0);
    expect(depart(0, 100)).toBe(10);
    expect(depart(5, 50)).toBe(15);
    // Idle long enough to refill the bucket, but never beyond the burst.
    expect(depart(1000, 100)).toBe(1000);
    expect(depart(1000, 300)).toBe(1030);
  });

  it('adds nothing without a cap', () => {
    const depart = linkBucket({ ...config, bytesPerMs: 0 });
    expect(depart(7, 1e9)).toBe(7);
  });
});

describe('startWanLink', () => {
  it('adds one RTT per round trip, and one more for the connection setup', async () => {
    const wan = await link(80, 0);
    const socket = await connect(wan.port);
    const first = await timeUntil(socket, 'echo one\n', 9);
    const second = await timeUntil(socket, 'echo two\n', 9);
    socket.destroy();
    // Timers never fire early; a busy 2-core machine may make them late.
    expect(first).toBeGreaterThanOrEqual(2 * 80 - 2);
    expect(first).toBeLessThan(2 * 80 + 60);
    expect(second).toBeGreaterThanOrEqual(80 - 2);
    expect(second).toBeLessThan(80 + 60);
  });

  it('adds nothing with no RTT and no cap, so it can count loopback traffic', async () => {
    const wan = await link(0, 0);
    const socket = await connect(wan.port);
    await timeUntil(socket, 'echo warm\n', 10);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await timeUntil(socket, 'echo again\n', 11));
    socket.destroy();
    expect(Math.min(...times)).toBeLessThan(10);
  });

  it('caps the bandwidth of each direction', async () => {
    const mbit = 80;
    const bytes = 4 * 1024 * 1024;
    const wan = await link(10, mbit);
    const socket = await connect(wan.port);
    const down = await timeUntil(socket, `send ${bytes}\n`, bytes);
    socket.destroy();
    const expected = (bytes * 8) / (mbit * 1000) + 2 * 10;
    expect(down).toBeGreaterThan(expected * 0.9);
    expect(down).toBeLessThan(expected * 1.25);

    await wan.reset();
    const up = await connect(wan.port);
    const started = performance.now();
    const body = randomBytes(bytes);
    await new Promise<void>((resolve) => up.end(Buffer.concat([Buffer.from('upload\n'), body]), resolve));
    await new Promise((resolve) => up.on('close', resolve));
    const upload = performance.now() - started;
    expect(upload).toBeGreaterThan((bytes * 8) / (mbit * 1000) * 0.9);
    expect((await wan.stats()).bytesToServer).toBe(bytes + 'upload\n'.length);
  });

  it('shares one direction’s bandwidth between connections, as one link does', async () => {
    const mbit = 80;
    const bytes = 2 * 1024 * 1024;
    const wan = await link(10, mbit);
    const [a, b] = await Promise.all([connect(wan.port), connect(wan.port)]);
    const started = performance.now();
    await Promise.all([timeUntil(a, `send ${bytes}\n`, bytes), timeUntil(b, `send ${bytes}\n`, bytes)]);
    const both = performance.now() - started;
    a.destroy();
    b.destroy();
    expect(both).toBeGreaterThan(((2 * bytes * 8) / (mbit * 1000)) * 0.9);
  });

  it('counts connections and the bytes each way exactly; reset() zeroes them', async () => {
    const wan = await link(5, 0);
    for (const n of [1, 1000, 300_000]) {
      const socket = await connect(wan.port);
      await timeUntil(socket, `send ${n}\n`, n);
      await new Promise((resolve) => socket.on('close', resolve));
    }
    const sent = Buffer.concat(received).length;
    expect(await wan.stats()).toEqual({ connections: 3, bytesToServer: sent, bytesToClient: 1 + 1000 + 300_000 });
    await wan.reset();
    expect(await wan.stats()).toEqual({ connections: 0, bytesToServer: 0, bytesToClient: 0 });
  });

  it('stop() frees the port and ends open connections; a second stop() is harmless', async () => {
    const wan = await link(20, 100);
    const socket = await connect(wan.port);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    expect(await portIsFree(wan.port)).toBe(false);
    await wan.stop();
    await closed;
    expect(await portIsFree(wan.port)).toBe(true);
    await wan.stop();
  });

  it('ends when the process that started it is killed outright', async () => {
    const config = { rttMs: 10, bytesPerMs: 0, burstBytes: 65536, upstreamPort };
    const parentScript = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['--input-type=module', '-e', process.argv[1]], { stdio: ['pipe', 'pipe', 'inherit'] });
      child.stdout.once('data', (line) => process.stdout.write(JSON.stringify({ pid: child.pid, port: JSON.parse(line).port }) + '\\n'));
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', parentScript, proxyScript(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const { pid, port } = await new Promise<{ pid: number; port: number }>((resolve) => parent.stdout.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))));
    expect(await portIsFree(port)).toBe(false);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive()).toBe(false);
    expect(await portIsFree(port)).toBe(true);
  });
});

describe('startWanLink in front of git daemon', () => {
  let daemon: GitDaemon;
  let root: string;
  beforeAll(async () => {
    root = await makeTempDir('netem-git');
    const bare = await makeBareAssetsRepo(root, 'Azure/azure-sdk-assets');
    await commitFiles(bare, { 'python/sdk/a/recording.json': randomBytes(200_000).toString('base64') }, { tag: 'python/a_1' });
    daemon = await startGitDaemon(root);
  });
  afterAll(() => daemon.stop());

  it('serves a clone through the link, one connection, with the latency added and the bytes counted', async () => {
    const direct = join(root, 'direct');
    const started = performance.now();
    await git(['clone', '--quiet', daemon.url('Azure/azure-sdk-assets'), direct]);
    const loopback = performance.now() - started;
    const wan = await startWanLink({ upstreamPort: daemon.port, rttMs: 100, mbit: 100 });
    links.push(wan);
    const viaLink = performance.now();
    await git(['clone', '--quiet', wan.url('Azure/azure-sdk-assets'), join(root, 'wan')]);
    const elapsed = performance.now() - viaLink;
    const stats = await wan.stats();
    expect(stats.connections).toBe(1);
    // A v2 clone over git:// is the handshake, the ref listing and the fetch: at least three round trips.
    expect(elapsed - loopback).toBeGreaterThan(3 * 100 * 0.9);
    expect(stats.bytesToClient).toBeGreaterThan(200_000);
    expect(wan.urlTemplate).toBe(`git://127.0.0.1:${wan.port}/{repo}.git`);
    expect(await git(['rev-parse', 'HEAD'], { cwd: join(root, 'wan') })).toBe(await git(['rev-parse', 'HEAD'], { cwd: direct }));
  });
});
