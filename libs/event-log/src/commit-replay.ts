import { DeliverPolicy, type NatsConnection } from 'nats';
import { decodeStoredCommit, type StoredCommit } from './commit-codec';
import { streamLastSeq } from './event-stream';
import { ALL_EVENTS_SUBJECT, STREAM_NAME } from './subjects';

export interface ReplayCommitsOptions {
  readonly nc: NatsConnection;
  /** The first sequence to read; 1 (the default) replays the whole log. */
  readonly fromSeq?: number;
  /** Commits per `onBatch` call: a rebuild commits one transaction per batch. */
  readonly batchSize?: number;
  readonly onBatch: (commits: StoredCommit[]) => Promise<void>;
  /** A message that is not a commit is passed over, as the durable consumers terminate it. */
  readonly onPoison?: (poison: { readonly seq: number; readonly subject: string; readonly error: unknown }) => void;
}

export interface ReplayResult {
  /** The stream's last sequence when the replay started: everything up to it was read. */
  readonly throughSeq: number;
  readonly commits: number;
  readonly poison: number;
}

/**
 * Reads the log from `fromSeq` up to the last sequence it has when the call starts, through an
 * ordered (ephemeral, flow-controlled) consumer, handing it over in batches. For projection rebuilds.
 */
export async function replayCommits(options: ReplayCommitsOptions): Promise<ReplayResult> {
  const fromSeq = Math.max(1, options.fromSeq ?? 1);
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const throughSeq = await streamLastSeq(options.nc);
  if (throughSeq < fromSeq) return { throughSeq, commits: 0, poison: 0 };

  const consumer = await options.nc.jetstream().consumers.get(STREAM_NAME, {
    filterSubjects: ALL_EVENTS_SUBJECT,
    // Never DeliverPolicy.All: the client keeps its opt_start_seq, which the server refuses with
    // that policy, and the ordered consumer retries the creation forever.
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: fromSeq,
  });
  const messages = await consumer.consume({ max_messages: Math.min(10_000, Math.max(batchSize, 1000)) });
  let batch: StoredCommit[] = [];
  let commits = 0;
  let poison = 0;
  let caughtUp = false;
  try {
    for await (const msg of messages) {
      try {
        batch.push(decodeStoredCommit(msg));
        commits++;
      } catch (error) {
        poison++;
        options.onPoison?.({ seq: msg.seq, subject: msg.subject, error });
      }
      if (batch.length >= batchSize) {
        await options.onBatch(batch);
        batch = [];
      }
      // `pending` 0: nothing newer exists, also when the message at `throughSeq` was deleted.
      if (msg.seq >= throughSeq || msg.info.pending === 0) {
        caughtUp = true;
        break;
      }
    }
  } finally {
    messages.stop();
  }
  if (!caughtUp) throw new Error(`the replay ended before sequence ${throughSeq} (connection closed?)`);
  if (batch.length > 0) await options.onBatch(batch);
  return { throughSeq, commits, poison };
}
