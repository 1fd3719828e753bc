import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Keeps a helper process (git daemon, WAN link proxy) from outliving the test run: it is sent
 * SIGTERM when this process exits, unless it ended before. Their watchdogs also stop them when
 * our stdin pipe closes, which covers being killed.
 */
export function stopAtExit(child: ChildProcess): void {
  live.add(child);
  child.once('close', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const running of live) running.kill('SIGTERM');
  });
}
