import {
  certificateDecider,
  type CertificateState,
  type EventEnvelope,
  floatingIpDecider,
  type FloatingIpState,
  fold,
  type LbStatus,
  serviceInstanceDecider,
  type ServiceInstanceEvent,
  type ServiceInstanceState,
  upcastTo,
  vipDecider,
  type VipState,
} from '@lbaas/domain';
import { CertificateVersions } from './placement-tls';

export type LiveInstance = Extract<ServiceInstanceState, { kind: 'live' }>;

/** A status as RecordVipStatus and RecordPoolStatus compare it. */
export interface RecordedStatus {
  readonly status: LbStatus;
  readonly statusDescription: string | null;
}

/** What an event asks the agent to look at again: some instances, or the whole node. */
export interface Touched {
  readonly instances: readonly string[];
  /** A placement left this node, or a floating IP changed: orphans and forwarding are looked at on a pass over the whole node. */
  readonly node: boolean;
}

/**
 * The part of the log one node agent needs, folded: service instances, VIPs, floating IPs and
 * certificates (with their recent versions), and every placement the log ever gave this node.
 * No I/O: the specs fold events by hand.
 */
export class NodeLog {
  readonly instances = new Map<string, LiveInstance>();
  readonly vips = new Map<string, VipState>();
  readonly floatingIps = new Map<string, FloatingIpState>();
  readonly certificates = new Map<string, CertificateState>();
  /** Live pools' status, the only part of a pool the agent needs: a status the log holds already is not written again. */
  readonly poolStatuses = new Map<string, RecordedStatus>();
  readonly versions = new CertificateVersions();
  /** vm uuid -> instance id of every placement the log ever put on this node: only those may this agent tear down. */
  readonly ours = new Map<string, string>();
  /** The same placements by instance: a pass for some instances observes theirs without walking every one ever ours. */
  private readonly oursByInstance = new Map<string, readonly string[]>();
  /**
   * Ids of the live instances with a placement on this node, and live VIPs by port, kept as they
   * are folded: a pass looks at this node's instances and the floating IPs, not at every instance
   * and VIP of the log (which made each pass's cost grow with the whole deployment).
   */
  private readonly mineIds = new Set<string>();
  /**
   * Counts the events that may change any placement's wanted state at once (a floating IP, a
   * certificate): a placement whose inputs were recorded at another count is looked at again.
   */
  private nodeWide = 0;

  get nodeWideChanges(): number {
    return this.nodeWide;
  }
  private readonly vipByPort = new Map<string, string>();

  constructor(readonly nodeId: string) {}

  /** vm uuids of the placements the log ever put on this node for the instance. */
  oursOf(instanceId: string): readonly string[] {
    return this.oursByInstance.get(instanceId) ?? [];
  }

  /** Whether the instance has a placement on this node. */
  mine(si: ServiceInstanceState | undefined): boolean {
    return si?.kind === 'live' && si.placements.some((p) => p.nodeId === this.nodeId);
  }

  /** The live instances with a placement on this node. */
  *mineInstances(): IterableIterator<LiveInstance> {
    for (const id of this.mineIds) {
      const si = this.instances.get(id);
      if (si) yield si;
    }
  }

  /** The instances among `ids` that have a placement on this node, in the order given. */
  *mineAmong(ids: Iterable<string>): IterableIterator<LiveInstance> {
    for (const id of ids) {
      const si = this.instances.get(id);
      if (si && this.mine(si)) yield si;
    }
  }

