interface Waiter {
  readonly seq: number;
  readonly resolve: (reached: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The projection's checkpoint as queries see it. A query with `minSeq` waits until the
 * projector commits that far (each commit wakes the waiters it satisfies), or gives up.
 */
export class CheckpointGate {
  private position = 0;
  private readonly waiters = new Set<Waiter>();

  get checkpoint(): number {
    return this.position;
  }

  /** The projector committed up to `position` (lower than before only while a rebuild starts over). */
  moveTo(position: number): void {
    this.position = position;
    for (const waiter of this.waiters) {
      if (waiter.seq <= position) this.settle(waiter, true);
    }
  }

  /** Resolves true once the checkpoint reaches `seq`, false after `timeoutMs`. */
  waitFor(seq: number, timeoutMs: number): Promise<boolean> {
    if (seq <= this.position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = { seq, resolve, timer: setTimeout(() => this.settle(waiter, false), timeoutMs) };
      this.waiters.add(waiter);
    });
  }

  /** Shutting down: nobody waits for a projector that has stopped. */
  close(): void {
    for (const waiter of this.waiters) this.settle(waiter, false);
  }

  private settle(waiter: Waiter, reached: boolean): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    waiter.resolve(reached);
  }
}
