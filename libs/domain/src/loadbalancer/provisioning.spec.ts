import { given } from '../testing/given-when-then';
import { loadBalancerDecider } from './decider';
import type { LoadBalancerEvent } from './events';
import type { MemberHealth } from './model';
import {
  applied,
  at,
  errored,
  healthChanged,
  LB,
  lbCreated,
  listenerCreated,
  listenerUpdated,
  memberDeleted,
  memberUpdated,
  poolCreated,
  sampleListener,
  sampleMember,
  samplePool,
  servedHistory,
} from './samples';
import type { LiveLoadBalancer } from './state';

const fold = (events: readonly LoadBalancerEvent[]): LiveLoadBalancer => {
  const state = given(loadBalancerDecider, events).state;
  if (state.kind !== 'live') throw new Error(`not live: ${state.kind}`);
  return state;
};
/** Every object's provisioning as [id, status, pendingRevision], the load balancer first. */
const provisioning = (events: readonly LoadBalancerEvent[]) => {
  const lb = fold(events);
  return [
    [lb.id, lb.provisioningStatus, lb.pendingRevision],
    ...lb.listeners.map((l) => [l.id, l.provisioningStatus, l.pendingRevision]),
    ...lb.pools.flatMap((p) => [
      [p.id, p.provisioningStatus, p.pendingRevision],
      ...p.members.map((m) => [m.id, m.provisioningStatus, m.pendingRevision]),
      ...(p.monitor ? [[p.monitor.id, p.monitor.provisioningStatus, p.monitor.pendingRevision]] : []),
    ]),
  ];
};
const ALL_ACTIVE = [
  [LB, 'ACTIVE', null],
  ['listener-1', 'ACTIVE', null],
  ['pool-1', 'ACTIVE', null],
  ['member-1', 'ACTIVE', null],
  ['member-2', 'ACTIVE', null],
  ['hm-1', 'ACTIVE', null],
];
const served = servedHistory();
const listener = sampleListener('listener-1', 80, { defaultPoolId: 'pool-1' });
const m1 = sampleMember('member-1', '198.18.2.10');

describe('revision and provisioning', () => {
  it('starts at revision 1, the load balancer PENDING_CREATE', () =>
    expect(fold([lbCreated(0)])).toMatchObject({
      revision: 1,
      pendingRevision: 1,
      provisioningStatus: 'PENDING_CREATE',
      createdAt: at(0),
      updatedAt: null,
    }));

  it('raises the revision with every change; everything is ACTIVE once the data plane serves the last', () => {
    expect(fold(served).revision).toBe(6);
    expect(provisioning(served)).toEqual(ALL_ACTIVE);
  });

  it('puts a new child PENDING_CREATE and the served load balancer PENDING_UPDATE at the new revision', () =>
    expect(provisioning([...served, listenerCreated(7, sampleListener('listener-2', 81))])).toEqual([
      [LB, 'PENDING_UPDATE', 7],
      ['listener-1', 'ACTIVE', null],
      ['listener-2', 'PENDING_CREATE', 7],
      ...ALL_ACTIVE.slice(2),
    ]));

  it('puts a changed child PENDING_UPDATE, and leaves one never served PENDING_CREATE', () => {
    expect(provisioning([...served, memberUpdated(7, 'pool-1', { ...m1, weight: 4 })])[3]).toEqual(['member-1', 'PENDING_UPDATE', 7]);
    const history = [lbCreated(0), listenerCreated(1, sampleListener('l')), listenerUpdated(2, sampleListener('l', 80, { name: 'x' }))];
    expect(provisioning(history)).toEqual([
      [LB, 'PENDING_CREATE', 3],
      ['l', 'PENDING_CREATE', 3],
    ]);
  });

  it('puts the load balancer PENDING_UPDATE when a child goes', () =>
    expect(provisioning([...served, memberDeleted(7, 'pool-1', 'member-2')])).toEqual([
      [LB, 'PENDING_UPDATE', 7],
      ['listener-1', 'ACTIVE', null],
      ['pool-1', 'ACTIVE', null],
      ['member-1', 'ACTIVE', null],
      ['hm-1', 'ACTIVE', null],
    ]));

  it('marks the listener that a new pool becomes the default of as changed', () =>
    expect(
      provisioning([lbCreated(0), listenerCreated(1, sampleListener('l')), applied(2, 2), poolCreated(3, samplePool('p'), 'l')]),
    ).toEqual([
      [LB, 'PENDING_UPDATE', 3],
      ['l', 'PENDING_UPDATE', 3],
      ['p', 'PENDING_CREATE', 3],
    ]));

  it('ends PENDING only up to the revision the data plane serves', () => {
    const history = [
      ...served,
      memberUpdated(7, 'pool-1', { ...m1, weight: 4 }),
      listenerUpdated(8, { ...listener, name: 'x' }),
      applied(9, 7),
    ];
    expect(provisioning(history)).toEqual([
      [LB, 'PENDING_UPDATE', 8],
      ['listener-1', 'PENDING_UPDATE', 8],
      ['pool-1', 'ACTIVE', null],
      ['member-1', 'ACTIVE', null],
      ...ALL_ACTIVE.slice(4),
    ]);
    expect(fold(history).updatedAt).toBe(at(8));
  });

  it('puts the load balancer and what is pending in ERROR with the reason, and leaves what was served', () => {
    const history = [...served, memberUpdated(7, 'pool-1', { ...m1, weight: 4 }), errored(8, 'haproxy -c refused the configuration')];
    expect(provisioning(history)).toEqual([
      [LB, 'ERROR', 7],
      ['listener-1', 'ACTIVE', null],
      ['pool-1', 'ACTIVE', null],
      ['member-1', 'ERROR', 7],
      ...ALL_ACTIVE.slice(4),
    ]);
    expect(fold(history).errorReason).toBe('haproxy -c refused the configuration');
  });

  it('accepts a change in ERROR, which goes PENDING again, and the next served revision ends every ERROR', () => {
    const failed = [...served, memberUpdated(7, 'pool-1', { ...m1, weight: 4 }), errored(8, 'refused')];
    const changedAgain = [...failed, memberUpdated(9, 'pool-1', { ...m1, weight: 5 })];
    expect(fold(changedAgain)).toMatchObject({ provisioningStatus: 'PENDING_UPDATE', pendingRevision: 8, errorReason: null });
    expect(provisioning([...changedAgain, applied(10, 8)])).toEqual(ALL_ACTIVE);
  });

  it('leaves ERROR after a failure with nothing pending only once the latest revision is served', () => {
    const lost = [...served, errored(7, 'node lost')];
    expect(provisioning(lost)).toEqual([[LB, 'ERROR', null], ...ALL_ACTIVE.slice(1)]);
    expect(provisioning([...lost, applied(8, 5)])[0]).toEqual([LB, 'ERROR', null]);
    expect(provisioning([...lost, applied(8, 6)])).toEqual(ALL_ACTIVE);
  });

  it('raises the revision for a failover', () =>
    expect(
      provisioning([...served, { type: 'LoadBalancerFailoverRequested', version: 1, data: { loadBalancerId: LB, at: at(7) } }])[0],
    ).toEqual([LB, 'PENDING_UPDATE', 7]));

  it('leaves health out of the revision', () =>
    expect(fold([...served, healthChanged(7, 'pool-1', 'member-1', 'ERROR')]).revision).toBe(6));
});

