/**
 * Runs `work` over `items` with at most `lanes` of them in flight, in order of start; resolves
 * when every one has ended. `work` handles its own failures: one that throws still lets the
 * others run, and the first error is thrown once all have ended.
 */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`lanes must be a positive integer, got ${lanes}`);
  let next = 0;
  const errors: unknown[] = [];
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item).catch((error: unknown) => {
        errors.push(error);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  if (errors.length > 0) throw errors[0];
}

/**
 * One run per key at a time: asking for a key whose run is in flight gets that run's promise
 * instead of starting another. For content-addressed work (a check of a text by its hash, a store
 * of a blob by its name) that two instances rendered side by side may both ask for.
 */
export class InFlightByKey<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, start: () => Promise<T>): Promise<T> {
    const found = this.running.get(key);
    if (found) return found;
    const started = start().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  get size(): number {
    return this.running.size;
  }
}
