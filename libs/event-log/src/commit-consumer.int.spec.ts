import type { AggregateType, Commit } from '@lbaas/domain';
import { type NatsServerHandle, startNatsServer, waitFor } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { encodeCommit, MalformedCommit, type StoredCommit } from './commit-codec';
import { type CommitConsumer, type ConsumerProblem, consumeCommits } from './commit-consumer';
import { ensureEventStream, streamLastSeq } from './event-stream';
import { connectNats } from './nats-connection';
import { eventSubject, STREAM_NAME } from './subjects';

const commitOf = (aggregate: AggregateType, id: string, n: number): Commit => ({
  commitId: randomUUID(),
  events: [
    {
      id: randomUUID(),
      type: 'Probed',
      version: 1,
      aggregate,
      aggregateId: id,
      tenantId: 't1',
      actor: 'test',
      occurredAt: new Date(0).toISOString(),
      correlationId: 'req-test',
      causationId: null,
      data: { n },
    },
  ],
});

/** Deferred: a promise and its resolver, to hold a handler at a known point. */
const gate = (): { promise: Promise<void>; open: () => void } => {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
};

describe('consumeCommits against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  const running: CommitConsumer[] = [];

  const publish = async (count: number): Promise<number[]> => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const seqs: number[] = [];
    for (let n = 0; n < count; n++) {
      const id = ids[n % ids.length];
      seqs.push((await nc.jetstream().publish(eventSubject('pool', id), encodeCommit(commitOf('pool', id, n)))).seq);
    }
    return seqs;
  };
  const consume = async (options: Omit<Parameters<typeof consumeCommits>[0], 'nc'>): Promise<CommitConsumer> => {
    const consumer = await consumeCommits({ nc, ...options });
    running.push(consumer);
    return consumer;
  };
  const nextSeq = async (): Promise<number> => (await streamLastSeq(nc)) + 1;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-messaging', nats.url);
    await ensureEventStream(nc);
  });
  afterAll(async () => {
    for (const consumer of running) await consumer.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('hands over every commit once, in order, and resumes after a stop without gaps or duplicates', async () => {
    const startSeq = await nextSeq();
    const first = await publish(20);
    const seen: number[] = [];
    const ninth = gate();
    const ninthInHand = gate();
    const a = await consume({
      durable: 'lbt-resume',
      startSeq,
      handler: async ({ seq }) => {
        if (seen.length === 8) {
          ninthInHand.open();
          await ninth.promise;
        }
        seen.push(seq);
      },
    });
    await ninthInHand.promise;
    // Stopped with a commit in hand: that one is finished and acknowledged, nothing after it is taken.
    const stopped = a.stop();
    ninth.open();
    await stopped;
    expect(seen).toEqual(first.slice(0, 9));

    const later = await publish(5);
    await consume({ durable: 'lbt-resume', handler: async ({ seq }) => void seen.push(seq) });
    // Well inside the 30 s ack wait: the resumed consumer does not wait for a commit lost in the stop.
    await waitFor('every commit', () => seen.length >= 25, 10_000);
    expect(seen).toEqual([...first, ...later]);
  });

  it('delivers the decoded commit with its subject and sequence', async () => {
    const startSeq = await nextSeq();
    const id = randomUUID();
    const commit = commitOf('vip', id, 1);
    const { seq } = await nc.jetstream().publish(eventSubject('vip', id), encodeCommit(commit));
    const got: StoredCommit[] = [];
    await consume({ durable: 'lbt-decoded', startSeq, handler: async (stored) => void got.push(stored) });
    await waitFor('the commit', () => got.length === 1);
    expect(got[0]).toEqual({ seq, subject: eventSubject('vip', id), commit });
  });

  it('redelivers a commit whose handler failed, after the delay, keeping the order', async () => {
    const startSeq = await nextSeq();
    const published = await publish(6);
    const seen: number[] = [];
    const problems: ConsumerProblem[] = [];
    let failures = 0;
    await consume({
      durable: 'lbt-retry',
      startSeq,
      retryDelayMs: 100,
      onProblem: (p) => problems.push(p),
      handler: async ({ seq }) => {
        if (seq === published[2] && failures++ < 2) throw new Error('the database is busy');
        seen.push(seq);
      },
    });
    await waitFor('every commit', () => seen.length === published.length);
    expect(seen).toEqual(published);
    expect(problems.map((p) => p.kind === 'retry' && [p.seq, p.deliveries])).toEqual([
      [published[2], 1],
      [published[2], 2],
    ]);
  });

  it('terminates a poison message instead of delivering it again', async () => {
    const startSeq = await nextSeq();
    const js = nc.jetstream();
    const id = randomUUID();
    const good = (await publish(1))[0];
    const notJson = (await js.publish(eventSubject('pool', id), new TextEncoder().encode('{"commitId": "c'))).seq;
    const foreign = (await js.publish(eventSubject('pool', id), encodeCommit(commitOf('vip', id, 1)))).seq;
    const refused = (await publish(1))[0];
    const after = (await publish(1))[0];
    const seen: number[] = [];
    const problems: ConsumerProblem[] = [];
    const consumer = await consume({
      durable: 'lbt-poison',
      startSeq,
      retryDelayMs: 100,
      onProblem: (p) => problems.push(p),
      handler: async ({ seq }) => {
        if (seq === refused) throw new MalformedCommit('not a commit this handler can use');
        seen.push(seq);
      },
    });
    await waitFor('the commit after the poison', () => seen.includes(after));
    expect(seen).toEqual([good, after]);
    expect(problems.map((p) => `${p.kind} ${p.kind === 'interrupted' ? '' : p.seq}`)).toEqual([
      `poison ${notJson}`,
      `poison ${foreign}`,
      `poison ${refused}`,
    ]);

    await consumer.stop();
    const info = await (await nc.jetstreamManager()).consumers.info(STREAM_NAME, 'lbt-poison');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(after);
  });

  it('creates its durable again when it is deleted, resuming after the last commit it settled', async () => {
    const startSeq = await nextSeq();
    const before = await publish(3);
    const seen: number[] = [];
    const problems: ConsumerProblem[] = [];
    await consume({
      durable: 'lbt-recreate',
      startSeq,
      onProblem: (p) => problems.push(p),
      handler: async ({ seq }) => void seen.push(seq),
    });
    await waitFor('the first commits', () => seen.length === before.length);
    await (await nc.jetstreamManager()).consumers.delete(STREAM_NAME, 'lbt-recreate');
    await waitFor('the loss of the durable to be noticed', () => problems.some((p) => p.kind === 'interrupted'));
    const after = await publish(3);
    await waitFor('the commits after the deletion', () => seen.length === before.length + after.length);
    expect(seen).toEqual([...before, ...after]);
  });

  it('keeps consuming across a server restart', async () => {
    const startSeq = await nextSeq();
    const before = await publish(5);
    const seen: number[] = [];
    await consume({ durable: 'lbt-restart', startSeq, handler: async ({ seq }) => void seen.push(seq) });
    await waitFor('the commits before the restart', () => seen.length === before.length);
    await nats.restart();
    // The client reconnects on its own; a publish sent into the gap may time out (and may still
    // have been stored), so what to expect is read from the stream afterwards.
    await waitFor('a publish after the restart', async () => (await publish(1)).length === 1, 30_000, 200);
    await publish(4);
    const last = await streamLastSeq(nc);
    await waitFor('the commits after the restart', () => seen.at(-1) === last, 30_000);
    expect(seen.slice(0, before.length)).toEqual(before);
    // At least once: Debian's nats-server 2.9 was once seen to restore the durable after the
    // restart from the stream's first message (1 of about 13 CI runs). The contract holds even
    // then (every consumer of the log is idempotent; the projections skip up to their checkpoint):
    // nothing from startSeq on is missed, and what comes again comes in order.
    const firstDeliveries = [...new Set(seen.filter((seq) => seq >= startSeq))];
    expect(firstDeliveries).toEqual(Array.from({ length: last - startSeq + 1 }, (_, i) => startSeq + i));
    const redelivered = seen.slice(before.length);
    expect(redelivered).toEqual([...redelivered].sort((a, b) => a - b));
  });
});
