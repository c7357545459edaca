import { Type } from '@sinclair/typebox';
import { nullable, payloadObject, payloadSchemas } from '../payload-schema';
import type { NodeEvent } from './events';

export const NODE_EVENT_SCHEMAS = payloadSchemas<NodeEvent>()({
  NodeRegistered: payloadObject({ nodeId: Type.String({ description: "The node's name (compute-node-1...)." }) }),
  NodeLost: payloadObject({ nodeId: Type.String(), silenceMs: Type.Integer({ description: 'How long the node had been silent.' }) }),
  NodeRecovered: payloadObject({ nodeId: Type.String() }),
  NodeZoneDeclared: payloadObject({
    nodeId: Type.String(),
    zone: nullable(Type.String({ description: 'The compute zone the agent declares (LBAAS_NODE_ZONE); null: none.' })),
  }),
});
