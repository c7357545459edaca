import { randomUUID } from 'node:crypto';
import {
  AGGREGATES,
  type AggregateType,
  type Collection,
  type Decider,
  type DomainEvent,
  type EventEnvelope,
  type ResourceRows,
} from '@lbaas/domain';
import type { ProjectableCommit } from '../src/projector';

export const TENANT = 'a0000000-0000-4000-8000-00000000000a';

/** Wraps a decider's events in the envelope the command handler stamps on them. */
export function stamp(
  aggregate: AggregateType,
  aggregateId: string,
  events: readonly DomainEvent<string, number, unknown>[],
  tenantId = TENANT,
): EventEnvelope[] {
  return events.map((event) => ({
    ...event,
    id: randomUUID(),
    aggregate,
    aggregateId,
    tenantId,
    actor: 'test',
    occurredAt: '2025-01-01T00:00:00.000Z',
    correlationId: 'corr',
    causationId: null,
  }));
}

/**
 * Commits produced by the real deciders against their folded state, with increasing stream
 * sequences, and what the read models must show once they are all projected.
 */
export class DomainHistory {
  private readonly states = new Map<string, { aggregate: AggregateType; state: unknown }>();
  readonly commits: ProjectableCommit[] = [];

  run<C, S, E extends DomainEvent<string, number, unknown>>(decider: Decider<C, S, E>, aggregateId: string, command: C): ProjectableCommit {
    const key = `${decider.aggregate}.${aggregateId}`;
    const before = (this.states.get(key)?.state ?? decider.initialState) as S;
    const events = decider.decide(command, before);
    this.states.set(key, { aggregate: decider.aggregate, state: events.reduce((state, event) => decider.evolve(state, event), before) });
    const stored: ProjectableCommit = {
      seq: this.commits.length + 1,
      subject: `lbaas.events.${decider.aggregate}.${aggregateId}`,
      commit: { commitId: randomUUID(), events: stamp(decider.aggregate, aggregateId, events) },
    };
    this.commits.push(stored);
    return stored;
  }

  /** Every aggregate's views, by collection, sorted by id: the read models' expected content. */
  expectedRows(): { [C in Collection]?: Record<string, unknown>[] } {
    const rows: Record<string, Record<string, unknown>[]> = {};
    for (const { aggregate, state } of this.states.values()) {
      const views: ResourceRows = AGGREGATES[aggregate].views(state);
      for (const [collection, resources] of Object.entries(views))
        (rows[collection] ??= []).push(...(resources as unknown as Record<string, unknown>[]));
    }
    for (const list of Object.values(rows)) list.sort((a, b) => String(a.id).localeCompare(String(b.id)));
    return rows;
  }
}
