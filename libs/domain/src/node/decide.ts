import { AGGREGATE_KIND } from '../envelope';
import { ValidationError } from '../errors';
import { live } from '../lifecycle';
import type { DeclareNodeLost, NodeCommand, RecordHeartbeat } from './commands';
import type { NodeEvent } from './events';
import type { NodeState } from './state';

/** A node's name is its stream's subject token and a process title: no dots, spaces or wildcards. */
export const NODE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A zone is a name like a node's, with capitals, '.' and '_' as compute zones have them. */
export const ZONE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const recordHeartbeat = ({ data }: RecordHeartbeat, state: NodeState): NodeEvent[] => {
  const { nodeId, zone } = data;
  if (!NODE_NAME.test(nodeId)) {
    throw new ValidationError(`Invalid node name '${nodeId}': lower-case letters, digits and '-', at most 63 characters.`);
  }
  if (zone !== undefined && zone !== null && !ZONE_NAME.test(zone)) {
    throw new ValidationError(`Invalid zone name '${zone.slice(0, 64)}': letters, digits, '.', '_' and '-', at most 63 characters.`);
  }
  const events: NodeEvent[] = [];
  if (state.kind === 'absent') events.push({ type: 'NodeRegistered', version: 1, data: { nodeId } });
  else if (state.kind === 'live' && !state.alive) events.push({ type: 'NodeRecovered', version: 1, data: { nodeId } });
  const known = state.kind === 'live' ? state.zone : null;
  if (zone !== undefined && zone !== known) events.push({ type: 'NodeZoneDeclared', version: 1, data: { nodeId, zone } });
  return events;
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
