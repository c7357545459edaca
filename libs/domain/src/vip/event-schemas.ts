import { Type } from '@sinclair/typebox';
import { nullable, payloadObject, payloadSchemas } from '../payload-schema';
import { LbStatusSchema, ProtocolSchema, SessionPersistenceSchema } from '../resource-schemas';
import type { VipEvent } from './events';

const settings = {
  name: Type.String(),
  description: Type.String(),
  sessionPersistence: nullable(SessionPersistenceSchema),
  connectionLimit: Type.Integer({ description: 'HAProxy maxconn when greater than 0; -1 for no limit.' }),
  adminStateUp: Type.Boolean(),
};

export const VIP_EVENT_SCHEMAS = payloadSchemas<VipEvent>()({
  VipCreated: payloadObject({
    vipId: Type.String(),
    ...settings,
    tenantId: Type.String(),
    subnetId: Type.String(),
    address: Type.String(),
    portId: Type.String(),
    protocolPort: Type.Integer(),
    protocol: ProtocolSchema,
    poolId: Type.String(),
  }),
  VipUpdated: payloadObject({ vipId: Type.String(), ...settings }),
  VipPoolChanged: payloadObject({ vipId: Type.String(), poolId: Type.String(), previousPoolId: Type.String() }),
  VipStatusChanged: payloadObject({ vipId: Type.String(), status: LbStatusSchema, statusDescription: nullable(Type.String()) }),
  VipDeleted: payloadObject({ vipId: Type.String() }),
  VipCertificateChanged: payloadObject({
    vipId: Type.String(),
    certificateId: nullable(Type.String({ description: 'The certificate the VIP terminates TLS with from now on; null: plain HTTP.' })),
    previousCertificateId: nullable(Type.String()),
  }),
});
