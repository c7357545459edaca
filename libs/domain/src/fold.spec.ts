import type { EventEnvelope } from './envelope';
import { fold, upcastTo } from './fold';
import { poolDecider } from './pool/decider';
import type { PoolEvent } from './pool/events';

const stored = (event: { type: string; version: number; data: unknown }, seq: number): EventEnvelope => ({
  id: `event-${seq}`,
  aggregate: 'pool',
  aggregateId: 'pool-1',
  tenantId: 'tenant-a',
  actor: 'test',
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: 'corr',
  causationId: null,
  ...event,
});

const created: PoolEvent = {
  type: 'PoolCreated',
  version: 1,
  data: {
    poolId: 'pool-1',
    tenantId: 'tenant-a',
    name: 'web',
    description: '',
    subnetId: 'sub',
    protocol: 'HTTP',
    lbMethod: 'ROUND_ROBIN',
    adminStateUp: true,
    provider: 'haproxy',
  },
};
const renamed: PoolEvent = {
  type: 'PoolUpdated',
  version: 1,
  data: { poolId: 'pool-1', name: 'web2', description: 'd', lbMethod: 'LEAST_CONNECTIONS', adminStateUp: true },
};

describe('fold', () => {
  it('folds stored events as evolve folds the events they carry', () => {
    const direct = [created, renamed].reduce(poolDecider.evolve, poolDecider.initialState);
    expect(fold(poolDecider, [stored(created, 1), stored(renamed, 2)])).toEqual(direct);
  });

  it('continues from a given state', () => {
    const afterCreate = fold(poolDecider, [stored(created, 1)]);
    expect(fold(poolDecider, [stored(renamed, 2)], afterCreate)).toEqual(fold(poolDecider, [stored(created, 1), stored(renamed, 2)]));
  });

  it.each([
    { desc: 'a type no aggregate has', event: { type: 'PoolRenamedInTheFuture', version: 1, data: {} } },
    { desc: 'a version of a known type this build does not know', event: { ...renamed, version: 2 } },
    { desc: "another aggregate's type", event: { type: 'VipDeleted', version: 1, data: { vipId: 'pool-1' } } },
  ])('leaves out $desc', ({ event }) => {
    const state = fold(poolDecider, [stored(created, 1)]);
    expect(fold(poolDecider, [stored(event, 2)], state)).toBe(state);
  });
});

describe('upcastTo', () => {
  it("types a stored event as one of the aggregate's, envelope and payload", () => {
    const event = upcastTo('pool', stored(renamed, 2));
    // Narrowing on `type` reaches the payload without a cast.
    expect(event?.type === 'PoolUpdated' ? [event.data.name, event.aggregateId] : null).toEqual(['web2', 'pool-1']);
  });

  it('is null for an event of another aggregate', () => {
    expect(upcastTo('vip', stored(created, 1))).toBeNull();
  });
});
