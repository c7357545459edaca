/**
 * Octavia's quotas: per project, a limit for each kind of object (-1 is unlimited), the
 * deployment's default where the project has none. Usage is held in the log as the ids of the
 * objects reserved, so a reservation decides the limit with optimistic concurrency on the
 * project's one stream and two concurrent creates can never both take the last unit.
 */
export const QUOTA_RESOURCES = ['loadbalancer', 'listener', 'pool', 'member', 'healthmonitor', 'l7policy', 'l7rule'] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** A limit per resource; -1 is unlimited. */
export type QuotaLimits = Readonly<Record<QuotaResource, number>>;
/** The project's own limits; a resource left out takes the deployment's default. */
export type QuotaOverrides = Readonly<Partial<Record<QuotaResource, number>>>;

/** Octavia's largest quota value. */
export const MAX_QUOTA = 2_000_000_000;

/** Octavia's name of each object in "Quota has been met for resources: <Resource>". */
export const QUOTA_RESOURCE_TITLES: { readonly [R in QuotaResource]: string } = {
  loadbalancer: 'Load Balancer',
  listener: 'Listener',
  pool: 'Pool',
  member: 'Member',
  healthmonitor: 'Health Monitor',
  l7policy: 'L7 Policy',
  l7rule: 'L7 Rule',
};

/** One object counted against its project's quota. */
export interface QuotaClaim {
  readonly resource: QuotaResource;
  readonly objectId: string;
}

/**
 * A claim as reserved: the load balancer whose object it counts, so a reclaimer checks that one
 * stream alone. Null for claims reserved before claims named one (QuotaReserved version 1, other
 * than a load balancer's own): unknown, never reclaimed automatically.
 */
export interface ReservedClaim extends QuotaClaim {
  readonly loadBalancerId: string | null;
}

/** Whose object a held unit counts, and since when (the reservation's time, ISO). */
export interface Reservation {
  readonly loadBalancerId: string | null;
  readonly at: string;
}

/** The key of a held claim in `reservations`. */
export const reservationKey = (claim: QuotaClaim): string => `${claim.resource}/${claim.objectId}`;
