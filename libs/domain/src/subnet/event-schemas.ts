import { Type } from '@sinclair/typebox';
import { nullable, payloadObject, payloadSchemas } from '../payload-schema';
import type { SubnetEvent } from './events';

const settings = {
  name: Type.String(),
  gatewayIp: nullable(Type.String()),
  enableDhcp: Type.Boolean(),
  dnsNameservers: Type.Array(Type.String()),
  hostRoutes: Type.Array(payloadObject({ destination: Type.String(), nexthop: Type.String() })),
};

export const SUBNET_EVENT_SCHEMAS = payloadSchemas<SubnetEvent>()({
  SubnetCreated: payloadObject({
    subnetId: Type.String(),
    ...settings,
    tenantId: Type.String(),
    networkId: Type.String(),
    cidr: Type.String(),
    allocationPools: Type.Array(payloadObject({ start: Type.String(), end: Type.String() })),
  }),
  SubnetUpdated: payloadObject({ subnetId: Type.String(), ...settings }),
  SubnetAddressAllocated: payloadObject({
    subnetId: Type.String(),
    ipAddress: Type.String(),
    ownerId: Type.String({ description: 'The port or floating IP holding the address.' }),
  }),
  SubnetAddressReleased: payloadObject({ subnetId: Type.String(), ipAddress: Type.String(), ownerId: Type.String() }),
  SubnetDeleted: payloadObject({ subnetId: Type.String() }),
});
