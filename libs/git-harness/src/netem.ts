import { spawn } from 'node:child_process';
import type * as NodeNet from 'node:net';
import { createInterface } from 'node:readline';
import { stopAtExit } from './children.js';

/** How the simulated link between a client and a server on 127.0.0.1 behaves. */
export interface WanLinkOptions {
  /** Round-trip time the link adds, in milliseconds. Default 60. */
  rttMs?: number;
  /** Bandwidth of each direction, in Mbit/s; 0 for no cap. Default 200. */
  mbit?: number;
  /** Bytes the token bucket lets through at once after an idle spell. Default 64 KiB. */
  burstBytes?: number;
  /** Where the server listens on 127.0.0.1, e.g. a git daemon's port. */
  upstreamPort: number;
  /** How long to wait for the proxy to listen; default 10 s. */
  readyTimeoutMs?: number;
}

/** What crossed the link since it started or since the last reset(). */
export interface WanLinkStats {
  /** Connections accepted (one per git fetch, clone or lazy fetch over git://). */
  connections: number;
  /** Bytes delivered to the server (requests, pushes). */
  bytesToServer: number;
  /** Bytes delivered to the client: what a fetch or clone received. */
  bytesToClient: number;
}

export interface WanLink {
  readonly host: '127.0.0.1';
  /** The proxy's port: clients connect here instead of to the server. */
  readonly port: number;
  /** Process id of the proxy. */
  readonly pid: number;
  readonly rttMs: number;
  /** 0 for no cap. */
  readonly mbit: number;
  /** `git://127.0.0.1:<port>/<repo>.git` for a name such as `Azure/azure-sdk-assets`. */
  url(repo: string): string;
  /** `git://127.0.0.1:<port>/{repo}.git`, the shape asset-sync's remote template takes. */
  readonly urlTemplate: string;
  stats(): Promise<WanLinkStats>;
  /** Zeroes the counters, e.g. before the operation a bench measures. */
  reset(): Promise<void>;
  /** Closes the proxy, its connections and its port, and waits for its process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ProxyConfig {
  rttMs: number;
  /** Bytes per millisecond; 0 for no cap. */
  bytesPerMs: number;
  burstBytes: number;
  upstreamPort: number;
}

/** When `bytes` ready at `ready` (ms) may leave; later callers queue behind earlier ones. */
export type Departure = (ready: number, bytes: number) => number;

/**
 * A token bucket for one direction of the link: `burstBytes` may leave at once after an idle
 * spell, then `bytesPerMs`. Shared by every connection, as one link is.
 */
export function linkBucket(config: ProxyConfig): Departure {
  let tokens = config.burstBytes;
  let at = 0;
  return (ready, bytes) => {
    if (config.bytesPerMs <= 0) return ready;
    const start = Math.max(ready, at);
    tokens = Math.min(config.burstBytes, tokens + (start - at) * config.bytesPerMs);
    at = start;
    if (tokens >= bytes) {
      tokens -= bytes;
      return start;
    }
    at = start + (bytes - tokens) / config.bytesPerMs;
    tokens = 0;
    return at;
  };
}

/**
 * Forwards what `from` sends to `to`, each chunk delivered when the bucket lets it leave plus
 * `delayMs`, never before `notBefore`; the end too, after the last chunk. Stops reading once
 * `window` bytes wait, as a TCP window would, and counts what it delivers.
 */
export function delayedPipe(
  from: NodeNet.Socket,
  to: NodeNet.Socket,
  link: { depart: Departure; delayMs: number; notBefore: number; window: number; count: (bytes: number) => void },
): void {
  const now = (): number => performance.now();
  const queue: Array<{ at: number; data: Buffer | undefined }> = [];
  let queued = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let draining = false;
  const flush = (): void => {
    timer = undefined;
    while (!draining && queue.length > 0 && queue[0]!.at <= now()) {
      const { data } = queue.shift()!;
      if (data === undefined) {
        to.end();
        continue;
      }
      queued -= data.length;
      link.count(data.length);
      if (!to.write(data)) {
        draining = true;
        to.once('drain', () => {
          draining = false;
          flush();
        });
      }
    }
    if (from.isPaused() && queued < link.window / 2) from.resume();
    if (!draining && timer === undefined && queue.length > 0) timer = setTimeout(flush, Math.max(0, queue[0]!.at - now()));
  };
  const enqueue = (at: number, data: Buffer | undefined): void => {
    queue.push({ at, data });
    if (data !== undefined) queued += data.length;
    if (queued > link.window) from.pause();
    if (timer === undefined) flush();
  };
  from.on('data', (chunk: Buffer) => enqueue(link.depart(Math.max(now(), link.notBefore), chunk.length) + link.delayMs, chunk));
  from.on('end', () => enqueue(Math.max(now() + link.delayMs, queue[queue.length - 1]?.at ?? 0), undefined));
}

