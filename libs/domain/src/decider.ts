import type { AggregateType, DomainEvent } from './envelope';
import type { ResourceRows } from './resources';

/**
 * One aggregate's behaviour as pure functions. `decide` throws a DomainError to reject;
 * `evolve` never throws (an event is a fact); `views` is what the read models show of the state.
 */
export interface Decider<C, S, E extends DomainEvent<string, number, unknown>> {
  readonly aggregate: AggregateType;
  readonly initialState: S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  views(state: S): ResourceRows;
}
