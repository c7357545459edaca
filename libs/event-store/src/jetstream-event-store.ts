import {
  type AggregateType, type Commit, ConcurrencyConflict, type EventEnvelope, Unavailable,
} from '@lbaas/domain';
import {
  ALL_EVENTS_SUBJECT, decodeCommit, encodeCommit, eventSubject, STREAM_NAME,
} from '@lbaas/messaging';
import {
  type JetStreamClient, type JetStreamManager, type NatsConnection, NatsError, headers, nanos, StorageType, type StoredMsg,
} from 'nats';
import type { DirectStreamAPI } from 'nats/lib/jetstream/types';
import type { AggregateHistory, AppendOptions, AppendResult, EventStore } from './event-store';

/** JetStream's API error for a failed `Nats-Expected-Last-Subject-Sequence` check. */
export const WRONG_LAST_SEQUENCE = 10071;
const NO_MESSAGE_FOUND = 10037;
const CACHE_LIMIT = 20_000;

interface CachedHistory {
  readonly version: number;
  readonly events: EventEnvelope[];
}

const apiErrorCode = (error: unknown): number | undefined =>
  error instanceof NatsError ? error.api_error?.err_code : undefined;

function unavailable(error: unknown): Unavailable {
  return new Unavailable(`The event log is not reachable: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * The event log on the JetStream stream LBAAS_EVENTS (ARCHITECTURE.md section 3). Histories
 * are cached per subject and validated against the subject's last sequence on every read,
 * so an unchanged aggregate costs one round trip and the cache is never a source of truth.
 */
export class JetStreamEventStore implements EventStore {
  private readonly cache = new Map<string, CachedHistory>();
  private readonly direct: DirectStreamAPI;

  private constructor(
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {
    // The client's manager has the direct-get API; its published interface does not list it.
    this.direct = (jsm as JetStreamManager & { direct: DirectStreamAPI }).direct;
  }

  static async create(nc: NatsConnection): Promise<JetStreamEventStore> {
    return new JetStreamEventStore(nc, nc.jetstream(), await nc.jetstreamManager({ checkAPI: false }));
  }

  /** Creates the stream, or brings its configuration up to date. Safe to call from every service. */
  async ensureStream(replicas = 1): Promise<void> {
    const config = {
      name: STREAM_NAME,
      subjects: [ALL_EVENTS_SUBJECT],
      storage: StorageType.File,
      num_replicas: replicas,
      duplicate_window: nanos(120_000),
      allow_direct: true,
    };
    try {
      const info = await this.jsm.streams.info(STREAM_NAME);
      if (!info.config.allow_direct) await this.jsm.streams.update(STREAM_NAME, { ...info.config, allow_direct: true });
    } catch (error) {
      if (apiErrorCode(error) !== 10059) throw error; // 10059: stream not found
      try {
        await this.jsm.streams.add(config);
      } catch (addError) {
        if (apiErrorCode(addError) !== 10058) throw addError; // another service created it first
      }
    }
  }

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
      const events = cached && cached.version < last.seq ? [...cached.events] : [];
      let from = cached && cached.version < last.seq ? cached.version + 1 : 1;
      for (;;) {
        const message = await this.direct.getMessage(STREAM_NAME, { seq: from, next_by_subj: subject });
        events.push(...decodeCommit(message.data).events);
        if (message.seq >= last.seq) break;
        from = message.seq + 1;
      }
      return this.remember(subject, { version: last.seq, events });
    } catch (error) {
      throw error instanceof NatsError ? unavailable(error) : error;
    }
  }

  async append(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    const subject = eventSubject(aggregate, id);
    const commit: Commit = { commitId: options.commitId, events };
    const h = headers();
    // Header form of the expectation so that 0 ("no message yet on this subject") is sent too.
    h.set('Nats-Expected-Last-Subject-Sequence', String(options.expectedVersion));
    try {
      const ack = await this.js.publish(subject, encodeCommit(commit), { msgID: options.commitId, headers: h });
      if (!ack.duplicate) {
        const cached = this.cache.get(subject);
        if (cached && cached.version === options.expectedVersion) {
          this.remember(subject, { version: ack.seq, events: [...cached.events, ...events] });
        }
      }
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (apiErrorCode(error) === WRONG_LAST_SEQUENCE) throw new ConcurrencyConflict(subject);
      throw error instanceof NatsError ? unavailable(error) : error;
    }
  }

  /** The stream's last sequence: how far a consumer has to read to be caught up. */
  async lastSeq(): Promise<number> {
    try {
      return (await this.jsm.streams.info(STREAM_NAME)).state.last_seq;
    } catch (error) {
      throw error instanceof NatsError ? unavailable(error) : error;
    }
  }

  private async lastOnSubject(subject: string): Promise<StoredMsg | null> {
    try {
      return await this.direct.getMessage(STREAM_NAME, { last_by_subj: subject });
    } catch (error) {
      if (apiErrorCode(error) === NO_MESSAGE_FOUND || (error instanceof NatsError && error.code === '404')) return null;
      throw error;
    }
  }

  private remember(subject: string, history: CachedHistory): CachedHistory {
    this.cache.delete(subject);
    this.cache.set(subject, history);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return history;
  }
}
