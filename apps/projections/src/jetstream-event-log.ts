import { JetStreamEventStore, ALL_EVENTS_SUBJECT, connectNats, decodeCommit, STREAM_NAME } from '@lbaas/event-log';
import type { ProjectableCommit } from '@lbaas/read-models';
import {
  AckPolicy,
  DeliverPolicy,
  Events,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  JSONCodec,
  type NatsConnection,
  nanos,
} from 'nats';
import type { Logger } from 'pino';
import type { EventLog, RunningConsumer } from './event-log';

const DURABLE = 'projections';
/** Most commits applied in one transaction, and most delivered but not yet acknowledged. */
const BATCH_LIMIT = 500;
const json = JSONCodec<unknown>();

/** The event log over JetStream: the durable `projections` consumer and ordered replays. */
export class JetStreamEventLog implements EventLog {
  private disconnected = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly store: JetStreamEventStore,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logger: Logger,
  ) {
    void this.watchConnection();
  }

  static async connect(url: string, logger: Logger): Promise<JetStreamEventLog> {
    const nc = await connectNats('lbaas-projections', url);
    return new JetStreamEventLog(nc, await JetStreamEventStore.create(nc), nc.jetstream(), await nc.jetstreamManager(), logger);
  }

  get connected(): boolean {
    return !this.disconnected && !this.nc.isClosed() && !this.nc.isDraining();
  }

  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) {
        this.disconnected = true;
        this.logger.warn({ server: status.data }, 'NATS disconnected');
      } else if (status.type === Events.Reconnect) {
        this.disconnected = false;
        this.logger.info({ server: status.data }, 'NATS reconnected');
      }
    }
  }

  ensureStream(): Promise<void> {
    return this.store.ensureStream();
  }

  lastSeq(): Promise<number> {
    return this.store.lastSeq();
  }

  async consume(fromSeq: number, handle: (batch: ProjectableCommit[]) => Promise<void>): Promise<RunningConsumer> {
    // The read models' checkpoint says where to resume, so the consumer is recreated to start there:
    // a fresh or rebuilt database never misses commits an earlier consumer had acknowledged.
    await this.jsm.consumers.delete(STREAM_NAME, DURABLE).catch(() => undefined);
    await this.jsm.consumers.add(STREAM_NAME, {
      durable_name: DURABLE,
      // Acknowledging a batch's last commit acknowledges the batch: one ack per transaction, not per commit.
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
      filter_subject: ALL_EVENTS_SUBJECT,
      max_ack_pending: BATCH_LIMIT,
      ack_wait: nanos(30_000),
    });
    const consumer = await this.js.consumers.get(STREAM_NAME, DURABLE);
    const messages = await consumer.consume({ max_messages: BATCH_LIMIT });
    // Commits that arrive while a transaction runs wait here and go into the next one together:
    // one commit per transaction when the log is quiet, large batches under a burst.
    const queue: JsMsg[] = [];
    const waiting: { wake: (() => void) | null } = { wake: null };
    let ended = false;
    let stopping = false;
    const reader = (async () => {
      try {
        for await (const message of messages) {
          queue.push(message);
          waiting.wake?.();
        }
      } catch (error) {
        this.logger.error({ err: error }, 'the durable consumer failed');
      } finally {
        ended = true;
        waiting.wake?.();
      }
    })();
    const done = (async () => {
      try {
        while (!stopping) {
          if (queue.length === 0) {
            if (ended) break;
            await new Promise<void>((resolve) => (waiting.wake = resolve));
            waiting.wake = null;
            continue;
          }
          const batch = queue.splice(0, BATCH_LIMIT);
          try {
            await handle(batch.map((message) => this.decodeOrReport(message)));
          } catch (error) {
            // Order matters more than this batch: end the subscription; the caller resumes from the checkpoint.
            this.logger.error({ from: batch[0]?.seq, to: batch[batch.length - 1]?.seq, err: error }, 'projecting commits failed');
            break;
          }
          batch[batch.length - 1]?.ack();
        }
      } finally {
        messages.stop();
        await reader;
      }
    })();
    return {
      done,
      stop: async () => {
        stopping = true;
        messages.stop();
        waiting.wake?.();
        await done;
      },
    };
  }

  async *replay(fromSeq = 1): AsyncIterable<ProjectableCommit> {
    const last = await this.lastSeq();
    if (last < fromSeq) return;
    const consumer = await this.js.consumers.get(STREAM_NAME, {
      filterSubjects: ALL_EVENTS_SUBJECT,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
    });
    const messages = await consumer.consume({ max_messages: 10_000 });
    try {
      for await (const message of messages) {
        yield this.decodeOrReport(message);
        if (message.seq >= last || message.info.pending === 0) break;
      }
    } finally {
      messages.stop();
    }
  }

  /**
   * A message that is not a commit is projected as a commit without events: reported, and
   * passed over by the checkpoint the same way live and in a rebuild, so both give the same rows.
   */
  private decodeOrReport(message: JsMsg): ProjectableCommit {
    try {
      return { seq: message.seq, subject: message.subject, commit: decodeCommit(message.data) };
    } catch (error) {
      this.logger.error({ seq: message.seq, subject: message.subject, err: error }, 'undecodable commit passed over');
      return { seq: message.seq, subject: message.subject, commit: { commitId: `undecodable-${message.seq}`, events: [] } };
    }
  }

  publish(subject: string, payload: unknown): void {
    this.nc.publish(subject, json.encode(payload));
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
