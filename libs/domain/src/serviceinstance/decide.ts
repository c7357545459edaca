import { AGGREGATE_KIND } from '../envelope';
import { Conflict } from '../errors';
import { live } from '../lifecycle';
import type {
  ChangeInstancePool,
  CreateServiceInstance,
  FailOverInstance,
  HandleNodeLost,
  MarkUnplaceable,
  PlaceInstance,
  RecordApplied,
  RecordConfigRejected,
  RecordConfigRendered,
  RecordFailed,
  RecordVipHeld,
  ReleasePlacement,
  RequestInstanceDeletion,
  RetirePlacement,
  ServiceInstanceCommand,
} from './commands';
import { type InstanceSource, PRIORITY, type RenderedPlacementConfig, type ServiceInstanceEvent } from './events';
import type { ServiceInstanceState } from './state';

const KIND = AGGREGATE_KIND.serviceinstance;
type Live = Extract<ServiceInstanceState, { kind: 'live' }>;

/**
 * Every command here is sent by a service (scheduler, config renderer, node agent) that may
 * decide twice, after a crash or a lost lease: a command whose effect is already in the
 * state appends nothing instead of failing.
 */
const sameSource = (a: InstanceSource, b: InstanceSource): boolean =>
  a.kind === 'vip' ? b.kind === 'vip' && a.vipId === b.vipId : b.kind === 'loadbalancer' && a.loadBalancerId === b.loadBalancerId;

const createServiceInstance = ({ data }: CreateServiceInstance, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind === 'live' && sameSource(state.source, data.source)) return [];
  if (state.kind !== 'absent') throw new Conflict('ServiceInstanceExists', `Service instance ${data.instanceId} already exists.`);
  return [{ type: 'ServiceInstanceCreated', version: 2, data }];
};

const changeInstancePool = ({ data }: ChangeInstancePool, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  const si = live(state, KIND, data.instanceId);
  // A load balancer's pools are its own business: only a VIP's instance follows the VIP to another pool.
  if (si.source.kind !== 'vip') return [];
  return si.source.poolId === data.poolId ? [] : [{ type: 'ServiceInstancePoolChanged', version: 1, data }];
};

const placeInstance = ({ data }: PlaceInstance, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  const si = live(state, KIND, data.instanceId);
  if (si.deleting || si.placements.length >= 2 || si.placements.some((p) => p.vmId === data.vmId)) return [];
  if (si.placements.some((p) => p.nodeId === data.nodeId)) {
    throw new Conflict(
      'PlacementNodeTaken',
      `Service instance ${si.id} already has a placement on ${data.nodeId}; active and standby need distinct nodes.`,
    );
  }
  const role = si.placements.some((p) => p.role === 'active') ? 'standby' : 'active';
  const placement = {
    instanceId: si.id,
    vmId: data.vmId,
    nodeId: data.nodeId,
    role,
    priority: PRIORITY[role],
    vrrpAddress: data.vrrpAddress,
  } as const;
  if (role === 'standby' && si.history.length > 0)
    return [{ type: 'InstanceReprotected', version: 1, data: { ...placement, at: data.at } }];
  return [{ type: 'InstancePlaced', version: 1, data: placement }];
};

const deletedWhenEmpty = (si: Live, remaining: number): ServiceInstanceEvent[] =>
  si.deleting && remaining === 0 ? [{ type: 'ServiceInstanceDeleted', version: 1, data: { instanceId: si.id } }] : [];

const handleNodeLost = ({ data }: HandleNodeLost, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live') return [];
  const lost = state.placements.find((p) => p.nodeId === data.nodeId);
  if (!lost) return [];
  const standby = state.placements.find((p) => p.role === 'standby');
  const remaining = state.placements.length - 1;
  if (lost.role === 'active' && standby && !state.deleting) {
    return [
      {
        type: 'InstanceFailedOver',
        version: 1,
        data: {
          instanceId: state.id,
          fromVmId: lost.vmId,
          fromNodeId: lost.nodeId,
          toVmId: standby.vmId,
          toNodeId: standby.nodeId,
          reason: data.reason,
          at: data.at,
        },
      },
    ];
  }
  return [
    {
      type: 'InstancePlacementLost',
      version: 1,
      data: { instanceId: state.id, vmId: lost.vmId, nodeId: lost.nodeId, role: lost.role, reason: data.reason, at: data.at },
    },
    ...deletedWhenEmpty(state, remaining),
  ];
};

/**
 * A handover, not a node loss: the roles and priorities swap while both placements run, so VRRP
 * moves the VIP to the new active (it preempts at 200) and the old active serves until then. The
 * old placement goes only once the new active holds the VIP (RetirePlacement). The reason names
 * the request, so a scheduler that decides the same request twice swaps once. With no standby, or
 * a handover still under way, there is nothing to swap: nothing is appended.
 */
const failOverInstance = ({ data }: FailOverInstance, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || state.deleting || state.handover !== null || state.history.some((h) => h.reason === data.reason)) return [];
  const active = state.placements.find((p) => p.role === 'active');
  const standby = state.placements.find((p) => p.role === 'standby');
  if (!active || !standby) return [];
  return [
    {
      type: 'InstanceRolesSwapped',
      version: 1,
      data: {
        instanceId: state.id,
        fromVmId: active.vmId,
        fromNodeId: active.nodeId,
        toVmId: standby.vmId,
        toNodeId: standby.nodeId,
        reason: data.reason,
        at: data.at,
      },
    },
  ];
};

