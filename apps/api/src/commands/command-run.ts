import {
  AGGREGATE_KIND, type AggregateType, ConcurrencyConflict, type Decider, type DomainEvent, type EventEnvelope, type Lifecycle, NotFound, upcast,
} from '@lbaas/domain';
import type { EventStore } from '@lbaas/event-log';
import type { CommandEnvironment } from './command-environment';
import type { RequestContext } from './request-context';

/**
 * Reads, decides and appends are retried this many times in all when another writer got there
 * first. Creates on one subnet all allocate in its stream, so ten clients at once meet there.
 */
export const APPEND_ATTEMPTS = 8;
/** Upper bound of the random pause before a retry, so colliding writers spread out instead of colliding again. */
const RETRY_JITTER_MS = 20;

export type AnyEvent = DomainEvent<string, number, unknown>;
type Owned = Lifecycle<{ tenantId: string }>;
export type Live<S> = Extract<S, { kind: 'live' }>;

/** Told of every stored commit's sequence, including those of a request that fails. */
export interface AppendObserver {
  note(seq: number): void;
}

/** Where failed compensations are reported: they leave a reservation behind for an operator. */
export interface CompensationLog {
  error(fields: Record<string, unknown>, message: string): void;
}

export interface Outcome<S> {
  readonly state: S;
  /** Stream sequence of the commit, or the version read when nothing had to be appended. */
  readonly seq: number;
  readonly appended: boolean;
}

export interface ExecuteOptions {
  /**
   * Whether the caller's tenant must own the aggregate. Saga steps on shared aggregates
   * (an external subnet, the monitor side of a cleanup) are not scoped; the request was
   * authorised on the resource it names.
   */
  readonly scoped?: boolean;
}

export interface Saga {
  /** Registers the undo of a step that appended; steps that found their work done have nothing to undo. */
  compensate<S>(outcome: Outcome<S>, undo: () => Promise<unknown>): Outcome<S>;
}

/**
 * One request's writes: read an aggregate's stream, fold, decide, stamp envelopes, append with
 * optimistic concurrency and decide again on a conflict. It remembers the highest sequence it
 * appended (read-your-writes) and chains causation: every commit after the first names the
 * last event this request appended before it.
 */
export class CommandRun {
  private highest = 0;
  private lastEventId: string | null = null;

  constructor(
    readonly ctx: RequestContext,
    private readonly store: EventStore,
    private readonly env: CommandEnvironment,
    private readonly observer: AppendObserver | null,
    private readonly log: CompensationLog | null,
  ) {}

  /** The highest stream sequence this request appended, or read when it replayed an earlier result. */
  get seq(): number {
    return this.highest;
  }

  /** A replayed create answers with what is stored at `seq`: later reads must wait for it too. */
  observed(seq: number): void {
    this.highest = Math.max(this.highest, seq);
  }

  async load<C, S, E extends AnyEvent>(decider: Decider<C, S, E>, id: string): Promise<{ state: S; version: number }> {
    const history = await this.store.read(decider.aggregate, id);
    // The subject names the aggregate, so its stored events are this decider's (after upcasting to the latest versions).
    const state = history.events.map(upcast).reduce((s, e) => decider.evolve(s, e as unknown as E), decider.initialState);
    return { state, version: history.version };
  }

  private hidden(state: Owned): boolean {
    return state.kind === 'live' && !this.ctx.isAdmin && state.tenantId !== this.ctx.tenantId;
  }

  /** The live state if the caller may see it; another tenant's object is NotFound, never Forbidden. */
  async visible<C, S extends Owned, E extends AnyEvent>(decider: Decider<C, S, E>, id: string): Promise<Live<S>> {
    const { state } = await this.load(decider, id);
    if (state.kind !== 'live' || this.hidden(state)) throw new NotFound(AGGREGATE_KIND[decider.aggregate], id);
    return state as Live<S>;
  }

