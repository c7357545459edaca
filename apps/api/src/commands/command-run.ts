import { AGGREGATE_KIND, type AggregateType, type Decider, type EventOf, fold, type Lifecycle, NotFound, upcastTo } from '@lbaas/domain';
import { type EventStore, handleCommand } from '@lbaas/event-log';
import type { CommandEnvironment } from './command-environment';
import type { RequestContext } from './request-context';
import { RequestHistories } from './request-histories';

/**
 * Neutron's aggregates name their owner `tenantId`, Octavia's load balancer and quota `projectId`;
 * the operator's catalog has no owner and is hidden from no one (its rules are admin-only).
 */
type Owned = Lifecycle<{ tenantId: string } | { projectId: string } | object>;
const ownerOf = (state: Extract<Owned, { kind: 'live' }>): string | null =>
  'tenantId' in state && typeof state.tenantId === 'string'
    ? state.tenantId
    : 'projectId' in state && typeof state.projectId === 'string'
      ? state.projectId
      : null;
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
  /** Tries before a lost race is a 409; a project's quota stream takes every create of the project, so it allows more. */
  readonly attempts?: number;
  /**
   * Decide first on the history the store holds without reading the log, the append confirming
   * it (handleCommand's `decideFirstOnKnownHistory`): only where the command reads nothing but
   * the aggregate it appends to.
   */
  readonly decideFirstOnKnownHistory?: boolean;
}

export interface Saga {
  /** Registers the undo of a step that appended; steps that found their work done have nothing to undo. */
  compensate<S>(outcome: Outcome<S>, undo: () => Promise<unknown>): Outcome<S>;
}

/** A fresh id, or with an Idempotency-Key the same id for every retry of the same tenant's request. */
export const requestScopedId = (env: CommandEnvironment, ctx: RequestContext, kind: string): string =>
  ctx.idempotencyKey ? env.derivedId(`${ctx.tenantId}/${kind}/${ctx.idempotencyKey}`) : env.newId();

/**
 * One request's writes: read an aggregate's stream, fold, decide, stamp envelopes, append with
 * optimistic concurrency and decide again on a conflict. It remembers the highest sequence it
 * appended (read-your-writes) and chains causation: every commit after the first names the
 * last event this request appended before it.
 */
export class CommandRun {
  private highest = 0;
  private lastEventId: string | null = null;
  private readonly store: RequestHistories;

  constructor(
    readonly ctx: RequestContext,
    store: EventStore,
    private readonly env: CommandEnvironment,
    private readonly observer: AppendObserver | null,
    private readonly log: CompensationLog | null,
  ) {
    this.store = new RequestHistories(store);
  }

  /**
   * The id of an aggregate this request creates: with an Idempotency-Key the one every retry
   * derives (an earlier try may have written its stream, so it is read), else a fresh one whose
   * stream is known to be empty, so the create appends without reading.
   */
  newAggregateId<C, S, A extends AggregateType>(decider: Decider<C, S, EventOf<A>, A>, kind: string): string {
    const id = requestScopedId(this.env, this.ctx, kind);
    if (!this.ctx.idempotencyKey) this.store.created(decider.aggregate, id);
    return id;
  }

  /** The highest stream sequence this request appended, or read when it replayed an earlier result. */
  get seq(): number {
    return this.highest;
  }

  /** A replayed create answers with what is stored at `seq`: later reads must wait for it too. */
  observed(seq: number): void {
    this.highest = Math.max(this.highest, seq);
  }

  async load<C, S, A extends AggregateType>(decider: Decider<C, S, EventOf<A>, A>, id: string): Promise<{ state: S; version: number }> {
    const history = await this.store.read(decider.aggregate, id);
    return { state: fold(decider, history.events), version: history.version };
  }

  private hidden(state: Owned): boolean {
    const owner = state.kind === 'live' ? ownerOf(state) : null;
    return owner !== null && !this.ctx.isAdmin && owner !== this.ctx.tenantId;
  }

  /** The live state if the caller may see it; another tenant's object is NotFound, never Forbidden. */
  async visible<C, S extends Owned, A extends AggregateType>(decider: Decider<C, S, EventOf<A>, A>, id: string): Promise<Live<S>> {
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
  async lastSeen<C, S extends Owned, A extends AggregateType>(
    decider: Decider<C, S, EventOf<A>, A>,
    id: string,
  ): Promise<{ state: Live<S>; deleted: boolean }> {
    const events = (await this.store.read(decider.aggregate, id)).events;
    let state = decider.initialState;
    let seen: Live<S> | null = null;
    events.forEach((stored, i) => {
      // Taken before each commit (within one, each event names the one before as its cause, see handleCommand):
      // a deletion's commit also undoes parts of the state, a pool's monitor associations for one.
      if (state.kind === 'live' && stored.causationId !== events[i - 1]?.id) seen = state as Live<S>;
      const event = upcastTo(decider.aggregate, stored);
      if (event !== null) state = decider.evolve(state, event);
    });
    if (state.kind === 'live') seen = state as Live<S>;
    if (seen === null || this.hidden(seen)) throw new NotFound(AGGREGATE_KIND[decider.aggregate], id);
    return { state: seen, deleted: state.kind === 'deleted' };
  }

  /**
   * Decides `command(state)` against the stream and appends the events, through the one command
   * handler (`handleCommand`, libs/event-log). `command` returns null when there is nothing to do
   * (a resumed saga step, a replayed create).
   */
  async execute<C extends { readonly type: string }, S extends Owned, A extends AggregateType>(
    decider: Decider<C, S, EventOf<A>, A>,
    id: string,
    command: NoInfer<(state: S) => C | null>,
    options: ExecuteOptions = {},
  ): Promise<Outcome<S>> {
    let nothingToDo = false;
    const result = await handleCommand(
      this.store,
      decider,
      id,
      (state: S) => {
        if ((options.scoped ?? true) && this.hidden(state)) throw new NotFound(AGGREGATE_KIND[decider.aggregate], id);
        const cmd = command(state);
        nothingToDo = cmd === null;
        return cmd;
      },
      { actor: this.ctx.actor, tenantId: this.ctx.tenantId, correlationId: this.ctx.correlationId, causationId: this.lastEventId },
      {
        now: () => this.env.now(),
        eventId: () => this.env.eventId(),
        commitId: () => this.env.newId(),
        ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
        decideFirstOnKnownHistory: options.decideFirstOnKnownHistory ?? false,
      },
    );
    if (!result.appended) {
      // A step whose work is already done (a concurrent retry with the same Idempotency-Key got
      // there first) answers with what is stored at that version: reads after it must wait for it.
      if (nothingToDo) this.observed(result.seq);
      return { state: result.state, seq: result.seq, appended: false };
    }
    this.highest = Math.max(this.highest, result.seq);
    this.lastEventId = result.events[result.events.length - 1].id;
    // Failed sagas append too (reservations, compensations): reads after them must see it.
    this.observer?.note(result.seq);
    return { state: result.state, seq: result.seq, appended: true };
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
          this.log?.error({ correlationId: this.ctx.correlationId, err: failure, cause: String(error) }, 'saga compensation failed'),
        );
      }
      throw error;
    }
  }
}
