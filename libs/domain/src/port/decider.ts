import { type Decider, singleRowViews } from '../decider';
import { Conflict } from '../errors';
import { ABSENT, DELETED, type Lifecycle, live } from '../lifecycle';
import type { PortResource } from '../resources';
import { fnv1a } from '../text';
import type { PortCreated, PortEvent } from './events';

export type PortState = Lifecycle<Omit<PortCreated['data'], 'portId'> & { id: string }>;

export type PortCommand =
  | { type: 'CreatePort'; data: Omit<PortCreated['data'], 'macAddress'> }
  | { type: 'DeletePort'; data: { portId: string } };

/** OpenStack's locally administered prefix plus three bytes derived from the port id: stable across rebuilds. */
export const macAddressFor = (portId: string): string => {
  const h = fnv1a(portId);
  return `fa:16:3e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
};

export function decidePort(command: PortCommand, state: PortState): PortEvent[] {
  switch (command.type) {
    case 'CreatePort':
      if (state.kind !== 'absent') throw new Conflict('PortExists', `Port ${command.data.portId} already exists.`);
      return [{ type: 'PortCreated', version: 1, data: { ...command.data, macAddress: macAddressFor(command.data.portId) } }];
    case 'DeletePort':
      live(state, 'Port', command.data.portId);
      return [{ type: 'PortDeleted', version: 1, data: command.data }];
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolvePort(state: PortState, event: PortEvent): PortState {
  switch (event.type) {
    case 'PortCreated': {
      const { portId, ...rest } = event.data;
      return { kind: 'live', id: portId, ...rest };
    }
    case 'PortDeleted':
      return DELETED;
    default:
      return state;
  }
}

export function portView(state: PortState): PortResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id, tenant_id: state.tenantId, network_id: state.networkId, name: state.name, admin_state_up: true,
    status: 'ACTIVE', mac_address: state.macAddress, fixed_ips: [{ subnet_id: state.subnetId, ip_address: state.ipAddress }],
    device_id: state.deviceId, device_owner: state.deviceOwner,
  };
}

export const portDecider: Decider<PortCommand, PortState, PortEvent> = {
  aggregate: 'port',
  initialState: ABSENT,
  decide: decidePort,
  evolve: evolvePort,
  views: singleRowViews('ports', portView),
};
