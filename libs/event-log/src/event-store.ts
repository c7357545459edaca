import type { AggregateType, EventEnvelope } from '@lbaas/domain';

/** An aggregate's history and the subject sequence it was read at (0 when the stream is empty). */
export interface AggregateHistory {
  readonly events: readonly EventEnvelope[];
  readonly version: number;
}

export interface AppendOptions {
  /** The subject sequence the decider read; 0 for a new aggregate. A mismatch throws ConcurrencyConflict. */
  readonly expectedVersion: number;
  /** Becomes `Nats-Msg-Id`: a retried append with the same id is stored once. */
  readonly commitId: string;
}

export interface AppendResult {
  /** Stream sequence of the stored commit. */
  readonly seq: number;
  /** True when the server recognised the commit id and kept the first copy. */
  readonly duplicate: boolean;
}

/** The write side of the event log, as the command handlers see it. */
export interface EventStore {
  read(aggregate: AggregateType, id: string): Promise<AggregateHistory>;
  /**
   * What the store last read or wrote of the aggregate, without asking the log (so it may be
   * behind it), or undefined when it holds nothing: a decision on it must be confirmed by an
   * append that expects its version.
   */
  known?(aggregate: AggregateType, id: string): AggregateHistory | undefined;
  append(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult>;
}

/** A commit as a consumer receives it, with its stream sequence (defined beside the codec that makes it). */
export type { StoredCommit } from './commit-codec';
