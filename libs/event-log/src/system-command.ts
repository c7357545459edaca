import type { AggregateType, Decider, EventEnvelope, EventMetadata, EventOf, Lifecycle } from '@lbaas/domain';
import { v4 as uuidv4 } from 'uuid';
import { type CommandResult, handleCommand } from './command-handler';
import type { EventStore } from './event-store';

/**
 * Who appends and why: a service acting on what it saw in the log, not a tenant's request.
 * `actor` is the service (for example `scheduler`); `tenantId` the owner when the aggregate does
 * not carry one (nodes belong to the operator).
 */
export type SystemActor = EventMetadata;

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

export type SystemCommandResult<S> = CommandResult<S>;

/**
 * `handleCommand` for a service's command. Service commands are idempotent in the domain, so a
 * second decision after a concurrent writer usually appends nothing.
 */
export const executeSystemCommand = <C extends { readonly type: string }, S extends Lifecycle<object>, A extends AggregateType>(
  store: EventStore,
  decider: Decider<C, S, EventOf<A>, A>,
  id: string,
  command: C,
  who: SystemActor,
): Promise<SystemCommandResult<S>> => handleCommand(store, decider, id, command, who);
