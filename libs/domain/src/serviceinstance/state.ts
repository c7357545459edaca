import { ABSENT, type Lifecycle } from '../lifecycle';
import type { InstanceConfigRejected, PlacementData, RenderedPlacementConfig, ServiceInstanceCreated } from './events';

/** One line of the instance's history: how its placements changed after creation. */
export interface PlacementHistoryEntry {
  at: string;
  event: 'failed_over' | 'roles_swapped' | 'retired' | 'placement_lost' | 'reprotected';
  fromNode: string | null;
  toNode: string | null;
  reason: string;
}

/**
 * An operator's failover under way: the roles are swapped and both placements run, until the new
 * active holds the VIP with files rendered after the swap and the old active is retired.
 */
export interface Handover {
  /** The active until the swap, the standby until it is retired. */
  fromVmId: string;
  /** The standby until the swap, the active from then on. */
  toVmId: string;
  reason: string;
  /** A rendering was recorded after the swap, so its files carry the swapped priorities. */
  rendered: boolean;
  /**
   * When the new active reported the VIP held with such files (InstanceVipHeld): the old one may
   * go once the connections it took before have drained (the scheduler's drain period).
   */
  servedAt: string | null;
}

export type ServiceInstanceState = Lifecycle<
  Omit<ServiceInstanceCreated['data'], 'instanceId'> & {
    id: string;
    /** The active first, then the standby. */
    placements: PlacementData[];
    unplaceableReason: string | null;
    deleting: boolean;
    history: PlacementHistoryEntry[];
    handover: Handover | null;
    rendered: RenderedPlacementConfig[];
    /** The load balancer revision the last rendering was made from (null for a VIP, or before the first rendering). */
    renderedRevision: number | null;
    lastRejection: InstanceConfigRejected['data'] | null;
    /** What each placement's node last reported running, by vm uuid. */
    applied: Record<string, { haproxyHash: string; keepalivedHash: string }>;
    /** The last failure each placement's node reported, until it applies again. */
    failures: Record<string, string>;
  }
>;

export const initialServiceInstanceState: ServiceInstanceState = ABSENT;
