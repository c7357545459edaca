import type { Decider } from '../decider';
import type { NodeCommand } from './commands';
import { decideNode } from './decide';
import type { NodeEvent } from './events';
import { evolveNode } from './evolve';
import { initialNodeState, type NodeState } from './state';
import { nodeViews } from './views';

export const nodeDecider: Decider<NodeCommand, NodeState, NodeEvent, 'node'> = {
  aggregate: 'node',
  initialState: initialNodeState,
  decide: decideNode,
  evolve: evolveNode,
  views: nodeViews,
};
