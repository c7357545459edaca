import { MAX_QUOTA } from '@lbaas/domain';
import { Type } from '@sinclair/typebox';

/*
 * Bodies of Octavia's operator objects (quotas, flavors, availability zones and their profiles);
 * spread into `octaviaBodySchemas`. Profiles' data is JSON text, checked against the provider's
 * capabilities by the catalog's decider.
 */
const strict = { additionalProperties: false } as const;
const Id = Type.String({ format: 'uuid', description: 'A UUID.' });
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Description = Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()]));
const Provider = Type.String({ minLength: 1, maxLength: 64, description: "This deployment's provider: 'lbaas'." });
const Data = (what: string) => Type.String({ minLength: 2, maxLength: 4096, description: `JSON text: an object of ${what}.` });
const Limit = Type.Optional(
  Type.Union([Type.Integer({ minimum: -1, maximum: MAX_QUOTA }), Type.Null()], {
    description: '-1 for no limit; null for the deployment default.',
  }),
);
/** Octavia's zone names; here also what a node agent's LBAAS_NODE_ZONE may be when the profile names no compute zone. */
export const ZONE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';

export const operatorBodySchemas = {
  updateQuota: Type.Object(
    {
      loadbalancer: Limit,
      load_balancer: Limit,
      listener: Limit,
      pool: Limit,
      member: Limit,
      healthmonitor: Limit,
      health_monitor: Limit,
      l7policy: Limit,
      l7rule: Limit,
    },
    { ...strict, description: "`load_balancer` and `health_monitor` are Octavia's older names of `loadbalancer` and `healthmonitor`." },
  ),
  createFlavorProfile: Type.Object(
    { name: Name, provider_name: Provider, flavor_data: Data('flavor capabilities (loadbalancer_topology: SINGLE or ACTIVE_STANDBY)') },
    strict,
  ),
  updateFlavorProfile: Type.Object(
    { name: Type.Optional(Name), provider_name: Type.Optional(Provider), flavor_data: Type.Optional(Data('flavor capabilities')) },
    strict,
  ),
  createFlavor: Type.Object(
    { name: Name, description: Description, flavor_profile_id: Id, enabled: Type.Optional(Type.Boolean()) },
    strict,
  ),
  updateFlavor: Type.Object({ name: Type.Optional(Name), description: Description, enabled: Type.Optional(Type.Boolean()) }, strict),
  createAvailabilityZoneProfile: Type.Object(
    { name: Name, provider_name: Provider, availability_zone_data: Data('availability zone capabilities (compute_zone)') },
    strict,
  ),
  updateAvailabilityZoneProfile: Type.Object(
    {
      name: Type.Optional(Name),
      provider_name: Type.Optional(Provider),
      availability_zone_data: Type.Optional(Data('availability zone capabilities')),
    },
    strict,
  ),
  createAvailabilityZone: Type.Object(
    {
      name: Type.String({ pattern: ZONE_NAME_PATTERN, description: "The zone's name, its id in paths." }),
      description: Description,
      availability_zone_profile_id: Id,
      enabled: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  updateAvailabilityZone: Type.Object({ description: Description, enabled: Type.Optional(Type.Boolean()) }, strict),
};
