import type { Row } from './output';
import { type WaitClock, isSettled, waitForStatus } from './wait-for-status';

/** A clock that only moves when the code under test sleeps. */
function fakeClock(): WaitClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function reads(...statuses: string[]): () => Promise<Row> {
  let i = 0;
  return async () => ({ id: 'p1', status: statuses[Math.min(i++, statuses.length - 1)] });
}

describe('isSettled', () => {
  it.each([
    ['ACTIVE', true],
    ['ERROR', true],
    ['INACTIVE', true],
    ['PENDING_CREATE', false],
    ['PENDING_UPDATE', false],
    [undefined, false],
  ])('%s is settled: %s', (status, expected) => {
    expect(isSettled(status)).toBe(expected);
  });
});

describe('waitForStatus', () => {
  it('answers at once when the status has settled', async () => {
    const clock = fakeClock();
    const result = await waitForStatus(reads('ACTIVE'), 60_000, clock, () => undefined);
    expect(result).toEqual({ outcome: 'settled', resource: { id: 'p1', status: 'ACTIVE' }, elapsedMs: 0 });
    expect(clock.sleeps).toEqual([]);
  });

  it('polls, less often as time goes on, until the status settles, reporting every read', async () => {
    const clock = fakeClock();
    const seen: [string, number][] = [];
    const result = await waitForStatus(
      reads('PENDING_CREATE', 'PENDING_CREATE', 'PENDING_CREATE', 'PENDING_CREATE', 'PENDING_CREATE', 'ERROR'),
      60_000,
      clock,
      (s, ms) => seen.push([s, ms]),
    );
    expect(result.outcome).toBe('settled');
    expect(result.resource.status).toBe('ERROR');
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000, 2000]);
    expect(seen).toEqual([
      ['PENDING_CREATE', 0],
      ['PENDING_CREATE', 250],
      ['PENDING_CREATE', 750],
      ['PENDING_CREATE', 1750],
      ['PENDING_CREATE', 3750],
      ['ERROR', 5750],
    ]);
  });

  it('gives up at the timeout with the last resource read, never sleeping past it', async () => {
    const clock = fakeClock();
    const result = await waitForStatus(reads('PENDING_CREATE'), 1000, clock, () => undefined);
    expect(result).toEqual({ outcome: 'timeout', resource: { id: 'p1', status: 'PENDING_CREATE' }, elapsedMs: 1000 });
    expect(clock.sleeps).toEqual([250, 500, 250]);
  });
});
