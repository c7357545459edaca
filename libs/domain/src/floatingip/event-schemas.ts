import { Type } from '@sinclair/typebox';
import { nullable, payloadObject, payloadSchemas } from '../payload-schema';
import type { FloatingIpEvent } from './events';

export const FLOATING_IP_EVENT_SCHEMAS = payloadSchemas<FloatingIpEvent>()({
  FloatingIpCreated: payloadObject({
    floatingIpId: Type.String(),
    tenantId: Type.String(),
    floatingNetworkId: Type.String(),
    floatingSubnetId: Type.String(),
    floatingIpAddress: Type.String(),
    portId: nullable(Type.String()),
    fixedIpAddress: nullable(Type.String()),
  }),
  FloatingIpAssociated: payloadObject({ floatingIpId: Type.String(), portId: Type.String(), fixedIpAddress: Type.String() }),
  FloatingIpDisassociated: payloadObject({ floatingIpId: Type.String(), portId: Type.String() }),
  FloatingIpDeleted: payloadObject({ floatingIpId: Type.String() }),
});
