import { AGGREGATE_KIND } from '../envelope';
import { ValidationError } from '../errors';
import { live } from '../lifecycle';
import type { DeclareNodeLost, NodeCommand, RecordHeartbeat } from './commands';
import type { NodeEvent } from './events';
import type { NodeState } from './state';

/** A node's name is its stream's subject token and a process title: no dots, spaces or wildcards. */
export const NODE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const recordHeartbeat = ({ data }: RecordHeartbeat, state: NodeState): NodeEvent[] => {
  if (!NODE_NAME.test(data.nodeId)) {
    throw new ValidationError(`Invalid node name '${data.nodeId}': lower-case letters, digits and '-', at most 63 characters.`);
  }
  if (state.kind === 'absent') return [{ type: 'NodeRegistered', version: 1, data }];
  if (state.kind === 'live' && !state.alive) return [{ type: 'NodeRecovered', version: 1, data }];
  return [];
};

const declareNodeLost = ({ data }: DeclareNodeLost, state: NodeState): NodeEvent[] => {
  const node = live(state, AGGREGATE_KIND.node, data.nodeId);
  return node.alive ? [{ type: 'NodeLost', version: 1, data }] : [];
};

/** Both commands are idempotent: a scheduler that re-decides after a crash or a lost lease appends nothing new. */
export function decideNode(command: NodeCommand, state: NodeState): NodeEvent[] {
  switch (command.type) {
    case 'RecordHeartbeat':
      return recordHeartbeat(command, state);
    case 'DeclareNodeLost':
      return declareNodeLost(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
