import type { AggregateType, EventEnvelope } from '@lbaas/domain';
import type { AggregateHistory, AppendOptions, AppendResult, EventStore } from '@lbaas/event-log';

/**
 * The event store as one request sees it: an aggregate is read from the log once per request,
 * and the request's own appends extend what it read. A pool create checks the subnet and appends
 * the pool; a member create reads its pool once for the visibility check and the decision, where
 * it used to read it twice (issue 17: a round trip to NATS each).
 *
 * Deciding on the history read earlier in the request is safe because every append carries the
 * version it was decided on: if another writer appended since, the append is a
 * ConcurrencyConflict, this view forgets the aggregate, and the retry reads the log again. A
 * decision to append nothing is taken on the state at the request's first read of it, as if the
 * request had made that decision then.
 */
export class RequestHistories implements EventStore {
  private readonly histories = new Map<string, AggregateHistory>();
  /** Histories the store held (`known`), not read from the log in this request: an append that expects their version confirms them. */
  private readonly unconfirmed = new Map<string, AggregateHistory>();

  constructor(private readonly store: EventStore) {}

  /**
   * An aggregate whose id this request just made up (a fresh uuid v7): its stream is empty, so its
   * create reads nothing. Its append still expects sequence 0, so even a colliding id would be a
   * conflict and a read, never an overwrite.
   */
  created(aggregate: AggregateType, id: string): void {
    this.histories.set(key(aggregate, id), { events: [], version: 0 });
  }

  async read(aggregate: AggregateType, id: string): Promise<AggregateHistory> {
    const known = this.histories.get(key(aggregate, id));
    if (known) return known;
    const history = await this.store.read(aggregate, id);
    this.histories.set(key(aggregate, id), history);
    return history;
  }

  /** What this request read or wrote of the aggregate, else what the store holds without asking the log (`EventStore.known`). */
  known(aggregate: AggregateType, id: string): AggregateHistory | undefined {
    const k = key(aggregate, id);
    const read = this.histories.get(k);
    if (read) return read;
    const held = this.store.known?.(aggregate, id);
    if (held) this.unconfirmed.set(k, held);
    return held;
  }

  async append(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    const k = key(aggregate, id);
    const before = this.histories.get(k) ?? this.unconfirmed.get(k);
    // Forgotten until the append answers: a failed or duplicate append leaves the log to say what is there.
    this.histories.delete(k);
    this.unconfirmed.delete(k);
    const result = await this.store.append(aggregate, id, events, options);
    if (!result.duplicate && before?.version === options.expectedVersion) {
      this.histories.set(k, { events: [...before.events, ...events], version: result.seq });
    }
    return result;
  }
}

const key = (aggregate: AggregateType, id: string): string => `${aggregate}.${id}`;
