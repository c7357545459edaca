import { Inject, Injectable, Optional } from '@nestjs/common';
import { type AggregateType, type Decider, type EventOf, NotFound, ValidationError } from '@lbaas/domain';
import type { EventStore } from '@lbaas/event-log';
import { API_LOGGER } from '../logger';
import { type CommandEnvironment, systemCommandEnvironment } from './command-environment';
import { type AppendObserver, CommandRun, type CompensationLog, type Live, requestScopedId } from './command-run';
import type { RequestContext, Written } from './request-context';
import { APPEND_OBSERVER, COMMAND_ENVIRONMENT, EVENT_STORE } from './tokens';

/**
 * Starts one request's CommandRun over the event store, and holds the steps every create
 * shares: the owner's tenant, the new id (derived from an Idempotency-Key) and the replay of
 * an earlier try. Each resource's commands take it; none of them touches the store otherwise.
 */
@Injectable()
export class CommandRuns {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(COMMAND_ENVIRONMENT) readonly env: CommandEnvironment = systemCommandEnvironment,
    @Optional() @Inject(APPEND_OBSERVER) private readonly observer: AppendObserver | null = null,
    @Optional() @Inject(API_LOGGER) private readonly log: CompensationLog | null = null,
  ) {}

  begin(ctx: RequestContext): CommandRun {
    return new CommandRun(ctx, this.store, this.env, this.observer ?? null, this.log ?? null);
  }

  /** A fresh id, or with an Idempotency-Key the same id for every retry of the same tenant's request. */
  newId(ctx: RequestContext, kind: string): string {
    return requestScopedId(this.env, ctx, kind);
  }
}

/** Neutron: only an admin may create resources for another tenant. */
export function tenantFor(ctx: RequestContext, requested: string | undefined): string {
  if (requested === undefined || requested === ctx.tenantId) return ctx.tenantId;
  if (!ctx.isAdmin) {
    throw new ValidationError(
      `Specifying 'tenant_id' other than authenticated tenant in request requires admin privileges`,
      'HTTPBadRequest',
    );
  }
  return requested;
}

/** With an Idempotency-Key, the aggregate an earlier try of this request created, if it exists. */
export async function replay<C, S extends { kind: string }, A extends AggregateType>(
  run: CommandRun,
  decider: Decider<C, S, EventOf<A>, A>,
  id: string,
): Promise<Live<S> | null> {
  if (!run.ctx.idempotencyKey) return null;
  const { state, version } = await run.load(decider, id);
  if (state.kind !== 'live') return null;
  run.observed(version);
  return state as Live<S>;
}

/** The answer to a write: the resource as the decider left it, or NotFound when it is gone. */
export function written<R>(run: CommandRun, resource: R | null | undefined, kind: string, id: string): Written<R> {
  if (resource === null || resource === undefined) throw new NotFound(kind, id);
  return { resource, seq: run.seq };
}
