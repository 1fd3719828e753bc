import { spawn, type ChildProcess } from 'node:child_process';
import { cliBinPath, cliEnv, runCli, type CliResult } from '@asset-sync/git-harness';

/**
 * The environment the demo runs asset-sync with: hermetic git (no system or user config), the
 * sample's daemon as the assets repo's remote, and the caller's CI and NO_COLOR, so a terminal
 * gets the live progress line and CI gets plain lines.
 */
export function demoEnv(remoteUrlTemplate: string): NodeJS.ProcessEnv {
  return cliEnv({
    ASSET_SYNC_REMOTE_URL_TEMPLATE: remoteUrlTemplate,
    CI: process.env['CI'],
    NO_COLOR: process.env['NO_COLOR'],
  });
}

const running = new Set<ChildProcess>();

/** Runs the built CLI on the demo's own terminal (stdio inherited); resolves with its exit code. */
export function runCliInherited(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBinPath(), ...args], { cwd, env, stdio: 'inherit' });
    running.add(child);
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      resolve(code ?? 1);
    });
  });
}

/**
 * Passes a signal on to a CLI still running and waits (briefly) for it to end, so it stops
 * writing before the demo removes the sample. A terminal's Ctrl-C reaches it anyway; a `kill`
 * of the demo alone does not.
 */
export async function stopRunningCli(signal: NodeJS.Signals): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 3000);
          child.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill(signal);
        }),
    ),
  );
}

/** Runs the built CLI and collects its output, for the steps the demo reformats. */
export function runCliCaptured(args: string[], cwd: string, remoteUrlTemplate: string): Promise<CliResult> {
  return runCli(args, { cwd, env: { ASSET_SYNC_REMOTE_URL_TEMPLATE: remoteUrlTemplate } });
}
