import { Conflict, NotFound, ValidationError } from '../errors';
import { given } from '../testing/given-when-then';
import { subnetDecider } from './decider';
import type { SubnetAddressAllocated, SubnetAddressReleased, SubnetCreated, SubnetDeleted, SubnetEvent, SubnetUpdated } from './events';

const SUB = 'sub-1';
const CIDR = '198.18.1.0/24';
/** An allocation pool of 198.18.1.0/24, by the last octets of its ends. */
const pool = (start: number, end: number) => ({ start: `198.18.1.${start}`, end: `198.18.1.${end}` });
const identity = { subnetId: SUB, tenantId: 'tenant-a', networkId: 'net-1', cidr: CIDR };
const createdData: SubnetCreated['data'] = {
  ...identity,
  name: '',
  gatewayIp: '198.18.1.1',
  allocationPools: [pool(2, 254)],
  enableDhcp: true,
  dnsNameservers: [],
  hostRoutes: [],
};
const created = (change: Partial<SubnetCreated['data']> = {}): SubnetCreated => ({
  type: 'SubnetCreated',
  version: 1,
  data: { ...createdData, ...change },
});
const updated = (change: Partial<SubnetUpdated['data']> = {}): SubnetUpdated => ({
  type: 'SubnetUpdated',
  version: 1,
  data: { subnetId: SUB, name: '', gatewayIp: '198.18.1.1', enableDhcp: true, dnsNameservers: [], hostRoutes: [], ...change },
});
const allocated = (ipAddress: string, ownerId: string): SubnetAddressAllocated => ({
  type: 'SubnetAddressAllocated',
  version: 1,
  data: { subnetId: SUB, ipAddress, ownerId },
});
const released = (ipAddress: string, ownerId: string): SubnetAddressReleased => ({
  type: 'SubnetAddressReleased',
  version: 1,
  data: { subnetId: SUB, ipAddress, ownerId },
});
const deleted: SubnetDeleted = { type: 'SubnetDeleted', version: 1, data: { subnetId: SUB } };

const fold = (events: SubnetEvent[]) => given(subnetDecider, events).state;
const view = (events: SubnetEvent[]) => subnetDecider.views(fold(events)).subnets?.[0] ?? null;

