import { performance } from 'node:perf_hooks';
import { ALL_EVENTS_SUBJECT, decodeCommit, STREAM_NAME } from '@lbaas/event-log';
import { DeliverPolicy, type NatsConnection } from 'nats';

export interface WholeLogRead {
  readonly commits: number;
  readonly events: number;
  readonly bytes: number;
  readonly seconds: number;
  /** Whether the read reached the last sequence before its bound. */
  readonly complete: boolean;
}

/**
 * LBAAS_EVENTS from sequence 1 to its last, through an ordered consumer as a rebuild replays it,
 * decoding each commit: the floor of any work over the whole log.
 */
export async function readWholeLog(nc: NatsConnection, boundMs: number): Promise<WholeLogRead> {
  const last = (await (await nc.jetstreamManager()).streams.info(STREAM_NAME)).state.last_seq;
  const totals = { commits: 0, events: 0, bytes: 0 };
  const started = performance.now();
  if (last === 0) return { ...totals, seconds: 0, complete: true };
  const consumer = await nc.jetstream().consumers.get(STREAM_NAME, {
    filterSubjects: ALL_EVENTS_SUBJECT,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: 1,
  });
  const messages = await consumer.consume({ max_messages: 10_000 });
  const bound = setTimeout(() => messages.stop(), boundMs);
  let reached = 0;
  try {
    for await (const message of messages) {
      totals.commits++;
      totals.bytes += message.data.length;
      totals.events += decodeCommit(message.data).events.length;
      reached = message.seq;
      if (message.seq >= last) break;
    }
  } finally {
    clearTimeout(bound);
    messages.stop();
  }
  return { ...totals, seconds: (performance.now() - started) / 1000, complete: reached >= last };
}
