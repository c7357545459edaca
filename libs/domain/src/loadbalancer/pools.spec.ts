import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { LbPoolChanges } from './commands';
import { loadBalancerDecider } from './decider';
import type { LbPoolConfig, LbSessionPersistence } from './model';
import {
  at,
  LB,
  lbCreated,
  listenerCreated,
  poolCreated,
  poolUpdated,
  refusalOf,
  sampleListener,
  samplePool,
  servedHistory,
} from './samples';

const createPool = (pool: LbPoolConfig, listenerId: string | null = null) =>
  ({ type: 'CreateLbPool', data: { loadBalancerId: LB, pool, listenerId, at: at(10) } }) as const;
const updatePool = (changes: LbPoolChanges, poolId = 'pool-1') =>
  ({ type: 'UpdateLbPool', data: { loadBalancerId: LB, poolId, changes, at: at(10) } }) as const;
const deletePool = (poolId: string) => ({ type: 'DeleteLbPool', data: { loadBalancerId: LB, poolId, at: at(10) } }) as const;
const persistence = (type: LbSessionPersistence['type'], change: Partial<LbSessionPersistence> = {}): LbSessionPersistence => ({
  type,
  cookieName: null,
  persistenceTimeout: null,
  persistenceGranularity: null,
  ...change,
});
const withListener = [lbCreated(0), listenerCreated(1, sampleListener('listener-1'))];

describe('CreateLbPool', () => {
  it('creates a pool on the load balancer', () =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createPool(samplePool('p')))
      .then([poolCreated(10, samplePool('p'))]));

  it("creates a listener's default pool", () => {
    given(loadBalancerDecider, withListener)
      .when(createPool(samplePool('p'), 'listener-1'))
      .then([poolCreated(10, samplePool('p'), 'listener-1')]);
    const state = given(loadBalancerDecider, [...withListener, poolCreated(10, samplePool('p'), 'listener-1')]).state;
    expect(state).toMatchObject({
      listeners: [{ id: 'listener-1', defaultPoolId: 'p', provisioningStatus: 'PENDING_CREATE', pendingRevision: 3 }],
    });
  });

  it.each([
    { desc: 'SOURCE_IP persistence', sp: persistence('SOURCE_IP') },
    { desc: 'HTTP_COOKIE persistence', sp: persistence('HTTP_COOKIE') },
    { desc: 'APP_COOKIE persistence with a cookie', sp: persistence('APP_COOKIE', { cookieName: 'JSESSIONID' }) },
  ])('creates a pool with $desc', ({ sp }) =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createPool(samplePool('p', { sessionPersistence: sp })))
      .then([poolCreated(10, samplePool('p', { sessionPersistence: sp }))]),
  );

  it.each(['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'] as const)('creates a pool balancing %s', (lbAlgorithm) =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createPool(samplePool('p', { lbAlgorithm })))
      .then([poolCreated(10, samplePool('p', { lbAlgorithm }))]),
  );

  it.each([
    {
      desc: 'APP_COOKIE without a cookie',
      sp: persistence('APP_COOKIE'),
      message: 'Field "cookie_name" must be specified when using the "APP_COOKIE" session persistence type.',
    },
    { desc: 'APP_COOKIE with an empty cookie', sp: persistence('APP_COOKIE', { cookieName: '' }), message: 'must be specified' },
    {
      desc: 'a cookie name that is no token',
      sp: persistence('APP_COOKIE', { cookieName: 'a b' }),
      message: 'Supplied "cookie_name" is invalid.',
    },
    {
      desc: 'a cookie name with a quote',
      sp: persistence('APP_COOKIE', { cookieName: "a'b" }),
      message: 'Supplied "cookie_name" is invalid.',
    },
    {
      desc: 'a cookie with HTTP_COOKIE',
      sp: persistence('HTTP_COOKIE', { cookieName: 'x' }),
      message: 'can only be specified with session persistence of type "APP_COOKIE"',
    },
    {
      desc: 'a persistence timeout',
      sp: persistence('SOURCE_IP', { persistenceTimeout: 60 }),
      message: 'is only for UDP and SCTP protocol pools',
    },
    {
      desc: 'a persistence granularity',
      sp: persistence('SOURCE_IP', { persistenceGranularity: '255.255.255.0' }),
      message: 'is only for UDP and SCTP',
    },
  ])('refuses $desc', ({ sp, message }) =>
    expect(refusalOf([lbCreated(0)], createPool(samplePool('p', { sessionPersistence: sp })))).toMatchObject({
      kind: 'invalid',
      neutronType: 'ValidationException',
      message: expect.stringContaining(message),
    }),
  );

  it.each([
    { desc: 'a UDP pool', change: { protocol: 'UDP' as const }, limit: "UDP needs IPVS, which this provider's nodes do not have" },
    { desc: 'an SCTP pool', change: { protocol: 'SCTP' as const }, limit: 'SCTP needs IPVS' },
    { desc: 'SOURCE_IP_PORT', change: { lbAlgorithm: 'SOURCE_IP_PORT' as const }, limit: 'SOURCE_IP_PORT' },
  ])("refuses $desc as a limit of the provider 'lbaas'", ({ change, limit }) =>
    expect(refusalOf([lbCreated(0)], createPool(samplePool('p', change)))).toMatchObject({
      neutronType: 'ProviderUnsupportedOptionError',
      message: expect.stringContaining(`Provider 'lbaas' does not support a requested option: ${limit}`),
    }),
  );

  it.each([
    { desc: 'a long name', change: { name: 'n'.repeat(256) } },
    { desc: 'a long description', change: { description: 'd'.repeat(256) } },
    { desc: 'a long tag', change: { tags: ['t'.repeat(256)] } },
  ])('refuses $desc', ({ change }) =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(createPool(samplePool('p', change)))
      .thenThrows(ValidationError, 'InvalidInput'),
  );

  it('refuses a default pool for a listener that has one', () =>
    expect(refusalOf(servedHistory(), createPool(samplePool('p'), 'listener-1'))).toMatchObject({
      kind: 'conflict',
      neutronType: 'DuplicatePoolEntry',
      message: 'This listener already has a default pool',
    }));

  it('refuses a default pool the listener cannot send to', () =>
    given(loadBalancerDecider, withListener)
      .when(createPool(samplePool('p', { protocol: 'HTTPS' }), 'listener-1'))
      .thenThrows(ValidationError, 'ValidationException'));

  it('answers 404 for a listener the load balancer does not have', () =>
    given(loadBalancerDecider, withListener)
      .when(createPool(samplePool('p'), 'listener-x'))
      .thenThrows(NotFound, 'ListenerNotFound'));

  it('refuses an id the load balancer already has', () =>
    given(loadBalancerDecider, servedHistory())
      .when(createPool(samplePool('pool-1')))
      .thenThrows(Conflict, 'IDAlreadyExists'));

  it('answers 404 when the load balancer is absent', () =>
    given(loadBalancerDecider)
      .when(createPool(samplePool('p')))
      .thenThrows(NotFound, 'LoadBalancerNotFound'));
});