describe('the data plane commands', () => {
  const record = (revision: number) => ({ type: 'RecordLoadBalancerApplied', data: { loadBalancerId: LB, revision, at: at(20) } }) as const;
  const fail = (reason: string) => ({ type: 'RecordLoadBalancerError', data: { loadBalancerId: LB, reason, at: at(20) } }) as const;
  const health = (h: MemberHealth, memberId = 'member-1', poolId = 'pool-1') =>
    ({ type: 'RecordLbMemberHealth', data: { loadBalancerId: LB, poolId, memberId, health: h, at: at(20) } }) as const;
  const deleted: LoadBalancerEvent = { type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: LB, cascade: true, at: at(19) } };
  const pending = [...served, memberUpdated(7, 'pool-1', { ...m1, weight: 4 })];

  it('records a served revision that ends something pending', () =>
    given(loadBalancerDecider, pending)
      .when(record(7))
      .then([applied(20, 7)]));

  it.each([
    { desc: 'when everything is served', history: served, revision: 6 },
    { desc: 'for an older revision than what is pending', history: pending, revision: 6 },
    { desc: 'once the load balancer is deleted', history: [...served, deleted], revision: 9 },
    { desc: 'for a load balancer that never was', history: [], revision: 1 },
  ])('records nothing $desc', ({ history, revision }) => given(loadBalancerDecider, history).when(record(revision)).then([]));

  it('records a failure, and the same failure once', () => {
    given(loadBalancerDecider, served)
      .when(fail('node lost'))
      .then([errored(20, 'node lost')]);
    given(loadBalancerDecider, [...served, errored(7, 'node lost')])
      .when(fail('node lost'))
      .then([]);
  });

  it('records another reason, or the same one when a change since is pending', () => {
    given(loadBalancerDecider, [...served, errored(7, 'node lost')])
      .when(fail('no live compute node'))
      .then([errored(20, 'no live compute node')]);
    given(loadBalancerDecider, [...served, errored(7, 'node lost'), memberUpdated(8, 'pool-1', { ...m1, weight: 4 })])
      .when(fail('node lost'))
      .then([errored(20, 'node lost')]);
  });

  it('records no failure of a deleted load balancer', () =>
    given(loadBalancerDecider, [...served, deleted])
      .when(fail('x'))
      .then([]));

  it('records a change of health, and only a change', () => {
    given(loadBalancerDecider, served)
      .when(health('ONLINE'))
      .then([healthChanged(20, 'pool-1', 'member-1', 'ONLINE')]);
    given(loadBalancerDecider, [...served, healthChanged(7, 'pool-1', 'member-1', 'ONLINE')])
      .when(health('ONLINE'))
      .then([]);
  });

  it.each([
    { desc: 'a member that is gone', command: health('ERROR', 'member-x'), history: served },
    { desc: 'a pool that is gone', command: health('ERROR', 'member-1', 'pool-x'), history: served },
    { desc: 'a load balancer that is gone', command: health('ERROR'), history: [...served, deleted] },
  ])('records no health of $desc', ({ command, history }) => given(loadBalancerDecider, history).when(command).then([]));
});
