import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import { poolDecider } from './decider';
import type {
  MemberAdded,
  MemberRemoved,
  MemberStatusChanged,
  MemberUpdated,
  PoolCreated,
  PoolDeleted,
  PoolEvent,
  PoolMonitorAssociated,
  PoolMonitorDisassociated,
  PoolStatusChanged,
  PoolUpdated,
  PoolVipBound,
  PoolVipUnbound,
} from './events';

const POOL = 'pool-1';
const createdData: PoolCreated['data'] = {
  poolId: POOL,
  tenantId: 'tenant-a',
  name: 'web',
  description: '',
  subnetId: 'sub-2',
  protocol: 'HTTP',
  lbMethod: 'ROUND_ROBIN',
  adminStateUp: true,
  provider: 'haproxy',
};
const created: PoolCreated = { type: 'PoolCreated', version: 1, data: createdData };
const updated = (change: Partial<PoolUpdated['data']>): PoolUpdated => ({
  type: 'PoolUpdated',
  version: 1,
  data: { poolId: POOL, name: 'web', description: '', lbMethod: 'ROUND_ROBIN', adminStateUp: true, ...change },
});
const member = (memberId: string, address: string, change: Partial<MemberAdded['data']> = {}): MemberAdded['data'] => ({
  poolId: POOL,
  memberId,
  tenantId: 'tenant-a',
  address,
  protocolPort: 80,
  weight: 1,
  adminStateUp: true,
  ...change,
});
const added = (data: MemberAdded['data']): MemberAdded => ({ type: 'MemberAdded', version: 1, data });
const m1 = added(member('member-1', '198.18.2.10'));
const m2 = added(member('member-2', '198.18.2.11'));
const memberUpdated = (memberId: string, weight: number, adminStateUp: boolean): MemberUpdated => ({
  type: 'MemberUpdated',
  version: 1,
  data: { poolId: POOL, memberId, weight, adminStateUp },
});
const removed = (memberId: string): MemberRemoved => ({ type: 'MemberRemoved', version: 1, data: { poolId: POOL, memberId } });
const bound = (vipId: string): PoolVipBound => ({ type: 'PoolVipBound', version: 1, data: { poolId: POOL, vipId } });
const unbound = (vipId: string): PoolVipUnbound => ({ type: 'PoolVipUnbound', version: 1, data: { poolId: POOL, vipId } });
const monitorAssociated = (monitorId: string): PoolMonitorAssociated => ({
  type: 'PoolMonitorAssociated',
  version: 1,
  data: { poolId: POOL, monitorId },
});
const monitorDisassociated = (monitorId: string): PoolMonitorDisassociated => ({
  type: 'PoolMonitorDisassociated',
  version: 1,
  data: { poolId: POOL, monitorId },
});
const deleted: PoolDeleted = { type: 'PoolDeleted', version: 1, data: { poolId: POOL } };

const fold = (events: PoolEvent[]) => given(poolDecider, events).state;
const poolRow = (events: PoolEvent[]) => poolDecider.views(fold(events)).pools?.[0] ?? null;
const memberRows = (events: PoolEvent[]) => poolDecider.views(fold(events)).members ?? [];

