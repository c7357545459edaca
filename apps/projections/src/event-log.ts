import type { ProjectableCommit } from '@lbaas/read-models';

/** A running durable subscription; `stop` returns once the commit in hand is handled and acknowledged. */
export interface RunningConsumer {
  stop(): Promise<void>;
  /** Resolves (never rejects) when the subscription has ended, stopped or on its own. */
  readonly done: Promise<void>;
}

/** What the projections service needs of the JetStream event log. */
export interface EventLog {
  readonly connected: boolean;
  ensureStream(): Promise<void>;
  lastSeq(): Promise<number>;
  /**
   * Delivers commits from `fromSeq` in stream order, in batches of what has arrived, to `handle`;
   * a batch is acknowledged after `handle` resolves. When it throws, the subscription ends (its
   * `done` resolves) and the caller starts again from its checkpoint, so order is never broken.
   */
  consume(fromSeq: number, handle: (batch: ProjectableCommit[]) => Promise<void>): Promise<RunningConsumer>;
  /** Every commit from `fromSeq` (1 unless given) up to the stream's last sequence when the replay starts. */
  replay(fromSeq?: number): AsyncIterable<ProjectableCommit>;
  /** Publishes on core NATS (not the stream). */
  publish(subject: string, payload: unknown): void;
  close(): Promise<void>;
}

export const EVENT_LOG = Symbol('EVENT_LOG');