describe('UpdateLbPool', () => {
  it.each([
    { desc: 'the algorithm', changes: { lbAlgorithm: 'LEAST_CONNECTIONS' as const } },
    { desc: 'the persistence', changes: { sessionPersistence: persistence('APP_COOKIE', { cookieName: 'sid' }) } },
    { desc: 'the admin state', changes: { adminStateUp: false } },
    { desc: 'the name and tags', changes: { name: 'backends', tags: ['blue'] } },
  ])('carries the whole configuration when changing $desc', ({ changes }) =>
    given(loadBalancerDecider, servedHistory())
      .when(updatePool(changes))
      .then([poolUpdated(10, samplePool('pool-1', changes))]),
  );

  it('takes the persistence away with null', () =>
    given(loadBalancerDecider, [lbCreated(0), poolCreated(1, samplePool('pool-1', { sessionPersistence: persistence('SOURCE_IP') }))])
      .when(updatePool({ sessionPersistence: null }))
      .then([poolUpdated(10, samplePool('pool-1'))]));

  it('keeps the protocol whatever the command carries', () =>
    given(loadBalancerDecider, servedHistory())
      .when(updatePool({ protocol: 'TCP' } as LbPoolChanges))
      .then([]));

  it('appends nothing when nothing changes', () =>
    given(loadBalancerDecider, servedHistory())
      .when(updatePool({ lbAlgorithm: 'ROUND_ROBIN' }))
      .then([]));

  it('refuses SOURCE_IP_PORT', () =>
    given(loadBalancerDecider, servedHistory())
      .when(updatePool({ lbAlgorithm: 'SOURCE_IP_PORT' }))
      .thenThrows(ValidationError, 'ProviderUnsupportedOptionError'));

  it('answers 404 for a pool the load balancer does not have', () =>
    expect(refusalOf(servedHistory(), updatePool({ name: 'x' }, 'pool-x'))).toMatchObject({
      neutronType: 'PoolNotFound',
      message: 'Pool pool-x not found.',
    }));
});

describe('DeleteLbPool', () => {
  it('deletes a pool no listener sends to, with its members and monitor', () => {
    const history = [
      ...servedHistory(),
      { type: 'ListenerDeleted', version: 1, data: { loadBalancerId: LB, listenerId: 'listener-1', at: at(7) } } as const,
    ];
    given(loadBalancerDecider, history)
      .when(deletePool('pool-1'))
      .then([{ type: 'LbPoolDeleted', version: 1, data: { loadBalancerId: LB, poolId: 'pool-1', at: at(10) } }]);
    const rows = loadBalancerDecider.views(
      given(loadBalancerDecider, [
        ...history,
        { type: 'LbPoolDeleted', version: 1, data: { loadBalancerId: LB, poolId: 'pool-1', at: at(10) } },
      ]).state,
    );
    expect([rows.octavia_pools, rows.octavia_members, rows.octavia_healthmonitors]).toEqual([[], [], []]);
  });

  it("refuses to delete a listener's default pool", () =>
    expect(refusalOf(servedHistory(), deletePool('pool-1'))).toMatchObject({
      kind: 'conflict',
      neutronType: 'PoolInUse',
      message: expect.stringContaining('Pool pool-1 is in use by Listener listener-1'),
    }));

  it('answers 404 for a pool the load balancer does not have', () =>
    given(loadBalancerDecider, servedHistory()).when(deletePool('pool-x')).thenThrows(NotFound, 'PoolNotFound'));
});
