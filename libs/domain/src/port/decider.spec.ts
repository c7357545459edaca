import { Conflict, NotFound } from '../errors';
import { given } from '../testing/given-when-then';
import { macAddressFor } from './decide';
import { portDecider } from './decider';
import type { PortCreated, PortDeleted, PortEvent } from './events';

const PORT = 'port-1';
const request = {
  portId: PORT,
  tenantId: 'tenant-a',
  networkId: 'net-1',
  subnetId: 'sub-1',
  ipAddress: '198.18.1.5',
  name: 'vip-vip-1',
  deviceId: 'vip-1',
  deviceOwner: 'neutron:LOADBALANCER',
};
const created: PortCreated = { type: 'PortCreated', version: 1, data: { ...request, macAddress: 'fa:16:3e:57:77:f0' } };
const deleted: PortDeleted = { type: 'PortDeleted', version: 1, data: { portId: PORT } };

const fold = (events: PortEvent[]) => given(portDecider, events).state;

describe('port decide', () => {
  it('creates a port with a MAC address derived from its id', () =>
    given(portDecider).when({ type: 'CreatePort', data: request }).then([created]));

  it.each([
    { desc: 'a live port', history: [created] },
    { desc: 'a deleted port (ids are never reused)', history: [created, deleted] },
  ])('rejects creating $desc', ({ history }) =>
    given(portDecider, history).when({ type: 'CreatePort', data: request }).thenThrows(Conflict, 'PortExists'),
  );

  it('deletes a live port', () =>
    given(portDecider, [created])
      .when({ type: 'DeletePort', data: { portId: PORT } })
      .then([deleted]));

  it.each([
    { desc: 'an absent port', history: [] as PortEvent[] },
    { desc: 'a deleted port', history: [created, deleted] },
  ])('does not find $desc to delete', ({ history }) =>
    given(portDecider, history)
      .when({ type: 'DeletePort', data: { portId: PORT } })
      .thenThrows(NotFound, 'PortNotFound'),
  );
});

describe('macAddressFor', () => {
  it.each([
    { portId: 'port-1', mac: 'fa:16:3e:57:77:f0' },
    { portId: 'port-2', mac: 'fa:16:3e:5a:77:f5' },
    { portId: '6f1c2d3e-0000-4000-8000-000000000001', mac: 'fa:16:3e:9f:38:64' },
  ])('gives $portId the same MAC on every rebuild: $mac', ({ portId, mac }) => expect(macAddressFor(portId)).toBe(mac));

  it("keeps OpenStack's locally administered prefix", () => expect(macAddressFor('any port')).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/));
});

describe('port evolve and view', () => {
  it('shows a created port in Neutron shape', () =>
    expect(portDecider.views(fold([created]))).toEqual({
      ports: [
        {
          id: PORT,
          tenant_id: 'tenant-a',
          network_id: 'net-1',
          name: 'vip-vip-1',
          admin_state_up: true,
          status: 'ACTIVE',
          mac_address: 'fa:16:3e:57:77:f0',
          fixed_ips: [{ subnet_id: 'sub-1', ip_address: '198.18.1.5' }],
          device_id: 'vip-1',
          device_owner: 'neutron:LOADBALANCER',
        },
      ],
    }));

  it('shows nothing for an absent or deleted port', () => {
    expect(portDecider.views(fold([]))).toEqual({});
    expect(portDecider.views(fold([created, deleted]))).toEqual({});
  });

  it('stays deleted when the deletion is seen twice', () => expect(fold([created, deleted, deleted])).toEqual({ kind: 'deleted' }));
});
