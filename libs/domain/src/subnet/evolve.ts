import { DELETED } from '../lifecycle';
import type { SubnetEvent } from './events';
import type { SubnetState } from './state';

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolveSubnet(state: SubnetState, event: SubnetEvent): SubnetState {
  switch (event.type) {
    case 'SubnetCreated': {
      const { subnetId, ...rest } = event.data;
      return { kind: 'live', id: subnetId, ...rest, allocations: {} };
    }
    case 'SubnetUpdated': {
      if (state.kind !== 'live') return state;
      const { subnetId: _id, ...settings } = event.data;
      return { ...state, ...settings };
    }
    case 'SubnetAddressAllocated':
      return state.kind === 'live'
        ? { ...state, allocations: { ...state.allocations, [event.data.ipAddress]: event.data.ownerId } }
        : state;
    case 'SubnetAddressReleased': {
      if (state.kind !== 'live') return state;
      const { [event.data.ipAddress]: _released, ...allocations } = state.allocations;
      return { ...state, allocations };
    }
    case 'SubnetDeleted':
      return DELETED;
    default:
      return state;
  }
}
