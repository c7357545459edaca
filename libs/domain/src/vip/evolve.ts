import { DELETED } from '../lifecycle';
import type { VipEvent } from './events';
import type { VipState } from './state';

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolveVip(state: VipState, event: VipEvent): VipState {
  switch (event.type) {
    case 'VipCreated': {
      const { vipId, ...rest } = event.data;
      return { kind: 'live', id: vipId, ...rest, status: 'PENDING_CREATE', statusDescription: null, tlsCertificateId: null };
    }
    case 'VipUpdated': {
      if (state.kind !== 'live') return state;
      const { vipId: _id, ...settings } = event.data;
      return { ...state, ...settings };
    }
    case 'VipPoolChanged':
      return state.kind === 'live' ? { ...state, poolId: event.data.poolId } : state;
    case 'VipCertificateChanged':
      return state.kind === 'live' ? { ...state, tlsCertificateId: event.data.certificateId } : state;
    case 'VipStatusChanged':
      return state.kind === 'live' ? { ...state, status: event.data.status, statusDescription: event.data.statusDescription } : state;
    case 'VipDeleted':
      return DELETED;
    default:
      return state;
  }
}
