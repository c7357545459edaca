import { Conflict, NotFound } from '../errors';
import { given } from '../testing/given-when-then';
import { floatingIpDecider } from './decider';
import type { FloatingIpAssociated, FloatingIpCreated, FloatingIpDeleted, FloatingIpDisassociated, FloatingIpEvent } from './events';

const FIP = 'fip-1';
const createdData: FloatingIpCreated['data'] = {
  floatingIpId: FIP,
  tenantId: 'tenant-a',
  floatingNetworkId: 'ext-net',
  floatingSubnetId: 'ext-sub',
  floatingIpAddress: '198.19.0.10',
  portId: null,
  fixedIpAddress: null,
};
const created: FloatingIpCreated = { type: 'FloatingIpCreated', version: 1, data: createdData };
const associated = (portId: string, fixedIpAddress: string): FloatingIpAssociated => ({
  type: 'FloatingIpAssociated',
  version: 1,
  data: { floatingIpId: FIP, portId, fixedIpAddress },
});
const disassociated = (portId: string): FloatingIpDisassociated => ({
  type: 'FloatingIpDisassociated',
  version: 1,
  data: { floatingIpId: FIP, portId },
});
const deleted: FloatingIpDeleted = { type: 'FloatingIpDeleted', version: 1, data: { floatingIpId: FIP } };

const fold = (events: FloatingIpEvent[]) => given(floatingIpDecider, events).state;
const view = (events: FloatingIpEvent[]) => floatingIpDecider.views(fold(events)).floatingips?.[0] ?? null;
const associate = (portId: string, fixedIpAddress: string) =>
  ({ type: 'AssociateFloatingIp', data: { floatingIpId: FIP, portId, fixedIpAddress } }) as const;

describe('floating IP decide', () => {
  describe('CreateFloatingIp', () => {
    it.each([
      { desc: 'unassociated', data: createdData },
      { desc: 'already forwarding to a port', data: { ...createdData, portId: 'port-1', fixedIpAddress: '198.18.1.5' } },
    ])('creates a floating IP $desc', ({ data }) =>
      given(floatingIpDecider)
        .when({ type: 'CreateFloatingIp', data })
        .then([{ type: 'FloatingIpCreated', version: 1, data }]),
    );

    it.each([
      { desc: 'a live floating IP', history: [created] },
      { desc: 'a deleted floating IP (ids are never reused)', history: [created, deleted] },
    ])('rejects creating $desc', ({ history }) =>
      given(floatingIpDecider, history).when({ type: 'CreateFloatingIp', data: createdData }).thenThrows(Conflict, 'FloatingIPExists'),
    );
  });

  describe('AssociateFloatingIp', () => {
    it.each([
      { desc: 'associates an unassociated floating IP', history: [created], expected: [associated('port-1', '198.18.1.5')] },
      {
        desc: 'is a no-op for the port and address it already forwards to',
        history: [created, associated('port-1', '198.18.1.5')],
        expected: [],
      },
      {
        desc: 'is a no-op for a floating IP created with that association',
        expected: [],
        history: [{ ...created, data: { ...createdData, portId: 'port-1', fixedIpAddress: '198.18.1.5' } }],
      },
      {
        desc: 'moves the floating IP from another port in one decision',
        history: [created, associated('port-0', '198.18.1.4')],
        expected: [disassociated('port-0'), associated('port-1', '198.18.1.5')],
      },
      {
        desc: 'moves the floating IP to another fixed address of the same port',
        history: [created, associated('port-1', '198.18.1.4')],
        expected: [disassociated('port-1'), associated('port-1', '198.18.1.5')],
      },
      {
        desc: 'associates again after a disassociation',
        history: [created, associated('port-0', '198.18.1.4'), disassociated('port-0')],
        expected: [associated('port-1', '198.18.1.5')],
      },
    ])('$desc', ({ history, expected }) => given(floatingIpDecider, history).when(associate('port-1', '198.18.1.5')).then(expected));
  });

  describe('DisassociateFloatingIp', () => {
    it('stops forwarding to the associated port', () =>
      given(floatingIpDecider, [created, associated('port-1', '198.18.1.5')])
        .when({ type: 'DisassociateFloatingIp', data: { floatingIpId: FIP } })
        .then([disassociated('port-1')]));

    it.each([
      { desc: 'never associated', history: [created] },
      { desc: 'already disassociated', history: [created, associated('port-1', '198.18.1.5'), disassociated('port-1')] },
    ])('is a no-op for a floating IP $desc', ({ history }) =>
      given(floatingIpDecider, history)
        .when({ type: 'DisassociateFloatingIp', data: { floatingIpId: FIP } })
        .then([]),
    );
  });

  describe('DeleteFloatingIp', () => {
    it.each([
      { desc: 'an unassociated floating IP', history: [created] },
      { desc: 'an associated floating IP', history: [created, associated('port-1', '198.18.1.5')] },
    ])('deletes $desc', ({ history }) =>
      given(floatingIpDecider, history)
        .when({ type: 'DeleteFloatingIp', data: { floatingIpId: FIP } })
        .then([deleted]),
    );
  });

  describe.each([
    { desc: 'absent', history: [] as FloatingIpEvent[] },
    { desc: 'deleted', history: [created, deleted] },
  ])('on a floating IP that is $desc', ({ history }) => {
    it.each([
      associate('port-1', '198.18.1.5'),
      { type: 'DisassociateFloatingIp', data: { floatingIpId: FIP } },
      { type: 'DeleteFloatingIp', data: { floatingIpId: FIP } },
    ] as const)('$type is FloatingIPNotFound', (command) =>
      given(floatingIpDecider, history).when(command).thenThrows(NotFound, 'FloatingIPNotFound'),
    );
  });
});

describe('floating IP evolve and view', () => {
  it('shows an unassociated floating IP as DOWN', () =>
    expect(view([created])).toEqual({
      id: FIP,
      tenant_id: 'tenant-a',
      floating_network_id: 'ext-net',
      floating_ip_address: '198.19.0.10',
      port_id: null,
      fixed_ip_address: null,
      router_id: null,
      status: 'DOWN',
    }));

  it('shows an associated floating IP as ACTIVE with its port and fixed address', () =>
    expect(view([created, associated('port-1', '198.18.1.5')])).toMatchObject({
      port_id: 'port-1',
      fixed_ip_address: '198.18.1.5',
      status: 'ACTIVE',
    }));

  it('shows a disassociated floating IP as DOWN again', () =>
    expect(view([created, associated('port-1', '198.18.1.5'), disassociated('port-1')])).toMatchObject({
      port_id: null,
      fixed_ip_address: null,
      status: 'DOWN',
    }));

  it('ignores the disassociation of a port it no longer forwards to', () =>
    expect(
      view([
        created,
        associated('port-0', '198.18.1.4'),
        disassociated('port-0'),
        associated('port-1', '198.18.1.5'),
        disassociated('port-0'),
      ]),
    ).toMatchObject({ port_id: 'port-1', status: 'ACTIVE' }));

  it('shows nothing for an absent or deleted floating IP', () => {
    expect(floatingIpDecider.views(fold([]))).toEqual({});
    expect(floatingIpDecider.views(fold([created, deleted]))).toEqual({});
  });

  it.each([
    { desc: 'an association', event: associated('port-1', '198.18.1.5') },
    { desc: 'a disassociation', event: disassociated('port-1') },
  ])('ignores $desc after the deletion', ({ event }) => expect(fold([created, deleted, event])).toEqual({ kind: 'deleted' }));
});
