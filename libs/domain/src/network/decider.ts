import { type Decider, singleRowViews } from '../decider';
import { Conflict, ValidationError } from '../errors';
import { cidrsOverlap, parseCidr } from '../ipv4';
import { ABSENT, DELETED, type Lifecycle, live } from '../lifecycle';
import type { NetworkResource } from '../resources';
import type { NetworkEvent } from './events';

export type NetworkState = Lifecycle<{
  id: string; tenantId: string; name: string; adminStateUp: boolean; shared: boolean; external: boolean;
  subnets: { subnetId: string; cidr: string }[];
}>;

export type NetworkCommand =
  | { type: 'CreateNetwork'; data: { networkId: string; tenantId: string; name: string; adminStateUp: boolean; shared: boolean; external: boolean } }
  | { type: 'UpdateNetwork'; data: { networkId: string; name?: string; adminStateUp?: boolean; shared?: boolean } }
  | { type: 'AttachSubnet'; data: { networkId: string; subnetId: string; cidr: string } }
  | { type: 'DetachSubnet'; data: { networkId: string; subnetId: string } }
  | { type: 'DeleteNetwork'; data: { networkId: string } };

const KIND = 'Network';

export function decideNetwork(command: NetworkCommand, state: NetworkState): NetworkEvent[] {
  switch (command.type) {
    case 'CreateNetwork':
      if (state.kind !== 'absent') throw new Conflict('NetworkExists', `Network ${command.data.networkId} already exists.`);
      return [{ type: 'NetworkCreated', version: 1, data: command.data }];
    case 'UpdateNetwork': {
      const net = live(state, KIND, command.data.networkId);
      return [{
        type: 'NetworkUpdated', version: 1,
        data: {
          networkId: net.id, name: command.data.name ?? net.name,
          adminStateUp: command.data.adminStateUp ?? net.adminStateUp, shared: command.data.shared ?? net.shared,
        },
      }];
    }
    case 'AttachSubnet': {
      const net = live(state, KIND, command.data.networkId);
      if (net.subnets.some((s) => s.subnetId === command.data.subnetId)) return [];
      const wanted = parseCidr(command.data.cidr);
      const clash = net.subnets.find((s) => cidrsOverlap(parseCidr(s.cidr), wanted));
      if (clash) {
        throw new ValidationError(
          `Invalid input for operation: Requested subnet with cidr: ${command.data.cidr} for network: ${net.id} overlaps with another subnet.`,
          'InvalidInput',
        );
      }
      return [{ type: 'NetworkSubnetAttached', version: 1, data: command.data }];
    }
    case 'DetachSubnet': {
      const net = live(state, KIND, command.data.networkId);
      return net.subnets.some((s) => s.subnetId === command.data.subnetId)
        ? [{ type: 'NetworkSubnetDetached', version: 1, data: command.data }]
        : [];
    }
    case 'DeleteNetwork': {
      const net = live(state, KIND, command.data.networkId);
      if (net.subnets.length > 0) {
        throw new Conflict('NetworkInUse', `Unable to complete operation on network ${net.id}. There are one or more subnets in use on the network.`);
      }
      return [{ type: 'NetworkDeleted', version: 1, data: { networkId: net.id } }];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolveNetwork(state: NetworkState, event: NetworkEvent): NetworkState {
  switch (event.type) {
    case 'NetworkCreated': {
      const { networkId, ...rest } = event.data;
      return { kind: 'live', id: networkId, ...rest, subnets: [] };
    }
    case 'NetworkUpdated':
      return state.kind === 'live' ? { ...state, name: event.data.name, adminStateUp: event.data.adminStateUp, shared: event.data.shared } : state;
    case 'NetworkSubnetAttached':
      return state.kind === 'live' && !state.subnets.some((s) => s.subnetId === event.data.subnetId)
        ? { ...state, subnets: [...state.subnets, { subnetId: event.data.subnetId, cidr: event.data.cidr }] }
        : state;
    case 'NetworkSubnetDetached':
      return state.kind === 'live' ? { ...state, subnets: state.subnets.filter((s) => s.subnetId !== event.data.subnetId) } : state;
    case 'NetworkDeleted':
      return DELETED;
    default:
      return state;
  }
}

export function networkView(state: NetworkState): NetworkResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id, tenant_id: state.tenantId, name: state.name, admin_state_up: state.adminStateUp,
    status: 'ACTIVE', subnets: state.subnets.map((s) => s.subnetId), shared: state.shared, 'router:external': state.external,
  };
}

export const networkDecider: Decider<NetworkCommand, NetworkState, NetworkEvent> = {
  aggregate: 'network',
  initialState: ABSENT,
  decide: decideNetwork,
  evolve: evolveNetwork,
  views: singleRowViews('networks', networkView),
};
