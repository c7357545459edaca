import {
  AGGREGATE_KIND,
  type AggregateType,
  ConcurrencyConflict,
  type Decider,
  type DomainEvent,
  type EventEnvelope,
  type EventMetadata,
  type EventOf,
  fold,
  type Lifecycle,
} from '@lbaas/domain';
import { v7 as uuidv7 } from 'uuid';
import type { AggregateHistory, EventStore } from './event-store';

/**
 * Read, decide and append are tried this many times in all when another writer got there first.
 * Creates on one subnet all allocate in its stream, so ten clients at once meet there.
 */
export const APPEND_ATTEMPTS = 8;
/** Upper bound of the random pause before retry n is n times this: colliding writers spread out instead of colliding again. */
const RETRY_JITTER_MS = 20;

/** A random pause that grows with each attempt lost. */
export const jitteredPause = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_JITTER_MS * attempt));

/**
 * The command, or how to make it from the state read: a function that returns null when there
 * is nothing to do (a resumed saga step, a replayed create), or throws to refuse (NotFound for
 * another tenant's aggregate) before anything is decided.
 */
export type CommandInput<C, S> = C | ((state: S) => C | null);

export interface HandleCommandOptions {
  /** Tries in all, the first included, before a lost race ends in ConcurrencyConflict. */
  readonly attempts?: number;
  /** Waited after the n-th lost race before deciding again. */
  readonly pause?: (attempt: number) => Promise<void>;
  /** ISO time stamped as `occurredAt`, once per commit. */
  readonly now?: () => string;
  /** Each event's id (uuid v7 unless given). */
  readonly eventId?: () => string;
  /** The commit's `Nats-Msg-Id` (uuid v7 unless given). */
  readonly commitId?: () => string;
  /**
   * Decide first on the history the store already holds (`EventStore.known`) instead of reading
   * the log: the append's expected version confirms it. Only for a command whose one read is the
   * aggregate it appends to; whatever that first try would end in other than a stored commit (a
   * refusal, nothing to do, a lost race) is not taken: the log is read and the command decided
   * again, without counting the try.
   */
  readonly decideFirstOnKnownHistory?: boolean;
}

export interface CommandResult<S> {
  /** The aggregate right after the commit, or as read when nothing was appended. */
  readonly state: S;
  /** The stamped events of the commit; empty when nothing was appended. */
  readonly events: readonly EventEnvelope[];
  /** Stream sequence of the commit, or the subject sequence read when nothing was appended. */
  readonly seq: number;
  readonly appended: boolean;
}

const ownerOf = (state: Lifecycle<object>): string | null =>
  state.kind === 'live' && 'tenantId' in state && typeof state.tenantId === 'string' ? state.tenantId : null;

/**
 * Handles one command on one aggregate (ARCHITECTURE.md section 19): reads the stream, folds,
 * decides, stamps the envelopes and appends them with the subject sequence read as the expected
 * last one. When another writer appended in between, it reads and decides again, after a random
 * pause that grows, up to `attempts`; a decision to do nothing appends nothing.
 *
 * Envelopes carry `metadata` (actor, correlation id), the owner's tenant (the aggregate's
 * `tenantId` after the commit, else before it, else `metadata.tenantId`: an admin acting for a
 * tenant writes in the owner's name), and a causation chain: the first event names
 * `metadata.causationId`, each later one the event before it.
 */
export async function handleCommand<C extends { readonly type: string }, S extends Lifecycle<object>, A extends AggregateType>(
  store: EventStore,
  decider: Decider<C, S, EventOf<A>, A>,
  id: string,
  command: CommandInput<C, S>,
  metadata: EventMetadata,
  options: HandleCommandOptions = {},
): Promise<CommandResult<S>> {
  const attempts = options.attempts ?? APPEND_ATTEMPTS;
  const attempt = (history: AggregateHistory) => decideAndAppend(store, decider, id, command, metadata, options, history);
  const known = options.decideFirstOnKnownHistory ? store.known?.(decider.aggregate, id) : undefined;
  if (known !== undefined) {
    const first = await attempt(known);
    if (first.outcome === 'appended') return first.result;
  }
  for (let n = 1; ; n++) {
    const tried = await attempt(await store.read(decider.aggregate, id));
    if (tried.outcome === 'refused') throw tried.refusal;
    if (tried.outcome !== 'lost') return tried.result;
    if (n >= attempts) {
      throw new ConcurrencyConflict(
        tried.conflict.stream,
        `${AGGREGATE_KIND[decider.aggregate]} ${id} was changed by other requests each of the ${attempts} times this request decided on it, so the request was not completed: retry it.`,
      );
    }
    await (options.pause ?? jitteredPause)(n);
  }
}

type Attempt<S> =
  | { readonly outcome: 'appended' | 'unchanged'; readonly result: CommandResult<S> }
  | { readonly outcome: 'refused'; readonly refusal: unknown }
  | { readonly outcome: 'lost'; readonly conflict: ConcurrencyConflict };

/** One try: fold the history, decide, and append expecting its version. Errors other than a refusal or a lost race are thrown. */
async function decideAndAppend<C extends { readonly type: string }, S extends Lifecycle<object>, A extends AggregateType>(
  store: EventStore,
  decider: Decider<C, S, EventOf<A>, A>,
  id: string,
  command: CommandInput<C, S>,
  metadata: EventMetadata,
  options: HandleCommandOptions,
  history: AggregateHistory,
): Promise<Attempt<S>> {
  let state: S;
  let events: EventOf<A>[];
  try {
    state = fold(decider, history.events);
    const cmd = typeof command === 'function' ? command(state) : command;
    events = cmd === null ? [] : decider.decide(cmd, state);
  } catch (refusal) {
    return { outcome: 'refused', refusal };
  }
  if (events.length === 0) return { outcome: 'unchanged', result: { state, events: [], seq: history.version, appended: false } };
  const next = events.reduce((s, e) => decider.evolve(s, e), state);
  const owner = ownerOf(next) ?? ownerOf(state) ?? metadata.tenantId;
  const envelopes = stamp(decider.aggregate, id, events, { ...metadata, tenantId: owner }, options);
  try {
    const commitId = options.commitId?.() ?? uuidv7();
    const { seq } = await store.append(decider.aggregate, id, envelopes, { expectedVersion: history.version, commitId });
    return { outcome: 'appended', result: { state: next, events: envelopes, seq, appended: true } };
  } catch (error) {
    if (error instanceof ConcurrencyConflict) return { outcome: 'lost', conflict: error };
    throw error;
  }
}

function stamp(
  aggregate: AggregateType,
  aggregateId: string,
  events: readonly DomainEvent<string, number, unknown>[],
  metadata: EventMetadata,
  options: HandleCommandOptions,
): EventEnvelope[] {
  const occurredAt = options.now?.() ?? new Date().toISOString();
  let causationId = metadata.causationId;
  return events.map((e) => {
    const envelope: EventEnvelope = {
      id: options.eventId?.() ?? uuidv7(),
      type: e.type,
      version: e.version,
      aggregate,
      aggregateId,
      tenantId: metadata.tenantId,
      actor: metadata.actor,
      occurredAt,
      correlationId: metadata.correlationId,
      causationId,
      data: e.data,
    };
    causationId = envelope.id;
    return envelope;
  });
}
