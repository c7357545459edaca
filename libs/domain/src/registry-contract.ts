import type { AggregateType, DomainEvent, EventEnvelope } from './envelope';
import type { ResourceRows } from './resources';

/**
 * What a generic consumer (the projections, the audit trail) needs of an aggregate without
 * knowing its types: fold events into state and say what the read models show of it.
 */
export interface AggregateBehaviour {
  readonly aggregate: AggregateType;
  readonly initialState: unknown;
  evolve(state: unknown, event: DomainEvent<string, number, unknown>): unknown;
  views(state: unknown): ResourceRows;
}
export type AggregateRegistry = { readonly [A in AggregateType]: AggregateBehaviour };

/** An event type the domain knows, for the catalogue and for validation of stored events. */
export interface EventTypeInfo {
  readonly type: string;
  readonly version: number;
  readonly aggregate: AggregateType;
  readonly description: string;
}

/** Brings an event of any stored version to the latest one; `decide` emits only the latest. */
export type Upcaster = (event: EventEnvelope) => EventEnvelope;
