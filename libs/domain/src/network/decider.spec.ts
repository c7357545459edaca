import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import { networkDecider } from './decider';
import type { NetworkCreated, NetworkDeleted, NetworkEvent, NetworkSubnetAttached, NetworkSubnetDetached, NetworkUpdated } from './events';

const NET = 'net-1';
const createdData: NetworkCreated['data'] = {
  networkId: NET,
  tenantId: 'tenant-a',
  name: 'private',
  adminStateUp: true,
  shared: false,
  external: false,
};
const created: NetworkCreated = { type: 'NetworkCreated', version: 1, data: createdData };
const attached = (subnetId: string, cidr: string): NetworkSubnetAttached => ({
  type: 'NetworkSubnetAttached',
  version: 1,
  data: { networkId: NET, subnetId, cidr },
});
const detached = (subnetId: string): NetworkSubnetDetached => ({
  type: 'NetworkSubnetDetached',
  version: 1,
  data: { networkId: NET, subnetId },
});
const updated = (change: Partial<NetworkUpdated['data']>): NetworkUpdated => ({
  type: 'NetworkUpdated',
  version: 1,
  data: { networkId: NET, name: 'private', adminStateUp: true, shared: false, ...change },
});
const deleted: NetworkDeleted = { type: 'NetworkDeleted', version: 1, data: { networkId: NET } };

const fold = (events: NetworkEvent[]) => given(networkDecider, events).state;
const view = (events: NetworkEvent[]) => networkDecider.views(fold(events)).networks?.[0] ?? null;