describe('pool decide', () => {
  describe('CreatePool', () => {
    it('creates an absent pool', () => given(poolDecider).when({ type: 'CreatePool', data: createdData }).then([created]));

    it.each([
      { desc: 'a live pool', history: [created] },
      { desc: 'a deleted pool (ids are never reused)', history: [created, deleted] },
    ])('rejects creating $desc', ({ history }) =>
      given(poolDecider, history).when({ type: 'CreatePool', data: createdData }).thenThrows(Conflict, 'PoolExists'),
    );
  });

  describe('UpdatePool', () => {
    it.each([
      { desc: 'the name', change: { name: 'renamed' } },
      { desc: 'the description', change: { description: 'front end' } },
      { desc: 'the lb method', change: { lbMethod: 'LEAST_CONNECTIONS' as const } },
      { desc: 'the admin state', change: { adminStateUp: false } },
      { desc: 'nothing', change: {} },
    ])('carries every setting when changing $desc', ({ change }) =>
      given(poolDecider, [created])
        .when({ type: 'UpdatePool', data: { poolId: POOL, ...change } })
        .then([updated(change)]),
    );

    it('starts from the latest values', () =>
      given(poolDecider, [created, updated({ name: 'renamed', lbMethod: 'SOURCE_IP' })])
        .when({ type: 'UpdatePool', data: { poolId: POOL, adminStateUp: false } })
        .then([updated({ name: 'renamed', lbMethod: 'SOURCE_IP', adminStateUp: false })]));
  });

  describe('DeletePool', () => {
    it('deletes a bare pool', () =>
      given(poolDecider, [created])
        .when({ type: 'DeletePool', data: { poolId: POOL } })
        .then([deleted]));

    it('disassociates its monitors and removes its members with it', () =>
      given(poolDecider, [created, m1, m2, monitorAssociated('hm-1'), monitorAssociated('hm-2')])
        .when({ type: 'DeletePool', data: { poolId: POOL } })
        .then([monitorDisassociated('hm-1'), monitorDisassociated('hm-2'), removed('member-1'), removed('member-2'), deleted]));

    it('rejects deleting a pool in use by a VIP', () =>
      given(poolDecider, [created, bound('vip-1')])
        .when({ type: 'DeletePool', data: { poolId: POOL } })
        .thenThrows(Conflict, 'PoolInUse'));

    it('deletes a pool whose VIP was unbound', () =>
      given(poolDecider, [created, bound('vip-1'), unbound('vip-1')])
        .when({ type: 'DeletePool', data: { poolId: POOL } })
        .then([deleted]));
  });

  describe('AddMember', () => {
    it('adds a member', () => given(poolDecider, [created]).when({ type: 'AddMember', data: m1.data }).then([m1]));

    it.each([
      { desc: 'the same address on another port', data: member('member-2', '198.18.2.10', { protocolPort: 8080 }) },
      { desc: 'weight 0', data: member('member-2', '198.18.2.11', { weight: 0 }) },
      { desc: 'weight 256', data: member('member-2', '198.18.2.11', { weight: 256 }) },
      { desc: 'port 1', data: member('member-2', '198.18.2.11', { protocolPort: 1 }) },
      { desc: 'port 65535', data: member('member-2', '198.18.2.11', { protocolPort: 65535 }) },
      { desc: 'the address of a removed member', data: member('member-2', '198.18.2.10'), history: [created, m1, removed('member-1')] },
    ])('accepts $desc', ({ data, history }) =>
      given(poolDecider, history ?? [created, m1])
        .when({ type: 'AddMember', data })
        .then([added(data)]),
    );

    it.each([
      { desc: 'a member id already in the pool', data: member('member-1', '198.18.2.99'), error: Conflict, type: 'MemberExists' },
      { desc: 'an address and port already in the pool', data: member('member-2', '198.18.2.10'), error: Conflict, type: 'MemberExists' },
      { desc: 'an address that is not IPv4', data: member('member-2', 'web01'), error: ValidationError, type: 'HTTPBadRequest' },
      { desc: 'port 0', data: member('member-2', '198.18.2.11', { protocolPort: 0 }), error: ValidationError, type: 'HTTPBadRequest' },
      {
        desc: 'port 65536',
        data: member('member-2', '198.18.2.11', { protocolPort: 65536 }),
        error: ValidationError,
        type: 'HTTPBadRequest',
      },
      {
        desc: 'a fractional port',
        data: member('member-2', '198.18.2.11', { protocolPort: 80.5 }),
        error: ValidationError,
        type: 'HTTPBadRequest',
      },
      { desc: 'weight -1', data: member('member-2', '198.18.2.11', { weight: -1 }), error: ValidationError, type: 'HTTPBadRequest' },
      { desc: 'weight 257', data: member('member-2', '198.18.2.11', { weight: 257 }), error: ValidationError, type: 'HTTPBadRequest' },
      {
        desc: 'a fractional weight',
        data: member('member-2', '198.18.2.11', { weight: 1.5 }),
        error: ValidationError,
        type: 'HTTPBadRequest',
      },
    ])('rejects $desc', ({ data, error, type }) =>
      given(poolDecider, [created, m1]).when({ type: 'AddMember', data }).thenThrows(error, type),
    );
  });

  describe('UpdateMember', () => {
    it.each([
      { desc: 'the weight only', change: { weight: 5 }, expected: memberUpdated('member-1', 5, true) },
      { desc: 'the admin state only', change: { adminStateUp: false }, expected: memberUpdated('member-1', 1, false) },
      { desc: 'both', change: { weight: 0, adminStateUp: false }, expected: memberUpdated('member-1', 0, false) },
    ])('carries both settings when changing $desc', ({ change, expected }) =>
      given(poolDecider, [created, m1])
        .when({ type: 'UpdateMember', data: { poolId: POOL, memberId: 'member-1', ...change } })
        .then([expected]),
    );

    it.each([
      { desc: 'weight 257', weight: 257 },
      { desc: 'weight -1', weight: -1 },
    ])('rejects $desc', ({ weight }) =>
      given(poolDecider, [created, m1])
        .when({ type: 'UpdateMember', data: { poolId: POOL, memberId: 'member-1', weight } })
        .thenThrows(ValidationError, 'HTTPBadRequest'),
    );

    it.each([
      { desc: 'never added', history: [created, m1] },
      { desc: 'removed', history: [created, m1, m2, removed('member-2')] },
    ])('does not find a member $desc', ({ history }) =>
      given(poolDecider, history)
        .when({ type: 'UpdateMember', data: { poolId: POOL, memberId: 'member-2', weight: 2 } })
        .thenThrows(NotFound, 'MemberNotFound'),
    );
  });

  describe('RemoveMember', () => {
    it('removes a member', () =>
      given(poolDecider, [created, m1])
        .when({ type: 'RemoveMember', data: { poolId: POOL, memberId: 'member-1' } })
        .then([removed('member-1')]));

    it.each([
      { desc: 'never added', history: [created] },
      { desc: 'already removed', history: [created, m1, removed('member-1')] },
    ])('does not find a member $desc', ({ history }) =>
      given(poolDecider, history)
        .when({ type: 'RemoveMember', data: { poolId: POOL, memberId: 'member-1' } })
        .thenThrows(NotFound, 'MemberNotFound'),
    );
  });

  describe('BindVip', () => {
    const bind = (vipId: string, protocol: 'HTTP' | 'HTTPS' | 'TCP' = 'HTTP') =>
      ({ type: 'BindVip', data: { poolId: POOL, vipId, protocol } }) as const;

    it("binds a VIP of the pool's protocol", () =>
      given(poolDecider, [created])
        .when(bind('vip-1'))
        .then([bound('vip-1')]));

    it('is a no-op for the VIP already bound, so a VIP creation can be retried', () =>
      given(poolDecider, [created, bound('vip-1')])
        .when(bind('vip-1'))
        .then([]));

    it('binds another VIP once the first was unbound', () =>
      given(poolDecider, [created, bound('vip-1'), unbound('vip-1')])
        .when(bind('vip-2'))
        .then([bound('vip-2')]));

    it('rejects a second VIP', () =>
      given(poolDecider, [created, bound('vip-1')])
        .when(bind('vip-2'))
        .thenThrows(Conflict, 'VipExists'));

    it.each([{ protocol: 'TCP' as const }, { protocol: 'HTTPS' as const }])('rejects a $protocol VIP on an HTTP pool', ({ protocol }) =>
      given(poolDecider, [created]).when(bind('vip-1', protocol)).thenThrows(ValidationError, 'ProtocolMismatch'),
    );
  });

  describe('UnbindVip', () => {
    const unbind = { type: 'UnbindVip', data: { poolId: POOL, vipId: 'vip-1' } } as const;

    it('unbinds the bound VIP', () =>
      given(poolDecider, [created, bound('vip-1')])
        .when(unbind)
        .then([unbound('vip-1')]));

    it.each([
      { desc: 'a pool without a VIP', history: [created] },
      { desc: 'a pool bound to another VIP', history: [created, bound('vip-2')] },
      { desc: 'an absent pool', history: [] as PoolEvent[] },
      { desc: 'a deleted pool', history: [created, deleted] },
    ])('is a no-op for $desc', ({ history }) => given(poolDecider, history).when(unbind).then([]));
  });

  describe('AssociateMonitor and DisassociateMonitor', () => {
    const associate = { type: 'AssociateMonitor', data: { poolId: POOL, monitorId: 'hm-1' } } as const;
    const disassociate = { type: 'DisassociateMonitor', data: { poolId: POOL, monitorId: 'hm-1' } } as const;

    it('associates a monitor', () =>
      given(poolDecider, [created])
        .when(associate)
        .then([monitorAssociated('hm-1')]));

    it('associates a monitor again after a disassociation', () =>
      given(poolDecider, [created, monitorAssociated('hm-1'), monitorDisassociated('hm-1')])
        .when(associate)
        .then([monitorAssociated('hm-1')]));

    it('rejects associating a monitor twice', () =>
      given(poolDecider, [created, monitorAssociated('hm-1')])
        .when(associate)
        .thenThrows(Conflict, 'PoolMonitorAssociationExists'));

    it('disassociates an associated monitor', () =>
      given(poolDecider, [created, monitorAssociated('hm-2'), monitorAssociated('hm-1')])
        .when(disassociate)
        .then([monitorDisassociated('hm-1')]));

    it.each([
      { desc: 'never associated', history: [created, monitorAssociated('hm-2')] },
      { desc: 'already disassociated', history: [created, monitorAssociated('hm-1'), monitorDisassociated('hm-1')] },
    ])('does not find an association $desc', ({ history }) =>
      given(poolDecider, history).when(disassociate).thenThrows(NotFound, 'PoolMonitorAssociationNotFound'),
    );
  });

  describe.each([
    { desc: 'absent', history: [] as PoolEvent[] },
    { desc: 'deleted', history: [created, deleted] },
  ])('on a pool that is $desc', ({ history }) => {
    it.each([
      { type: 'UpdatePool', data: { poolId: POOL, name: 'n' } },
      { type: 'DeletePool', data: { poolId: POOL } },
      { type: 'AddMember', data: m1.data },
      { type: 'UpdateMember', data: { poolId: POOL, memberId: 'member-1', weight: 2 } },
      { type: 'RemoveMember', data: { poolId: POOL, memberId: 'member-1' } },
      { type: 'BindVip', data: { poolId: POOL, vipId: 'vip-1', protocol: 'HTTP' } },
      { type: 'AssociateMonitor', data: { poolId: POOL, monitorId: 'hm-1' } },
      { type: 'DisassociateMonitor', data: { poolId: POOL, monitorId: 'hm-1' } },
    ] as const)('$type is PoolNotFound', (command) => given(poolDecider, history).when(command).thenThrows(NotFound, 'PoolNotFound'));
  });
});

