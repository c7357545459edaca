import { DELETED } from '../lifecycle';
import type { HealthMonitorEvent } from './events';
import type { HealthMonitorState } from './state';

/** Never throws: an event is a fact, even one that arrives at an unexpected state. */
export function evolveHealthMonitor(state: HealthMonitorState, event: HealthMonitorEvent): HealthMonitorState {
  switch (event.type) {
    case 'HealthMonitorCreated': {
      const { monitorId, ...rest } = event.data;
      return { kind: 'live', id: monitorId, ...rest, poolIds: [] };
    }
    case 'HealthMonitorUpdated': {
      if (state.kind !== 'live') return state;
      const { monitorId: _id, ...settings } = event.data;
      return { ...state, ...settings };
    }
    case 'HealthMonitorAssociated':
      return state.kind === 'live' && !state.poolIds.includes(event.data.poolId)
        ? { ...state, poolIds: [...state.poolIds, event.data.poolId] }
        : state;
    case 'HealthMonitorDisassociated':
      return state.kind === 'live' ? { ...state, poolIds: state.poolIds.filter((id) => id !== event.data.poolId) } : state;
    case 'HealthMonitorDeleted':
      return DELETED;
    default:
      return state;
  }
}
