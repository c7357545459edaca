import type { AggregateType, Commit } from '@lbaas/domain';
import { type NatsServerHandle, startNatsServer } from '@lbaas/testing';
import { type NatsConnection, nanos } from 'nats';
import { randomUUID } from 'node:crypto';
import { encodeCommit, type StoredCommit } from './commit-codec';
import { replayCommits } from './commit-replay';
import { DUPLICATE_WINDOW_MS, ensureEventStream, streamLastSeq } from './event-stream';
import { connectNats } from './nats-connection';
import { ALL_EVENTS_SUBJECT, eventSubject, STREAM_NAME } from './subjects';

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

describe('the event stream and its replay against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;

  /** `count` commits spread over a few pools, 500 publishes in flight. */
  const publish = async (count: number): Promise<void> => {
    const js = nc.jetstream();
    const ids = Array.from({ length: 7 }, () => randomUUID());
    for (let from = 0; from < count; from += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, count - from) }, (_, i) => {
          const id = ids[(from + i) % ids.length];
          return js.publish(eventSubject('pool', id), encodeCommit(commitOf('pool', id, from + i)));
        }),
      );
    }
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-replay', nats.url);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('reads as sequence 0 before the stream exists, and replays nothing', async () => {
    expect(await streamLastSeq(nc)).toBe(0);
    const onBatch = jest.fn(async () => undefined);
    expect(await replayCommits({ nc, onBatch })).toEqual({ throughSeq: 0, commits: 0, poison: 0 });
    expect(onBatch).not.toHaveBeenCalled();
  });

  it('creates the stream as the architecture describes it, and is safe to call again and concurrently', async () => {
    await Promise.all([ensureEventStream(nc), ensureEventStream(nc), ensureEventStream(nc)]);
    const { config } = await (await nc.jetstreamManager()).streams.info(STREAM_NAME);
    expect(config).toMatchObject({
      subjects: [ALL_EVENTS_SUBJECT],
      storage: 'file',
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      allow_direct: true,
    });
  });

  it('brings an existing stream with other settings up to date, keeping its messages', async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.update(STREAM_NAME, { subjects: ['lbaas.events.pool.*'], duplicate_window: nanos(1000), allow_direct: false });
    await publish(3);
    await ensureEventStream(nc);
    const { config, state } = await jsm.streams.info(STREAM_NAME);
    expect(config).toMatchObject({ subjects: [ALL_EVENTS_SUBJECT], duplicate_window: nanos(DUPLICATE_WINDOW_MS), allow_direct: true });
    expect(state.messages).toBe(3);
  });

  it('replays the whole log in order, in batches', async () => {
    await publish(2497);
    const batches: StoredCommit[][] = [];
    const result = await replayCommits({ nc, batchSize: 1000, onBatch: async (b) => void batches.push(b) });
    expect(result).toEqual({ throughSeq: 2500, commits: 2500, poison: 0 });
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat().map((c) => c.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(batches[0][0].commit.events[0].aggregate).toBe('pool');
  });

  it('replays from a sequence', async () => {
    const seqs: number[] = [];
    const result = await replayCommits({ nc, fromSeq: 2401, onBatch: async (b) => void seqs.push(...b.map((c) => c.seq)) });
    expect(result).toEqual({ throughSeq: 2500, commits: 100, poison: 0 });
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => 2401 + i));
  });

  it('stops at the last sequence the log had when it started, while appends go on', async () => {
    let seen = 0;
    const result = await replayCommits({
      nc,
      batchSize: 500,
      onBatch: async (b) => {
        if (seen === 0) await publish(50);
        seen += b.length;
      },
    });
    expect(result).toEqual({ throughSeq: 2500, commits: 2500, poison: 0 });
    expect(seen).toBe(2500);
    expect(await streamLastSeq(nc)).toBe(2550);
  });

  it('passes over a poison message and reports it', async () => {
    const id = randomUUID();
    const poison = (await nc.jetstream().publish(eventSubject('vip', id), new TextEncoder().encode('not a commit'))).seq;
    await publish(1);
    const reported: number[] = [];
    const seqs: number[] = [];
    const result = await replayCommits({
      nc,
      fromSeq: poison - 1,
      onBatch: async (b) => void seqs.push(...b.map((c) => c.seq)),
      onPoison: (p) => reported.push(p.seq),
    });
    expect(result).toEqual({ throughSeq: poison + 1, commits: 2, poison: 1 });
    expect(seqs).toEqual([poison - 1, poison + 1]);
    expect(reported).toEqual([poison]);
  });
});