/**
 * The proxy program, run in a process of its own: its timers then fire on time whatever the
 * starting process is busy with, and it ends when its stdin closes, which happens when stop()
 * ends it or when the starting process dies by any means, SIGKILL included (as the daemon's
 * watchdog does). It and the two functions above are serialized with toString(), so they use
 * nothing but their arguments, each other and globals.
 *
 * The model: data a side sends leaves when the bandwidth allows (linkBucket) and arrives RTT/2
 * later; nothing reaches the server before one RTT after the connection was accepted, the time a
 * TCP handshake takes. Each direction queues at most a few bandwidth-delay products.
 */
export function runLinkProxy(net: typeof NodeNet, config: ProxyConfig, io: { stdin: NodeJS.ReadableStream; send: (message: object) => void }): void {
  const stats = { connections: 0, bytesToServer: 0, bytesToClient: 0 };
  const window = Math.max(8 << 20, 4 * config.bytesPerMs * Math.max(config.rttMs, 1));
  const toServer = linkBucket(config);
  const toClient = linkBucket(config);
  const sockets = new Set<NodeNet.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    stats.connections += 1;
    const accepted = performance.now();
    const upstream = net.connect({ port: config.upstreamPort, host: '127.0.0.1', allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const delayMs = config.rttMs / 2;
    delayedPipe(client, upstream, { depart: toServer, delayMs, notBefore: accepted + config.rttMs, window, count: (n) => (stats.bytesToServer += n) });
    delayedPipe(upstream, client, { depart: toClient, delayMs, notBefore: 0, window, count: (n) => (stats.bytesToClient += n) });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    io.send({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0 });
  });
  let buffered = '';
  io.stdin.setEncoding('utf8');
  io.stdin.on('data', (text: string) => {
    buffered += text;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      const command = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (command === 'reset') Object.assign(stats, { connections: 0, bytesToServer: 0, bytesToClient: 0 });
      io.send({ type: command === 'reset' ? 'reset' : 'stats', ...stats });
    }
  });
  const stop = (): void => {
    for (const socket of sockets) socket.destroy();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  io.stdin.on('end', stop);
  io.stdin.on('close', stop);
  process.on('SIGTERM', stop);
}

/** The proxy's program for `node --input-type=module -e`, listening on a free port and printing it first. */
export const proxyScript = (config: ProxyConfig): string =>
  `import * as net from 'node:net';\n${linkBucket.toString()}\n${delayedPipe.toString()}\n(${runLinkProxy.toString()})(net, ${JSON.stringify(config)}, ` +
  `{ stdin: process.stdin, send: (message) => process.stdout.write(JSON.stringify(message) + '\\n') });\n`;


/**
 * A simulated wide-area link on 127.0.0.1: a TCP proxy on a free port in front of a server (a git
 * daemon) that adds round-trip latency and caps bandwidth, and counts connections and bytes each
 * way. With `rttMs: 0, mbit: 0` it only counts, which is how a bench measures loopback bytes.
 */
export async function startWanLink(options: WanLinkOptions): Promise<WanLink> {
  const rttMs = options.rttMs ?? 60;
  const mbit = options.mbit ?? 200;
  if (!(rttMs >= 0) || !(mbit >= 0)) throw new RangeError(`rttMs and mbit must be 0 or more, found ${rttMs} and ${mbit}`);
  const config: ProxyConfig = {
    rttMs,
    bytesPerMs: (mbit * 1e6) / 8 / 1000,
    burstBytes: options.burstBytes ?? 64 * 1024,
    upstreamPort: options.upstreamPort,
  };
  const child = spawn(process.execPath, ['--input-type=module', '-e', proxyScript(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
  stopAtExit(child);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const waiting: Array<(message: Record<string, number | string>) => void> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(JSON.parse(line) as Record<string, number | string>));
  const next = (): Promise<Record<string, number | string>> =>
    new Promise((resolve, reject) => {
      waiting.push(resolve);
      void exited.then(() => reject(new Error('the WAN link proxy exited')));
    });

  const ready = await Promise.race([
    next(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the WAN link proxy did not start')), options.readyTimeoutMs ?? 10_000).unref()),
  ]).catch(async (error: unknown) => {
    child.kill('SIGTERM');
    await exited;
    throw error;
  });
  const port = Number(ready['port']);
  const ask = async (command: 'stats' | 'reset'): Promise<WanLinkStats> => {
    const answer = next();
    child.stdin!.write(`${command}\n`);
    const { connections, bytesToServer, bytesToClient } = await answer;
    return { connections: Number(connections), bytesToServer: Number(bytesToServer), bytesToClient: Number(bytesToClient) };
  };
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid ?? 0,
    rttMs,
    mbit,
    url: (repo) => `git://127.0.0.1:${port}/${repo.replace(/^\/+/, '').replace(/(\.git)?$/, '.git')}`,
    urlTemplate: `git://127.0.0.1:${port}/{repo}.git`,
    stats: () => ask('stats'),
    reset: async () => {
      await ask('reset');
    },
    stop: () => {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.stdin!.end();
        await exited;
      })();
      return stopped;
    },
  };
}
