import { singleRowViews } from '../decider';
import type { NodeResource } from '../resources';
import type { NodeState } from './state';

export function nodeView(state: NodeState): NodeResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    name: state.id,
    status: state.alive ? 'UP' : 'LOST',
    status_description: state.alive ? null : `no heartbeat for ${state.lostSilenceMs ?? 0} ms`,
  };
}

export const nodeViews = singleRowViews('nodes', nodeView);
