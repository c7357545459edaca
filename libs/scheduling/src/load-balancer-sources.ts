import type { EventEnvelope, LoadBalancerEvent, PlacementPolicy, ServiceInstanceState } from '@lbaas/domain';
import { upcastTo } from '@lbaas/domain';

type LiveInstance = Extract<ServiceInstanceState, { kind: 'live' }>;

/** What the scheduler needs of a v2 load balancer: whose it is and the address its instance serves. */
export interface ScheduledLoadBalancer {
  readonly id: string;
  readonly projectId: string;
  readonly vipAddress: string;
  /** How many placements, and in which compute zone, as its flavor and zone resolved at its creation. */
  readonly placement: PlacementPolicy;
  /** The data plane's last failure as the log holds it (cleared by a change or a served revision), so an unplaceable instance is reported once. */
  readonly errorReason: string | null;
}

/** An operator's failover of a load balancer: its event names the request, and the placement it asked to move away from. */
export interface FailoverRequest {
  readonly requestId: string;
  readonly loadBalancerId: string;
  readonly fromVmId: string;
  readonly at: string;
}

/** The reason FailOverInstance records; it names the request, so the same request fails over once. */
export const failoverReason = (requestId: string): string => `failover requested by an operator (request ${requestId})`;

/** What a folded load balancer event asks of the scheduler. */
export type LoadBalancerTouch =
  | { readonly kind: 'source'; readonly loadBalancerId: string }
  | { readonly kind: 'failover'; readonly loadBalancerId: string; readonly requestId: string; readonly at: string }
  | { readonly kind: 'none' };

/**
 * The load balancers the scheduler serves, folded straight from the payloads of the events it
 * needs (creation, deletion, failover requests, the data plane's verdicts): placement does not
 * depend on how the domain folds listeners and pools.
 */
export class LoadBalancerSources {
  readonly all = new Map<string, ScheduledLoadBalancer>();

  apply(stored: EventEnvelope): LoadBalancerTouch {
    const event: LoadBalancerEvent | null = upcastTo('loadbalancer', stored);
    if (event === null) return { kind: 'none' };
    const id = stored.aggregateId;
    const lb = this.all.get(id);
    switch (event.type) {
      case 'LoadBalancerCreated': {
        const { loadBalancer } = event.data;
        if (lb) return { kind: 'none' };
        this.all.set(id, {
          id,
          projectId: loadBalancer.projectId,
          vipAddress: loadBalancer.vip.address,
          placement: event.data.placement,
          errorReason: null,
        });
        return { kind: 'source', loadBalancerId: id };
      }
      case 'LoadBalancerDeleted':
        this.all.delete(id);
        return { kind: 'source', loadBalancerId: id };
      case 'LoadBalancerFailoverRequested':
        this.clearError(lb);
        return lb ? { kind: 'failover', loadBalancerId: id, requestId: stored.id, at: event.data.at } : { kind: 'none' };
      case 'LoadBalancerErrored':
        if (lb) this.all.set(id, { ...lb, errorReason: event.data.reason });
        return { kind: 'none' };
      case 'LbMemberHealthChanged':
        return { kind: 'none' };
      default:
        // A change of configuration, or a served revision: the domain clears the load balancer's error either way.
        this.clearError(lb);
        return { kind: 'none' };
    }
  }

  private clearError(lb: ScheduledLoadBalancer | undefined): void {
    if (lb && lb.errorReason !== null) this.all.set(lb.id, { ...lb, errorReason: null });
  }
}

/**
 * The request as it stands when it is folded: without an active placement to move away from, or
 * during a handover (the VIP is moving already), there is nothing to fail over.
 */
export function failoverRequestFor(
  touch: Extract<LoadBalancerTouch, { kind: 'failover' }>,
  si: LiveInstance | undefined,
): FailoverRequest | null {
  const active = si?.placements.find((p) => p.role === 'active');
  if (!si || si.deleting || si.handover !== null || !active) return null;
  return { requestId: touch.requestId, loadBalancerId: touch.loadBalancerId, fromVmId: active.vmId, at: touch.at };
}
