import type { PlacementPolicy } from '../catalog/model';
import type { DomainEvent } from '../envelope';
import type { LbHealthMonitorConfig, LbMemberConfig, LbPoolConfig, ListenerConfig, LoadBalancerConfig, MemberHealth } from './model';

/**
 * Every event that changes what the data plane serves raises the load balancer's `revision`; the
 * config renderer names the revision it rendered (InstanceConfigRendered.sourceRevision) and the
 * agent of the active placement reports it back once it serves it, which ends PENDING_* for
 * everything changed up to that revision. Children's payloads carry the whole object (not a patch),
 * so evolve and upcasters never merge.
 */
export type LoadBalancerCreatedV1 = DomainEvent<'LoadBalancerCreated', 1, { loadBalancer: LoadBalancerConfig; at: string }>;
/**
 * Version 2 carries the placement policy the api resolved from the flavor and the availability
 * zone at the creation (the scheduler places by it, whatever becomes of the flavor later);
 * version 1 is upcast to the pair, anywhere.
 */
export type LoadBalancerCreated = DomainEvent<
  'LoadBalancerCreated',
  2,
  { loadBalancer: LoadBalancerConfig; placement: PlacementPolicy; at: string }
>;
export type LoadBalancerUpdated = DomainEvent<'LoadBalancerUpdated', 1, { loadBalancer: LoadBalancerConfig; at: string }>;
/** Gone at once, with its children when `cascade`; its instance's placements are removed after it. */
export type LoadBalancerDeleted = DomainEvent<'LoadBalancerDeleted', 1, { loadBalancerId: string; cascade: boolean; at: string }>;
/** An admin asked to move the active placement now: the standby takes over and a new standby is placed. */
export type LoadBalancerFailoverRequested = DomainEvent<'LoadBalancerFailoverRequested', 1, { loadBalancerId: string; at: string }>;

export type ListenerCreated = DomainEvent<'ListenerCreated', 1, { loadBalancerId: string; listener: ListenerConfig; at: string }>;
export type ListenerUpdated = DomainEvent<'ListenerUpdated', 1, { loadBalancerId: string; listener: ListenerConfig; at: string }>;
export type ListenerDeleted = DomainEvent<'ListenerDeleted', 1, { loadBalancerId: string; listenerId: string; at: string }>;

/** `listenerId`: the listener whose default pool the new pool becomes, as Octavia's `listener_id` on create. */
export type LbPoolCreated = DomainEvent<
  'LbPoolCreated',
  1,
  { loadBalancerId: string; pool: LbPoolConfig; listenerId: string | null; at: string }
>;
export type LbPoolUpdated = DomainEvent<'LbPoolUpdated', 1, { loadBalancerId: string; pool: LbPoolConfig; at: string }>;
export type LbPoolDeleted = DomainEvent<'LbPoolDeleted', 1, { loadBalancerId: string; poolId: string; at: string }>;

export type LbMemberCreated = DomainEvent<
  'LbMemberCreated',
  1,
  { loadBalancerId: string; poolId: string; member: LbMemberConfig; at: string }
>;
export type LbMemberUpdated = DomainEvent<
  'LbMemberUpdated',
  1,
  { loadBalancerId: string; poolId: string; member: LbMemberConfig; at: string }
>;
export type LbMemberDeleted = DomainEvent<'LbMemberDeleted', 1, { loadBalancerId: string; poolId: string; memberId: string; at: string }>;

export type LbHealthMonitorCreated = DomainEvent<
  'LbHealthMonitorCreated',
  1,
  { loadBalancerId: string; poolId: string; monitor: LbHealthMonitorConfig; at: string }
>;
export type LbHealthMonitorUpdated = DomainEvent<
  'LbHealthMonitorUpdated',
  1,
  { loadBalancerId: string; poolId: string; monitor: LbHealthMonitorConfig; at: string }
>;
export type LbHealthMonitorDeleted = DomainEvent<
  'LbHealthMonitorDeleted',
  1,
  { loadBalancerId: string; poolId: string; monitorId: string; at: string }
>;

/** The active placement serves the rendering of `revision`: everything changed up to it is ACTIVE. */
export type LoadBalancerApplied = DomainEvent<'LoadBalancerApplied', 1, { loadBalancerId: string; revision: number; at: string }>;
/** The data plane cannot serve the load balancer (a node's failure, a refused rendering, no node): ERROR with why. */
export type LoadBalancerErrored = DomainEvent<'LoadBalancerErrored', 1, { loadBalancerId: string; reason: string; at: string }>;
/** A member's health checks changed their verdict (transitions only). */
export type LbMemberHealthChanged = DomainEvent<
  'LbMemberHealthChanged',
  1,
  { loadBalancerId: string; poolId: string; memberId: string; health: MemberHealth; at: string }
>;

export type LoadBalancerEvent =
  | LoadBalancerCreated
  | LoadBalancerUpdated
  | LoadBalancerDeleted
  | LoadBalancerFailoverRequested
  | ListenerCreated
  | ListenerUpdated
  | ListenerDeleted
  | LbPoolCreated
  | LbPoolUpdated
  | LbPoolDeleted
  | LbMemberCreated
  | LbMemberUpdated
  | LbMemberDeleted
  | LbHealthMonitorCreated
  | LbHealthMonitorUpdated
  | LbHealthMonitorDeleted
  | LoadBalancerApplied
  | LoadBalancerErrored
  | LbMemberHealthChanged;
