import { type AggregateType, ConcurrencyConflict, type Decider, type DomainEvent, type EventEnvelope, type Lifecycle, upcast } from '@lbaas/domain';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { EventStore } from './event-store';

/** Who appends and why: a service acting on what it saw in the log, not a tenant's request. */
export interface SystemActor {
  /** The service, for example `scheduler`. */
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** The owner when the aggregate does not carry one (nodes belong to the operator). */
  readonly tenantId: string;
}

/** The event a service acts on: what it appends in response carries its correlation id. */
export type CausingEvent = Pick<EventEnvelope, 'id' | 'correlationId'>;

/**
 * The actor of a system command: in response to `cause`, it shares the cause's correlation id and
 * names the cause as its causation; without one (a timer, a heartbeat, a health check), a new
 * correlation id starts.
 */
export const systemActor = (actor: string, tenantId: string, cause: CausingEvent | null): SystemActor =>
  cause === null
    ? { actor, tenantId, correlationId: uuidv4(), causationId: null }
    : { actor, tenantId, correlationId: cause.correlationId, causationId: cause.id };

export interface SystemCommandResult<S> {
  readonly state: S;
  readonly events: readonly EventEnvelope[];
  /** Stream sequence of the commit, or the version read when nothing was appended. */
  readonly seq: number;
}

const ATTEMPTS = 5;
type AnyEvent = DomainEvent<string, number, unknown>;

/**
 * Reads the aggregate, decides, appends with optimistic concurrency and decides again after a
 * conflict. Service commands are idempotent in the domain, so a second decision after a
 * concurrent writer usually appends nothing.
 */
export async function executeSystemCommand<C, S extends Lifecycle<object>, E extends AnyEvent>(
  store: EventStore, decider: Decider<C, S, E>, id: string, command: C, who: SystemActor,
): Promise<SystemCommandResult<S>> {
  for (let attempt = 1; ; attempt++) {
    const history = await store.read(decider.aggregate, id);
    const state = history.events.map(upcast).reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState);
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, events: [], seq: history.version };
    const next = events.reduce((s, e) => decider.evolve(s, e), state);
    const envelopes = stamp(decider.aggregate, id, ownerOf(next) ?? ownerOf(state) ?? who.tenantId, events, who);
    try {
      const { seq } = await store.append(decider.aggregate, id, envelopes, { expectedVersion: history.version, commitId: uuidv7() });
      return { state: next, events: envelopes, seq };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || attempt >= ATTEMPTS) throw error;
    }
  }
}

const ownerOf = (state: Lifecycle<object>): string | null =>
  state.kind === 'live' && 'tenantId' in state && typeof state.tenantId === 'string' ? state.tenantId : null;

function stamp(aggregate: AggregateType, aggregateId: string, tenantId: string, events: readonly AnyEvent[], who: SystemActor): EventEnvelope[] {
  const occurredAt = new Date().toISOString();
  let causationId = who.causationId;
  return events.map((e) => {
    const envelope: EventEnvelope = {
      id: uuidv7(), type: e.type, version: e.version, aggregate, aggregateId, tenantId, actor: who.actor, occurredAt,
      correlationId: who.correlationId, causationId, data: e.data,
    };
    causationId = envelope.id;
    return envelope;
  });
}
