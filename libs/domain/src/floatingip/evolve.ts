import { DELETED } from '../lifecycle';
import type { FloatingIpEvent } from './events';
import type { FloatingIpState } from './state';

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolveFloatingIp(state: FloatingIpState, event: FloatingIpEvent): FloatingIpState {
  switch (event.type) {
    case 'FloatingIpCreated': {
      const { floatingIpId, ...rest } = event.data;
      return { kind: 'live', id: floatingIpId, ...rest };
    }
    case 'FloatingIpAssociated':
      return state.kind === 'live' ? { ...state, portId: event.data.portId, fixedIpAddress: event.data.fixedIpAddress } : state;
    case 'FloatingIpDisassociated':
      return state.kind === 'live' && state.portId === event.data.portId ? { ...state, portId: null, fixedIpAddress: null } : state;
    case 'FloatingIpDeleted':
      return DELETED;
    default:
      return state;
  }
}
