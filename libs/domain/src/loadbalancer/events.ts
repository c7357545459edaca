import type { PlacementPolicy } from '../catalog/model';
import type { DomainEvent } from '../envelope';
import type {
  L7PolicyConfig,
  L7RuleConfig,
  LbHealthMonitorConfig,
  LbMemberConfig,
  LbPoolConfig,
  ListenerConfig,
  LoadBalancerConfig,
  MemberHealth,
} from './model';

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

/** A listener as version 1 carried it, before SNI, client authentication, TLS options and allowed CIDRs (issue 16). */
export type ListenerConfigV1 = Omit<
  ListenerConfig,
  | 'sniContainerRefs'
  | 'sniCertificateIds'
  | 'clientCaTlsContainerRef'
  | 'clientCaCertificateId'
  | 'clientAuthentication'
  | 'clientCrlContainerRef'
  | 'clientCrlCertificateId'
  | 'tlsCiphers'
  | 'tlsVersions'
  | 'alpnProtocols'
  | 'allowedCidrs'
>;
/** A pool as version 1 carried it, before re-encryption (issue 16). */
export type LbPoolConfigV1 = Omit<
  LbPoolConfig,
  | 'tlsEnabled'
  | 'tlsContainerRef'
  | 'tlsCertificateId'
  | 'caTlsContainerRef'
  | 'caCertificateId'
  | 'crlContainerRef'
  | 'crlCertificateId'
  | 'tlsCiphers'
  | 'tlsVersions'
  | 'alpnProtocols'
>;
/** Versions 1 are upcast to 2 (libs/domain upcasters.ts). */
export type ListenerCreatedV1 = DomainEvent<'ListenerCreated', 1, { loadBalancerId: string; listener: ListenerConfigV1; at: string }>;
export type ListenerUpdatedV1 = DomainEvent<'ListenerUpdated', 1, { loadBalancerId: string; listener: ListenerConfigV1; at: string }>;
export type ListenerCreated = DomainEvent<'ListenerCreated', 2, { loadBalancerId: string; listener: ListenerConfig; at: string }>;
export type ListenerUpdated = DomainEvent<'ListenerUpdated', 2, { loadBalancerId: string; listener: ListenerConfig; at: string }>;
export type ListenerDeleted = DomainEvent<'ListenerDeleted', 1, { loadBalancerId: string; listenerId: string; at: string }>;

export type LbPoolCreatedV1 = DomainEvent<
  'LbPoolCreated',
  1,
  { loadBalancerId: string; pool: LbPoolConfigV1; listenerId: string | null; at: string }
>;
export type LbPoolUpdatedV1 = DomainEvent<'LbPoolUpdated', 1, { loadBalancerId: string; pool: LbPoolConfigV1; at: string }>;
/** `listenerId`: the listener whose default pool the new pool becomes, as Octavia's `listener_id` on create. */
export type LbPoolCreated = DomainEvent<
  'LbPoolCreated',
  2,
  { loadBalancerId: string; pool: LbPoolConfig; listenerId: string | null; at: string }
>;
export type LbPoolUpdated = DomainEvent<'LbPoolUpdated', 2, { loadBalancerId: string; pool: LbPoolConfig; at: string }>;
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

/**
 * A listener's L7 policy, with the rules it was created with. `position` is where it was put
 * (1-based, at most one past the last): the listener's policies from there on move down one.
 */
export type L7PolicyCreated = DomainEvent<
  'L7PolicyCreated',
  1,
  { loadBalancerId: string; listenerId: string; l7policy: L7PolicyConfig; rules: L7RuleConfig[]; at: string }
>;
/** The whole policy; a new `position` moves it there and the others between close up. */
export type L7PolicyUpdated = DomainEvent<
  'L7PolicyUpdated',
  1,
  { loadBalancerId: string; listenerId: string; l7policy: L7PolicyConfig; at: string }
>;
/** Gone with its rules; the listener's policies after it move up one. */
export type L7PolicyDeleted = DomainEvent<
  'L7PolicyDeleted',
  1,
  { loadBalancerId: string; listenerId: string; l7policyId: string; at: string }
>;
export type L7RuleCreated = DomainEvent<
  'L7RuleCreated',
  1,
  { loadBalancerId: string; listenerId: string; l7policyId: string; rule: L7RuleConfig; at: string }
>;
export type L7RuleUpdated = DomainEvent<
  'L7RuleUpdated',
  1,
  { loadBalancerId: string; listenerId: string; l7policyId: string; rule: L7RuleConfig; at: string }
>;
export type L7RuleDeleted = DomainEvent<
  'L7RuleDeleted',
  1,
  { loadBalancerId: string; listenerId: string; l7policyId: string; ruleId: string; at: string }
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
  | L7PolicyCreated
  | L7PolicyUpdated
  | L7PolicyDeleted
  | L7RuleCreated
  | L7RuleUpdated
  | L7RuleDeleted
  | LoadBalancerApplied
  | LoadBalancerErrored
  | LbMemberHealthChanged;
