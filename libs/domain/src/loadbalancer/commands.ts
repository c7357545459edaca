import type { PlacementPolicy } from '../catalog/model';
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

/** What an update may change: everything but the ids (and, as Octavia has it, protocols and ports). */
export type ListenerChanges = Partial<Omit<ListenerConfig, 'id' | 'protocol' | 'protocolPort'>>;
export type LbPoolChanges = Partial<Omit<LbPoolConfig, 'id' | 'protocol'>>;
export type LbMemberChanges = Partial<Omit<LbMemberConfig, 'id' | 'address' | 'protocolPort' | 'subnetId'>>;
export type LbHealthMonitorChanges = Partial<Omit<LbHealthMonitorConfig, 'id' | 'type'>>;
export type L7PolicyChanges = Partial<Omit<L7PolicyConfig, 'id'>>;
export type L7RuleChanges = Partial<Omit<L7RuleConfig, 'id'>>;
export type LoadBalancerChanges = Partial<Pick<LoadBalancerConfig, 'name' | 'description' | 'adminStateUp' | 'tags'>> & {
  readonly vipQosPolicyId?: string | null;
};

/** A pool of the single-call create, with its members and monitor, and the listener it is the default pool of. */
export interface LbPoolTree {
  readonly pool: LbPoolConfig;
  readonly listenerId: string | null;
  readonly members: readonly LbMemberConfig[];
  readonly monitor: LbHealthMonitorConfig | null;
}

/** An L7 policy with the rules it is created with. */
export interface L7PolicyTree {
  readonly l7policy: L7PolicyConfig;
  readonly rules: readonly L7RuleConfig[];
}
/** A policy of the single-call create, on a listener of the same request. */
export interface ListenerL7PolicyTree extends L7PolicyTree {
  readonly listenerId: string;
}

/**
 * Creates the load balancer; `listeners`, `pools` and `l7policies` make Octavia's single-call
 * create (one commit). The VIP's address and port were reserved by the api's saga before (subnet,
 * then port).
 */
export interface CreateLoadBalancer {
  readonly type: 'CreateLoadBalancer';
  readonly data: {
    loadBalancer: LoadBalancerConfig;
    listeners: readonly ListenerConfig[];
    pools: readonly LbPoolTree[];
    /** In the listeners' order and each listener's; a REDIRECT_TO_POOL may name a pool of `pools`. */
    l7policies?: readonly ListenerL7PolicyTree[];
    /** What the flavor and zone resolve to; absent: the active and standby pair, on any node. */
    placement?: PlacementPolicy;
    at: string;
  };
}
export interface UpdateLoadBalancer {
  readonly type: 'UpdateLoadBalancer';
  readonly data: { loadBalancerId: string; changes: LoadBalancerChanges; at: string };
}
/** Without `cascade`, a load balancer with listeners or pools is refused (Octavia's 400). */
export interface DeleteLoadBalancer {
  readonly type: 'DeleteLoadBalancer';
  readonly data: { loadBalancerId: string; cascade: boolean; at: string };
}
export interface RequestLoadBalancerFailover {
  readonly type: 'RequestLoadBalancerFailover';
  readonly data: { loadBalancerId: string; at: string };
}

/** With `l7policies`, the listener and its policies (with their rules) are one commit. */
export interface CreateListener {
  readonly type: 'CreateListener';
  readonly data: { loadBalancerId: string; listener: ListenerConfig; l7policies?: readonly L7PolicyTree[]; at: string };
}
export interface UpdateListener {
  readonly type: 'UpdateListener';
  readonly data: { loadBalancerId: string; listenerId: string; changes: ListenerChanges; at: string };
}
export interface DeleteListener {
  readonly type: 'DeleteListener';
  readonly data: { loadBalancerId: string; listenerId: string; at: string };
}

export interface CreateLbPool {
  readonly type: 'CreateLbPool';
  readonly data: { loadBalancerId: string; pool: LbPoolConfig; listenerId: string | null; at: string };
}
export interface UpdateLbPool {
  readonly type: 'UpdateLbPool';
  readonly data: { loadBalancerId: string; poolId: string; changes: LbPoolChanges; at: string };
}
/** Refused while a listener names the pool as its default (Octavia's 409 "in use"). */
export interface DeleteLbPool {
  readonly type: 'DeleteLbPool';
  readonly data: { loadBalancerId: string; poolId: string; at: string };
}