describe('subnet decide', () => {
  describe('CreateSubnet', () => {
    it.each([
      { desc: 'without a gateway: the first host, the other hosts in one pool', input: {}, gatewayIp: '198.18.1.1', pools: [pool(2, 254)] },
      { desc: 'with gateway_ip null: every host in the pool', input: { gatewayIp: null }, gatewayIp: null, pools: [pool(1, 254)] },
      { desc: 'with the last host as gateway', input: { gatewayIp: '198.18.1.254' }, gatewayIp: '198.18.1.254', pools: [pool(1, 253)] },
      {
        desc: 'with a gateway in the middle: two pools around it',
        input: { gatewayIp: '198.18.1.100' },
        gatewayIp: '198.18.1.100',
        pools: [pool(1, 99), pool(101, 254)],
      },
      { desc: 'with an empty pool list: the default pool', input: { allocationPools: [] }, gatewayIp: '198.18.1.1', pools: [pool(2, 254)] },
    ])('defaults $desc', ({ input, gatewayIp, pools }) =>
      given(subnetDecider)
        .when({ type: 'CreateSubnet', data: { ...identity, ...input } })
        .then([created({ gatewayIp, allocationPools: pools })]),
    );

    it('leaves one address to the pool of a /30', () =>
      given(subnetDecider)
        .when({ type: 'CreateSubnet', data: { ...identity, cidr: '198.18.1.4/30' } })
        .then([created({ cidr: '198.18.1.4/30', gatewayIp: '198.18.1.5', allocationPools: [pool(6, 6)] })]));

    it('keeps every setting it is given', () => {
      const settings = {
        name: 'vip-subnet',
        gatewayIp: '198.18.1.1',
        enableDhcp: false,
        dnsNameservers: ['198.18.0.53'],
        hostRoutes: [{ destination: '198.19.0.0/16', nexthop: '198.18.1.254' }],
        allocationPools: [pool(30, 40), pool(10, 29)],
      };
      given(subnetDecider)
        .when({ type: 'CreateSubnet', data: { ...identity, ...settings } })
        .then([created(settings)]);
    });

    it.each([
      { desc: 'a cidr that is not one', change: { cidr: '198.18.1.0' }, error: ValidationError, type: 'InvalidInput' },
      { desc: 'a cidr with host bits', change: { cidr: '198.18.1.9/24' }, error: ValidationError, type: 'InvalidInput' },
      { desc: 'a gateway that is not an address', change: { gatewayIp: 'gw' }, error: ValidationError, type: 'InvalidInput' },
      { desc: 'a gateway outside the cidr', change: { gatewayIp: '198.18.2.1' }, error: ValidationError, type: 'InvalidInput' },
      { desc: 'the network address as gateway', change: { gatewayIp: '198.18.1.0' }, error: ValidationError, type: 'InvalidInput' },
      { desc: 'the broadcast address as gateway', change: { gatewayIp: '198.18.1.255' }, error: ValidationError, type: 'InvalidInput' },
      {
        desc: 'a pool start that is not an address',
        change: { allocationPools: [{ start: 'x', end: '198.18.1.9' }] },
        error: ValidationError,
        type: 'InvalidAllocationPool',
      },
      {
        desc: 'a pool end that is not an address',
        change: { allocationPools: [pool(2, 300)] },
        error: ValidationError,
        type: 'InvalidAllocationPool',
      },
      {
        desc: 'a pool that ends before it starts',
        change: { allocationPools: [pool(9, 2)] },
        error: ValidationError,
        type: 'InvalidAllocationPool',
      },
      {
        desc: 'a pool holding the network address',
        change: { allocationPools: [pool(0, 9)] },
        error: ValidationError,
        type: 'OutOfBoundsAllocationPool',
      },
      {
        desc: 'a pool holding the broadcast address',
        change: { allocationPools: [pool(200, 255)] },
        error: ValidationError,
        type: 'OutOfBoundsAllocationPool',
      },
      {
        desc: 'a pool outside the cidr',
        error: ValidationError,
        type: 'OutOfBoundsAllocationPool',
        change: { allocationPools: [{ start: '198.18.2.2', end: '198.18.2.9' }] },
      },
      {
        desc: 'overlapping pools',
        error: Conflict,
        type: 'OverlappingAllocationPools',
        change: { allocationPools: [pool(10, 20), pool(15, 30)] },
      },
      {
        desc: 'pools sharing one address',
        error: Conflict,
        type: 'OverlappingAllocationPools',
        change: { allocationPools: [pool(20, 30), pool(10, 20)] },
      },
      {
        desc: 'the gateway inside a pool',
        change: { allocationPools: [pool(1, 9)] },
        error: Conflict,
        type: 'GatewayConflictWithAllocationPools',
      },
    ])('rejects $desc', ({ change, error, type }) =>
      given(subnetDecider)
        .when({ type: 'CreateSubnet', data: { ...identity, ...change } })
        .thenThrows(error, type),
    );

    it.each([
      { desc: 'a live subnet', history: [created()] },
      { desc: 'a deleted subnet (ids are never reused)', history: [created(), deleted] },
    ])('rejects creating $desc', ({ history }) =>
      given(subnetDecider, history).when({ type: 'CreateSubnet', data: identity }).thenThrows(Conflict, 'SubnetExists'),
    );
  });

  describe('UpdateSubnet', () => {
    it.each([
      { desc: 'the name only', change: { name: 'renamed' } },
      { desc: 'DHCP', change: { enableDhcp: false } },
      {
        desc: 'name servers and routes',
        change: { dnsNameservers: ['198.18.0.53'], hostRoutes: [{ destination: '198.19.0.0/16', nexthop: '198.18.1.1' }] },
      },
      { desc: 'the gateway to none', change: { gatewayIp: null } },
      { desc: 'the gateway to itself', change: { gatewayIp: '198.18.1.1' } },
      { desc: 'nothing', change: {} },
    ])('carries every setting when changing $desc', ({ change }) =>
      given(subnetDecider, [created()])
        .when({ type: 'UpdateSubnet', data: { subnetId: SUB, ...change } })
        .then([updated(change)]),
    );

    it('moves the gateway to a free host outside the pools', () =>
      given(subnetDecider, [created({ allocationPools: [pool(10, 20)] })])
        .when({ type: 'UpdateSubnet', data: { subnetId: SUB, gatewayIp: '198.18.1.254' } })
        .then([updated({ gatewayIp: '198.18.1.254' })]));

    it.each([
      { desc: 'into the allocation pool', gatewayIp: '198.18.1.100', error: Conflict, type: 'GatewayConflictWithAllocationPools' },
      { desc: 'outside the cidr', gatewayIp: '198.18.2.1', error: ValidationError, type: 'InvalidInput' },
      { desc: 'to the broadcast address', gatewayIp: '198.18.1.255', error: ValidationError, type: 'InvalidInput' },
      { desc: 'to something that is not an address', gatewayIp: 'router', error: ValidationError, type: 'InvalidInput' },
    ])('rejects moving the gateway $desc', ({ gatewayIp, error, type }) =>
      given(subnetDecider, [created()])
        .when({ type: 'UpdateSubnet', data: { subnetId: SUB, gatewayIp } })
        .thenThrows(error, type),
    );

    it('rejects moving the gateway onto an allocated address', () =>
      given(subnetDecider, [created({ allocationPools: [pool(10, 20)] }), allocated('198.18.1.30', 'port-1')])
        .when({ type: 'UpdateSubnet', data: { subnetId: SUB, gatewayIp: '198.18.1.30' } })
        .thenThrows(Conflict, 'IpAddressInUse'));
  });

  describe('AllocateAddress', () => {
    const allocate = (ownerId: string, ipAddress?: string) =>
      ({
        type: 'AllocateAddress',
        data: ipAddress === undefined ? { subnetId: SUB, ownerId } : { subnetId: SUB, ownerId, ipAddress },
      }) as const;

    it.each([
      { desc: 'the first host of the pool', history: [created()], expected: '198.18.1.2' },
      {
        desc: 'the next free one',
        history: [created(), allocated('198.18.1.2', 'p'), allocated('198.18.1.3', 'q')],
        expected: '198.18.1.4',
      },
      {
        desc: 'a released one again',
        expected: '198.18.1.2',
        history: [created(), allocated('198.18.1.2', 'p'), allocated('198.18.1.3', 'q'), released('198.18.1.2', 'p')],
      },
      {
        desc: 'from the next pool once the first is full',
        expected: '198.18.1.20',
        history: [created({ allocationPools: [pool(10, 11), pool(20, 21)] }), allocated('198.18.1.10', 'p'), allocated('198.18.1.11', 'q')],
      },
      {
        desc: 'never the gateway, even from a history whose pool holds it',
        expected: '198.18.1.3',
        history: [created({ gatewayIp: '198.18.1.2', allocationPools: [pool(1, 254)] }), allocated('198.18.1.1', 'p')],
      },
    ])('gives $desc', ({ history, expected }) =>
      given(subnetDecider, history)
        .when(allocate('port-1'))
        .then([allocated(expected, 'port-1')]),
    );

    it.each([
      { desc: 'a free address of the pool', ip: '198.18.1.77' },
      { desc: 'a free host outside the pools', ip: '198.18.1.3', pools: [pool(10, 20)] },
    ])('gives an explicitly requested address: $desc', ({ ip, pools }) =>
      given(subnetDecider, [created(pools ? { allocationPools: pools } : {})])
        .when(allocate('port-1', ip))
        .then([allocated(ip, 'port-1')]),
    );

    it.each([
      { desc: 'asked again', ip: undefined },
      { desc: 'asked again for its address', ip: '198.18.1.2' },
      { desc: 'asked for another address', ip: '198.18.1.9' },
    ])('gives an owner that holds an address nothing new when $desc', ({ ip }) =>
      given(subnetDecider, [created(), allocated('198.18.1.2', 'port-1')])
        .when(allocate('port-1', ip))
        .then([]),
    );

    it.each([
      { desc: 'an address held by another owner', ip: '198.18.1.2', error: Conflict, type: 'IpAddressInUse' },
      { desc: 'the gateway', ip: '198.18.1.1', error: Conflict, type: 'IpAddressInUse' },
      { desc: 'an address outside the cidr', ip: '198.18.2.2', error: ValidationError, type: 'InvalidInput' },
      { desc: 'the network address', ip: '198.18.1.0', error: ValidationError, type: 'InvalidInput' },
      { desc: 'the broadcast address', ip: '198.18.1.255', error: ValidationError, type: 'InvalidInput' },
      { desc: 'something that is not an address', ip: 'vip', error: ValidationError, type: 'InvalidInput' },
    ])('rejects an explicit request for $desc', ({ ip, error, type }) =>
      given(subnetDecider, [created(), allocated('198.18.1.2', 'port-0')])
        .when(allocate('port-1', ip))
        .thenThrows(error, type),
    );

    it.each([
      {
        desc: 'the only address of a /30 pool is taken',
        history: [created({ cidr: '198.18.1.4/30', gatewayIp: '198.18.1.5', allocationPools: [pool(6, 6)] }), allocated('198.18.1.6', 'p')],
      },
      {
        desc: 'both hosts of a /30 without gateway are taken',
        history: [
          created({ cidr: '198.18.1.4/30', gatewayIp: null, allocationPools: [pool(5, 6)] }),
          allocated('198.18.1.5', 'p'),
          allocated('198.18.1.6', 'q'),
        ],
      },
    ])('fails to generate an address when $desc', ({ history }) =>
      given(subnetDecider, history).when(allocate('port-1')).thenThrows(Conflict, 'IpAddressGenerationFailure'),
    );
  });

  describe('ReleaseAddress', () => {
    it('frees the address of its owner', () =>
      given(subnetDecider, [created(), allocated('198.18.1.2', 'port-0'), allocated('198.18.1.3', 'port-1')])
        .when({ type: 'ReleaseAddress', data: { subnetId: SUB, ownerId: 'port-1' } })
        .then([released('198.18.1.3', 'port-1')]));

    it.each([
      { desc: 'an owner without an address', history: [created(), allocated('198.18.1.2', 'port-0')] },
      {
        desc: 'an owner whose address was already released',
        history: [created(), allocated('198.18.1.3', 'port-1'), released('198.18.1.3', 'port-1')],
      },
    ])('is a no-op for $desc', ({ history }) =>
      given(subnetDecider, history)
        .when({ type: 'ReleaseAddress', data: { subnetId: SUB, ownerId: 'port-1' } })
        .then([]),
    );
  });

  describe('DeleteSubnet', () => {
    it.each([
      { desc: 'without allocations', history: [created()] },
      {
        desc: 'whose addresses were all released',
        history: [created(), allocated('198.18.1.2', 'port-1'), released('198.18.1.2', 'port-1')],
      },
    ])('deletes a subnet $desc', ({ history }) =>
      given(subnetDecider, history)
        .when({ type: 'DeleteSubnet', data: { subnetId: SUB } })
        .then([deleted]),
    );

    it('rejects deleting a subnet with an allocated address', () =>
      given(subnetDecider, [created(), allocated('198.18.1.2', 'port-1')])
        .when({ type: 'DeleteSubnet', data: { subnetId: SUB } })
        .thenThrows(Conflict, 'SubnetInUse'));
  });

  describe.each([
    { desc: 'absent', history: [] as SubnetEvent[] },
    { desc: 'deleted', history: [created(), deleted] },
  ])('on a subnet that is $desc', ({ history }) => {
    it.each([
      { type: 'UpdateSubnet', data: { subnetId: SUB, name: 'n' } },
      { type: 'AllocateAddress', data: { subnetId: SUB, ownerId: 'port-1' } },
      { type: 'ReleaseAddress', data: { subnetId: SUB, ownerId: 'port-1' } },
      { type: 'DeleteSubnet', data: { subnetId: SUB } },
    ] as const)('$type is SubnetNotFound', (command) => given(subnetDecider, history).when(command).thenThrows(NotFound, 'SubnetNotFound'));
  });
});