describe('pool evolve and views', () => {
  const poolStatus = (status: PoolStatusChanged['data']['status'], statusDescription: string | null): PoolStatusChanged => ({
    type: 'PoolStatusChanged',
    version: 1,
    data: { poolId: POOL, status, statusDescription },
  });
  const memberStatus = (memberId: string, status: MemberStatusChanged['data']['status']): MemberStatusChanged => ({
    type: 'MemberStatusChanged',
    version: 1,
    data: { poolId: POOL, memberId, status, statusDescription: null },
  });

  it('shows a created pool as PENDING_CREATE, without VIP, monitors or members', () =>
    expect(poolDecider.views(fold([created]))).toEqual({
      pools: [
        {
          id: POOL,
          tenant_id: 'tenant-a',
          vip_id: null,
          name: 'web',
          description: '',
          subnet_id: 'sub-2',
          protocol: 'HTTP',
          lb_method: 'ROUND_ROBIN',
          health_monitors: [],
          health_monitors_status: [],
          members: [],
          admin_state_up: true,
          status: 'PENDING_CREATE',
          status_description: null,
          provider: 'haproxy',
        },
      ],
      members: [],
    }));

  it('shows a new member as PENDING_CREATE in Neutron shape', () =>
    expect(memberRows([created, m1])).toEqual([
      {
        id: 'member-1',
        tenant_id: 'tenant-a',
        pool_id: POOL,
        address: '198.18.2.10',
        protocol_port: 80,
        weight: 1,
        admin_state_up: true,
        status: 'PENDING_CREATE',
        status_description: null,
      },
    ]));

  it('lists members, VIP and monitors on the pool', () =>
    expect(poolRow([created, m1, m2, bound('vip-1'), monitorAssociated('hm-1')])).toMatchObject({
      members: ['member-1', 'member-2'],
      vip_id: 'vip-1',
      health_monitors: ['hm-1'],
      health_monitors_status: [{ monitor_id: 'hm-1', status: 'PENDING_CREATE', status_description: null }],
    }));

  it('applies pool updates and status reports', () =>
    expect(
      poolRow([created, updated({ name: 'n', lbMethod: 'SOURCE_IP', adminStateUp: false }), poolStatus('ACTIVE', 'up')]),
    ).toMatchObject({ name: 'n', lb_method: 'SOURCE_IP', admin_state_up: false, status: 'ACTIVE', status_description: 'up' }));

  it('applies member updates and status reports to that member only', () =>
    expect(
      memberRows([created, m1, m2, memberUpdated('member-2', 7, false), memberStatus('member-2', 'INACTIVE')]).map((m) => [
        m.id,
        m.weight,
        m.admin_state_up,
        m.status,
      ]),
    ).toEqual([
      ['member-1', 1, true, 'PENDING_CREATE'],
      ['member-2', 7, false, 'INACTIVE'],
    ]));

  it('drops removed members', () => expect(memberRows([created, m1, m2, removed('member-1')]).map((m) => m.id)).toEqual(['member-2']));

  it('keeps the first of a member added twice', () =>
    expect(memberRows([created, m1, added({ ...m1.data, weight: 9 })])).toEqual(memberRows([created, m1])));

  it('lists a monitor associated twice once', () =>
    expect(poolRow([created, monitorAssociated('hm-1'), monitorAssociated('hm-1')])?.health_monitors).toEqual(['hm-1']));

  it('ignores the unbinding of a VIP that is not bound', () =>
    expect(poolRow([created, bound('vip-1'), unbound('vip-2')])?.vip_id).toBe('vip-1'));

  it('shows nothing for an absent or deleted pool', () => {
    expect(poolDecider.views(fold([]))).toEqual({});
    expect(poolDecider.views(fold([created, m1, deleted]))).toEqual({});
  });

  it.each([
    { desc: 'an update', event: updated({ name: 'n' }) },
    { desc: 'a status report', event: poolStatus('ACTIVE', null) },
    { desc: 'a new member', event: m1 },
    { desc: 'a member update', event: memberUpdated('member-1', 2, true) },
    { desc: 'a member status report', event: memberStatus('member-1', 'ACTIVE') },
    { desc: 'a member removal', event: removed('member-1') },
    { desc: 'a VIP binding', event: bound('vip-1') },
    { desc: 'a VIP unbinding', event: unbound('vip-1') },
    { desc: 'a monitor association', event: monitorAssociated('hm-1') },
    { desc: 'a monitor disassociation', event: monitorDisassociated('hm-1') },
  ])('ignores $desc after the deletion', ({ event }) => expect(fold([created, m1, deleted, event])).toEqual({ kind: 'deleted' }));

  it.each([
    { desc: 'a new member', event: m1 },
    { desc: 'a VIP binding', event: bound('vip-1') },
  ])('ignores $desc of an absent pool', ({ event }) => expect(fold([event])).toEqual({ kind: 'absent' }));
});

