import { NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { CreateLoadBalancer, LbPoolTree } from './commands';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import {
  at,
  LB,
  lbCreated,
  lbUpdated,
  listenerCreated,
  memberCreated,
  monitorCreated,
  poolCreated,
  refusalOf,
  sampleListener,
  sampleLoadBalancer,
  sampleMember,
  sampleMonitor,
  samplePool,
  servedHistory,
} from './samples';

const create = (change: Partial<CreateLoadBalancer['data']> = {}): CreateLoadBalancer => ({
  type: 'CreateLoadBalancer',
  data: { loadBalancer: sampleLoadBalancer(), listeners: [], pools: [], at: at(0), ...change },
});
const tree = (pool: string, change: Partial<LbPoolTree> = {}): LbPoolTree => ({
  pool: samplePool(pool),
  listenerId: null,
  members: [],
  monitor: null,
  ...change,
});
const deleted: LoadBalancerEvent = { type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: LB, cascade: false, at: at(9) } };
const fold = (events: readonly LoadBalancerEvent[]) => given(loadBalancerDecider, events).state;

describe('CreateLoadBalancer', () => {
  it('creates a bare load balancer', () =>
    given(loadBalancerDecider)
      .when(create())
      .then([lbCreated(0)]));

  it('keeps a repeated tag once', () =>
    given(loadBalancerDecider)
      .when(create({ loadBalancer: sampleLoadBalancer({ tags: ['a', 'b', 'a'] }) }))
      .then([lbCreated(0, sampleLoadBalancer({ tags: ['a', 'b'] }))]));

  it('leaves out what the command carries beyond the configuration', () =>
    given(loadBalancerDecider)
      .when(create({ loadBalancer: { ...sampleLoadBalancer(), extra: 'field' } as ReturnType<typeof sampleLoadBalancer> }))
      .then([lbCreated(0)]));

  it.each([
    { desc: 'a live load balancer', history: [lbCreated(0)] },
    { desc: 'a deleted one (ids are never reused)', history: [lbCreated(0), deleted] },
  ])('refuses to create $desc again', ({ history }) =>
    expect(refusalOf(history, create())).toMatchObject({
      kind: 'conflict',
      neutronType: 'IDAlreadyExists',
      message: 'Already an entity with that specified id.',
    }),
  );

  it.each([
    {
      desc: 'another provider',
      change: { provider: 'amphora' },
      type: 'ValidationException',
      message: "Validation failure: Provider 'amphora' is not enabled.",
    },
    {
      desc: 'a name over 255 characters',
      change: { name: 'n'.repeat(256) },
      type: 'InvalidInput',
      message: 'maximum character requirement of 255',
    },
    {
      desc: 'a description over 255 characters',
      change: { description: 'd'.repeat(256) },
      type: 'InvalidInput',
      message: 'field/attribute description',
    },
    { desc: 'an empty tag', change: { tags: [''] }, type: 'InvalidInput', message: 'A tag is a non-empty string' },
    { desc: 'a tag over 255 characters', change: { tags: ['t'.repeat(256)] }, type: 'InvalidInput', message: 'field/attribute tags' },
    { desc: '51 tags', change: { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, type: 'InvalidInput', message: 'at most 50 tags' },
    {
      desc: 'an IPv6 VIP',
      change: { vip: { ...sampleLoadBalancer().vip, address: 'fd00::10' } },
      type: 'ProviderUnsupportedOptionError',
      message: "Provider 'lbaas' does not support a requested option: IPv6 addresses (vip_address)",
    },
    {
      desc: 'a VIP that is no address',
      change: { vip: { ...sampleLoadBalancer().vip, address: '198.18.1' } },
      type: 'InvalidInput',
      message: 'vip_address',
    },
  ])('refuses $desc with a 400', ({ change, type, message }) => {
    const error = refusalOf([], create({ loadBalancer: sampleLoadBalancer(change) }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.neutronType).toBe(type);
    expect(error.message).toContain(message);
  });

  it('accepts 50 tags, a 255-character name and the VIP QoS policy, flavor and zone as given', () => {
    const loadBalancer = sampleLoadBalancer({
      name: 'n'.repeat(255),
      tags: Array.from({ length: 50 }, (_, i) => `t${i}`),
      vip: { ...sampleLoadBalancer().vip, qosPolicyId: 'qos-1' },
      flavorId: 'flavor-1',
      availabilityZone: 'zone-1',
    });
    given(loadBalancerDecider)
      .when(create({ loadBalancer }))
      .then([lbCreated(0, loadBalancer)]);
  });
});

describe('CreateLoadBalancer, single-call', () => {
  const fullyPopulated = create({
    listeners: [
      sampleListener('listener-http', 80, { defaultPoolId: 'pool-web' }),
      sampleListener('listener-tcp', 8080, { protocol: 'TCP', insertHeaders: {} }),
    ],
    pools: [
      tree('pool-web', {
        members: [sampleMember('member-1', '198.18.2.10'), sampleMember('member-2', '198.18.2.11')],
        monitor: sampleMonitor('hm-web', { httpMethod: null, urlPath: null, expectedCodes: null }),
      }),
      tree('pool-tcp', {
        pool: samplePool('pool-tcp', { protocol: 'TCP' }),
        listenerId: 'listener-tcp',
        members: [sampleMember('member-3', '198.18.2.12')],
      }),
    ],
  });

  it('appends the load balancer, its listeners, pools, members and monitors in one commit', () =>
    given(loadBalancerDecider)
      .when(fullyPopulated)
      .then([
        lbCreated(0),
        listenerCreated(0, sampleListener('listener-http', 80, { defaultPoolId: 'pool-web' })),
        listenerCreated(0, sampleListener('listener-tcp', 8080, { protocol: 'TCP' })),
        poolCreated(0, samplePool('pool-web')),
        poolCreated(0, samplePool('pool-tcp', { protocol: 'TCP' }), 'listener-tcp'),
        memberCreated(0, 'pool-web', sampleMember('member-1', '198.18.2.10')),
        memberCreated(0, 'pool-web', sampleMember('member-2', '198.18.2.11')),
        memberCreated(0, 'pool-tcp', sampleMember('member-3', '198.18.2.12')),
        monitorCreated(0, 'pool-web', sampleMonitor('hm-web')),
      ]));

  it('folds into one tree, every object pending creation at the last revision of the commit', () => {
    const state = fold(loadBalancerDecider.decide(fullyPopulated, loadBalancerDecider.initialState));
    if (state.kind !== 'live') throw new Error('not live');
    expect(state.revision).toBe(9);
    expect(state.listeners.map((l) => [l.id, l.defaultPoolId, l.provisioningStatus])).toEqual([
      ['listener-http', 'pool-web', 'PENDING_CREATE'],
      ['listener-tcp', 'pool-tcp', 'PENDING_CREATE'],
    ]);
    expect(state.pools.map((p) => [p.id, p.members.length, p.monitor?.id ?? null])).toEqual([
      ['pool-web', 2, 'hm-web'],
      ['pool-tcp', 1, null],
    ]);
    expect(state.provisioningStatus).toBe('PENDING_CREATE');
  });

  it('takes a pool that is the default of its listener both ways', () =>
    given(loadBalancerDecider)
      .when(create({ listeners: [sampleListener('l', 80, { defaultPoolId: 'p' })], pools: [tree('p', { listenerId: 'l' })] }))
      .then([lbCreated(0), listenerCreated(0, sampleListener('l', 80, { defaultPoolId: 'p' })), poolCreated(0, samplePool('p'), 'l')]));

  it.each([
    {
      desc: 'a default pool that is in neither the load balancer nor the request',
      change: { listeners: [sampleListener('l', 80, { defaultPoolId: 'nowhere' })] },
      expected: { kind: 'not-found', neutronType: 'PoolNotFound', message: 'Pool nowhere not found.' },
    },
    {
      desc: 'a default pool of a protocol the listener cannot send to',
      change: {
        listeners: [sampleListener('l', 80, { defaultPoolId: 'p' })],
        pools: [tree('p', { pool: samplePool('p', { protocol: 'TCP' }) })],
      },
      expected: {
        kind: 'invalid',
        message: "Validation failure: The pool protocol 'TCP' is invalid while the listener protocol is 'HTTP'.",
      },
    },
    {
      desc: 'two listeners on one port',
      change: { listeners: [sampleListener('l1', 80), sampleListener('l2', 80, { protocol: 'TCP' })] },
      expected: { kind: 'conflict', message: 'Another Listener on this Load Balancer is already using protocol HTTP and protocol_port 80' },
    },
    {
      desc: 'a pool for a listener whose default pool is another',
      change: { listeners: [sampleListener('l', 80, { defaultPoolId: 'p1' })], pools: [tree('p1'), tree('p2', { listenerId: 'l' })] },
      expected: { kind: 'conflict', neutronType: 'DuplicatePoolEntry', message: 'This listener already has a default pool' },
    },
    {
      desc: 'one member twice in a pool',
      change: { pools: [tree('p', { members: [sampleMember('m1', '198.18.2.10'), sampleMember('m2', '198.18.2.10')] })] },
      expected: { kind: 'conflict', neutronType: 'DuplicateMemberEntry' },
    },
    {
      desc: 'a monitor whose timeout exceeds its delay',
      change: { pools: [tree('p', { monitor: sampleMonitor('hm', { delay: 2, timeout: 3 }) })] },
      expected: { kind: 'invalid', neutronType: 'ValidationException' },
    },
    {
      desc: 'a UDP listener',
      change: { listeners: [sampleListener('l', 53, { protocol: 'UDP' })] },
      expected: { kind: 'invalid', neutronType: 'ProviderUnsupportedOptionError' },
    },
  ])('refuses the whole request for $desc', ({ change, expected }) => expect(refusalOf([], create(change))).toMatchObject(expected));
});

describe('UpdateLoadBalancer', () => {
  const update = (changes: Record<string, unknown>) =>
    ({ type: 'UpdateLoadBalancer', data: { loadBalancerId: LB, changes, at: at(10) } }) as const;

  it.each([
    { desc: 'the name', changes: { name: 'renamed' }, config: sampleLoadBalancer({ name: 'renamed' }) },
    { desc: 'the description', changes: { description: 'front' }, config: sampleLoadBalancer({ description: 'front' }) },
    { desc: 'the admin state', changes: { adminStateUp: false }, config: sampleLoadBalancer({ adminStateUp: false }) },
    { desc: 'the tags', changes: { tags: ['x', 'x', 'y'] }, config: sampleLoadBalancer({ tags: ['x', 'y'] }) },
    {
      desc: 'the VIP QoS policy',
      changes: { vipQosPolicyId: 'qos-2' },
      config: sampleLoadBalancer({ vip: { ...sampleLoadBalancer().vip, qosPolicyId: 'qos-2' } }),
    },
  ])('carries the whole configuration when changing $desc', ({ changes, config }) =>
    given(loadBalancerDecider, servedHistory())
      .when(update(changes))
      .then([lbUpdated(10, config)]),
  );

  it('appends nothing when nothing changes', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ name: 'web' }))
      .then([]));

  it('tries again when nothing changes but the load balancer is in ERROR', () =>
    given(loadBalancerDecider, [
      ...servedHistory(),
      { type: 'LoadBalancerErrored', version: 1, data: { loadBalancerId: LB, reason: 'node lost', at: at(7) } },
    ])
      .when(update({}))
      .then([lbUpdated(10, sampleLoadBalancer())]));

  it('refuses a name over 255 characters', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ name: 'n'.repeat(256) }))
      .thenThrows(ValidationError, 'InvalidInput'));

  it.each([
    { desc: 'an absent load balancer', history: [] },
    { desc: 'a deleted one', history: [lbCreated(0), deleted] },
  ])('answers 404 for $desc', ({ history }) =>
    expect(refusalOf(history, update({ name: 'x' }))).toMatchObject({
      kind: 'not-found',
      neutronType: 'LoadBalancerNotFound',
      message: 'Load Balancer lb-1 not found.',
    }),
  );
});

