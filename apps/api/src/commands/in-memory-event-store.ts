import { type AggregateType, ConcurrencyConflict, type EventEnvelope } from '@lbaas/domain';
import type { AggregateHistory, AppendOptions, AppendResult, EventStore, StoredCommit } from '@lbaas/event-log';

/** Runs before an append is checked; it may append "concurrently" itself or throw to fail the append. */
export type AppendInterceptor = (aggregate: AggregateType, id: string, events: readonly EventEnvelope[]) => Promise<void> | void;

/**
 * The EventStore contract in memory, with JetStream's semantics: a version is the stream
 * sequence of the subject's last commit, an append whose expected version is not the
 * subject's current one is a ConcurrencyConflict, and a repeated commit id is stored once.
 * For the command service's unit tests; the JetStream store has its own integration tests.
 */
export class InMemoryEventStore implements EventStore {
  private readonly stored: StoredCommit[] = [];
  private readonly seqByCommitId = new Map<string, number>();
  private readonly interceptors: AppendInterceptor[] = [];
  /** What this store last read or wrote per subject, as the JetStream store's cache: another writer's appends leave it behind. */
  private readonly held = new Map<string, AggregateHistory>();

  /** Adds an interceptor that runs before every later append, in the order they were added. */
  intercept(interceptor: AppendInterceptor): void {
    this.interceptors.push(interceptor);
  }

  async read(aggregate: AggregateType, id: string): Promise<AggregateHistory> {
    const history = this.history(aggregate, id);
    this.held.set(subjectOf(aggregate, id), history);
    return history;
  }

  known(aggregate: AggregateType, id: string): AggregateHistory | undefined {
    return this.held.get(subjectOf(aggregate, id));
  }

  private history(aggregate: AggregateType, id: string): AggregateHistory {
    const mine = this.stored.filter((c) => c.subject === subjectOf(aggregate, id));
    return { events: mine.flatMap((c) => c.commit.events), version: mine.at(-1)?.seq ?? 0 };
  }

  async append(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    const seen = this.seqByCommitId.get(options.commitId);
    if (seen !== undefined) return { seq: seen, duplicate: true };
    for (const interceptor of [...this.interceptors]) await interceptor(aggregate, id, events);
    // Checked and stored in one turn of the event loop, as the stream does atomically: concurrent appends must conflict.
    const { version } = this.history(aggregate, id);
    if (version !== options.expectedVersion) throw new ConcurrencyConflict(subjectOf(aggregate, id));
    const seq = this.store(aggregate, id, events, options.commitId);
    const held = options.expectedVersion === 0 ? { events: [], version: 0 } : this.held.get(subjectOf(aggregate, id));
    if (held?.version === options.expectedVersion)
      this.held.set(subjectOf(aggregate, id), { events: [...held.events, ...events], version: seq });
    return { seq, duplicate: false };
  }

  /** Appends as another writer would, between a handler's read and its write: no version check, no interceptors. */
  appendAsAnotherWriter(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], commitId: string): number {
    return this.store(aggregate, id, events, commitId);
  }

  private store(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], commitId: string): number {
    const seq = this.stored.length + 1;
    this.stored.push({ seq, subject: subjectOf(aggregate, id), commit: { commitId, events: structuredClone([...events]) } });
    this.seqByCommitId.set(commitId, seq);
    return seq;
  }

  /** Every stored commit, oldest first. */
  commits(): readonly StoredCommit[] {
    return this.stored;
  }

  /** Every stored event, oldest first; of one aggregate instance when `id` is given. */
  events(aggregate?: AggregateType, id?: string): EventEnvelope[] {
    return this.stored
      .flatMap((c) => c.commit.events)
      .filter((e) => (aggregate === undefined || e.aggregate === aggregate) && (id === undefined || e.aggregateId === id));
  }

  get lastSeq(): number {
    return this.stored.length;
  }
}

const subjectOf = (aggregate: AggregateType, id: string): string => `lbaas.events.${aggregate}.${id}`;
