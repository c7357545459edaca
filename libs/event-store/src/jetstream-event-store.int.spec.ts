import { ConcurrencyConflict, type EventEnvelope } from '@lbaas/domain';
import { connectNats } from '@lbaas/messaging';
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

  it('rejects a stale expected version even from a second client with its own cache', async () => {
    const id = randomUUID();
    const other = await JetStreamEventStore.create(nc);
    const a = await store.append('network', id, [envelope(id, 1)], { expectedVersion: 0, commitId: randomUUID() });
    await other.append('network', id, [envelope(id, 2)], { expectedVersion: a.seq, commitId: randomUUID() });
    await expect(store.append('network', id, [envelope(id, 3)], { expectedVersion: a.seq, commitId: randomUUID() }))
      .rejects.toBeInstanceOf(ConcurrencyConflict);
    expect((await store.read('network', id)).events.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
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
});
