import type { EventEnvelope } from '@lbaas/domain';
import type { EventRecord } from './web/dashboard-protocol';

/**
 * Every id an event's payload names besides the tenant: `poolId`, `memberId`, `nodeId`,
 * `fromNodeId`, `deviceId`... so a member's or a node's timeline finds the events of the pool and
 * service-instance streams that concern it, without a list per event type to keep up to date.
 */
function referencedIds(event: EventEnvelope): string[] {
  const refs = new Set([event.aggregateId]);
  if (typeof event.data === 'object' && event.data !== null) {
    for (const [key, value] of Object.entries(event.data)) {
      if (key !== 'tenantId' && key.endsWith('Id') && typeof value === 'string' && value !== '') refs.add(value);
    }
  }
  return [...refs];
}

export function eventRecord(seq: number, event: EventEnvelope): EventRecord {
  return {
    seq,
    id: event.id,
    type: event.type,
    aggregate: event.aggregate,
    aggregateId: event.aggregateId,
    tenantId: event.tenantId,
    actor: event.actor,
    occurredAt: event.occurredAt,
    correlationId: event.correlationId,
    causationId: event.causationId,
    refs: referencedIds(event),
  };
}

/**
 * The most recent `capacity` events of the log (without payloads) by the objects they shaped, in
 * stream order. Bounded: the log only grows, and a dashboard that held every event would grow with
 * the history (each health change, each placement) rather than with what exists. An event older
 * than the last `capacity` leaves every object's timeline; the page shows the recent past anyway.
 */
export class EventTimelineIndex {
  /** By position; a Map keeps insertion order, so the first key is always the oldest held. */
  private readonly records = new Map<number, EventRecord>();
  private readonly positionsByObject = new Map<string, number[]>();
  private next = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`an event timeline holds at least one event, not ${capacity}`);
  }

  get size(): number {
    return this.records.size;
  }

  add(record: EventRecord): void {
    const position = this.next++;
    this.records.set(position, record);
    for (const id of record.refs) {
      const positions = this.positionsByObject.get(id);
      if (positions) positions.push(position);
      else this.positionsByObject.set(id, [position]);
    }
    if (this.records.size > this.capacity) this.forgetOldest();
  }

  /** The events that shaped any of `ids`, each once, oldest first. */
  shaping(ids: readonly string[]): EventRecord[] {
    const positions = new Set<number>();
    for (const id of ids) for (const position of this.positionsByObject.get(id) ?? []) positions.add(position);
    return [...positions].sort((a, b) => a - b).map((position) => this.records.get(position) as EventRecord);
  }

  /** The oldest event is the first position of each object it names: drop it there, and the objects left with none. */
  private forgetOldest(): void {
    const [oldest] = this.records;
    if (!oldest) return;
    const [position, record] = oldest;
    this.records.delete(position);
    for (const id of record.refs) {
      const positions = this.positionsByObject.get(id);
      if (positions?.[0] !== position) continue;
      positions.shift();
      if (positions.length === 0) this.positionsByObject.delete(id);
    }
  }
}
