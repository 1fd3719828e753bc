import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Failure injection for tests, one mechanism for every command. `ASSET_SYNC_CRASH_AFTER=<point>`
 * kills the process at that point the way `kill -9` would (no finally blocks, no lock release),
 * to prove the next run notices the interrupted work and finishes it. `ASSET_SYNC_PAUSE_AT=
 * <point>:<ms>` holds the process there, so a test can line up a race (a restore started while a
 * push holds the lock). Both are no-ops unless a test sets them.
 */
export async function faultPoint(point: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env['ASSET_SYNC_CRASH_AFTER'] === point) process.kill(process.pid, 'SIGKILL');
  const pause = env['ASSET_SYNC_PAUSE_AT'];
  if (pause && pause.startsWith(`${point}:`)) await sleep(Number(pause.slice(point.length + 1)) || 0);
}
