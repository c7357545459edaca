import { AGGREGATES, type AggregateType, type EventEnvelope, isAbsentOrDeleted, upcast } from '@lbaas/domain';

/**
 * The folded state of each aggregate the renderer depends on, holding only the live ones, so
 * its memory follows what exists, not every aggregate ever created (`isAbsentOrDeleted` says why
 * a dropped state folds as it would have). The log is followed in order from sequence 1 by an
 * ordered consumer, which never delivers an event below its position again; an event folded
 * twice converges, as every `evolve` is idempotent on it.
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
    if (isAbsentOrDeleted(next)) this.states.delete(key);
    else this.states.set(key, next);
    return { before, next };
  }
}
