import { DELETED } from '../lifecycle';
import type { PoolEvent } from './events';
import type { MemberState, PoolState } from './state';

const mapMember = (state: PoolState, memberId: string, change: (m: MemberState) => MemberState): PoolState =>
  state.kind === 'live' ? { ...state, members: state.members.map((m) => (m.id === memberId ? change(m) : m)) } : state;

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolvePool(state: PoolState, event: PoolEvent): PoolState {
  switch (event.type) {
    case 'PoolCreated': {
      const { poolId, ...rest } = event.data;
      return {
        kind: 'live',
        id: poolId,
        ...rest,
        status: 'PENDING_CREATE',
        statusDescription: null,
        vipId: null,
        monitorIds: [],
        members: [],
      };
    }
    case 'PoolUpdated': {
      if (state.kind !== 'live') return state;
      const { poolId: _id, ...changes } = event.data;
      return { ...state, ...changes };
    }
    case 'PoolStatusChanged':
      return state.kind === 'live' ? { ...state, status: event.data.status, statusDescription: event.data.statusDescription } : state;
    case 'MemberAdded': {
      if (state.kind !== 'live' || state.members.some((m) => m.id === event.data.memberId)) return state;
      const { poolId: _p, memberId, ...rest } = event.data;
      return { ...state, members: [...state.members, { id: memberId, ...rest, status: 'PENDING_CREATE', statusDescription: null }] };
    }
    case 'MemberUpdated':
      return mapMember(state, event.data.memberId, (m) => ({ ...m, weight: event.data.weight, adminStateUp: event.data.adminStateUp }));
    case 'MemberStatusChanged':
      return mapMember(state, event.data.memberId, (m) => ({
        ...m,
        status: event.data.status,
        statusDescription: event.data.statusDescription,
      }));
    case 'MemberRemoved':
      return state.kind === 'live' ? { ...state, members: state.members.filter((m) => m.id !== event.data.memberId) } : state;
    case 'PoolVipBound':
      return state.kind === 'live' ? { ...state, vipId: event.data.vipId } : state;
    case 'PoolVipUnbound':
      return state.kind === 'live' && state.vipId === event.data.vipId ? { ...state, vipId: null } : state;
    case 'PoolMonitorAssociated':
      return state.kind === 'live' && !state.monitorIds.includes(event.data.monitorId)
        ? { ...state, monitorIds: [...state.monitorIds, event.data.monitorId] }
        : state;
    case 'PoolMonitorDisassociated':
      return state.kind === 'live' ? { ...state, monitorIds: state.monitorIds.filter((id) => id !== event.data.monitorId) } : state;
    case 'PoolDeleted':
      return DELETED;
    default:
      return state;
  }
}
