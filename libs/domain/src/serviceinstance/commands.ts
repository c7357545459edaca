import type {
  InstanceApplied,
  InstanceConfigRejected,
  InstanceFailed,
  InstanceVipHeld,
  RenderedPlacementConfig,
  ServiceInstanceCreated,
} from './events';

export interface CreateServiceInstance {
  readonly type: 'CreateServiceInstance';
  readonly data: ServiceInstanceCreated['data'];
}
export interface ChangeInstancePool {
  readonly type: 'ChangeInstancePool';
  readonly data: { instanceId: string; poolId: string };
}
/** Fills the missing role: the active first, then the standby. */
export interface PlaceInstance {
  readonly type: 'PlaceInstance';
  readonly data: { instanceId: string; vmId: string; nodeId: string; vrrpAddress: string; at: string };
}
export interface HandleNodeLost {
  readonly type: 'HandleNodeLost';
  readonly data: { instanceId: string; nodeId: string; reason: string; at: string };
}
export interface MarkUnplaceable {
  readonly type: 'MarkUnplaceable';
  readonly data: { instanceId: string; reason: string };
}
export interface RequestInstanceDeletion {
  readonly type: 'RequestInstanceDeletion';
  readonly data: { instanceId: string };
}
export interface ReleasePlacement {
  readonly type: 'ReleasePlacement';
  readonly data: { instanceId: string; vmId: string };
}
export interface RecordConfigRendered {
  readonly type: 'RecordConfigRendered';
  readonly data: { instanceId: string; placements: RenderedPlacementConfig[]; sourceRevision: number | null };
}
/** An operator asked for a failover (Octavia's `PUT .../failover`): the roles swap, the old active serves until the new one holds the VIP. */
export interface FailOverInstance {
  readonly type: 'FailOverInstance';
  /** Names the request (the load balancer's FailoverRequested event), so the same request swaps once. */
  readonly data: { instanceId: string; reason: string; at: string };
}
/** The agent of a handover's new active: it holds the VIP, running this keepalived.conf. */
export interface RecordVipHeld {
  readonly type: 'RecordVipHeld';
  readonly data: InstanceVipHeld['data'];
}
/** The scheduler releases a handover's old active once the new one holds the VIP. */
export interface RetirePlacement {
  readonly type: 'RetirePlacement';
  readonly data: { instanceId: string; vmId: string; reason: string; at: string };
}
export interface RecordConfigRejected {
  readonly type: 'RecordConfigRejected';
  readonly data: InstanceConfigRejected['data'];
}

export interface RecordApplied {
  readonly type: 'RecordApplied';
  readonly data: InstanceApplied['data'];
}
export interface RecordFailed {
  readonly type: 'RecordFailed';
  readonly data: InstanceFailed['data'];
}

export type ServiceInstanceCommand =
  | CreateServiceInstance
  | ChangeInstancePool
  | PlaceInstance
  | HandleNodeLost
  | MarkUnplaceable
  | RequestInstanceDeletion
  | ReleasePlacement
  | RecordConfigRendered
  | FailOverInstance
  | RecordVipHeld
  | RetirePlacement
  | RecordConfigRejected
  | RecordApplied
  | RecordFailed;