/**
 * The new active's node says it holds the VIP: taken only from the new active of a handover, once
 * per handover, running the keepalived.conf of a rendering recorded after the swap.
 */
const recordVipHeld = ({ data }: RecordVipHeld, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || state.deleting) return [];
  const h = state.handover;
  if (h === null || h.servedAt !== null || !h.rendered || h.toVmId !== data.vmId) return [];
  const active = state.placements.find((p) => p.vmId === data.vmId && p.nodeId === data.nodeId && p.role === 'active');
  const rendered = state.rendered.find((r) => r.vmId === data.vmId);
  if (!active || rendered?.keepalivedHash !== data.keepalivedHash) return [];
  return [{ type: 'InstanceVipHeld', version: 1, data }];
};

/** The old active of a handover goes once the new one serves (when is the scheduler's drain); its node sees it gone and removes it. */
const retirePlacement = ({ data }: RetirePlacement, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || state.deleting) return [];
  const h = state.handover;
  if (h === null || h.servedAt === null || h.fromVmId !== data.vmId) return [];
  const retired = state.placements.find((p) => p.vmId === data.vmId);
  if (!retired) return [];
  return [
    {
      type: 'InstancePlacementRetired',
      version: 1,
      data: { instanceId: state.id, vmId: retired.vmId, nodeId: retired.nodeId, reason: data.reason, at: data.at },
    },
  ];
};

const markUnplaceable = ({ data }: MarkUnplaceable, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  const si = live(state, KIND, data.instanceId);
  if (si.deleting || si.placements.length > 0 || si.unplaceableReason === data.reason) return [];
  return [{ type: 'InstanceUnplaceable', version: 1, data }];
};

const requestInstanceDeletion = ({ data }: RequestInstanceDeletion, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || state.deleting) return [];
  return [
    { type: 'InstanceDeletionRequested', version: 1, data },
    ...deletedWhenEmpty({ ...state, deleting: true }, state.placements.length),
  ];
};

const releasePlacement = ({ data }: ReleasePlacement, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || !state.deleting) return [];
  const placement = state.placements.find((p) => p.vmId === data.vmId);
  if (!placement) return [];
  return [
    { type: 'InstancePlacementReleased', version: 1, data: { instanceId: state.id, vmId: placement.vmId, nodeId: placement.nodeId } },
    ...deletedWhenEmpty(state, state.placements.length - 1),
  ];
};

const sameConfigs = (a: readonly RenderedPlacementConfig[], b: readonly RenderedPlacementConfig[]): boolean =>
  a.length === b.length &&
  a.every((x, i) => x.vmId === b[i].vmId && x.haproxyHash === b[i].haproxyHash && x.keepalivedHash === b[i].keepalivedHash);

/** The same files again still clear a rejection: a fix that goes back to the files in force must say the rejection is over. */
const recordConfigRendered = ({ data }: RecordConfigRendered, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (
    state.kind !== 'live' ||
    state.deleting ||
    (sameConfigs(state.rendered, data.placements) && state.lastRejection === null && state.renderedRevision === data.sourceRevision)
  )
    return [];
  return [{ type: 'InstanceConfigRendered', version: 2, data }];
};

const recordConfigRejected = ({ data }: RecordConfigRejected, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || state.deleting) return [];
  const last = state.lastRejection;
  if (last && last.vmId === data.vmId && last.file === data.file && last.hash === data.hash) return [];
  return [{ type: 'InstanceConfigRejected', version: 1, data }];
};

/** Reports of placements the instance no longer has (a node back from the dead) change nothing. */
const recordApplied = ({ data }: RecordApplied, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || !state.placements.some((p) => p.vmId === data.vmId && p.nodeId === data.nodeId)) return [];
  const now = state.applied[data.vmId];
  if (now && now.haproxyHash === data.haproxyHash && now.keepalivedHash === data.keepalivedHash && !(data.vmId in state.failures))
    return [];
  return [{ type: 'InstanceApplied', version: 1, data }];
};

const recordFailed = ({ data }: RecordFailed, state: ServiceInstanceState): ServiceInstanceEvent[] => {
  if (state.kind !== 'live' || !state.placements.some((p) => p.vmId === data.vmId && p.nodeId === data.nodeId)) return [];
  return state.failures[data.vmId] === data.reason ? [] : [{ type: 'InstanceFailed', version: 1, data }];
};

export function decideServiceInstance(command: ServiceInstanceCommand, state: ServiceInstanceState): ServiceInstanceEvent[] {
  switch (command.type) {
    case 'CreateServiceInstance':
      return createServiceInstance(command, state);
    case 'ChangeInstancePool':
      return changeInstancePool(command, state);
    case 'PlaceInstance':
      return placeInstance(command, state);
    case 'HandleNodeLost':
      return handleNodeLost(command, state);
    case 'MarkUnplaceable':
      return markUnplaceable(command, state);
    case 'RequestInstanceDeletion':
      return requestInstanceDeletion(command, state);
    case 'ReleasePlacement':
      return releasePlacement(command, state);
    case 'RecordConfigRendered':
      return recordConfigRendered(command, state);
    case 'FailOverInstance':
      return failOverInstance(command, state);
    case 'RecordVipHeld':
      return recordVipHeld(command, state);
    case 'RetirePlacement':
      return retirePlacement(command, state);
    case 'RecordConfigRejected':
      return recordConfigRejected(command, state);
    case 'RecordApplied':
      return recordApplied(command, state);
    case 'RecordFailed':
      return recordFailed(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