describe('subnet evolve and view', () => {
  it('shows a created subnet in Neutron shape', () =>
    expect(view([created()])).toEqual({
      id: SUB,
      tenant_id: 'tenant-a',
      network_id: 'net-1',
      name: '',
      ip_version: 4,
      cidr: CIDR,
      gateway_ip: '198.18.1.1',
      allocation_pools: [pool(2, 254)],
      enable_dhcp: true,
      dns_nameservers: [],
      host_routes: [],
    }));

  it('applies updates', () =>
    expect(view([created(), updated({ name: 'n', gatewayIp: null, enableDhcp: false, dnsNameservers: ['198.18.0.53'] })])).toMatchObject({
      name: 'n',
      gateway_ip: null,
      enable_dhcp: false,
      dns_nameservers: ['198.18.0.53'],
      allocation_pools: [pool(2, 254)],
    }));

  it('counts an allocation seen twice once', () =>
    given(subnetDecider, [
      created(),
      allocated('198.18.1.2', 'port-1'),
      allocated('198.18.1.2', 'port-1'),
      released('198.18.1.2', 'port-1'),
    ])
      .when({ type: 'DeleteSubnet', data: { subnetId: SUB } })
      .then([deleted]));

  it('ignores the release of an address that is not allocated', () =>
    expect(fold([created(), allocated('198.18.1.2', 'port-1'), released('198.18.1.9', 'port-2')])).toEqual(
      fold([created(), allocated('198.18.1.2', 'port-1')]),
    ));

  it('shows nothing for an absent or deleted subnet', () => {
    expect(subnetDecider.views(fold([]))).toEqual({});
    expect(subnetDecider.views(fold([created(), deleted]))).toEqual({});
  });

  it('gives one row of the subnets collection and nothing else', () =>
    expect(subnetDecider.views(fold([created()]))).toEqual({ subnets: [expect.objectContaining({ id: SUB })] }));

  it.each([
    { desc: 'an update', event: updated({ name: 'n' }) },
    { desc: 'an allocation', event: allocated('198.18.1.2', 'port-1') },
    { desc: 'a release', event: released('198.18.1.2', 'port-1') },
  ])('ignores $desc after the deletion', ({ event }) => expect(fold([created(), deleted, event])).toEqual({ kind: 'deleted' }));

  it.each([
    { desc: 'an update', event: updated({ name: 'n' }) },
    { desc: 'an allocation', event: allocated('198.18.1.2', 'port-1') },
  ])('ignores $desc of an absent subnet', ({ event }) => expect(fold([event])).toEqual({ kind: 'absent' }));
});
