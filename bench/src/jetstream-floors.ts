import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DeliverPolicy, headers, type JetStreamClient, type JetStreamManager, type NatsConnection, nanos, StorageType } from 'nats';

/**
 * A stream of its own, outside `lbaas.events.>`: the projections consume that subject space,
 * so floor messages there would become part of the system's history.
 */
const FLOOR_STREAM = 'BENCH_FLOOR';
const FLOOR_SUBJECTS = 'benchfloor.>';
/** Like a pool with four members: one commit that creates the aggregate, four that extend it. */
const COMMITS_PER_SUBJECT = 5;

export interface PublishFloor {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Each publish's time to its ack, ascending. */
  readonly latenciesMs: readonly number[];
}

export interface ReadFloor {
  readonly count: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface JetStreamFloors {
  readonly awaited: PublishFloor;
  readonly inFlight: PublishFloor;
  readonly orderedRead: ReadFloor;
}

export interface FloorOptions {
  /** What one message carries: a commit of the size the system appends. */
  readonly payload: Uint8Array;
  readonly awaitedCount: number;
  readonly inFlightCount: number;
  readonly inFlightWindow: number;
  /** Each phase stops at this bound even when its count is not reached. */
  readonly phaseBudgetMs: number;
  readonly signal: AbortSignal;
  /** Copies of the floor stream: 3 on a cluster, like LBAAS_EVENTS there. */
  readonly replicas?: number;
}

/**
 * Raw JetStream on the same server as the system, the way the event store uses it: every publish
 * carries `Nats-Msg-Id` and `Nats-Expected-Last-Subject-Sequence` on a stream configured like
 * LBAAS_EVENTS, and the read is an ordered consumer like the projections' replay.
 */
export function measureJetStreamFloors(nc: NatsConnection, options: FloorOptions): Promise<JetStreamFloors> {
  return onFloorStream(nc, options, async (js, jsm) => {
    const awaited = await publishFloor(js, 'awaited', 1, options.awaitedCount, options);
    const inFlight = await publishFloor(js, 'inflight', options.inFlightWindow, options.inFlightCount, options);
    const orderedRead = await orderedReadFloor(js, jsm, options);
    return { awaited, inFlight, orderedRead };
  });
}

/** The publish floors alone, for benches that compare appends only. */
export function measurePublishFloors(nc: NatsConnection, options: FloorOptions): Promise<Omit<JetStreamFloors, 'orderedRead'>> {
  return onFloorStream(nc, options, async (js) => ({
    awaited: await publishFloor(js, 'awaited', 1, options.awaitedCount, options),
    inFlight: await publishFloor(js, 'inflight', options.inFlightWindow, options.inFlightCount, options),
  }));
}

async function onFloorStream<T>(
  nc: NatsConnection,
  options: FloorOptions,
  measure: (js: JetStreamClient, jsm: JetStreamManager) => Promise<T>,
): Promise<T> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({
    name: FLOOR_STREAM,
    subjects: [FLOOR_SUBJECTS],
    storage: StorageType.File,
    num_replicas: options.replicas ?? 1,
    duplicate_window: nanos(120_000),
    allow_direct: true,
  });
  try {
    return await measure(nc.jetstream(), jsm);
  } finally {
    await jsm.streams.delete(FLOOR_STREAM);
  }
}

/** `window` publishers, each awaiting its own acks, so at most `window` publishes are in flight. */
async function publishFloor(js: JetStreamClient, run: string, window: number, total: number, options: FloorOptions): Promise<PublishFloor> {
  const perPublisher = Math.ceil(total / window);
  const deadline = Date.now() + options.phaseBudgetMs;
  const latencies: number[] = [];
  const started = performance.now();
  const publisher = async (p: number): Promise<void> => {
    let lastOnSubject = 0;
    for (let i = 0; i < perPublisher && latencies.length < total && Date.now() < deadline && !options.signal.aborted; i++) {
      if (i % COMMITS_PER_SUBJECT === 0) lastOnSubject = 0;
      const h = headers();
      h.set('Nats-Expected-Last-Subject-Sequence', String(lastOnSubject));
      const sent = performance.now();
      const ack = await js.publish(`benchfloor.${run}.${p}.${Math.floor(i / COMMITS_PER_SUBJECT)}`, options.payload, {
        msgID: randomUUID(),
        headers: h,
      });
      latencies.push(performance.now() - sent);
      lastOnSubject = ack.seq;
    }
  };
  await Promise.all(Array.from({ length: window }, (_, p) => publisher(p)));
  const seconds = (performance.now() - started) / 1000;
  return { count: latencies.length, seconds, perSecond: latencies.length / seconds, latenciesMs: latencies.sort((a, b) => a - b) };
}

async function orderedReadFloor(js: JetStreamClient, jsm: JetStreamManager, options: FloorOptions): Promise<ReadFloor> {
  const last = (await jsm.streams.info(FLOOR_STREAM)).state.last_seq;
  const started = performance.now();
  const consumer = await js.consumers.get(FLOOR_STREAM, {
    filterSubjects: FLOOR_SUBJECTS,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: 1,
  });
  const messages = await consumer.consume({ max_messages: 10_000 });
  const stop = (): void => messages.stop();
  const bound = setTimeout(stop, options.phaseBudgetMs);
  options.signal.addEventListener('abort', stop);
  let count = 0;
  let bytes = 0;
  try {
    for await (const message of messages) {
      count++;
      bytes += message.data.length;
      if (message.seq >= last) break;
    }
  } finally {
    clearTimeout(bound);
    options.signal.removeEventListener('abort', stop);
    messages.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  return { count, bytes, seconds, perSecond: count / seconds };
}
