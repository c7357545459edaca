import { ConcurrencyConflict, type EventEnvelope } from '@lbaas/domain';
import { InMemoryEventStore } from './in-memory-event-store';
import { RequestHistories } from './request-histories';

const POOL = '00000000-0000-4000-8000-000000000001';

const event = (type: string, n: number): EventEnvelope => ({
  id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  type,
  version: 1,
  aggregate: 'pool',
  aggregateId: POOL,
  tenantId: 'demo',
  actor: 'demo',
  occurredAt: '2026-01-02T03:04:05.678Z',
  correlationId: 'req-1',
  causationId: null,
  data: { poolId: POOL },
});

/** The log, with every read that reaches it counted. */
function log(): { store: InMemoryEventStore; reads: () => number } {
  const store = new InMemoryEventStore();
  let reads = 0;
  const read = store.read.bind(store);
  store.read = async (aggregate, id) => {
    reads++;
    return read(aggregate, id);
  };
  return { store, reads: () => reads };
}

describe('RequestHistories: the log as one request sees it', () => {
  it('reads an aggregate from the log once, then answers from what it read', async () => {
    const { store, reads } = log();
    store.appendAsAnotherWriter('pool', POOL, [event('PoolCreated', 1)], 'c1');
    const histories = new RequestHistories(store);
    const first = await histories.read('pool', POOL);
    expect(await histories.read('pool', POOL)).toBe(first);
    expect(first).toEqual({ events: [expect.objectContaining({ type: 'PoolCreated' })], version: 1 });
    expect(reads()).toBe(1);
  });

  it('knows a stream it created is empty without reading it', async () => {
    const { store, reads } = log();
    const histories = new RequestHistories(store);
    histories.created('pool', POOL);
    expect(await histories.read('pool', POOL)).toEqual({ events: [], version: 0 });
    expect(reads()).toBe(0);
  });

  it('extends what it read with its own appends, at the sequence the log gave them', async () => {
    const { store, reads } = log();
    const histories = new RequestHistories(store);
    histories.created('pool', POOL);
    const { seq } = await histories.append('pool', POOL, [event('PoolCreated', 1)], { expectedVersion: 0, commitId: 'c1' });
    const after = await histories.read('pool', POOL);
    expect(after.version).toBe(seq);
    expect(after.events.map((e) => e.type)).toEqual(['PoolCreated']);
    expect(reads()).toBe(0);
  });

  it('forgets an aggregate whose append lost a race, so the retry reads the log', async () => {
    const { store, reads } = log();
    const histories = new RequestHistories(store);
    histories.created('pool', POOL);
    store.appendAsAnotherWriter('pool', POOL, [event('PoolCreated', 1)], 'theirs');
    await expect(
      histories.append('pool', POOL, [event('PoolCreated', 2)], { expectedVersion: 0, commitId: 'mine' }),
    ).rejects.toBeInstanceOf(ConcurrencyConflict);
    const fresh = await histories.read('pool', POOL);
    expect(reads()).toBe(1);
    expect(fresh.events.map((e) => e.id)).toEqual([event('PoolCreated', 1).id]);
  });

  it('forgets an aggregate whose append the log recognised as a duplicate: the first copy is what counts', async () => {
    const { store, reads } = log();
    const histories = new RequestHistories(store);
    await histories.append('pool', POOL, [event('PoolCreated', 1)], { expectedVersion: 0, commitId: 'c1' });
    await histories.read('pool', POOL);
    const before = reads();
    const again = await histories.append('pool', POOL, [event('PoolCreated', 1)], { expectedVersion: 1, commitId: 'c1' });
    expect(again.duplicate).toBe(true);
    await histories.read('pool', POOL);
    expect(reads()).toBe(before + 1);
  });

  it('does not extend a history it did not decide on: an append at another version is not guessed at', async () => {
    const { store, reads } = log();
    store.appendAsAnotherWriter('pool', POOL, [event('PoolCreated', 1)], 'c1');
    const histories = new RequestHistories(store);
    await histories.append('pool', POOL, [event('PoolUpdated', 2)], { expectedVersion: 1, commitId: 'c2' });
    const after = await histories.read('pool', POOL);
    expect(reads()).toBe(1);
    expect(after.events.map((e) => e.type)).toEqual(['PoolCreated', 'PoolUpdated']);
  });
});
