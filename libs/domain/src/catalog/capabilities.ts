import { ValidationError } from '../errors';
import { PROVIDER_NAME } from '../loadbalancer/model';
import { TOPOLOGIES, type Topology } from './model';

export interface Capability {
  readonly name: string;
  readonly description: string;
}

/** What a flavor profile of this provider may set (`/v2/lbaas/providers/lbaas/flavor_capabilities`). */
export const FLAVOR_CAPABILITIES: readonly Capability[] = [
  {
    name: 'loadbalancer_topology',
    description:
      'The load balancer topology. One of: SINGLE - one placement (no standby; keepalived holds the VIP alone), ACTIVE_STANDBY - an active and a standby placement (VRRP), the default.',
  },
];

/** What an availability zone profile of this provider may set. */
export const AVAILABILITY_ZONE_CAPABILITIES: readonly Capability[] = [
  {
    name: 'compute_zone',
    description: 'The compute zone of the nodes that may hold the placements: a node agent declares its zone with LBAAS_NODE_ZONE.',
  },
];

const unsupported = (what: string): ValidationError =>
  new ValidationError(`Provider '${PROVIDER_NAME}' does not support a requested option: ${what}`, 'ProviderUnsupportedOptionError');

/** The JSON object of a profile's data, each key one of the capabilities (400 naming the first that is not). */
function profileData(text: string, option: string, capabilities: readonly Capability[]): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ValidationError(`${text.slice(0, 64)} is not a valid option for ${option}`, 'InvalidOption');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ValidationError(`${text.slice(0, 64)} is not a valid option for ${option}`, 'InvalidOption');
  const names = capabilities.map((c) => c.name);
  const unknown = Object.keys(data).find((key) => !names.includes(key));
  if (unknown !== undefined)
    throw unsupported(`${option} key '${unknown.slice(0, 64)}' is not one of its capabilities (${names.join(', ')})`);
  return data as Record<string, unknown>;
}

/** A flavor profile's settings: a topology, when it names one. */
export function flavorSettings(flavorData: string): { readonly topology: Topology | null } {
  const data = profileData(flavorData, 'flavor data', FLAVOR_CAPABILITIES);
  const topology = data.loadbalancer_topology;
  if (topology === undefined) return { topology: null };
  if (typeof topology !== 'string' || !(TOPOLOGIES as readonly string[]).includes(topology))
    throw unsupported(
      `flavor data key 'loadbalancer_topology' must be one of ${TOPOLOGIES.join(', ')}, not '${String(topology).slice(0, 64)}'`,
    );
  return { topology: topology as Topology };
}

/** An availability zone profile's settings: a compute zone, when it names one. */
export function availabilityZoneSettings(availabilityZoneData: string): { readonly computeZone: string | null } {
  const data = profileData(availabilityZoneData, 'availability zone data', AVAILABILITY_ZONE_CAPABILITIES);
  const zone = data.compute_zone;
  if (zone === undefined) return { computeZone: null };
  if (typeof zone !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(zone))
    throw unsupported(`availability zone data key 'compute_zone' must be a name of letters, digits, '.', '_' and '-' (at most 63)`);
  return { computeZone: zone };
}
