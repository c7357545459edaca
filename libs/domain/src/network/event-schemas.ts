import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import type { NetworkEvent } from './events';

export const NETWORK_EVENT_SCHEMAS = payloadSchemas<NetworkEvent>()({
  NetworkCreated: payloadObject({
    networkId: Type.String(),
    tenantId: Type.String(),
    name: Type.String(),
    adminStateUp: Type.Boolean(),
    shared: Type.Boolean(),
    external: Type.Boolean({ description: 'router:external: floating IPs are allocated on it.' }),
  }),
  NetworkUpdated: payloadObject({ networkId: Type.String(), name: Type.String(), adminStateUp: Type.Boolean(), shared: Type.Boolean() }),
  NetworkSubnetAttached: payloadObject({ networkId: Type.String(), subnetId: Type.String(), cidr: Type.String() }),
  NetworkSubnetDetached: payloadObject({ networkId: Type.String(), subnetId: Type.String() }),
  NetworkDeleted: payloadObject({ networkId: Type.String() }),
});
