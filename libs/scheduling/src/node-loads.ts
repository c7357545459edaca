/**
 * One candidate set of live nodes (every live node, or one compute zone's) bucketed by load, so
 * that the least loaded are one bucket and a uniform pick among them costs O(1). A node moves
 * between buckets by swap-remove, which keeps the order deterministic for a given fold sequence.
 */
class LoadBuckets {
  private readonly buckets = new Map<number, string[]>();
  private readonly slots = new Map<string, { load: number; index: number }>();
  private min = Infinity;

  get size(): number {
    return this.slots.size;
  }

  add(nodeId: string, load: number): void {
    if (this.slots.has(nodeId)) return;
    let bucket = this.buckets.get(load);
    if (!bucket) this.buckets.set(load, (bucket = []));
    this.slots.set(nodeId, { load, index: bucket.length });
    bucket.push(nodeId);
    if (load < this.min) this.min = load;
  }

  /** Takes the node out; returns the load it had, or undefined when it was not in the set. */
  remove(nodeId: string): number | undefined {
    const slot = this.slots.get(nodeId);
    if (!slot) return undefined;
    const bucket = this.buckets.get(slot.load) ?? [];
    const last = bucket.pop();
    if (last !== undefined && last !== nodeId) {
      bucket[slot.index] = last;
      const moved = this.slots.get(last);
      if (moved) moved.index = slot.index;
    }
    this.slots.delete(nodeId);
    if (bucket.length === 0) {
      this.buckets.delete(slot.load);
      // Loads are few distinct values (a spread of one or two), so finding the next least is short.
      if (slot.load === this.min) this.min = Math.min(Infinity, ...this.buckets.keys());
    }
    return slot.load;
  }

  /** Uniform among the least loaded: one call of `random` when there is a node, none otherwise. */
  pick(random: () => number): string | null {
    const bucket = this.buckets.get(this.min);
    return bucket === undefined || bucket.length === 0 ? null : bucket[Math.floor(random() * bucket.length)];
  }

  /** Nodes by load, each bucket sorted, and the least load: what a recomputation from scratch must equal. */
  view(): LoadBucketsView {
    const byLoad: Record<number, string[]> = {};
    for (const [load, nodes] of this.buckets) byLoad[load] = [...nodes].sort();
    return { least: this.slots.size === 0 ? null : this.min, byLoad };
  }
}

export interface LoadBucketsView {
  readonly least: number | null;
  readonly byLoad: Readonly<Record<number, readonly string[]>>;
}

/** The index as its structure holds it: every live node's bucket, per candidate set ('*' for all live nodes). */
export interface NodeLoadsView {
  readonly loads: Readonly<Record<string, number>>;
  readonly sets: Readonly<Record<string, LoadBucketsView>>;
}

export const ANY_ZONE = '*';

export interface PlacementCandidates {
  /** null: every live node; otherwise that compute zone's live nodes only. */
  readonly zone: string | null;
  /** Nodes the instance holds a placement on already: never a second one there. */
  readonly taken: readonly string[];
  /** A node to pass over while another candidate exists (the one a failover moved away from). */
  readonly avoid: string | null;
}

/**
 * Placements per node and the live nodes indexed by load, kept as placements, releases, node
 * joins, losses and zone changes are folded: choosing the least loaded node costs O(1) however
 * many nodes there are, not a scan of every live node.
 */
export class NodeLoads {
  private readonly loads = new Map<string, number>();
  /** Live nodes and their compute zone. */
  private readonly live = new Map<string, string | null>();
  private readonly everyNode = new LoadBuckets();
  private readonly zones = new Map<string, LoadBuckets>();

  loadOf(nodeId: string): number {
    return this.loads.get(nodeId) ?? 0;
  }

  /** A node's liveness and zone as the log has them now. */
  setNode(nodeId: string, alive: boolean, zone: string | null): void {
    const wasLive = this.live.has(nodeId);
    if (wasLive === alive && (!alive || this.live.get(nodeId) === zone)) return;
    if (wasLive) this.leave(nodeId);
    if (!alive) return;
    this.live.set(nodeId, zone);
    this.enter(nodeId, this.loadOf(nodeId));
  }

  /** One placement more (1) or fewer (-1) on a node; never below zero. */
  shift(nodeId: string, delta: number): void {
    const load = Math.max(0, this.loadOf(nodeId) + delta);
    if (load === 0) this.loads.delete(nodeId);
    else this.loads.set(nodeId, load);
    if (!this.live.has(nodeId)) return;
    this.everyNode.remove(nodeId);
    this.everyNode.add(nodeId, load);
    const zone = this.live.get(nodeId);
    if (zone == null) return;
    const set = this.zones.get(zone);
    set?.remove(nodeId);
    set?.add(nodeId, load);
  }

  /**
   * Random among the least loaded candidates, so equal nodes share new instances evenly; the
   * avoided node only when no other candidate is left. The instance's own nodes are set aside
   * for the pick and put back after it.
   */
  leastLoaded(candidates: PlacementCandidates, random: () => number): string | null {
    const set = candidates.zone === null ? this.everyNode : this.zones.get(candidates.zone);
    if (!set || set.size === 0) return null;
    const aside = new Map<string, number>();
    const setAside = (nodeId: string): void => {
      const load = set.remove(nodeId);
      if (load !== undefined) aside.set(nodeId, load);
    };
    candidates.taken.forEach(setAside);
    const avoided = candidates.avoid === null ? undefined : set.remove(candidates.avoid);
    let chosen = set.size > 0 ? set.pick(random) : null;
    if (avoided !== undefined && candidates.avoid !== null) {
      set.add(candidates.avoid, avoided);
      if (chosen === null) chosen = set.pick(random);
    }
    for (const [nodeId, load] of aside) set.add(nodeId, load);
    return chosen;
  }

  view(): NodeLoadsView {
    const sets: Record<string, LoadBucketsView> = { [ANY_ZONE]: this.everyNode.view() };
    for (const [zone, set] of this.zones) sets[zone] = set.view();
    return { loads: Object.fromEntries([...this.loads].sort(([a], [b]) => a.localeCompare(b))), sets };
  }

  private enter(nodeId: string, load: number): void {
    this.everyNode.add(nodeId, load);
    const zone = this.live.get(nodeId);
    if (zone == null) return;
    let set = this.zones.get(zone);
    if (!set) this.zones.set(zone, (set = new LoadBuckets()));
    set.add(nodeId, load);
  }

  private leave(nodeId: string): void {
    this.everyNode.remove(nodeId);
    const zone = this.live.get(nodeId);
    this.live.delete(nodeId);
    if (zone == null) return;
    const set = this.zones.get(zone);
    set?.remove(nodeId);
    if (set?.size === 0) this.zones.delete(zone);
  }
}
