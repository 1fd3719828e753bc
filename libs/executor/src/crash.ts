/**
 * Failure injection for tests: ASSET_SYNC_CRASH_AFTER=<point> kills the process at that point
 * the way `kill -9` would (no finally blocks, no lock release), to prove that the next run
 * notices the interrupted work and finishes it.
 */
export function crashPoint(point: string): void {
  if (process.env['ASSET_SYNC_CRASH_AFTER'] === point) process.kill(process.pid, 'SIGKILL');
}