  /** Folds one event; says which instances (or the whole node) it may change the wanted state of. */
  apply(event: EventEnvelope): Touched {
    switch (event.aggregate) {
      case 'certificate': {
        this.nodeWide++;
        const after = fold(certificateDecider, [event], this.certificates.get(event.aggregateId));
        this.certificates.set(event.aggregateId, after);
        this.versions.record(event.aggregateId, after);
        // A new chain may keep the leaf, and so the file name: the placements serving it write it again.
        // Which certificates a load balancer's listeners use is in its bundle, not in this fold: its placements look again.
        const instances = [...this.mineInstances()]
          .filter((si) => {
            if (si.source.kind === 'loadbalancer') return true;
            const vip = this.vips.get(si.source.vipId);
            return vip?.kind === 'live' && vip.tlsCertificateId === event.aggregateId;
          })
          .map((si) => si.id);
        return { instances, node: false };
      }
      case 'vip': {
        const before = this.vips.get(event.aggregateId);
        const after = fold(vipDecider, [event], before);
        this.vips.set(event.aggregateId, after);
        if (before?.kind === 'live' && this.vipByPort.get(before.portId) === before.id) this.vipByPort.delete(before.portId);
        if (after.kind === 'live') this.vipByPort.set(after.portId, after.id);
        return { instances: [], node: false };
      }
      case 'pool':
        this.applyPoolStatus(event);
        return { instances: [], node: false };
      case 'floatingip':
        this.nodeWide++;
        this.floatingIps.set(event.aggregateId, fold(floatingIpDecider, [event], this.floatingIps.get(event.aggregateId)));
        return { instances: [], node: true };
      case 'serviceinstance': {
        const latest = upcastTo('serviceinstance', event);
        return latest === null ? { instances: [], node: false } : this.applyInstance(event.aggregateId, latest);
      }
      default:
        return { instances: [], node: false };
    }
  }

  private applyInstance(id: string, e: ServiceInstanceEvent): Touched {
    const before = this.instances.get(id) ?? serviceInstanceDecider.initialState;
    const after = serviceInstanceDecider.evolve(before, e);
    if (after.kind === 'live') this.instances.set(id, after);
    else this.instances.delete(id);
    if (this.mine(after)) this.mineIds.add(id);
    else this.mineIds.delete(id);
    if ((e.type === 'InstancePlaced' || e.type === 'InstanceReprotected') && e.data.nodeId === this.nodeId) {
      this.ours.set(e.data.vmId, id);
      const vms = this.oursByInstance.get(id) ?? [];
      if (!vms.includes(e.data.vmId)) this.oursByInstance.set(id, [...vms, e.data.vmId]);
    }
    if (!this.mine(before) && !this.mine(after)) return { instances: [], node: false };
    // A placement that left this node (failover to elsewhere, loss) goes on a pass over the whole node too.
    return { instances: [id], node: !this.mine(after) };
  }

  /** A pool's status changes only with these three events (evolvePool): members and settings leave it as it is. */
  private applyPoolStatus(event: EventEnvelope): void {
    const e = upcastTo('pool', event);
    if (e?.type === 'PoolCreated') this.poolStatuses.set(e.data.poolId, { status: 'PENDING_CREATE', statusDescription: null });
    if (e?.type === 'PoolStatusChanged' && this.poolStatuses.has(e.data.poolId))
      this.poolStatuses.set(e.data.poolId, { status: e.data.status, statusDescription: e.data.statusDescription });
    if (e?.type === 'PoolDeleted') this.poolStatuses.delete(e.data.poolId);
  }

  /** The VIPs' live floating IPs: floating IP id -> its address and the VIP's address it forwards to, with the VIP's id. */
  associatedFloatingIps(): {
    readonly id: string;
    readonly floatingAddress: string;
    readonly vipId: string;
    readonly vipAddress: string;
  }[] {
    return [...this.floatingIps.values()].flatMap((fip) => {
      if (fip.kind !== 'live' || fip.portId === null || fip.fixedIpAddress === null) return [];
      const vipId = this.vipByPort.get(fip.portId);
      const vip = vipId === undefined ? undefined : this.vips.get(vipId);
      return vip?.kind === 'live' ? [{ id: fip.id, floatingAddress: fip.floatingIpAddress, vipId: vip.id, vipAddress: vip.address }] : [];
    });
  }
}