describe('DeleteLoadBalancer', () => {
  const remove = (cascade: boolean) => ({ type: 'DeleteLoadBalancer', data: { loadBalancerId: LB, cascade, at: at(9) } }) as const;

  it('deletes a load balancer without children', () =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(remove(false))
      .then([deleted]));

  it('deletes one with children when cascading', () =>
    given(loadBalancerDecider, servedHistory())
      .when(remove(true))
      .then([{ type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: LB, cascade: true, at: at(9) } }]));

  it.each([
    { desc: 'a listener', history: [lbCreated(0), listenerCreated(1, sampleListener('l'))] },
    { desc: 'a pool', history: [lbCreated(0), poolCreated(1, samplePool('p'))] },
  ])('refuses to delete one with $desc without cascade, in Octavia words', ({ history }) =>
    expect(refusalOf(history, remove(false))).toMatchObject({
      kind: 'invalid',
      message: 'Validation failure: Cannot delete Load Balancer lb-1 - it has children',
    }),
  );

  it('answers 404 once deleted', () =>
    given(loadBalancerDecider, [lbCreated(0), deleted])
      .when(remove(true))
      .thenThrows(NotFound, 'LoadBalancerNotFound'));

  it('shows a deleted load balancer as no rows at all', () =>
    expect(loadBalancerDecider.views(fold([...servedHistory(), deleted]))).toEqual({}));
});

