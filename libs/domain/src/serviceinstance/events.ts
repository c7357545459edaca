import type { DomainEvent } from '../envelope';

export type PlacementRole = 'active' | 'standby';
/** VRRP priorities of the seed system: the active wins elections while it is alive. */
export const PRIORITY: { readonly [R in PlacementRole]: number } = { active: 200, standby: 100 };

export interface PlacementData {
  /** Names the placement's network namespace (`lb-<vmId>`), as the seed's vm_list uuid does. */
  vmId: string;
  nodeId: string;
  role: PlacementRole;
  priority: number;
  /** The placement's own address on the fabric, the source and peer of its VRRP adverts. */
  vrrpAddress: string;
}

export interface RenderedPlacementConfig {
  vmId: string;
  haproxyHash: string;
  keepalivedHash: string;
}

/**
 * What an instance serves: a v1 VIP with its pool, or a v2 load balancer (all its listeners and
 * pools). One pipeline serves both; the config renderer maps either to the same haproxy.cfg model.
 */
export type InstanceSource =
  { kind: 'vip'; vipId: string; poolId: string } | { kind: 'loadbalancer'; loadBalancerId: string; vipAddress: string };

/** Version 1: instances served only VIPs. Stored events of it are upcast to version 2 (libs/domain upcasters.ts). */
export type ServiceInstanceCreatedV1 = DomainEvent<
  'ServiceInstanceCreated',
  1,
  { instanceId: string; tenantId: string; vipId: string; poolId: string; createTs: number; virtualRouterId: number }
>;
/** The scheduler created the instance that serves a VIP or a load balancer (status PENDING_CREATE until placed). */
export type ServiceInstanceCreated = DomainEvent<
  'ServiceInstanceCreated',
  2,
  {
    instanceId: string;
    tenantId: string;
    source: InstanceSource;
    /** Microseconds since the epoch, as the seed's create_ts. */
    createTs: number;
    virtualRouterId: number;
  }
>;
export type ServiceInstancePoolChanged = DomainEvent<'ServiceInstancePoolChanged', 1, { instanceId: string; poolId: string }>;
export type InstancePlaced = DomainEvent<'InstancePlaced', 1, PlacementData & { instanceId: string }>;
/** The active's node was lost: the standby is the active now; the lost placement is gone. */
export type InstanceFailedOver = DomainEvent<
  'InstanceFailedOver',
  1,
  {
    instanceId: string;
    fromVmId: string;
    fromNodeId: string;
    toVmId: string;
    toNodeId: string;
    reason: string;
    at: string;
  }
>;
/**
 * An operator's failover, the graceful half: the standby is the active now (priority 200) and the
 * active the standby (100), both still running, so VRRP moves the VIP while the old active serves.
 */
export type InstanceRolesSwapped = DomainEvent<
  'InstanceRolesSwapped',
  1,
  {
    instanceId: string;
    fromVmId: string;
    fromNodeId: string;
    toVmId: string;
    toNodeId: string;
    reason: string;
    at: string;
  }
>;
/** The new active of a handover holds the VIP with the files rendered after the swap: the old placement may go. */
export type InstanceVipHeld = DomainEvent<
  'InstanceVipHeld',
  1,
  { instanceId: string; vmId: string; nodeId: string; keepalivedHash: string; at: string }
>;
/** The scheduler released the old active of a handover once the new one served; its node removes it. */
export type InstancePlacementRetired = DomainEvent<
  'InstancePlacementRetired',
  1,
  { instanceId: string; vmId: string; nodeId: string; reason: string; at: string }
>;
/** A new standby was placed for an instance that had lost one. */
export type InstanceReprotected = DomainEvent<'InstanceReprotected', 1, PlacementData & { instanceId: string; at: string }>;
/** A placement's node was lost with no standby to take over from it (a standby, or an active running alone). */
export type InstancePlacementLost = DomainEvent<
  'InstancePlacementLost',
  1,
  {
    instanceId: string;
    vmId: string;
    nodeId: string;
    role: PlacementRole;
    reason: string;
    at: string;
  }
>;
/** No live node can take a placement the instance needs: ERROR with the reason until nodes return. */
export type InstanceUnplaceable = DomainEvent<'InstanceUnplaceable', 1, { instanceId: string; reason: string }>;
/** The VIP is gone: the instance waits for its placements to be removed (PENDING_DELETE). */
export type InstanceDeletionRequested = DomainEvent<'InstanceDeletionRequested', 1, { instanceId: string }>;
/** A node reported a placement of an instance being deleted as removed. */
export type InstancePlacementReleased = DomainEvent<'InstancePlacementReleased', 1, { instanceId: string; vmId: string; nodeId: string }>;
export type ServiceInstanceDeleted = DomainEvent<'ServiceInstanceDeleted', 1, { instanceId: string }>;
/** Version 1: before load balancers, a rendering named no source revision. */
export type InstanceConfigRenderedV1 = DomainEvent<
  'InstanceConfigRendered',
  1,
  { instanceId: string; placements: RenderedPlacementConfig[] }
>;
/**
 * The config renderer checked new files for every placement; the texts are stored by these hashes.
 * `sourceRevision`: the load balancer's revision they were rendered from (null for a VIP), which the
 * agent of the active placement reports back once it serves them.
 */
export type InstanceConfigRendered = DomainEvent<
  'InstanceConfigRendered',
  2,
  { instanceId: string; placements: RenderedPlacementConfig[]; sourceRevision: number | null }
>;
/** A rendered file failed its check; the last good configuration stays in force. */
export type InstanceConfigRejected = DomainEvent<
  'InstanceConfigRejected',
  1,
  {
    instanceId: string;
    vmId: string;
    file: 'haproxy.cfg' | 'keepalived.conf';
    hash: string;
    message: string;
  }
>;

/** A node agent runs a placement with these files (namespace, VIP interface, HAProxy, keepalived). */
export type InstanceApplied = DomainEvent<
  'InstanceApplied',
  1,
  { instanceId: string; vmId: string; nodeId: string; haproxyHash: string; keepalivedHash: string }
>;
/** A node agent could not apply a placement's files; it keeps retrying and says why. */
export type InstanceFailed = DomainEvent<
  'InstanceFailed',
  1,
  { instanceId: string; vmId: string; nodeId: string; haproxyHash: string; reason: string }
>;

export type ServiceInstanceEvent =
  | ServiceInstanceCreated
  | ServiceInstancePoolChanged
  | InstancePlaced
  | InstanceFailedOver
  | InstanceRolesSwapped
  | InstanceVipHeld
  | InstancePlacementRetired
  | InstanceReprotected
  | InstancePlacementLost
  | InstanceUnplaceable
  | InstanceDeletionRequested
  | InstancePlacementReleased
  | ServiceInstanceDeleted
  | InstanceConfigRendered
  | InstanceConfigRejected
  | InstanceApplied
  | InstanceFailed;
