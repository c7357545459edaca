import { ABSENT, type Lifecycle } from '../lifecycle';
import type {
  L7PolicyConfig,
  L7RuleConfig,
  LbHealthMonitorConfig,
  LbMemberConfig,
  LbPoolConfig,
  ListenerConfig,
  LoadBalancerConfig,
  MemberHealth,
  ProvisioningStatus,
} from './model';

/** Provisioning of one object: `pendingRevision` is the load balancer's revision of its last change, until the data plane serves it. */
export interface Provisioned {
  readonly provisioningStatus: ProvisioningStatus;
  readonly pendingRevision: number | null;
  readonly createdAt: string;
  readonly updatedAt: string | null;
}

export type LbMemberState = LbMemberConfig & Provisioned & { readonly health: MemberHealth };
export type LbHealthMonitorState = LbHealthMonitorConfig & Provisioned;
export type LbPoolState = LbPoolConfig &
  Provisioned & { readonly members: readonly LbMemberState[]; readonly monitor: LbHealthMonitorState | null };
export type L7RuleState = L7RuleConfig & Provisioned;
/** `position` is always the policy's place in its listener's list (1-based): the list's order is the truth. */
export type L7PolicyState = L7PolicyConfig & Provisioned & { readonly rules: readonly L7RuleState[] };
export type ListenerState = ListenerConfig & Provisioned & { readonly l7policies: readonly L7PolicyState[] };

export type LoadBalancerState = Lifecycle<
  LoadBalancerConfig &
    Provisioned & {
      /** Raised by every event that changes what the data plane serves; see events.ts. */
      readonly revision: number;
      readonly listeners: readonly ListenerState[];
      readonly pools: readonly LbPoolState[];
      /** The data plane's last failure, shown while ERROR. */
      readonly errorReason: string | null;
    }
>;
export type LiveLoadBalancer = Extract<LoadBalancerState, { kind: 'live' }>;

export const initialLoadBalancerState: LoadBalancerState = ABSENT;
