import { formatBytes } from '@asset-sync/errors';
import type { RestoreEvents } from '@asset-sync/executor';

const PHASES: Record<string, string> = {
  discover: 'finding assets.json files',
  resolve: 'resolving pins',
  'fetch-pins': 'fetching pins',
  plan: 'planning checkouts',
  'fetch-objects': 'fetching recordings',
  checkout: 'writing checkouts',
  record: 'recording state',
};

export interface ProgressDisplay {
  events: RestoreEvents;
  /** Clears the live line (TTY) before the summary is printed. */
  stop(): void;
}

/**
 * On a terminal: one live line (packages done/total, current step, bytes received). Elsewhere
 * (CI, pipes): one plain line per step, nothing that rewrites itself.
 */
export async function progressDisplay(options: { interactive: boolean; quiet: boolean; write: (text: string) => void; stream?: NodeJS.WriteStream }): Promise<ProgressDisplay> {
  if (options.quiet) return { events: {}, stop: () => undefined };
  // A terminal that reports no size (some CI shells, `script` without one) gets plain lines: a
  // live line fitted to 0 rows would show nothing at all.
  const sized = (options.stream?.rows ?? 0) > 0 && (options.stream?.columns ?? 0) > 0;
  if (!options.interactive || !options.stream || !sized) {
    let lastPhase = '';
    return {
      events: {
        phase(name, detail) {
          const line = `${PHASES[name] ?? name}${detail ? `: ${detail}` : ''}`;
          if (line !== lastPhase) options.write(`asset-sync: ${line}\n`);
          lastPhase = line;
        },
      },
      stop: () => undefined,
    };
  }
  // Loaded only for terminals: CI runs never pay for it.
  const { createLogUpdate } = await import('log-update');
  const render = createLogUpdate(options.stream, { showCursor: true });
  const state = { phase: 'starting', detail: '', done: 0, total: 0, bytes: 0, started: Date.now() };
  const draw = (): void => {
    const seconds = ((Date.now() - state.started) / 1000).toFixed(1);
    const packages = state.total > 0 ? `${state.done}/${state.total} packages` : '';
    const bytes = state.bytes > 0 ? formatBytes(state.bytes) : '';
    render([`⠿ ${PHASES[state.phase] ?? state.phase}${state.detail ? ` (${state.detail})` : ''}`, packages, bytes, `${seconds} s`].filter(Boolean).join(' · '));
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    events: {
      phase(name, detail) {
        state.phase = name;
        state.detail = detail ?? '';
        draw();
      },
      progress(done, total) {
        state.done = done;
        state.total = total;
      },
      bytes(received) {
        state.bytes = Math.max(state.bytes, received);
      },
    },
    stop() {
      clearInterval(timer);
      render.clear();
      render.done();
    },
  };
}
