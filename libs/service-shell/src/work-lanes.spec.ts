import { InFlightByKey, inLanes } from './work-lanes';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('inLanes', () => {
  it('runs every item once, never more than the lanes at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    await inLanes([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick();
      seen.push(n);
      inFlight--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('starts items in order', async () => {
    const started: number[] = [];
    await inLanes([1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await tick();
    });
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it('with one lane, runs one item after the other', async () => {
    const log: string[] = [];
    await inLanes(['a', 'b'], 1, async (s) => {
      log.push(`start ${s}`);
      await tick();
      log.push(`end ${s}`);
    });
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('lets the other items run when one fails, then throws the first error', async () => {
    const done: number[] = [];
    await expect(
      inLanes([1, 2, 3], 2, async (n) => {
        await tick();
        if (n === 1) throw new Error('one failed');
        done.push(n);
      }),
    ).rejects.toThrow('one failed');
    expect(done.sort()).toEqual([2, 3]);
  });

  it('does nothing for no items, and refuses lanes that are not a positive integer', async () => {
    await expect(inLanes([], 4, () => Promise.reject(new Error('not called')))).resolves.toBeUndefined();
    await expect(inLanes([1], 0, async () => undefined)).rejects.toThrow('positive integer');
    await expect(inLanes([1], 1.5, async () => undefined)).rejects.toThrow('positive integer');
  });
});

describe('InFlightByKey', () => {
  it('gives a second ask for a key in flight the same run', async () => {
    const shared = new InFlightByKey<string>();
    let starts = 0;
    let finish: (v: string) => void = () => undefined;
    const start = (): Promise<string> => {
      starts++;
      return new Promise((r) => (finish = r));
    };
    const first = shared.run('h', start);
    const second = shared.run('h', start);
    expect(second).toBe(first);
    finish('ok');
    await expect(Promise.all([first, second])).resolves.toEqual(['ok', 'ok']);
    expect(starts).toBe(1);
  });

  it('starts again once the run has ended, failed or not, and keeps keys apart', async () => {
    const shared = new InFlightByKey<number>();
    let starts = 0;
    await expect(shared.run('h', () => Promise.reject(new Error(`failed ${++starts}`)))).rejects.toThrow('failed 1');
    await expect(shared.run('h', async () => ++starts)).resolves.toBe(2);
    const [a, b] = await Promise.all([shared.run('a', async () => 1), shared.run('b', async () => 2)]);
    expect([a, b]).toEqual([1, 2]);
    expect(shared.size).toBe(0);
  });
});
