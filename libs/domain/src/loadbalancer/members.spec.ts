import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import type { LbMemberChanges } from './commands';
import { loadBalancerDecider } from './decider';
import type { LbMemberConfig } from './model';
import {
  at,
  errored,
  LB,
  memberCreated,
  memberDeleted,
  memberUpdated,
  poolCreated,
  refusalOf,
  sampleMember,
  samplePool,
  servedHistory,
} from './samples';

const create = (member: LbMemberConfig, poolId = 'pool-1') =>
  ({ type: 'CreateLbMember', data: { loadBalancerId: LB, poolId, member, at: at(10) } }) as const;
const update = (changes: LbMemberChanges, memberId = 'member-1', poolId = 'pool-1') =>
  ({ type: 'UpdateLbMember', data: { loadBalancerId: LB, poolId, memberId, changes, at: at(10) } }) as const;
const remove = (memberId: string, poolId = 'pool-1') =>
  ({ type: 'DeleteLbMember', data: { loadBalancerId: LB, poolId, memberId, at: at(10) } }) as const;
const replace = (members: LbMemberConfig[], additiveOnly = false, poolId = 'pool-1') =>
  ({ type: 'ReplaceLbMembers', data: { loadBalancerId: LB, poolId, members, additiveOnly, at: at(10) } }) as const;
const m1 = sampleMember('member-1', '198.18.2.10');
const m2 = sampleMember('member-2', '198.18.2.11');

describe('CreateLbMember', () => {
  it('adds a member to a pool', () =>
    given(loadBalancerDecider, servedHistory())
      .when(create(sampleMember('member-3', '198.18.2.12')))
      .then([memberCreated(10, 'pool-1', sampleMember('member-3', '198.18.2.12'))]));

  it('adds a member with every optional field', () => {
    const member = sampleMember('member-3', '198.18.2.12', {
      name: 'db',
      weight: 256,
      backup: true,
      monitorAddress: '198.18.3.12',
      monitorPort: 9000,
      subnetId: 'subnet-2',
      adminStateUp: false,
      tags: ['x'],
    });
    given(loadBalancerDecider, servedHistory())
      .when(create(member))
      .then([memberCreated(10, 'pool-1', member)]);
  });

  it('adds the same address on another port, and the same endpoint to another pool', () => {
    given(loadBalancerDecider, servedHistory())
      .when(create(sampleMember('member-3', '198.18.2.10', { protocolPort: 8081 })))
      .then([memberCreated(10, 'pool-1', sampleMember('member-3', '198.18.2.10', { protocolPort: 8081 }))]);
    given(loadBalancerDecider, [...servedHistory(), poolCreated(7, samplePool('pool-2'))])
      .when(create(sampleMember('member-3', '198.18.2.10'), 'pool-2'))
      .then([memberCreated(10, 'pool-2', sampleMember('member-3', '198.18.2.10'))]);
  });

  it("refuses an address and port the pool has, in Octavia's words", () =>
    expect(refusalOf(servedHistory(), create(sampleMember('member-3', '198.18.2.10')))).toMatchObject({
      kind: 'conflict',
      neutronType: 'DuplicateMemberEntry',
      message: 'Another member on this pool is already using ip 198.18.2.10 on protocol_port 8080',
    }));

  it('refuses an id a member of another pool has', () =>
    given(loadBalancerDecider, [...servedHistory(), poolCreated(7, samplePool('pool-2'))])
      .when(create(sampleMember('member-1', '198.18.2.20'), 'pool-2'))
      .thenThrows(Conflict, 'IDAlreadyExists'));

  it.each([
    { desc: 'weight -1', change: { weight: -1 }, message: 'weight' },
    { desc: 'weight 257', change: { weight: 257 }, message: 'Value should be lower or equal to 256' },
    { desc: 'port 0', change: { protocolPort: 0 }, message: 'protocol_port' },
    { desc: 'monitor port 65536', change: { monitorPort: 65536 }, message: 'monitor_port' },
    { desc: 'an address that is no address', change: { address: 'backend.test' }, message: 'Value should be IPv4 or IPv6 format' },
    { desc: 'a monitor address that is no address', change: { monitorAddress: '300.1.1.1' }, message: 'monitor_address' },
    { desc: 'a long name', change: { name: 'n'.repeat(256) }, message: 'name' },
  ])('refuses $desc', ({ change, message }) => {
    const error = refusalOf(servedHistory(), create(sampleMember('member-3', '198.18.2.12', change)));
    expect(error).toMatchObject({ kind: 'invalid', neutronType: 'InvalidInput' });
    expect(error.message).toContain(message);
  });

  it("refuses an IPv6 member as a limit of the provider 'lbaas'", () =>
    expect(refusalOf(servedHistory(), create(sampleMember('member-3', 'fd00::12')))).toMatchObject({
      neutronType: 'ProviderUnsupportedOptionError',
      message: "Provider 'lbaas' does not support a requested option: IPv6 addresses (address); this provider's data plane is IPv4 only",
    }));

  it('takes weight 0, which drains the member', () =>
    given(loadBalancerDecider, servedHistory())
      .when(create(sampleMember('member-3', '198.18.2.12', { weight: 0 })))
      .then([memberCreated(10, 'pool-1', sampleMember('member-3', '198.18.2.12', { weight: 0 }))]));

  it('answers 404 for a pool the load balancer does not have', () =>
    expect(refusalOf(servedHistory(), create(sampleMember('member-3', '198.18.2.12'), 'pool-x'))).toMatchObject({
      neutronType: 'PoolNotFound',
      message: 'Pool pool-x not found.',
    }));
});