describe('RequestLoadBalancerFailover', () => {
  const failover = { type: 'RequestLoadBalancerFailover', data: { loadBalancerId: LB, at: at(20) } } as const;
  const requested: LoadBalancerEvent = { type: 'LoadBalancerFailoverRequested', version: 1, data: { loadBalancerId: LB, at: at(20) } };

  it('asks the data plane to move the active placement', () =>
    given(loadBalancerDecider, servedHistory()).when(failover).then([requested]));

  it('accepts it while a change is pending', () =>
    given(loadBalancerDecider, [lbCreated(0)])
      .when(failover)
      .then([requested]));

  it('refuses it while the deleted load balancer is going, as Octavia does in PENDING_DELETE', () =>
    expect(refusalOf([lbCreated(0), deleted], failover)).toMatchObject({
      kind: 'conflict',
      neutronType: 'LBPendingStateError',
      message: 'Invalid state PENDING_DELETE of loadbalancer resource lb-1',
    }));

  it('answers 404 for an absent load balancer', () =>
    given(loadBalancerDecider).when(failover).thenThrows(NotFound, 'LoadBalancerNotFound'));

  it('raises the revision and puts the load balancer PENDING_UPDATE', () => {
    const state = fold([...servedHistory(), requested]);
    expect(state).toMatchObject({ revision: 7, pendingRevision: 7, provisioningStatus: 'PENDING_UPDATE' });
  });
});
