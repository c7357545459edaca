import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import type { PortEvent } from './events';

export const PORT_EVENT_SCHEMAS = payloadSchemas<PortEvent>()({
  PortCreated: payloadObject({
    portId: Type.String(),
    tenantId: Type.String(),
    networkId: Type.String(),
    subnetId: Type.String(),
    ipAddress: Type.String(),
    macAddress: Type.String({ description: 'Derived from the port id, so the same on every replay.' }),
    name: Type.String(),
    deviceId: Type.String(),
    deviceOwner: Type.String(),
  }),
  PortDeleted: payloadObject({ portId: Type.String() }),
});
