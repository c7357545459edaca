import { DELETED } from '../lifecycle';
import { PRIORITY, type ServiceInstanceEvent } from './events';
import type { Handover, PlacementHistoryEntry, ServiceInstanceState } from './state';

/** A node that flaps for months must not grow the state without bound; the log keeps everything. */
const HISTORY_KEPT = 50;
const withHistory = (history: PlacementHistoryEntry[], entry: PlacementHistoryEntry) => [...history, entry].slice(-HISTORY_KEPT);
/** A handover ends when either of its placements goes, whatever removed it (a node loss falls back to the node-loss path). */
const handoverWithout = (handover: Handover | null, vmId: string): Handover | null =>
  handover !== null && (handover.fromVmId === vmId || handover.toVmId === vmId) ? null : handover;
const byPriority = (a: { priority: number }, b: { priority: number }) => b.priority - a.priority;

export function evolveServiceInstance(state: ServiceInstanceState, event: ServiceInstanceEvent): ServiceInstanceState {
  if (event.type === 'ServiceInstanceCreated') {
    const { instanceId, ...rest } = event.data;
    return {
      kind: 'live',
      id: instanceId,
      ...rest,
      placements: [],
      unplaceableReason: null,
      deleting: false,
      history: [],
      handover: null,
      rendered: [],
      renderedRevision: null,
      lastRejection: null,
      applied: {},
      failures: {},
    };
  }
  if (state.kind !== 'live') return state;
  switch (event.type) {
    case 'ServiceInstancePoolChanged':
      return state.source.kind === 'vip' ? { ...state, source: { ...state.source, poolId: event.data.poolId } } : state;
    case 'InstancePlaced': {
      const { instanceId: _id, ...placement } = event.data;
      return { ...state, placements: [...state.placements, placement].sort(byPriority), unplaceableReason: null };
    }
    case 'InstanceReprotected': {
      const { instanceId: _id, at, ...placement } = event.data;
      const active = state.placements.find((p) => p.role === 'active');
      return {
        ...state,
        placements: [...state.placements, placement].sort(byPriority),
        unplaceableReason: null,
        history: withHistory(state.history, {
          at,
          event: 'reprotected',
          fromNode: active?.nodeId ?? null,
          toNode: placement.nodeId,
          reason: 'standby placed',
        }),
      };
    }
    case 'InstanceFailedOver': {
      const d = event.data;
      const placements = state.placements
        .filter((p) => p.vmId !== d.fromVmId)
        .map((p) => (p.vmId === d.toVmId ? { ...p, role: 'active' as const, priority: PRIORITY.active } : p));
      return {
        ...state,
        placements,
        handover: null,
        history: withHistory(state.history, {
          at: d.at,
          event: 'failed_over',
          fromNode: d.fromNodeId,
          toNode: d.toNodeId,
          reason: d.reason,
        }),
      };
    }
    case 'InstanceRolesSwapped': {
      const d = event.data;
      const swapped = state.placements
        .map((p) =>
          p.vmId === d.toVmId
            ? { ...p, role: 'active' as const, priority: PRIORITY.active }
            : p.vmId === d.fromVmId
              ? { ...p, role: 'standby' as const, priority: PRIORITY.standby }
              : p,
        )
        .sort(byPriority);
      return {
        ...state,
        placements: swapped,
        handover: { fromVmId: d.fromVmId, toVmId: d.toVmId, reason: d.reason, rendered: false, servedAt: null },
        history: withHistory(state.history, {
          at: d.at,
          event: 'roles_swapped',
          fromNode: d.fromNodeId,
          toNode: d.toNodeId,
          reason: d.reason,
        }),
      };
    }
    case 'InstanceVipHeld':
      return state.handover === null ? state : { ...state, handover: { ...state.handover, servedAt: event.data.at } };
    case 'InstancePlacementRetired': {
      const d = event.data;
      return {
        ...state,
        placements: state.placements.filter((p) => p.vmId !== d.vmId),
        handover: handoverWithout(state.handover, d.vmId),
        history: withHistory(state.history, { at: d.at, event: 'retired', fromNode: d.nodeId, toNode: null, reason: d.reason }),
      };
    }
    case 'InstancePlacementLost': {
      const d = event.data;
      return {
        ...state,
        placements: state.placements.filter((p) => p.vmId !== d.vmId),
        handover: handoverWithout(state.handover, d.vmId),
        history: withHistory(state.history, { at: d.at, event: 'placement_lost', fromNode: d.nodeId, toNode: null, reason: d.reason }),
      };
    }
    case 'InstanceUnplaceable':
      return { ...state, unplaceableReason: event.data.reason };
    case 'InstanceDeletionRequested':
      return { ...state, deleting: true };
    case 'InstancePlacementReleased':
      return {
        ...state,
        placements: state.placements.filter((p) => p.vmId !== event.data.vmId),
        handover: handoverWithout(state.handover, event.data.vmId),
      };
    case 'ServiceInstanceDeleted':
      return DELETED;
    case 'InstanceConfigRendered':
      return {
        ...state,
        rendered: event.data.placements,
        renderedRevision: event.data.sourceRevision,
        lastRejection: null,
        handover: state.handover === null ? null : { ...state.handover, rendered: true },
      };
    case 'InstanceConfigRejected':
      return { ...state, lastRejection: event.data };
    case 'InstanceApplied': {
      const { vmId, haproxyHash, keepalivedHash } = event.data;
      const { [vmId]: _cleared, ...failures } = state.failures;
      return { ...state, applied: { ...state.applied, [vmId]: { haproxyHash, keepalivedHash } }, failures };
    }
    case 'InstanceFailed':
      return { ...state, failures: { ...state.failures, [event.data.vmId]: event.data.reason } };
    default:
      return state;
  }
}
