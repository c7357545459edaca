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

/** The log's events (without payloads) by the objects they shaped, in stream order. */
export class EventTimelineIndex {
  private readonly records: EventRecord[] = [];
  private readonly positionsByObject = new Map<string, number[]>();

  add(record: EventRecord): void {
    const position = this.records.push(record) - 1;
    for (const id of record.refs) {
      const positions = this.positionsByObject.get(id);
      if (positions) positions.push(position);
      else this.positionsByObject.set(id, [position]);
    }
  }

  /** The events that shaped any of `ids`, each once, oldest first. */
  shaping(ids: readonly string[]): EventRecord[] {
    const positions = new Set<number>();
    for (const id of ids) for (const position of this.positionsByObject.get(id) ?? []) positions.add(position);
    return [...positions].sort((a, b) => a - b).map((position) => this.records[position]);
  }
}
