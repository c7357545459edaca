import { CheckpointGate } from './checkpoint-gate';

describe('CheckpointGate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers at once when the checkpoint is already there', async () => {
    const gate = new CheckpointGate();
    gate.moveTo(5);
    await expect(gate.waitFor(5, 1000)).resolves.toBe(true);
    await expect(gate.waitFor(0, 1000)).resolves.toBe(true);
  });

  it('wakes a waiter when the projector commits its sequence, not before', async () => {
    const gate = new CheckpointGate();
    const settled: boolean[] = [];
    const waiting = gate.waitFor(3, 5000).then((reached) => settled.push(reached));
    gate.moveTo(2);
    await Promise.resolve();
    expect(settled).toEqual([]);
    gate.moveTo(3);
    await waiting;
    expect(settled).toEqual([true]);
  });

  it('gives up after the timeout', async () => {
    const gate = new CheckpointGate();
    const waiting = gate.waitFor(1, 5000);
    jest.advanceTimersByTime(5000);
    await expect(waiting).resolves.toBe(false);
  });

  it('releases every waiter on close', async () => {
    const gate = new CheckpointGate();
    const waiting = [gate.waitFor(1, 5000), gate.waitFor(2, 5000)];
    gate.close();
    await expect(Promise.all(waiting)).resolves.toEqual([false, false]);
  });
});
