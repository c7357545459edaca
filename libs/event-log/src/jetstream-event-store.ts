import { type AggregateType, type Commit, ConcurrencyConflict, type EventEnvelope, Unavailable } from '@lbaas/domain';
import { apiErrorCode, JetStreamApiError } from './jetstream-errors';
import { checkCommitShape, checkCommitSubject, decodeCommit, encodeCommit } from './commit-codec';
import { ensureEventStream, streamLastSeq } from './event-stream';
import { eventSubject, STREAM_NAME } from './subjects';
import { streamReplicasFromEnv } from './nats-connection';
import { type DirectMessage, JetStreamRequests } from './jetstream-requests';
import { type NatsConnection, NatsError, headers } from 'nats';
import type { AggregateHistory, AppendOptions, AppendResult, EventStore } from './event-store';
import { type CachedHistory, HistoryCache, type HistoryCacheLimits, historyCacheLimitsFromEnv } from './history-cache';

/**
 * Connection trouble (closed, timed out, no responders, JetStream down, a stream without a
 * leader because its cluster lost quorum) is a 503; other errors stay what they are. A write
 * that timed out may still have been stored: a retry with the same Idempotency-Key finds it
 * rather than creating a second object.
 */
function unavailableIfNats(error: unknown): unknown {
  return error instanceof NatsError
    ? new Unavailable(`The event log is unavailable (NATS is unreachable or has no quorum); retry later. (${error.message})`)
    : error;
}

const EMPTY_HISTORY: CachedHistory = { version: 0, events: [] };

export interface JetStreamEventStoreOptions {
  /** Told of every commit this store wrote (a retry the stream recognised as a duplicate is not one), for metrics. */
  readonly onAppended?: (events: readonly EventEnvelope[]) => void;
  /** How much history the cache holds; LBAAS_EVENT_CACHE_EVENTS (history-cache.ts) when not given. */
  readonly historyCache?: HistoryCacheLimits;
}

/**
 * The event log on the JetStream stream LBAAS_EVENTS (ARCHITECTURE.md section 3). Histories
 * are cached per subject and validated against the subject's last sequence on every read,
 * so an unchanged aggregate costs one round trip and the cache is never a source of truth;
 * the cache is bounded in the events it holds (history-cache.ts).
 *
 * Construct it on a connection the caller owns and closes:
 * `JetStreamEventStore.create(await connectNats('lbaas-api', url))`, then `ensureStream()` once.
 */
export class JetStreamEventStore implements EventStore {
  private readonly cache: HistoryCache;
  /** Direct gets and publishes over the store's own inbox, not nats.js's request (see JetStreamRequests). */
  private readonly requests: JetStreamRequests;

  private constructor(
    readonly nc: NatsConnection,
    private readonly options: JetStreamEventStoreOptions,
  ) {
    this.requests = new JetStreamRequests(nc);
    this.cache = new HistoryCache(options.historyCache ?? historyCacheLimitsFromEnv());
  }

  static async create(nc: NatsConnection, options: JetStreamEventStoreOptions = {}): Promise<JetStreamEventStore> {
    return new JetStreamEventStore(nc, options);
  }

  /** Creates the stream, or brings its configuration up to date. Safe to call from every service. */
  async ensureStream(replicas = streamReplicasFromEnv()): Promise<void> {
    try {
      await ensureEventStream(this.nc, replicas);
    } catch (error) {
      throw unavailableIfNats(error);
    }
  }

  /** Every event of the aggregate, in order, and the subject sequence of its last commit (0 for none). */
  async read(aggregate: AggregateType, id: string): Promise<AggregateHistory> {
    const subject = eventSubject(aggregate, id);
    try {
      const last = await this.lastOnSubject(subject);
      if (!last) {
        this.cache.delete(subject);
        return { events: [], version: 0 };
      }
      const cached = this.cache.get(subject);
      if (cached?.version === last.seq) return cached;
      // A cache behind the subject is extended; one ahead of it (the stream was recreated) is dropped.
      const extend = cached !== undefined && cached.version < last.seq;
      const events = extend ? [...cached.events] : [];
      let from = extend ? cached.version + 1 : 1;
      for (;;) {
        const message = from === last.seq ? last : await this.requests.directGet(STREAM_NAME, { seq: from, next_by_subj: subject });
        const commit = decodeCommit(message.data);
        checkCommitSubject(subject, commit);
        events.push(...commit.events);
        if (message.seq >= last.seq) break;
        from = message.seq + 1;
      }
      return this.remember(subject, { version: last.seq, events });
    } catch (error) {
      throw unavailableIfNats(error);
    }
  }

  /** The history cached for the aggregate, unchecked against the log (see `EventStore.known`). */
  known(aggregate: AggregateType, id: string): AggregateHistory | undefined {
    return this.cache.get(eventSubject(aggregate, id));
  }

  /**
   * Appends one commit with `Nats-Expected-Last-Subject-Sequence` = `expectedVersion` and
   * `Nats-Msg-Id` = `commitId`. Throws ConcurrencyConflict when someone appended since that
   * version, Unavailable when the log cannot be reached; a retry with the same commit id within
   * the duplicate window returns the first copy's sequence with `duplicate: true`.
   */
  async append(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    const subject = eventSubject(aggregate, id);
    const commit: Commit = { commitId: options.commitId, events };
    // The store never writes what its consumers would terminate as poison.
    checkCommitShape(commit);
    checkCommitSubject(subject, commit);
    const data = encodeCommit(commit);
    const h = headers();
    h.set('Nats-Msg-Id', options.commitId);
    // Header form of the expectation so that 0 ("no message yet on this subject") is sent too.
    h.set('Nats-Expected-Last-Subject-Sequence', String(options.expectedVersion));
    try {
      const ack = await this.requests.publish(subject, data, h);
      if (!ack.duplicate) {
        this.options.onAppended?.(events);
        // Expecting 0 the subject was empty, so these events are its whole history: a new pool's first member needs no read.
        const cached = options.expectedVersion === 0 ? EMPTY_HISTORY : this.cache.get(subject);
        if (cached && cached.version === options.expectedVersion) {
          this.remember(subject, { version: ack.seq, events: [...cached.events, ...events] });
        }
      }
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (apiErrorCode(error) === JetStreamApiError.WrongLastSequence) throw new ConcurrencyConflict(subject);
      throw unavailableIfNats(error);
    }
  }

  /** The stream's last sequence: how far a consumer has to read to be caught up. */
  async lastSeq(): Promise<number> {
    try {
      return await streamLastSeq(this.nc);
    } catch (error) {
      throw unavailableIfNats(error);
    }
  }

  private async lastOnSubject(subject: string): Promise<DirectMessage | null> {
    try {
      return await this.requests.directGet(STREAM_NAME, { last_by_subj: subject });
    } catch (error) {
      // A direct get answers "not found" with a 404 status rather than an API error.
      if (apiErrorCode(error) === JetStreamApiError.NoMessageFound || (error instanceof NatsError && error.code === '404')) return null;
      throw error;
    }
  }

  private remember(subject: string, history: CachedHistory): CachedHistory {
    this.cache.set(subject, history);
    return history;
  }
}