describe('network decide', () => {
  describe('CreateNetwork', () => {
    it('creates an absent network', () => given(networkDecider).when({ type: 'CreateNetwork', data: createdData }).then([created]));

    it.each([
      { desc: 'a live network', history: [created] },
      { desc: 'a deleted network (ids are never reused)', history: [created, deleted] },
    ])('rejects creating $desc', ({ history }) =>
      given(networkDecider, history).when({ type: 'CreateNetwork', data: createdData }).thenThrows(Conflict, 'NetworkExists'),
    );
  });

  describe('UpdateNetwork', () => {
    it.each([
      { desc: 'name only', change: { name: 'renamed' }, expected: { name: 'renamed', adminStateUp: true, shared: false } },
      { desc: 'admin state only', change: { adminStateUp: false }, expected: { name: 'private', adminStateUp: false, shared: false } },
      { desc: 'sharing only', change: { shared: true }, expected: { name: 'private', adminStateUp: true, shared: true } },
      {
        desc: 'everything',
        change: { name: 'n', adminStateUp: false, shared: true },
        expected: { name: 'n', adminStateUp: false, shared: true },
      },
      { desc: 'nothing', change: {}, expected: { name: 'private', adminStateUp: true, shared: false } },
    ])('carries the new values when changing $desc', ({ change, expected }) =>
      given(networkDecider, [created])
        .when({ type: 'UpdateNetwork', data: { networkId: NET, ...change } })
        .then([updated(expected)]),
    );
  });

  describe('AttachSubnet', () => {
    it('reserves the cidr of a new subnet', () =>
      given(networkDecider, [created])
        .when({ type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-1', cidr: '198.18.1.0/24' } })
        .then([attached('sub-1', '198.18.1.0/24')]));

    it('is a no-op for a subnet already attached', () =>
      given(networkDecider, [created, attached('sub-1', '198.18.1.0/24')])
        .when({ type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-1', cidr: '198.18.1.0/24' } })
        .then([]));

    it.each([
      { desc: 'an adjacent cidr', cidr: '198.18.2.0/24' },
      { desc: 'a cidr in the other half of the benchmark range', cidr: '198.19.0.0/16' },
    ])('attaches $desc next to 198.18.1.0/24', ({ cidr }) =>
      given(networkDecider, [created, attached('sub-1', '198.18.1.0/24')])
        .when({ type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-2', cidr } })
        .then([attached('sub-2', cidr)]),
    );

    it('attaches a cidr again once the subnet that held it was detached', () =>
      given(networkDecider, [created, attached('sub-1', '198.18.1.0/24'), detached('sub-1')])
        .when({ type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-2', cidr: '198.18.1.0/24' } })
        .then([attached('sub-2', '198.18.1.0/24')]));

    it.each([
      { desc: 'the same cidr', cidr: '198.18.1.0/24' },
      { desc: 'a cidr containing it', cidr: '198.18.0.0/16' },
      { desc: 'a cidr inside it', cidr: '198.18.1.128/25' },
      { desc: 'the whole benchmark range', cidr: '198.18.0.0/15' },
    ])('rejects $desc as overlapping 198.18.1.0/24', ({ cidr }) =>
      given(networkDecider, [created, attached('sub-1', '198.18.1.0/24')])
        .when({ type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-2', cidr } })
        .thenThrows(ValidationError, 'InvalidInput'),
    );

    it('says which cidr overlaps', () =>
      expect(() =>
        networkDecider.decide(
          { type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-2', cidr: '198.18.0.0/16' } },
          fold([created, attached('sub-1', '198.18.1.0/24')]),
        ),
      ).toThrow('Requested subnet with cidr: 198.18.0.0/16 for network: net-1 overlaps with another subnet.'));

    it.each([
      { desc: 'a cidr that is not an address', cidr: 'subnet' },
      { desc: 'a cidr with host bits set', cidr: '198.18.1.7/24' },
      { desc: 'a prefix too long for hosts', cidr: '198.18.1.0/31' },
    ])('rejects $desc', ({ cidr }) =>
      given(networkDecider, [created])
        .when({ type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-2', cidr } })
        .thenThrows(ValidationError, 'InvalidInput'),
    );
  });

  describe('DetachSubnet', () => {
    it('releases an attached subnet', () =>
      given(networkDecider, [created, attached('sub-1', '198.18.1.0/24')])
        .when({ type: 'DetachSubnet', data: { networkId: NET, subnetId: 'sub-1' } })
        .then([detached('sub-1')]));

    it('is a no-op for a subnet that is not attached', () =>
      given(networkDecider, [created])
        .when({ type: 'DetachSubnet', data: { networkId: NET, subnetId: 'sub-1' } })
        .then([]));
  });

  describe('DeleteNetwork', () => {
    it('deletes a network without subnets', () =>
      given(networkDecider, [created])
        .when({ type: 'DeleteNetwork', data: { networkId: NET } })
        .then([deleted]));

    it('deletes a network whose subnets were all detached', () =>
      given(networkDecider, [created, attached('sub-1', '198.18.1.0/24'), detached('sub-1')])
        .when({ type: 'DeleteNetwork', data: { networkId: NET } })
        .then([deleted]));

    it('rejects deleting a network with a subnet', () =>
      given(networkDecider, [created, attached('sub-1', '198.18.1.0/24')])
        .when({ type: 'DeleteNetwork', data: { networkId: NET } })
        .thenThrows(Conflict, 'NetworkInUse'));
  });

  describe.each([
    { desc: 'absent', history: [] as NetworkEvent[] },
    { desc: 'deleted', history: [created, deleted] },
  ])('on a network that is $desc', ({ history }) => {
    it.each([
      { type: 'UpdateNetwork', data: { networkId: NET, name: 'n' } },
      { type: 'AttachSubnet', data: { networkId: NET, subnetId: 'sub-1', cidr: '198.18.1.0/24' } },
      { type: 'DetachSubnet', data: { networkId: NET, subnetId: 'sub-1' } },
      { type: 'DeleteNetwork', data: { networkId: NET } },
    ] as const)('$type is NetworkNotFound', (command) =>
      given(networkDecider, history).when(command).thenThrows(NotFound, 'NetworkNotFound'),
    );
  });
});

describe('network evolve and view', () => {
  it('shows a created network in Neutron shape', () =>
    expect(view([created])).toEqual({
      id: NET,
      tenant_id: 'tenant-a',
      name: 'private',
      admin_state_up: true,
      status: 'ACTIVE',
      subnets: [],
      shared: false,
      'router:external': false,
    }));

  it('shows an external network', () =>
    expect(view([{ ...created, data: { ...createdData, external: true } }])?.['router:external']).toBe(true));

  it('applies updates', () =>
    expect(view([created, updated({ name: 'n', adminStateUp: false, shared: true })])).toMatchObject({
      name: 'n',
      admin_state_up: false,
      shared: true,
    }));

  it('lists subnets in attachment order, once each, without the detached ones', () =>
    expect(
      view([
        created,
        attached('sub-1', '198.18.1.0/24'),
        attached('sub-2', '198.18.2.0/24'),
        attached('sub-1', '198.18.1.0/24'),
        attached('sub-3', '198.18.3.0/24'),
        detached('sub-2'),
        detached('sub-9'),
      ])?.subnets,
    ).toEqual(['sub-1', 'sub-3']));

  it('shows nothing for an absent or deleted network', () => {
    expect(view([])).toBeNull();
    expect(networkDecider.views(fold([created, deleted]))).toEqual({});
  });

  it('gives one row of the networks collection and nothing else', () =>
    expect(networkDecider.views(fold([created]))).toEqual({ networks: [expect.objectContaining({ id: NET })] }));

  it.each([
    { desc: 'an update', event: updated({ name: 'n' }) },
    { desc: 'an attachment', event: attached('sub-1', '198.18.1.0/24') },
    { desc: 'a detachment', event: detached('sub-1') },
  ])('ignores $desc after the deletion', ({ event }) => expect(fold([created, deleted, event])).toEqual({ kind: 'deleted' }));

  it('ignores updates of an absent network', () => expect(fold([updated({ name: 'n' })])).toEqual({ kind: 'absent' }));
});
