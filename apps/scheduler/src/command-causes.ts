import type { EventEnvelope } from '@lbaas/domain';
import type { CausingEvent } from '@lbaas/event-log';
import type { PlannedCommand } from '@lbaas/scheduling';

const LOAD_BALANCER_CAUSES: ReadonlySet<string> = new Set(['LoadBalancerCreated', 'LoadBalancerDeleted', 'LoadBalancerFailoverRequested']);

/**
 * The last event that reached each service instance and node, so that a command the scheduler
 * plans carries the correlation id of the request (or the node loss) that led to it. Planning is
 * level-triggered and coalesced, so "the last event" is the best answer there is.
 */
export class CommandCauses {
  private readonly last = new Map<string, CausingEvent>();

  /** A VIP's and a load balancer's instance ids derive from theirs, so their events are filed under their instance. */
  constructor(
    private readonly instanceIdForVip: (vipId: string) => string,
    private readonly instanceIdForLoadBalancer: (loadBalancerId: string) => string,
  ) {}

  /** Files the event under what it reaches; false for an event the scheduler does not act on. */
  note(event: EventEnvelope): boolean {
    const key = this.keyOf(event);
    if (key === null) return false;
    if (event.type === 'ServiceInstanceDeleted') this.last.delete(key);
    else this.last.set(key, { id: event.id, correlationId: event.correlationId });
    return true;
  }

  /**
   * The event a planned command answers: a lost node before the instance's own history; for a
   * load balancer, its instance's; none for a node's liveness, which answers heartbeats.
   */
  of(planned: PlannedCommand): CausingEvent | null {
    if (planned.aggregate === 'node') return null;
    if (planned.aggregate === 'loadbalancer') return this.last.get(`instance/${this.instanceIdForLoadBalancer(planned.id)}`) ?? null;
    const { command } = planned;
    const byNode = command.type === 'HandleNodeLost' ? this.last.get(`node/${command.data.nodeId}`) : undefined;
    return byNode ?? this.last.get(`instance/${planned.id}`) ?? null;
  }

  private keyOf(event: EventEnvelope): string | null {
    switch (event.aggregate) {
      case 'vip':
        return `instance/${this.instanceIdForVip(event.aggregateId)}`;
      case 'serviceinstance':
        return `instance/${event.aggregateId}`;
      case 'node':
        return `node/${event.aggregateId}`;
      case 'loadbalancer':
        // Only what the scheduler acts on: the data plane's reports and configuration changes are not its business.
        return LOAD_BALANCER_CAUSES.has(event.type) ? `instance/${this.instanceIdForLoadBalancer(event.aggregateId)}` : null;
      default:
        return null;
    }
  }
}
