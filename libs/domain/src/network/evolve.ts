import { DELETED } from '../lifecycle';
import type { NetworkEvent } from './events';
import type { NetworkState } from './state';

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolveNetwork(state: NetworkState, event: NetworkEvent): NetworkState {
  switch (event.type) {
    case 'NetworkCreated': {
      const { networkId, ...rest } = event.data;
      return { kind: 'live', id: networkId, ...rest, subnets: [] };
    }
    case 'NetworkUpdated':
      return state.kind === 'live'
        ? { ...state, name: event.data.name, adminStateUp: event.data.adminStateUp, shared: event.data.shared }
        : state;
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
