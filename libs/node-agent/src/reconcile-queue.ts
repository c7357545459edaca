import type { CausingEvent } from '@lbaas/event-log';

/** What one pass reconciles: some instances, each with the last event that reached it (what the pass answers), or the whole node. */
export interface ReconcileBatch {
  readonly whole: boolean;
  readonly instances: ReadonlyMap<string, CausingEvent | null>;
}

/**
 * Keys waiting to be reconciled, as controller-runtime's work queue: an event or a timer adds a
 * key (an instance id, or the whole node) and never says what to do; adding a key that waits
 * already only refreshes its cause; a key may come back when something it waits for happens (the
 * address of a VIP VRRP has not moved yet).
 */
export class ReconcileQueue {
  private whole = false;
  private stopped = false;
  private readonly instances = new Map<string, CausingEvent | null>();
  private readonly waiting = new Set<string>();

  constructor(private readonly onAdded: () => void) {}

  addWhole(): void {
    this.whole = true;
    this.onAdded();
  }

  add(instanceId: string, cause: CausingEvent | null): void {
    if (this.stopped) return;
    // A cause is kept over none: a timer's look again still answers the event.
    this.instances.set(instanceId, cause ?? this.instances.get(instanceId) ?? null);
    this.onAdded();
  }

  /**
   * Adds the key once `until` settles, whatever it settles to (it bounds its own wait); `until`
   * is not called while the key waits already.
   */
  addWhen(instanceId: string, until: () => Promise<unknown>, cause: CausingEvent | null): void {
    if (this.stopped || this.waiting.has(instanceId)) return;
    this.waiting.add(instanceId);
    void until()
      .catch(() => undefined)
      .then(() => {
        this.waiting.delete(instanceId);
        this.add(instanceId, cause);
      });
  }

  /** Whether anything waits (not counting keys that wait for something to happen). */
  get pending(): boolean {
    return this.whole || this.instances.size > 0;
  }

  take(): ReconcileBatch {
    const batch = { whole: this.whole, instances: new Map(this.instances) };
    this.whole = false;
    this.instances.clear();
    return batch;
  }

  /** Puts a batch back, for a pass that failed before it was done. */
  putBack(batch: ReconcileBatch): void {
    if (batch.whole) this.whole = true;
    for (const [id, cause] of batch.instances) if (!this.instances.has(id)) this.instances.set(id, cause);
  }

  /** Adds nothing from now on: what keys still wait for ends on its own (the agent aborts its waits). */
  stop(): void {
    this.stopped = true;
  }
}
