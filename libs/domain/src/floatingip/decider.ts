import { type Decider, singleRowViews } from '../decider';
import { Conflict } from '../errors';
import { ABSENT, DELETED, type Lifecycle, live } from '../lifecycle';
import type { FloatingIpResource } from '../resources';
import type { FloatingIpCreated, FloatingIpEvent } from './events';

export type FloatingIpState = Lifecycle<Omit<FloatingIpCreated['data'], 'floatingIpId'> & { id: string }>;

export type FloatingIpCommand =
  | { type: 'CreateFloatingIp'; data: FloatingIpCreated['data'] }
  | { type: 'AssociateFloatingIp'; data: { floatingIpId: string; portId: string; fixedIpAddress: string } }
  | { type: 'DisassociateFloatingIp'; data: { floatingIpId: string } }
  | { type: 'DeleteFloatingIp'; data: { floatingIpId: string } };

const KIND = 'FloatingIP';

export function decideFloatingIp(command: FloatingIpCommand, state: FloatingIpState): FloatingIpEvent[] {
  switch (command.type) {
    case 'CreateFloatingIp':
      if (state.kind !== 'absent') throw new Conflict('FloatingIPExists', `Floating IP ${command.data.floatingIpId} already exists.`);
      return [{ type: 'FloatingIpCreated', version: 1, data: command.data }];
    case 'AssociateFloatingIp': {
      const fip = live(state, KIND, command.data.floatingIpId);
      if (fip.portId === command.data.portId && fip.fixedIpAddress === command.data.fixedIpAddress) return [];
      // Neutron moves an associated floating IP to the new port in one update.
      const release: FloatingIpEvent[] = fip.portId === null ? [] : [{ type: 'FloatingIpDisassociated', version: 1, data: { floatingIpId: fip.id, portId: fip.portId } }];
      return [...release, { type: 'FloatingIpAssociated', version: 1, data: command.data }];
    }
    case 'DisassociateFloatingIp': {
      const fip = live(state, KIND, command.data.floatingIpId);
      return fip.portId === null ? [] : [{ type: 'FloatingIpDisassociated', version: 1, data: { floatingIpId: fip.id, portId: fip.portId } }];
    }
    case 'DeleteFloatingIp':
      live(state, KIND, command.data.floatingIpId);
      return [{ type: 'FloatingIpDeleted', version: 1, data: command.data }];
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolveFloatingIp(state: FloatingIpState, event: FloatingIpEvent): FloatingIpState {
  switch (event.type) {
    case 'FloatingIpCreated': {
      const { floatingIpId, ...rest } = event.data;
      return { kind: 'live', id: floatingIpId, ...rest };
    }
    case 'FloatingIpAssociated':
      return state.kind === 'live' ? { ...state, portId: event.data.portId, fixedIpAddress: event.data.fixedIpAddress } : state;
    case 'FloatingIpDisassociated':
      return state.kind === 'live' ? { ...state, portId: null, fixedIpAddress: null } : state;
    case 'FloatingIpDeleted':
      return DELETED;
    default:
      return state;
  }
}

export function floatingIpView(state: FloatingIpState): FloatingIpResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id, tenant_id: state.tenantId, floating_network_id: state.floatingNetworkId,
    floating_ip_address: state.floatingIpAddress, port_id: state.portId, fixed_ip_address: state.fixedIpAddress,
    router_id: null, status: state.portId === null ? 'DOWN' : 'ACTIVE',
  };
}

export const floatingIpDecider: Decider<FloatingIpCommand, FloatingIpState, FloatingIpEvent> = {
  aggregate: 'floatingip',
  initialState: ABSENT,
  decide: decideFloatingIp,
  evolve: evolveFloatingIp,
  views: singleRowViews('floatingips', floatingIpView),
};
