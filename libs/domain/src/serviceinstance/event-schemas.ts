import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import type { ServiceInstanceEvent } from './events';

const role = Type.Union([Type.Literal('active'), Type.Literal('standby')]);
const at = Type.String({ description: 'ISO 8601 time of the decision.' });
const hash = Type.String({ description: "sha256 hex of the file's text, its key in the object store." });
const placement = {
  vmId: Type.String({ description: "Names the placement's network namespace, `lb-<vmId>`." }),
  nodeId: Type.String(),
  role,
  priority: Type.Integer({ description: 'VRRP priority: 200 active, 100 standby.' }),
  vrrpAddress: Type.String({ description: "The placement's own fabric address, source and peer of its VRRP adverts." }),
};

export const SERVICE_INSTANCE_EVENT_SCHEMAS = payloadSchemas<ServiceInstanceEvent>()({
  ServiceInstanceCreated: payloadObject({
    instanceId: Type.String(),
    tenantId: Type.String(),
    source: Type.Union([
      payloadObject({ kind: Type.Literal('vip'), vipId: Type.String(), poolId: Type.String() }),
      payloadObject({
        kind: Type.Literal('loadbalancer'),
        loadBalancerId: Type.String(),
        vipAddress: Type.String({ description: "The load balancer's VIP address (it never changes)." }),
      }),
    ]),
    createTs: Type.Integer({ description: "Microseconds since the epoch, as the seed's create_ts." }),
    virtualRouterId: Type.Integer(),
  }),
  ServiceInstancePoolChanged: payloadObject({ instanceId: Type.String(), poolId: Type.String() }),
  InstancePlaced: payloadObject({ instanceId: Type.String(), ...placement }),
  InstanceFailedOver: payloadObject({
    instanceId: Type.String(),
    fromVmId: Type.String(),
    fromNodeId: Type.String(),
    toVmId: Type.String(),
    toNodeId: Type.String(),
    reason: Type.String(),
    at,
  }),
  InstanceRolesSwapped: payloadObject({
    instanceId: Type.String(),
    fromVmId: Type.String({ description: 'The active until now, the standby from now until it is retired.' }),
    fromNodeId: Type.String(),
    toVmId: Type.String({ description: 'The standby until now, the active from now.' }),
    toNodeId: Type.String(),
    reason: Type.String({ description: 'Names the request, so the same request swaps once.' }),
    at,
  }),
  InstanceVipHeld: payloadObject({
    instanceId: Type.String(),
    vmId: Type.String({ description: 'The new active of the handover.' }),
    nodeId: Type.String(),
    keepalivedHash: Type.String({ description: 'sha256 hex of the keepalived.conf it runs: one rendered after the swap.' }),
    at: Type.String({ description: "ISO 8601 time the agent saw the VIP held: the old active's drain starts then." }),
  }),
  InstancePlacementRetired: payloadObject({
    instanceId: Type.String(),
    vmId: Type.String(),
    nodeId: Type.String(),
    reason: Type.String(),
    at,
  }),
  InstanceReprotected: payloadObject({ instanceId: Type.String(), ...placement, at }),
  InstancePlacementLost: payloadObject({
    instanceId: Type.String(),
    vmId: Type.String(),
    nodeId: Type.String(),
    role,
    reason: Type.String(),
    at,
  }),
  InstanceUnplaceable: payloadObject({ instanceId: Type.String(), reason: Type.String() }),
  InstanceDeletionRequested: payloadObject({ instanceId: Type.String() }),
  InstancePlacementReleased: payloadObject({ instanceId: Type.String(), vmId: Type.String(), nodeId: Type.String() }),
  ServiceInstanceDeleted: payloadObject({ instanceId: Type.String() }),
  InstanceConfigRendered: payloadObject({
    instanceId: Type.String(),
    placements: Type.Array(payloadObject({ vmId: Type.String(), haproxyHash: hash, keepalivedHash: hash })),
    sourceRevision: Type.Union([Type.Integer(), Type.Null()], {
      description: "The load balancer's revision the files were rendered from; null for a VIP.",
    }),
  }),
  InstanceConfigRejected: payloadObject({
    instanceId: Type.String(),
    vmId: Type.String(),
    file: Type.Union([Type.Literal('haproxy.cfg'), Type.Literal('keepalived.conf')]),
    hash,
    message: Type.String({ description: 'What the check said.' }),
  }),
  InstanceApplied: payloadObject({
    instanceId: Type.String(),
    vmId: Type.String(),
    nodeId: Type.String(),
    haproxyHash: hash,
    keepalivedHash: hash,
  }),
  InstanceFailed: payloadObject({
    instanceId: Type.String(),
    vmId: Type.String(),
    nodeId: Type.String(),
    haproxyHash: hash,
    reason: Type.String(),
  }),
});
