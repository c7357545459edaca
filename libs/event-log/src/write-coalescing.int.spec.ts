import { ConcurrencyConflict, type EventEnvelope } from '@lbaas/domain';
import { startNatsServer, type NatsServerHandle } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { JetStreamEventStore } from './jetstream-event-store';
import { connectNats } from './nats-connection';
import { coalesceWrites } from './write-coalescing';

const created = (aggregateId: string): EventEnvelope => ({
  id: randomUUID(),
  type: 'NetworkCreated',
  version: 1,
  aggregate: 'network',
  aggregateId,
  tenantId: 't1',
  actor: 'test',
  occurredAt: new Date(0).toISOString(),
  correlationId: 'req-test',
  causationId: null,
  data: {},
});

describe('coalesceWrites on a connection to a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: JetStreamEventStore;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-write-coalescing', nats.url);
    store = await JetStreamEventStore.create(nc);
    await store.ensureStream();
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('finds the internals of the nats.js this project uses', () => {
    expect(coalesceWrites(nc)).toBe(true);
  });

  it('answers requests sent in one turn, each with its own reply', async () => {
    const echo = nc.subscribe('lbt.echo', { callback: (_err, msg) => msg.respond(msg.data) });
    const texts = Array.from({ length: 200 }, (_, i) => `message ${i}`);
    const replies = await Promise.all(texts.map((text) => nc.request('lbt.echo', new TextEncoder().encode(text), { timeout: 5000 })));
    expect(replies.map((reply) => reply.string())).toEqual(texts);
    echo.unsubscribe();
  });

  it('appends and reads back with optimistic concurrency as before', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const appended = await Promise.all(
      ids.map((id) => store.append('network', id, [created(id)], { expectedVersion: 0, commitId: randomUUID() })),
    );
    expect(appended.every((a) => !a.duplicate && a.seq > 0)).toBe(true);
    const histories = await Promise.all(ids.map((id) => store.read('network', id)));
    expect(histories.map((h) => h.version)).toEqual(appended.map((a) => a.seq));
    await expect(store.append('network', ids[0], [created(ids[0])], { expectedVersion: 0, commitId: randomUUID() })).rejects.toBeInstanceOf(
      ConcurrencyConflict,
    );
  });

  it('still flushes on demand', async () => {
    await expect(nc.flush()).resolves.toBeUndefined();
  });
});
