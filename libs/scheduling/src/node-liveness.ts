import type { NodeState } from '@lbaas/domain';
import type { PlannedCommand } from './scheduling-model';

export interface LivenessInput {
  readonly nodes: ReadonlyMap<string, Extract<NodeState, { kind: 'live' }>>;
  /** When this scheduler last received each node's heartbeat (its own clock). */
  readonly lastHeartbeat: ReadonlyMap<string, number>;
  /** The compute zone each node's latest heartbeat declares (null: none); a node that declares none is left as the log has it. */
  readonly zones?: ReadonlyMap<string, string | null>;
  /** Since when this scheduler has been watching: a node it has not heard from yet is silent since then. */
  readonly watchingSince: number;
  readonly now: number;
  readonly silenceMs: number;
}

/**
 * Registers or recovers nodes that heartbeat (with the zone they declare), records a live node's
 * change of zone, and declares lost the live ones silent for too long.
 */
export function planNodeLiveness(input: LivenessInput): PlannedCommand[] {
  const commands: PlannedCommand[] = [];
  for (const [nodeId, at] of input.lastHeartbeat) {
    const node = input.nodes.get(nodeId);
    const zone = input.zones?.get(nodeId);
    const zoneChanged = zone !== undefined && node !== undefined && node.zone !== zone;
    if (input.now - at <= input.silenceMs && (node?.alive !== true || zoneChanged)) {
      const data = zone === undefined ? { nodeId } : { nodeId, zone };
      commands.push({ aggregate: 'node', id: nodeId, command: { type: 'RecordHeartbeat', data } });
    }
  }
  for (const node of input.nodes.values()) {
    if (!node.alive) continue;
    const silence = input.now - (input.lastHeartbeat.get(node.id) ?? input.watchingSince);
    if (silence > input.silenceMs) {
      commands.push({
        aggregate: 'node',
        id: node.id,
        command: { type: 'DeclareNodeLost', data: { nodeId: node.id, silenceMs: Math.round(silence) } },
      });
    }
  }
  return commands;
}
