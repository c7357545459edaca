/**
 * A map of at most `capacity` entries, each with its own end: a read past the end misses and
 * drops the entry, and a write over capacity evicts the least recently used entry, so a flood of
 * distinct keys costs bounded memory.
 */
export class ExpiringLru<V> {
  // A Map iterates in insertion order; re-inserting on each hit keeps the least recent first.
  private readonly entries = new Map<string, { readonly value: V; readonly endsAtMs: number }>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`a cache needs a capacity of at least 1, not ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (nowMs >= entry.endsAtMs) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, endsAtMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, endsAtMs });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
