import { ABSENT, type Lifecycle } from '../lifecycle';
import type { InstanceConfigRejected, PlacementData, RenderedPlacementConfig, ServiceInstanceCreated } from './events';

/** One line of the instance's history: how its placements changed after creation. */
export interface PlacementHistoryEntry {
  at: string;
  event: 'failed_over' | 'placement_lost' | 'reprotected';
  fromNode: string | null;
  toNode: string | null;
  reason: string;
}

export type ServiceInstanceState = Lifecycle<
  Omit<ServiceInstanceCreated['data'], 'instanceId'> & {
    id: string;
    /** The active first, then the standby. */
    placements: PlacementData[];
    unplaceableReason: string | null;
    deleting: boolean;
    history: PlacementHistoryEntry[];
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
