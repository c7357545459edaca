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

/** Commands decided together: their events go to the log as one commit, so readers never see one without the others. */
export interface CommandSequence<C> {
  readonly type: 'CommandSequence';
  readonly commands: readonly C[];
}

/**
 * `decider` deciding a CommandSequence: each command on the state the ones before it leave, a
 * refusal of any refusing the whole sequence.
 */
export const inSequence = <C, S, E extends DomainEvent<string, number, unknown>, A extends AggregateType>(
  decider: Decider<C, S, E, A>,
): Decider<CommandSequence<C>, S, E, A> => ({
  aggregate: decider.aggregate,
  initialState: decider.initialState,
  evolve: (state, event) => decider.evolve(state, event),
  views: (state) => decider.views(state),
  decide: ({ commands }, state) => {
    const events: E[] = [];
    let current = state;
    for (const command of commands) {
      const decided = decider.decide(command, current);
      for (const event of decided) current = decider.evolve(current, event);
      events.push(...decided);
    }
    return events;
  },
});
