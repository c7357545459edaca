import { DELETED } from '../lifecycle';
import type { CertificateEvent } from './events';
import type { CertificateState } from './state';

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolveCertificate(state: CertificateState, event: CertificateEvent): CertificateState {
  switch (event.type) {
    case 'CertificateCreated': {
      const { certificateId, kind, ...rest } = event.data;
      return { kind: 'live', id: certificateId, certificateKind: kind, ...rest, vipIds: [] };
    }
    case 'CertificateUpdated':
      return state.kind === 'live' ? { ...state, name: event.data.name, description: event.data.description } : state;
    case 'CertificateReplaced': {
      if (state.kind !== 'live') return state;
      const { certificateId: _id, kind, ...material } = event.data;
      return { ...state, certificateKind: kind, ...material };
    }
    case 'CertificateVipAttached':
      return state.kind === 'live' && !state.vipIds.includes(event.data.vipId)
        ? { ...state, vipIds: [...state.vipIds, event.data.vipId] }
        : state;
    case 'CertificateVipDetached':
      return state.kind === 'live' ? { ...state, vipIds: state.vipIds.filter((id) => id !== event.data.vipId) } : state;
    case 'CertificateDeleted':
      return DELETED;
    default:
      return state;
  }
}
