import { EVENT_TYPES, type EventOf } from './catalogue';
import type { Decider } from './decider';
import type { AggregateType, EventEnvelope } from './envelope';
import { upcast } from './registry';

/**
 * A stored event of aggregate `A` at the latest version of its type: envelope fields and a payload
 * typed by `type`. `EventOf<A>` comes first: the other order makes TypeScript 5.9 give up on a
 * generic `A` (TS2590, union too complex).
 */
export type StoredEvent<A extends AggregateType> = EventOf<A> & EventEnvelope;

const LATEST = new Map<string, { readonly aggregate: AggregateType; readonly version: number }>(EVENT_TYPES.map((e) => [e.type, e]));

/** What the catalogue says makes an event one of `A`'s at its latest version; the compiler ties each catalogued type to its aggregate. */
const isLatestOf = <A extends AggregateType>(aggregate: A, event: EventEnvelope): event is StoredEvent<A> => {
  const entry = LATEST.get(event.type);
  return entry !== undefined && entry.aggregate === aggregate && entry.version === event.version;
};

/**
 * The stored event upcast to the latest version of its type, typed as one of `aggregate`'s
 * events, or null when it is none of them (a type or version this build does not know, which
 * `evolve` would ignore anyway).
 */
export function upcastTo<A extends AggregateType>(aggregate: A, stored: EventEnvelope): StoredEvent<A> | null {
  const latest = upcast(stored);
  return isLatestOf(aggregate, latest) ? latest : null;
}

/**
 * Folds stored events of the decider's aggregate into its state, from `state` (the initial
 * state unless given): each is upcast first, and events the aggregate does not know are left out.
 */
export function fold<C, S, A extends AggregateType>(
  decider: Decider<C, S, EventOf<A>, A>,
  envelopes: readonly EventEnvelope[],
  state: S = decider.initialState,
): S {
  let folded = state;
  for (const stored of envelopes) {
    const event = upcastTo(decider.aggregate, stored);
    if (event !== null) folded = decider.evolve(folded, event);
  }
  return folded;
}
