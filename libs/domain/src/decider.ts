import type { AggregateType, DomainEvent } from './envelope';
import type { Collection, ResourceByCollection, ResourceRows } from './resources';

/**
 * One aggregate's behaviour as pure functions. `decide` throws a DomainError to reject;
 * `evolve` never throws (an event is a fact); `views` is what the read models show of the state.
 * `A` names the aggregate in the type too, so `fold` knows which stored events are `E`.
 */
export interface Decider<C, S, E extends DomainEvent<string, number, unknown>, A extends AggregateType = AggregateType> {
  readonly aggregate: A;
  readonly initialState: S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  views(state: S): ResourceRows;
}

/** `views` for an aggregate that shows as one row of one collection while it is live. */
export const singleRowViews =
  <S, C extends Collection>(collection: C, view: (state: S) => ResourceByCollection[C] | null) =>
  (state: S): ResourceRows => {
    const row = view(state);
    return row ? ({ [collection]: [row] } as ResourceRows) : {};
  };