  /**
   * The live state of an aggregate the caller may see or, once it is deleted, its state before the
   * commit that deleted it. A deletion that spans aggregates deletes the aggregate first: when a
   * crash cuts it short, the retry finds the aggregate deleted and completes the remaining steps
   * from this state.
   */
  async lastSeen<C, S extends Owned, E extends AnyEvent>(decider: Decider<C, S, E>, id: string): Promise<{ state: Live<S>; deleted: boolean }> {
    const events = (await this.store.read(decider.aggregate, id)).events.map(upcast);
    let state = decider.initialState;
    let seen: Live<S> | null = null;
    events.forEach((event, i) => {
      // Taken before each commit (within one, each event names the one before as its cause, see stamp):
      // a deletion's commit also undoes parts of the state, a pool's monitor associations for one.
      if (state.kind === 'live' && event.causationId !== events[i - 1]?.id) seen = state as Live<S>;
      state = decider.evolve(state, event as unknown as E);
    });
    if (state.kind === 'live') seen = state as Live<S>;
    if (seen === null || this.hidden(seen)) throw new NotFound(AGGREGATE_KIND[decider.aggregate], id);
    return { state: seen, deleted: state.kind === 'deleted' };
  }

  /**
   * Decides `command(state)` against the stream and appends the events. `command` returns null
   * when there is nothing to do (a resumed saga step, a replayed create).
   */
  async execute<C, S extends Owned, E extends AnyEvent>(
    decider: Decider<C, S, E>, id: string, command: NoInfer<(state: S) => C | null>, options: ExecuteOptions = {},
  ): Promise<Outcome<S>> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(decider, id);
      if ((options.scoped ?? true) && this.hidden(state)) throw new NotFound(AGGREGATE_KIND[decider.aggregate], id);
      const cmd = command(state);
      // A step whose work is already done (a concurrent retry with the same Idempotency-Key got
      // there first) answers with what is stored at `version`: reads after it must wait for that.
      if (cmd === null) this.observed(version);
      const events = cmd === null ? [] : decider.decide(cmd, state);
      if (events.length === 0) return { state, seq: version, appended: false };
      const next = events.reduce((s, e) => decider.evolve(s, e), state);
      // Events carry the owner's tenant, also when an admin acts or creates for another tenant.
      const owner = next.kind === 'live' ? next.tenantId : state.kind === 'live' ? state.tenantId : this.ctx.tenantId;
      const envelopes = this.stamp(decider.aggregate, id, owner, events);
      try {
        const { seq } = await this.store.append(decider.aggregate, id, envelopes, { expectedVersion: version, commitId: this.env.newId() });
        this.highest = Math.max(this.highest, seq);
        this.lastEventId = envelopes[envelopes.length - 1].id;
        // Failed sagas append too (reservations, compensations): reads after them must see it.
        this.observer?.note(seq);
        return { state: next, seq, appended: true };
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
        if (attempt >= APPEND_ATTEMPTS) {
          throw new ConcurrencyConflict(error.stream,
            `${AGGREGATE_KIND[decider.aggregate]} ${id} was changed by other requests each of the ${APPEND_ATTEMPTS} times this request decided on it, so the request was not completed: retry it.`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_JITTER_MS * attempt));
      }
    }
  }

  private stamp(aggregate: AggregateType, aggregateId: string, tenantId: string, events: readonly AnyEvent[]): EventEnvelope[] {
    const occurredAt = this.env.now();
    let causationId = this.lastEventId;
    return events.map((e) => {
      const envelope: EventEnvelope = {
        id: this.env.eventId(), type: e.type, version: e.version, aggregate, aggregateId, tenantId, actor: this.ctx.actor, occurredAt,
        correlationId: this.ctx.correlationId, causationId, data: e.data,
      };
      causationId = envelope.id;
      return envelope;
    });
  }

  /**
   * Runs the steps of an operation that spans aggregates. When a step is rejected, the steps
   * that appended are compensated, newest first, and the rejection is rethrown. A compensation
   * that fails is logged and the others still run: the reservation it leaves is visible and
   * removable, which beats hiding the original rejection.
   */
  async saga<T>(steps: (saga: Saga) => Promise<T>): Promise<T> {
    const undos: (() => Promise<unknown>)[] = [];
    try {
      return await steps({
        compensate: (outcome, undo) => {
          if (outcome.appended) undos.unshift(undo);
          return outcome;
        },
      });
    } catch (error) {
      for (const undo of undos) {
        await undo().catch((failure: unknown) =>
          this.log?.error({ correlationId: this.ctx.correlationId, err: failure, cause: String(error) }, 'saga compensation failed'));
      }
      throw error;
    }
  }
}