describe("the data plane's status reports", () => {
  const report = { poolId: POOL, status: 'ACTIVE' as const, statusDescription: null };
  it("change the pool's status when it differs, once, and nothing for a pool that is gone", () => {
    const changed = { type: 'PoolStatusChanged' as const, version: 1 as const, data: report };
    given(poolDecider, [created]).when({ type: 'RecordPoolStatus', data: report }).then([changed]);
    given(poolDecider, [created, changed]).when({ type: 'RecordPoolStatus', data: report }).then([]);
    given(poolDecider, []).when({ type: 'RecordPoolStatus', data: report }).then([]);
  });
});

describe('the pending deadline', () => {
  const expire = {
    type: 'ExpirePoolPending',
    data: { poolId: POOL, statusDescription: 'PENDING_CREATE past its deadline: waiting for a placement' },
  } as const;
  const status = (s: PoolStatusChanged['data']['status'], description: string | null = null): PoolStatusChanged => ({
    type: 'PoolStatusChanged',
    version: 1,
    data: { poolId: POOL, status: s, statusDescription: description },
  });
  const expired = status('ERROR', expire.data.statusDescription);

  it.each([
    { desc: 'a pool still PENDING_CREATE', history: [created] },
    { desc: 'a pool PENDING_UPDATE', history: [created, status('ACTIVE'), status('PENDING_UPDATE')] },
  ])('ends $desc in ERROR with what it was waiting for', ({ history }) => {
    given(poolDecider, history).when(expire).then([expired]);
    expect(given(poolDecider, [...history, expired]).state).toMatchObject({
      status: 'ERROR',
      statusDescription: expire.data.statusDescription,
    });
  });

  it.each([
    { desc: 'ACTIVE (the data plane got there first)', history: [created, status('ACTIVE')] },
    { desc: "ERROR with the data plane's reason", history: [created, status('ERROR', 'haproxy did not start')] },
    { desc: 'already expired', history: [created, expired] },
    { desc: 'deleted', history: [created, deleted] },
    { desc: 'absent', history: [] },
  ])('leaves a pool that is $desc alone', ({ history }) => {
    given(poolDecider, history).when(expire).then([]);
  });
});

describe("health checks' member status reports", () => {
  const report = { poolId: POOL, memberId: 'member-1', status: 'INACTIVE' as const, statusDescription: 'health check failed' };
  it("change a member's status on a transition only, and nothing for a member that is gone", () => {
    const changed = { type: 'MemberStatusChanged' as const, version: 1 as const, data: report };
    given(poolDecider, [created, m1]).when({ type: 'RecordMemberStatus', data: report }).then([changed]);
    given(poolDecider, [created, m1, changed]).when({ type: 'RecordMemberStatus', data: report }).then([]);
    given(poolDecider, [created, m1, removed('member-1')])
      .when({ type: 'RecordMemberStatus', data: report })
      .then([]);
  });
});
