import type { Row } from './output';

export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type WaitOutcome = { readonly outcome: 'settled' | 'timeout'; readonly resource: Row; readonly elapsedMs: number };

const FIRST_POLL_MS = 250;
const LONGEST_POLL_MS = 2000;

/** PENDING_CREATE, PENDING_UPDATE, ... are transitions; every other status is where the resource rests. */
export function isSettled(status: unknown): boolean {
  return typeof status === 'string' && !status.startsWith('PENDING_');
}

/**
 * Reads the resource until its status settles (ACTIVE, ERROR, ...) or `timeoutMs` has passed,
 * polling sooner at first and less often later; `onStatus` hears every read.
 */
export async function waitForStatus(
  read: () => Promise<Row>,
  timeoutMs: number,
  clock: WaitClock,
  onStatus: (status: string, elapsedMs: number) => void,
): Promise<WaitOutcome> {
  const started = clock.now();
  let pause = FIRST_POLL_MS;
  for (;;) {
    const resource = await read();
    const elapsedMs = clock.now() - started;
    onStatus(String(resource.status), elapsedMs);
    if (isSettled(resource.status)) return { outcome: 'settled', resource, elapsedMs };
    const left = timeoutMs - elapsedMs;
    if (left <= 0) return { outcome: 'timeout', resource, elapsedMs };
    await clock.sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, LONGEST_POLL_MS);
  }
}
