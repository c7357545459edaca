import { AGGREGATES, type AggregateType, type EventEnvelope, EVENT_TYPES } from '@lbaas/domain';
import { AggregateStates } from './aggregate-states';

const POOL = '10000000-0000-4000-8000-000000000001';
const MEMBER = '20000000-0000-4000-8000-000000000002';
const LB = '30000000-0000-4000-8000-000000000003';

let n = 0;
const envelope = (aggregate: AggregateType, aggregateId: string, type: string, data: object, version = 1): EventEnvelope => ({
  id: `event-${++n}`,
  type,
  version,
  aggregate,
  aggregateId,
  tenantId: 'tenant-a',
  actor: 'test',
  occurredAt: '2026-01-15T09:30:00.000Z',
  correlationId: 'req-1',
  causationId: null,
  data,
});

const poolCreated = envelope('pool', POOL, 'PoolCreated', {
  poolId: POOL,
  tenantId: 'tenant-a',
  name: 'web',
  description: '',
  subnetId: '40000000-0000-4000-8000-000000000004',
  protocol: 'HTTP',
  lbMethod: 'ROUND_ROBIN',
  adminStateUp: true,
  provider: 'haproxy',
});
const memberAdded = envelope('pool', POOL, 'MemberAdded', {
  poolId: POOL,
  memberId: MEMBER,
  tenantId: 'tenant-a',
  address: '198.18.2.11',
  protocolPort: 80,
  weight: 1,
  adminStateUp: true,
});
const poolDeleted = envelope('pool', POOL, 'PoolDeleted', { poolId: POOL });
const statusChanged = envelope('pool', POOL, 'PoolStatusChanged', { poolId: POOL, status: 'ACTIVE', statusDescription: null });

const kindOf = (state: unknown) => (state as { kind?: string } | undefined)?.kind;

describe('AggregateStates', () => {
  it('holds a live aggregate and lets it go when it is deleted', () => {
    const states = new AggregateStates();
    states.fold(poolCreated);
    expect(kindOf(states.fold(memberAdded).next)).toBe('live');
    expect(states.size).toBe(1);
    const { before, next } = states.fold(poolDeleted);
    expect([kindOf(before), kindOf(next)]).toEqual(['live', 'deleted']);
    expect(states.get('pool', POOL)).toBeUndefined();
    expect(states.size).toBe(0);
  });

  it('does not bring a deleted aggregate back for an event that follows its deletion, or for its deletion again', () => {
    const states = new AggregateStates();
    for (const event of [poolCreated, poolDeleted, statusChanged, memberAdded, poolDeleted]) states.fold(event);
    expect(states.get('pool', POOL)).toBeUndefined();
    expect(states.size).toBe(0);
  });

  it('converges when an event is folded twice', () => {
    const once = new AggregateStates();
    const twice = new AggregateStates();
    for (const event of [poolCreated, memberAdded, statusChanged]) {
      once.fold(event);
      twice.fold(event);
      twice.fold(event);
    }
    expect(twice.get('pool', POOL)).toEqual(once.get('pool', POOL));
  });

  it('holds nothing for an event of an aggregate it never saw created', () => {
    const states = new AggregateStates();
    states.fold(envelope('loadbalancer', LB, 'LoadBalancerDeleted', { loadBalancerId: LB }));
    states.fold(statusChanged);
    expect(states.size).toBe(0);
  });

  /**
   * Why dropping a deleted aggregate is safe: folded from nothing instead of from its deleted
   * state, no event but a creation (which never follows a deletion: ids are not reused) makes it
   * live. Nodes and quotas are never deleted, so they have no tombstone to drop.
   */
  const deletable = (Object.keys(AGGREGATES) as AggregateType[]).filter(
    (aggregate) =>
      kindOf(AGGREGATES[aggregate].initialState) === 'absent' &&
      EVENT_TYPES.some((e) => e.aggregate === aggregate && e.type.endsWith('Deleted')),
  );

  it('knows the aggregates that are deleted', () => {
    expect(deletable).toEqual(
      expect.arrayContaining(['pool', 'vip', 'healthmonitor', 'subnet', 'certificate', 'serviceinstance', 'loadbalancer']),
    );
  });

  describe.each(deletable)('every event of %s but its creation', (aggregate) => {
    const types = EVENT_TYPES.filter((e) => e.aggregate === aggregate && !e.type.endsWith('Created'));
    it.each(types.map((e) => [e.type, e.version] as const))('%s leaves a state that is not live not live', (type, version) => {
      const states = new AggregateStates();
      const { next } = states.fold(envelope(aggregate, 'any-id', type, {}, version));
      expect(kindOf(next)).not.toBe('live');
      expect(states.size).toBe(0);
    });
  });
});