describe('UpdateLbMember', () => {
  it.each([
    { desc: 'the weight', changes: { weight: 10 } },
    { desc: 'the admin state', changes: { adminStateUp: false } },
    { desc: 'backup', changes: { backup: true } },
    { desc: 'where it is monitored', changes: { monitorAddress: '198.18.3.10', monitorPort: 9000 } },
    { desc: 'the name and tags', changes: { name: 'a', tags: ['t'] } },
  ])('carries the whole configuration when changing $desc', ({ changes }) =>
    given(loadBalancerDecider, servedHistory())
      .when(update(changes))
      .then([memberUpdated(10, 'pool-1', { ...m1, ...changes })]),
  );

  it('keeps address, port and subnet whatever the command carries', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ weight: 5, address: '198.18.9.9', protocolPort: 1, subnetId: 's' } as LbMemberChanges))
      .then([memberUpdated(10, 'pool-1', { ...m1, weight: 5 })]));

  it('appends nothing when nothing changes', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ weight: 1 }))
      .then([]));

  it('refuses a weight over 256', () =>
    given(loadBalancerDecider, servedHistory())
      .when(update({ weight: 300 }))
      .thenThrows(ValidationError, 'InvalidInput'));

  it.each([
    {
      desc: 'a member the pool does not have',
      command: update({ weight: 2 }, 'member-x'),
      type: 'MemberNotFound',
      message: 'Member member-x not found.',
    },
    {
      desc: 'a pool the load balancer does not have',
      command: update({ weight: 2 }, 'member-1', 'pool-x'),
      type: 'PoolNotFound',
      message: 'Pool pool-x not found.',
    },
  ])('answers 404 for $desc', ({ command, type, message }) =>
    expect(refusalOf(servedHistory(), command)).toMatchObject({ kind: 'not-found', neutronType: type, message }),
  );
});

describe('DeleteLbMember', () => {
  it('removes a member', () =>
    given(loadBalancerDecider, servedHistory())
      .when(remove('member-2'))
      .then([memberDeleted(10, 'pool-1', 'member-2')]));

  it('answers 404 for a member the pool does not have', () =>
    given(loadBalancerDecider, servedHistory()).when(remove('member-x')).thenThrows(NotFound, 'MemberNotFound'));
});

describe('ReplaceLbMembers', () => {
  const m3 = sampleMember('member-3', '198.18.2.12');

  it('updates the listed members it has under their own ids, creates the new ones and deletes the rest, in one commit', () =>
    given(loadBalancerDecider, servedHistory())
      .when(replace([sampleMember('api-chose-this', '198.18.2.11', { weight: 5 }), m3]))
      .then([memberCreated(10, 'pool-1', m3), memberUpdated(10, 'pool-1', { ...m2, weight: 5 }), memberDeleted(10, 'pool-1', 'member-1')]));

  it('keeps the members it does not list when additive only', () =>
    given(loadBalancerDecider, servedHistory())
      .when(replace([m3], true))
      .then([memberCreated(10, 'pool-1', m3)]));

  it('appends nothing when the pool already has exactly the listed members', () =>
    given(loadBalancerDecider, servedHistory())
      .when(replace([sampleMember('x', '198.18.2.10'), sampleMember('y', '198.18.2.11')]))
      .then([]));

  it('updates a listed member in ERROR even when nothing changes, so the data plane tries again', () =>
    given(loadBalancerDecider, [...servedHistory(), memberUpdated(7, 'pool-1', { ...m1, weight: 3 }), errored(8, 'refused')])
      .when(replace([sampleMember('x', '198.18.2.10', { weight: 3 }), m2]))
      .then([memberUpdated(10, 'pool-1', { ...m1, weight: 3 })]));

  it('empties the pool with an empty list', () =>
    given(loadBalancerDecider, servedHistory())
      .when(replace([]))
      .then([memberDeleted(10, 'pool-1', 'member-1'), memberDeleted(10, 'pool-1', 'member-2')]));

  it.each([
    {
      desc: 'one address and port twice',
      members: [m3, sampleMember('member-4', '198.18.2.12')],
      message: 'address 198.18.2.12 on protocol_port 8080 is listed twice',
    },
    { desc: 'one id twice', members: [m3, sampleMember('member-3', '198.18.2.13')], message: 'id member-3 is listed twice' },
  ])('refuses a list with $desc as a 400', ({ members, message }) =>
    expect(refusalOf(servedHistory(), replace(members))).toMatchObject({
      kind: 'invalid',
      neutronType: 'ValidationException',
      message: `Validation failure: Duplicate member in the request: ${message}.`,
    }),
  );

  it('refuses a new member with an id another member has', () =>
    given(loadBalancerDecider, servedHistory())
      .when(replace([sampleMember('member-1', '198.18.2.20')], true))
      .thenThrows(Conflict, 'IDAlreadyExists'));

  it('refuses a list with an invalid member, changing nothing', () =>
    given(loadBalancerDecider, servedHistory())
      .when(replace([m1, sampleMember('member-3', '198.18.2.12', { weight: 999 })]))
      .thenThrows(ValidationError, 'InvalidInput'));

  it('answers 404 for a pool the load balancer does not have', () =>
    given(loadBalancerDecider, servedHistory())
      .when(replace([m3], false, 'pool-x'))
      .thenThrows(NotFound, 'PoolNotFound'));
});
