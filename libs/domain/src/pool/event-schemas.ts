import { Type } from '@sinclair/typebox';
import { nullable, payloadObject, payloadSchemas } from '../payload-schema';
import { LbMethodSchema, LbStatusSchema, ProtocolSchema } from '../resource-schemas';
import type { PoolEvent } from './events';

export const POOL_EVENT_SCHEMAS = payloadSchemas<PoolEvent>()({
  PoolCreated: payloadObject({
    poolId: Type.String(),
    tenantId: Type.String(),
    name: Type.String(),
    description: Type.String(),
    subnetId: Type.String(),
    protocol: ProtocolSchema,
    lbMethod: LbMethodSchema,
    adminStateUp: Type.Boolean(),
    provider: Type.String(),
  }),
  PoolUpdated: payloadObject({
    poolId: Type.String(),
    name: Type.String(),
    description: Type.String(),
    lbMethod: LbMethodSchema,
    adminStateUp: Type.Boolean(),
  }),
  PoolStatusChanged: payloadObject({ poolId: Type.String(), status: LbStatusSchema, statusDescription: nullable(Type.String()) }),
  MemberAdded: payloadObject({
    poolId: Type.String(),
    memberId: Type.String(),
    tenantId: Type.String(),
    address: Type.String(),
    protocolPort: Type.Integer(),
    weight: Type.Integer(),
    adminStateUp: Type.Boolean(),
  }),
  MemberUpdated: payloadObject({ poolId: Type.String(), memberId: Type.String(), weight: Type.Integer(), adminStateUp: Type.Boolean() }),
  MemberRemoved: payloadObject({ poolId: Type.String(), memberId: Type.String() }),
  MemberStatusChanged: payloadObject({
    poolId: Type.String(),
    memberId: Type.String(),
    status: LbStatusSchema,
    statusDescription: nullable(Type.String()),
  }),
  PoolVipBound: payloadObject({ poolId: Type.String(), vipId: Type.String() }),
  PoolVipUnbound: payloadObject({ poolId: Type.String(), vipId: Type.String() }),
  PoolMonitorAssociated: payloadObject({ poolId: Type.String(), monitorId: Type.String() }),
  PoolMonitorDisassociated: payloadObject({ poolId: Type.String(), monitorId: Type.String() }),
  PoolDeleted: payloadObject({ poolId: Type.String() }),
});
