import { AGGREGATES, type AggregateType, type EventEnvelope, upcast } from '@lbaas/domain';

/**
 * A state the map need not hold: the initial one, or the one after the aggregate's deletion.
 * Folding the events that may follow a deletion from either gives the same (deleted ids are
 * never reused, so the only events that make an aggregate live, its creation, never follow it;
 * every other event leaves a state that is not live as it is), and every reader treats a state
 * that is not live as none.
 */
const gone = (state: unknown): boolean => {
  const kind = (state as { readonly kind?: unknown }).kind;
  return kind === 'absent' || kind === 'deleted';
};

/**
 * The folded state of each aggregate the renderer depends on, holding only the live ones, so
 * its memory follows what exists, not every aggregate ever created. The log is followed in
 * order from sequence 1 by an ordered consumer, which never delivers an event below its
 * position again; an event folded twice converges, as every `evolve` is idempotent on it.
 */
export class AggregateStates {
  private readonly states = new Map<string, unknown>();

  /** Aggregates held, all live. */
  get size(): number {
    return this.states.size;
  }

  get(aggregate: AggregateType, id: string): unknown {
    return this.states.get(`${aggregate}/${id}`);
  }

  /** Folds the event into its aggregate's state: the state before (undefined when none was held) and after. */
  fold(event: EventEnvelope): { readonly before: unknown; readonly next: unknown } {
    const key = `${event.aggregate}/${event.aggregateId}`;
    const behaviour = AGGREGATES[event.aggregate];
    const before = this.states.get(key);
    const next = behaviour.evolve(before ?? behaviour.initialState, upcast(event));
    if (gone(next)) this.states.delete(key);
    else this.states.set(key, next);
    return { before, next };
  }
}
