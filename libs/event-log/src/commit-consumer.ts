import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JetStreamManager, type JsMsg, type NatsConnection, nanos } from 'nats';
import { decodeStoredCommit, MalformedCommit, type StoredCommit } from './commit-codec';
import { apiErrorCode, JetStreamApiError } from './jetstream-errors';
import { ALL_EVENTS_SUBJECT, STREAM_NAME } from './subjects';

/** Something a consumer handled on its own, for the owner's log. */
export type ConsumerProblem =
  /** Not a commit, or the handler threw MalformedCommit: terminated, never delivered again. */
  | { readonly kind: 'poison'; readonly seq: number; readonly subject: string; readonly error: unknown }
  /** The handler threw: the commit comes back after `retryDelayMs`. */
  | { readonly kind: 'retry'; readonly seq: number; readonly subject: string; readonly deliveries: number; readonly error: unknown }
  /** The subscription ended or could not be made (server gone, consumer deleted): subscribing again. */
  | { readonly kind: 'interrupted'; readonly error: unknown };

export interface ConsumeCommitsOptions {
  readonly nc: NatsConnection;
  /** The durable consumer's name: one per service that keeps its own position in the log. */
  readonly durable: string;
  /** Resolves once the commit's effects are durable; throwing means "try again later". */
  readonly handler: (stored: StoredCommit) => Promise<void>;
  /** 1 (the default) delivers strictly in stream order, the next commit only after this one's ack. */
  readonly maxAckPending?: number;
  /** Where a durable that does not exist yet starts; an existing durable resumes where it is. */
  readonly startSeq?: number;
  readonly filterSubject?: string;
  readonly retryDelayMs?: number;
  /** A commit not acknowledged within this time is delivered again; a running handler extends it. */
  readonly ackWaitMs?: number;
  readonly onProblem?: (problem: ConsumerProblem) => void;
}

/** A running durable subscription. */
export interface CommitConsumer {
  /** Resolves once the commit in hand is handled and acknowledged and nothing more is delivered. */
  stop(): Promise<void>;
  /** Resolves (never rejects) when the subscription has ended, by `stop()` or because the connection closed. */
  readonly done: Promise<void>;
}

const RESUBSCRIBE_DELAY_MS = 1000;

async function ensureDurable(
  jsm: JetStreamManager,
  o: Required<Omit<ConsumeCommitsOptions, 'onProblem'>>,
  resumeSeq: number,
): Promise<void> {
  try {
    const { config } = await jsm.consumers.info(STREAM_NAME, o.durable);
    if (config.max_ack_pending !== o.maxAckPending || config.ack_wait !== nanos(o.ackWaitMs)) {
      await jsm.consumers.update(STREAM_NAME, o.durable, { max_ack_pending: o.maxAckPending, ack_wait: nanos(o.ackWaitMs) });
    }
  } catch (error) {
    if (apiErrorCode(error) !== JetStreamApiError.ConsumerNotFound) throw error;
    await jsm.consumers.add(STREAM_NAME, {
      durable_name: o.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: Math.max(1, o.startSeq, resumeSeq),
      filter_subject: o.filterSubject,
      max_ack_pending: o.maxAckPending,
      max_deliver: -1,
      ack_wait: nanos(o.ackWaitMs),
    });
  }
}

/**
 * Delivers the event log's commits to `handler` through a durable pull consumer, at least once:
 * ack after the handler resolves, `nak(retryDelayMs)` when it throws, `term` for a poison message.
 * The subscription survives server restarts; a durable deleted under it is created again.
 */
export async function consumeCommits(options: ConsumeCommitsOptions): Promise<CommitConsumer> {
  const o = {
    maxAckPending: 1,
    startSeq: 1,
    filterSubject: ALL_EVENTS_SUBJECT,
    retryDelayMs: 5000,
    ackWaitMs: 30_000,
    ...options,
  };
  const { nc } = o;
  const report = (problem: ConsumerProblem): void => o.onProblem?.(problem);
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  const subscribe = async (): Promise<ConsumerMessages> => {
    await ensureDurable(jsm, o, settledSeq + 1);
    const consumer = await nc.jetstream().consumers.get(STREAM_NAME, o.durable);
    // Ends the iterator when the durable is gone, so the loop below creates it again.
    return consumer.consume({ max_messages: o.maxAckPending, abort_on_missing_resource: true });
  };

  let stopping = false;
  let inHand = false;
  // A durable created again (deleted under us) starts after what this loop has settled.
  let settledSeq = 0;
  let current: ConsumerMessages | null = await subscribe();
  let wake: (() => void) | null = null;

  const handle = async (messages: ConsumerMessages, msg: JsMsg): Promise<void> => {
    if (stopping) {
      msg.nak(); // prefetched beyond the stop: back to the server at once for the next subscriber
      return;
    }
    let stored: StoredCommit;
    try {
      stored = decodeStoredCommit(msg);
    } catch (error) {
      msg.term();
      settledSeq = msg.seq;
      report({ kind: 'poison', seq: msg.seq, subject: msg.subject, error });
      return;
    }
    inHand = true;
    const keepAlive = setInterval(() => msg.working(), Math.max(100, o.ackWaitMs / 2));
    let failure: { error: unknown } | null = null;
    try {
      await o.handler(stored);
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(keepAlive);
      inHand = false;
    }
    // Unsubscribing before settling: the server then has nowhere to send the next commit, which
    // stays with it for the next subscriber instead of waiting out ack_wait in a closed inbox.
    if (stopping) messages.stop();
    if (!failure) {
      msg.ack();
      settledSeq = msg.seq;
    } else if (failure.error instanceof MalformedCommit) {
      msg.term();
      settledSeq = msg.seq;
      report({ kind: 'poison', seq: msg.seq, subject: msg.subject, error: failure.error });
    } else {
      msg.nak(stopping ? undefined : o.retryDelayMs);
      report({ kind: 'retry', seq: msg.seq, subject: msg.subject, deliveries: msg.info.redeliveryCount, error: failure.error });
    }
  };

  const deliver = async (messages: ConsumerMessages): Promise<void> => {
    for await (const msg of messages) await handle(messages, msg);
  };

  const run = async (): Promise<void> => {
    while (current) {
      try {
        await deliver(current);
        if (!stopping && !nc.isClosed()) report({ kind: 'interrupted', error: new Error('the subscription ended') });
      } catch (error) {
        if (!stopping) report({ kind: 'interrupted', error });
      }
      current = null;
      while (!stopping && !nc.isClosed() && !current) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RESUBSCRIBE_DELAY_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
        if (stopping || nc.isClosed()) break;
        try {
          current = await subscribe();
          if (stopping) current.stop();
        } catch (error) {
          report({ kind: 'interrupted', error });
        }
      }
    }
    // The last ack must reach the server before the owner closes the connection.
    if (!nc.isClosed()) await nc.flush().catch(() => undefined);
  };
  const done = run();

  return {
    done,
    stop: async () => {
      stopping = true;
      if (!inHand) current?.stop();
      wake?.();
      await done;
    },
  };
}
