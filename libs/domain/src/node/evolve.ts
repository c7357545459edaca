import type { NodeEvent } from './events';
import type { NodeState } from './state';

export function evolveNode(state: NodeState, event: NodeEvent): NodeState {
  switch (event.type) {
    case 'NodeRegistered':
      return { kind: 'live', id: event.data.nodeId, alive: true, lostSilenceMs: null, zone: null };
    case 'NodeLost':
      return state.kind === 'live' ? { ...state, alive: false, lostSilenceMs: event.data.silenceMs } : state;
    case 'NodeZoneDeclared':
      return state.kind === 'live' ? { ...state, zone: event.data.zone } : state;
    case 'NodeRecovered':
      return state.kind === 'live' ? { ...state, alive: true, lostSilenceMs: null } : state;
    default:
      return state;
  }
}
