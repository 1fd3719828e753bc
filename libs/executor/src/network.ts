import type { NetworkCounts, RestoreEvents } from './types.js';

/** Counts what a run asked of the network; bytes are summed over fetches as git reports them. */
export interface NetworkMeter extends NetworkCounts {
  onBytes(fetch: string): (progress: { bytes?: number }) => void;
}

export function networkMeter(events?: RestoreEvents): NetworkMeter {
  // git reports a running total per fetch; the sum of each fetch's last total is what was received.
  const received = new Map<string, number>();
  const meter: NetworkMeter = {
    pinFetches: 0,
    pins: 0,
    objectFetches: 0,
    objects: 0,
    bytes: 0,
    onBytes: (fetch) => (progress) => {
      if (!progress.bytes) return;
      received.set(fetch, Math.max(received.get(fetch) ?? 0, progress.bytes));
      meter.bytes = [...received.values()].reduce((a, b) => a + b, 0);
      events?.bytes?.(meter.bytes);
    },
  };
  return meter;
}

export function countsOf(meter: NetworkMeter): NetworkCounts {
  return { pinFetches: meter.pinFetches, pins: meter.pins, objectFetches: meter.objectFetches, objects: meter.objects, bytes: meter.bytes };
}