export interface CreateLbMember {
  readonly type: 'CreateLbMember';
  readonly data: { loadBalancerId: string; poolId: string; member: LbMemberConfig; at: string };
}
export interface UpdateLbMember {
  readonly type: 'UpdateLbMember';
  readonly data: { loadBalancerId: string; poolId: string; memberId: string; changes: LbMemberChanges; at: string };
}
export interface DeleteLbMember {
  readonly type: 'DeleteLbMember';
  readonly data: { loadBalancerId: string; poolId: string; memberId: string; at: string };
}
/**
 * Octavia's batch member update (`PUT /pools/{id}/members`): members matched by (address,
 * protocol_port) are updated, new ones created (with the ids the api chose), and, unless
 * `additiveOnly`, the rest deleted; all in one commit.
 */
export interface ReplaceLbMembers {
  readonly type: 'ReplaceLbMembers';
  readonly data: { loadBalancerId: string; poolId: string; members: readonly LbMemberConfig[]; additiveOnly: boolean; at: string };
}

export interface CreateLbHealthMonitor {
  readonly type: 'CreateLbHealthMonitor';
  readonly data: { loadBalancerId: string; poolId: string; monitor: LbHealthMonitorConfig; at: string };
}
export interface UpdateLbHealthMonitor {
  readonly type: 'UpdateLbHealthMonitor';
  readonly data: { loadBalancerId: string; monitorId: string; changes: LbHealthMonitorChanges; at: string };
}
export interface DeleteLbHealthMonitor {
  readonly type: 'DeleteLbHealthMonitor';
  readonly data: { loadBalancerId: string; monitorId: string; at: string };
}

/**
 * A policy at `position` (past the last appends it), with its rules, on an HTTP or
 * TERMINATED_HTTPS listener; REDIRECT_TO_POOL names a pool of the same load balancer.
 */
export interface CreateL7Policy {
  readonly type: 'CreateL7Policy';
  readonly data: { loadBalancerId: string; listenerId: string; l7policy: L7PolicyConfig; rules: readonly L7RuleConfig[]; at: string };
}
/** Changing `action` clears the fields of the action it leaves, as Octavia does. */
export interface UpdateL7Policy {
  readonly type: 'UpdateL7Policy';
  readonly data: { loadBalancerId: string; l7policyId: string; changes: L7PolicyChanges; at: string };
}
export interface DeleteL7Policy {
  readonly type: 'DeleteL7Policy';
  readonly data: { loadBalancerId: string; l7policyId: string; at: string };
}
export interface CreateL7Rule {
  readonly type: 'CreateL7Rule';
  readonly data: { loadBalancerId: string; l7policyId: string; rule: L7RuleConfig; at: string };
}
export interface UpdateL7Rule {
  readonly type: 'UpdateL7Rule';
  readonly data: { loadBalancerId: string; l7policyId: string; ruleId: string; changes: L7RuleChanges; at: string };
}
export interface DeleteL7Rule {
  readonly type: 'DeleteL7Rule';
  readonly data: { loadBalancerId: string; l7policyId: string; ruleId: string; at: string };
}

/** The agent of the active placement serves the rendering of `revision`: idempotent, a no-op once gone. */
export interface RecordLoadBalancerApplied {
  readonly type: 'RecordLoadBalancerApplied';
  readonly data: { loadBalancerId: string; revision: number; at: string };
}
/** The data plane's failure with its reason: idempotent (same reason, no event), a no-op once gone. */
export interface RecordLoadBalancerError {
  readonly type: 'RecordLoadBalancerError';
  readonly data: { loadBalancerId: string; reason: string; at: string };
}
/** Health checks' verdict on a member: transitions only, a no-op for a member or pool that is gone. */
export interface RecordLbMemberHealth {
  readonly type: 'RecordLbMemberHealth';
  readonly data: { loadBalancerId: string; poolId: string; memberId: string; health: MemberHealth; at: string };
}

export type LoadBalancerCommand =
  | CreateLoadBalancer
  | UpdateLoadBalancer
  | DeleteLoadBalancer
  | RequestLoadBalancerFailover
  | CreateListener
  | UpdateListener
  | DeleteListener
  | CreateLbPool
  | UpdateLbPool
  | DeleteLbPool
  | CreateLbMember
  | UpdateLbMember
  | DeleteLbMember
  | ReplaceLbMembers
  | CreateLbHealthMonitor
  | UpdateLbHealthMonitor
  | DeleteLbHealthMonitor
  | CreateL7Policy
  | UpdateL7Policy
  | DeleteL7Policy
  | CreateL7Rule
  | UpdateL7Rule
  | DeleteL7Rule
  | RecordLoadBalancerApplied
  | RecordLoadBalancerError
  | RecordLbMemberHealth;
