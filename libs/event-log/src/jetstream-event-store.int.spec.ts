import { ConcurrencyConflict, type EventEnvelope, Unavailable } from '@lbaas/domain';
import { connectNats } from './nats-connection';
import { MalformedCommit } from './commit-codec';
import { startNatsServer, type NatsServerHandle, waitFor } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { JetStreamEventStore } from './jetstream-event-store';

const envelope = (aggregateId: string, n: number): EventEnvelope => ({
  id: randomUUID(),
  type: 'NetworkUpdated',
  version: 1,
  aggregate: 'network',
  aggregateId,
  tenantId: 't1',
  actor: 'test',
  occurredAt: new Date(0).toISOString(),
  correlationId: 'req-test',
  causationId: null,
  data: { n },
});

describe('JetStreamEventStore against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: JetStreamEventStore;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-event-store', nats.url);
    store = await JetStreamEventStore.create(nc);
    await store.ensureStream();
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('reads an empty aggregate as version 0', async () => {
    expect(await store.read('network', randomUUID())).toEqual({ events: [], version: 0 });
  });

  it('appends commits and reads them back in order with the subject sequence as version', async () => {
    const id = randomUUID();
    const first = await store.append('network', id, [envelope(id, 1), envelope(id, 2)], { expectedVersion: 0, commitId: randomUUID() });
    const second = await store.append('network', id, [envelope(id, 3)], { expectedVersion: first.seq, commitId: randomUUID() });
    const history = await store.read('network', id);
    expect(history.version).toBe(second.seq);
    expect(history.events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3]);
  });

  it('lets exactly one of two concurrent appends at the same version win', async () => {
    const id = randomUUID();
    const results = await Promise.allSettled([
      store.append('network', id, [envelope(id, 1)], { expectedVersion: 0, commitId: randomUUID() }),
      store.append('network', id, [envelope(id, 2)], { expectedVersion: 0, commitId: randomUUID() }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(ConcurrencyConflict);
    expect((await store.read('network', id)).events).toHaveLength(1);
  });

  it('lets exactly one of ten concurrent appends from separate connections win', async () => {
    const id = randomUUID();
    const connections = await Promise.all(Array.from({ length: 10 }, (_, i) => connectNats(`lbt-writer-${i}`, nats.url)));
    try {
      const stores = await Promise.all(connections.map((c) => JetStreamEventStore.create(c)));
      const results = await Promise.allSettled(
        stores.map((s, n) => s.append('network', id, [envelope(id, n)], { expectedVersion: 0, commitId: randomUUID() })),
      );
      const won = results.flatMap((r, n) => (r.status === 'fulfilled' ? [n] : []));
      expect(won).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyConflict)).toHaveLength(9);
      expect((await store.read('network', id)).events.map((e) => (e.data as { n: number }).n)).toEqual(won);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });

  it('sees what another client appended since its last read', async () => {
    const id = randomUUID();
    const other = await JetStreamEventStore.create(nc);
    const a = await store.append('network', id, [envelope(id, 1)], { expectedVersion: 0, commitId: randomUUID() });
    expect((await store.read('network', id)).version).toBe(a.seq);
    const b = await other.append('network', id, [envelope(id, 2), envelope(id, 3)], { expectedVersion: a.seq, commitId: randomUUID() });
    const c = await other.append('network', id, [envelope(id, 4)], { expectedVersion: b.seq, commitId: randomUUID() });
    const history = await store.read('network', id);
    expect(history.version).toBe(c.seq);
    expect(history.events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
  });

  it('knows, without asking the log, what it wrote from an empty subject on, and falls behind what another client appends', async () => {
    const id = randomUUID();
    expect(store.known('network', id)).toBeUndefined();
    const first = await store.append('network', id, [envelope(id, 1)], { expectedVersion: 0, commitId: randomUUID() });
    expect(store.known('network', id)).toEqual({ version: first.seq, events: [expect.objectContaining({ data: { n: 1 } })] });
    const otherNc = await connectNats('lbt-event-store-known', nats.url);
    try {
      const other = await JetStreamEventStore.create(otherNc);
      const theirs = await other.append('network', id, [envelope(id, 2)], { expectedVersion: first.seq, commitId: randomUUID() });
      expect(store.known('network', id)?.version).toBe(first.seq);
      await expect(store.append('network', id, [envelope(id, 3)], { expectedVersion: first.seq, commitId: randomUUID() })).rejects.toThrow(
        ConcurrencyConflict,
      );
      expect((await store.read('network', id)).version).toBe(theirs.seq);
      expect(store.known('network', id)?.version).toBe(theirs.seq);
    } finally {
      await otherNc.close();
    }
  });

  it('keeps the histories of aggregates whose commits interleave apart', async () => {
    const [x, y] = [randomUUID(), randomUUID()];
    let [vx, vy] = [0, 0];
    for (let n = 0; n < 4; n++) {
      vx = (await store.append('network', x, [envelope(x, n)], { expectedVersion: vx, commitId: randomUUID() })).seq;
      vy = (await store.append('network', y, [envelope(y, 10 + n)], { expectedVersion: vy, commitId: randomUUID() })).seq;
    }
    const fresh = await JetStreamEventStore.create(nc);
    expect(await fresh.read('network', x)).toEqual({ version: vx, events: (await store.read('network', x)).events });
    expect((await fresh.read('network', x)).events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3]);
    expect((await fresh.read('network', y)).events.map((e) => (e.data as { n: number }).n)).toEqual([10, 11, 12, 13]);
    expect((await fresh.read('network', y)).version).toBe(vy);
  });

  it('refuses to write events of another aggregate on a subject, which consumers would reject', async () => {
    const [id, stranger] = [randomUUID(), randomUUID()];
    const before = await store.lastSeq();
    await expect(
      store.append('network', id, [envelope(stranger, 1)], { expectedVersion: 0, commitId: randomUUID() }),
    ).rejects.toBeInstanceOf(MalformedCommit);
    await expect(store.append('network', id, [], { expectedVersion: 0, commitId: randomUUID() })).rejects.toBeInstanceOf(MalformedCommit);
    expect(await store.lastSeq()).toBe(before);
  });

  it('answers Unavailable when its connection is closed', async () => {
    const closed = await connectNats('lbt-closed', nats.url);
    const orphan = await JetStreamEventStore.create(closed);
    await closed.close();
    const id = randomUUID();
    await expect(orphan.read('network', id)).rejects.toBeInstanceOf(Unavailable);
    await expect(orphan.append('network', id, [envelope(id, 1)], { expectedVersion: 0, commitId: randomUUID() })).rejects.toBeInstanceOf(
      Unavailable,
    );
  });

  it('rejects a stale expected version even from a second client with its own cache', async () => {
    const id = randomUUID();
    const other = await JetStreamEventStore.create(nc);
    const a = await store.append('network', id, [envelope(id, 1)], { expectedVersion: 0, commitId: randomUUID() });
    await other.append('network', id, [envelope(id, 2)], { expectedVersion: a.seq, commitId: randomUUID() });
    await expect(store.append('network', id, [envelope(id, 3)], { expectedVersion: a.seq, commitId: randomUUID() })).rejects.toBeInstanceOf(
      ConcurrencyConflict,
    );
    expect((await store.read('network', id)).events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
  });

  it('reads and appends as before when its history cache holds less than the histories', async () => {
    const bounded = await JetStreamEventStore.create(nc, { historyCache: { events: 4, subjects: 100 } });
    const other = await JetStreamEventStore.create(nc);
    const numbers = async (id: string) => (await bounded.read('network', id)).events.map((e) => (e.data as { n: number }).n);
    const [kept, pushedOut, long] = [randomUUID(), randomUUID(), randomUUID()];
    let version = (
      await bounded.append('network', kept, [envelope(kept, 1), envelope(kept, 2)], { expectedVersion: 0, commitId: randomUUID() })
    ).seq;
    expect(await numbers(kept)).toEqual([1, 2]);
    // Three more events: holding both would be five, so the older history leaves the cache.
    await bounded.append('network', pushedOut, [envelope(pushedOut, 1), envelope(pushedOut, 2), envelope(pushedOut, 3)], {
      expectedVersion: 0,
      commitId: randomUUID(),
    });
    expect(await numbers(pushedOut)).toEqual([1, 2, 3]);
    version = (await other.append('network', kept, [envelope(kept, 3)], { expectedVersion: version, commitId: randomUUID() })).seq;
    expect(await numbers(kept)).toEqual([1, 2, 3]);
    expect((await bounded.read('network', kept)).version).toBe(version);
    await expect(
      bounded.append('network', kept, [envelope(kept, 9)], { expectedVersion: version - 1, commitId: randomUUID() }),
    ).rejects.toBeInstanceOf(ConcurrencyConflict);
    // A history longer than the whole cache is read from the log every time, and stays exact.
    let longVersion = 0;
    for (let n = 1; n <= 6; n++) {
      longVersion = (await bounded.append('network', long, [envelope(long, n)], { expectedVersion: longVersion, commitId: randomUUID() }))
        .seq;
      expect(await numbers(long)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    expect((await bounded.read('network', long)).version).toBe(longVersion);
  });

  it('stores a commit id once and reports the retry as a duplicate', async () => {
    const id = randomUUID();
    const commitId = randomUUID();
    const events = [envelope(id, 1)];
    const first = await store.append('network', id, events, { expectedVersion: 0, commitId });
    const retry = await store.append('network', id, events, { expectedVersion: 0, commitId });
    expect(retry).toEqual({ seq: first.seq, duplicate: true });
    expect((await store.read('network', id)).events).toHaveLength(1);
  });

  it('keeps every acknowledged event across a server restart', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) {
      let version = 0;
      for (let n = 0; n < 5; n++) {
        version = (await store.append('network', id, [envelope(id, n)], { expectedVersion: version, commitId: randomUUID() })).seq;
      }
    }
    const before = await store.lastSeq();
    await nats.restart();
    const fresh = await JetStreamEventStore.create(nc);
    // The client reconnects by itself; JetStream answers once it has recovered the stream.
    await waitFor('the stream after the restart', async () => (await fresh.lastSeq()) === before, 30_000, 200);
    for (const id of ids) {
      expect((await fresh.read('network', id)).events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('keeps every acknowledged event across a crash of the server (SIGKILL)', async () => {
    const id = randomUUID();
    let version = 0;
    for (let n = 0; n < 10; n++) {
      version = (await store.append('network', id, [envelope(id, n)], { expectedVersion: version, commitId: randomUUID() })).seq;
    }
    await nats.kill();
    await nats.start();
    const fresh = await JetStreamEventStore.create(nc);
    await waitFor('the stream after the crash', async () => (await fresh.lastSeq()) >= version, 30_000, 200);
    const history = await fresh.read('network', id);
    expect(history.version).toBe(version);
    expect(history.events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('answers Unavailable while the server is down, and works again when it is back', async () => {
    const id = randomUUID();
    await nats.kill();
    await expect(store.append('network', id, [envelope(id, 1)], { expectedVersion: 0, commitId: randomUUID() })).rejects.toBeInstanceOf(
      Unavailable,
    );
    await nats.start();
    await waitFor(
      'an append after the server is back',
      async () => {
        await store.append('network', id, [envelope(id, 2)], {
          expectedVersion: (await store.read('network', id)).version,
          commitId: randomUUID(),
        });
        return true;
      },
      30_000,
      200,
    );
    expect((await store.read('network', id)).events.length).toBeGreaterThanOrEqual(1);
  });
});
