import { Type } from '@sinclair/typebox';
import { payloadObject, payloadSchemas } from '../payload-schema';
import type { CatalogEvent } from './events';

const FlavorProfileSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    providerName: Type.String(),
    flavorData: Type.String({ description: 'JSON text: an object whose keys are flavor capabilities (loadbalancer_topology).' }),
  },
  { title: 'FlavorProfile', additionalProperties: false },
);
const FlavorSchema = Type.Object(
  { id: Type.String(), name: Type.String(), description: Type.String(), flavorProfileId: Type.String(), enabled: Type.Boolean() },
  { title: 'Flavor', additionalProperties: false },
);
const ZoneProfileSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    providerName: Type.String(),
    availabilityZoneData: Type.String({ description: 'JSON text: an object whose keys are zone capabilities (compute_zone).' }),
  },
  { title: 'AvailabilityZoneProfile', additionalProperties: false },
);
const ZoneSchema = Type.Object(
  { name: Type.String(), description: Type.String(), availabilityZoneProfileId: Type.String(), enabled: Type.Boolean() },
  { title: 'AvailabilityZone', additionalProperties: false },
);

export const CATALOG_EVENT_SCHEMAS = payloadSchemas<CatalogEvent>()({
  FlavorProfileCreated: payloadObject({ profile: FlavorProfileSchema }),
  FlavorProfileUpdated: payloadObject({ profile: FlavorProfileSchema }),
  FlavorProfileDeleted: payloadObject({ flavorProfileId: Type.String() }),
  FlavorCreated: payloadObject({ flavor: FlavorSchema }),
  FlavorUpdated: payloadObject({ flavor: FlavorSchema }),
  FlavorDeleted: payloadObject({ flavorId: Type.String() }),
  AvailabilityZoneProfileCreated: payloadObject({ profile: ZoneProfileSchema }),
  AvailabilityZoneProfileUpdated: payloadObject({ profile: ZoneProfileSchema }),
  AvailabilityZoneProfileDeleted: payloadObject({ availabilityZoneProfileId: Type.String() }),
  AvailabilityZoneCreated: payloadObject({ zone: ZoneSchema }),
  AvailabilityZoneUpdated: payloadObject({ zone: ZoneSchema }),
  AvailabilityZoneDeleted: payloadObject({ name: Type.String() }),
  CatalogUseRecorded: payloadObject({
    loadBalancerId: Type.String(),
    flavorId: Type.Union([Type.String(), Type.Null()]),
    availabilityZone: Type.Union([Type.String(), Type.Null()], { description: "The zone's name." }),
    at: Type.String({ description: 'When the use was recorded (ISO); version 1 takes the envelope occurredAt.' }),
  }),
  CatalogUseEnded: payloadObject({ loadBalancerId: Type.String() }),
});
