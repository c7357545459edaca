import { DeliverPolicy, type NatsConnection } from 'nats';
import { decodeStoredCommit, type StoredCommit } from './commit-codec';
import { streamLastSeq } from './event-stream';
import { ALL_EVENTS_SUBJECT, STREAM_NAME } from './subjects';

export interface FollowCommitsOptions {
  readonly nc: NatsConnection;
  /** The first sequence to read; 1 (the default) folds the whole log, as a service that keeps its state in memory must. */
  readonly fromSeq?: number;
  /** Called in stream order, one commit at a time; the next is delivered after it resolves. */
  readonly onCommit: (stored: StoredCommit) => Promise<void> | void;
  readonly onPoison?: (poison: { readonly seq: number; readonly subject: string; readonly error: unknown }) => void;
}

export interface CommitFollower {
  /** The sequence of the last commit handed to `onCommit` (or passed over as poison). */
  readonly seq: () => number;
  /** Resolves once everything the stream held when following started has been handled. */
  readonly caughtUp: Promise<void>;
  /** Resolves once `seq()` reaches `seq`, for a writer that wants to see its own appends folded in. */
  waitFor(seq: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows the event log from `fromSeq` for ever through an ordered consumer: the client
 * re-creates it after a reconnect or a gap, so delivery stays in order and complete. For
 * services (scheduler, config renderer) whose state is a fold of the log kept in memory.
 */
export async function followCommits(options: FollowCommitsOptions): Promise<CommitFollower> {
  const fromSeq = Math.max(1, options.fromSeq ?? 1);
  const startLast = await streamLastSeq(options.nc);
  let seq = fromSeq - 1;
  const waiters: { seq: number; resolve: () => void }[] = [];
  const advance = (to: number): void => {
    seq = Math.max(seq, to);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].seq <= seq) waiters.splice(i, 1)[0].resolve();
    }
  };
  const waitFor = (target: number): Promise<void> =>
    target <= seq ? Promise.resolve() : new Promise((resolve) => waiters.push({ seq: target, resolve }));

  const consumer = await options.nc.jetstream().consumers.get(STREAM_NAME, {
    filterSubjects: ALL_EVENTS_SUBJECT,
    // Never DeliverPolicy.All: the client keeps its opt_start_seq, which the server refuses with that policy.
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: fromSeq,
  });
  const messages = await consumer.consume({ max_messages: 1000 });
  const loop = (async () => {
    for await (const msg of messages) {
      let stored: StoredCommit | null = null;
      try {
        stored = decodeStoredCommit(msg);
      } catch (error) {
        options.onPoison?.({ seq: msg.seq, subject: msg.subject, error });
      }
      if (stored) await options.onCommit(stored);
      advance(msg.seq);
    }
  })();
  return {
    seq: () => seq,
    caughtUp: waitFor(startLast),
    waitFor,
    stop: async () => {
      messages.stop();
      await loop.catch(() => undefined);
    },
  };
}
