import type { AggregateType } from './envelope';

/** Each aggregate's stream in the event catalogue (docs/asyncapi.json, docs/events.md). */
export interface AggregateCatalogueEntry {
  readonly title: string;
  /** The name of the id that ends the aggregate's subject, `lbaas.events.<aggregate>.<idName>`. */
  readonly idName: string;
  /** What the aggregate's stream decides and who appends to it (Markdown). */
  readonly description: string;
}

export const AGGREGATE_CATALOGUE: { readonly [A in AggregateType]: AggregateCatalogueEntry } = {
  network: {
    title: 'Network',
    idName: 'networkId',
    description:
      'A network reserves the cidrs of its subnets, so cidr overlap and `NetworkInUse` are decided in its stream: the subnet saga appends `NetworkSubnetAttached` before `SubnetCreated`, and `NetworkSubnetDetached` after `SubnetDeleted`.',
  },
  subnet: {
    title: 'Subnet',
    idName: 'subnetId',
    description:
      'A subnet owns its address allocations: an address is given once per subnet, and an owner (a port or a floating IP) holds at most one. A subnet with allocations cannot be deleted (`SubnetInUse`).',
  },
  port: {
    title: 'Port',
    idName: 'portId',
    description:
      "Ports exist for VIPs: the VIP saga creates one with the address allocated from the VIP's subnet. `macAddress` is derived from the port id, so it is the same on every replay.",
  },
  floatingip: {
    title: 'Floating IP',
    idName: 'floatingIpId',
    description:
      "A floating IP's address is allocated on the external subnet (a `SubnetAddressAllocated` owned by the floating IP) before `FloatingIpCreated`. Moving it to another port appends `FloatingIpDisassociated` and `FloatingIpAssociated` in one commit.",
  },
  pool: {
    title: 'Pool (with its members)',
    idName: 'poolId',
    description:
      "A pool owns its members, its VIP binding and its side of its monitor associations: member address and port are unique in a pool, a pool has at most one VIP (`PoolVipBound` is the reservation, appended before the VIP's stream), and a pool with a VIP cannot be deleted (`PoolInUse`). Deleting a pool appends `PoolMonitorDisassociated` and `MemberRemoved` for each association and member, then `PoolDeleted`, in one commit. `PoolStatusChanged` and `MemberStatusChanged` come from the data plane.",
  },
  vip: {
    title: 'VIP',
    idName: 'vipId',
    description:
      '`VipCreated` is the last step of the VIP saga (pool bound, address allocated, port created); a VIP created with a certificate has `VipCertificateChanged` in the same commit. `VipStatusChanged` comes from the data plane.',
  },
  healthmonitor: {
    title: 'Health monitor',
    idName: 'monitorId',
    description:
      "A health monitor records the pools it is associated with in its own stream (`HealthMonitorAssociated` is appended before the pool's `PoolMonitorAssociated`), so deleting a monitor in use is rejected there (`HealthMonitorInUse`).",
  },
  certificate: {
    title: 'TLS certificate',
    idName: 'certificateId',
    description:
      "A tenant's certificate chain and private key, which HTTP VIPs terminate TLS with. The api validates the bundle and seals the key (AES-256-GCM, `SealedSecret`) with the deployment's certificate key before anything is appended, so the key is never in plain text in the log; only the node agents of a VIP using it open it. The certificate records the VIPs that use it in its own stream (`CertificateVipAttached` is appended before the VIP's `VipCertificateChanged`, `CertificateVipDetached` after it), so deleting a certificate in use is rejected there (`CertificateInUse`).",
  },
  serviceinstance: {
    title: 'Service instance',
    idName: 'instanceId',
    description:
      "Appended by the scheduler (creation, placement, failover, deletion), the config renderer (`InstanceConfigRendered`, `InstanceConfigRejected`) and the node agents (`InstanceApplied`, `InstanceFailed`, `InstancePlacementReleased`). The instance id is derived from the VIP's id (uuid v5), so a scheduler that decides twice writes to the same stream and its second decision appends nothing. Status is derived: PENDING_CREATE until the first placement, ACTIVE with two placements, ACTIVE and `degraded` with one, ERROR with the reason of `InstanceUnplaceable` with none, PENDING_DELETE after `InstanceDeletionRequested`.",
  },
  node: {
    title: 'Compute node',
    idName: 'nodeId',
    description: "Appended by the scheduler's leader from the heartbeats in the KV bucket `lbaas_nodes`; the node's name is its id.",
  },
  loadbalancer: {
    title: 'Load balancer (Octavia v2, with its listeners, pools, members and health monitors)',
    idName: 'loadBalancerId',
    description:
      "An Octavia v2 load balancer owns its listeners (with their L7 policies and rules), pools, members and health monitors in one stream, so a protocol_port once per load balancer, one monitor per pool, a member's address and port once per pool, a default pool that cannot go and a single-call create in one commit are decided in one place. Every event that changes what the data plane serves raises the load balancer's revision and leaves the changed object and the load balancer PENDING until `LoadBalancerApplied` names that revision; `LoadBalancerApplied`, `LoadBalancerErrored` and `LbMemberHealthChanged` come from the data plane. Operating status is derived from admin state and health, never stored.",
  },
  quota: {
    title: "Project quota (Octavia's limits and what the project holds)",
    idName: 'projectId',
    description:
      "A project's limits (its own, or the deployment's defaults that each reservation carries) and the ids of the objects it holds. The api reserves (`QuotaReserved`) before it creates a load balancer, listener, pool, member or health monitor and releases (`QuotaReleased`) when the object is deleted or its create is refused, so the limit is decided on this stream with optimistic concurrency: concurrent creates never pass it. Reservations and releases are idempotent by object id.",
  },
  catalog: {
    title: 'Operator catalog (flavor profiles, flavors, availability zone profiles and zones)',
    idName: 'catalogId',
    description:
      "One stream (`lbaas.events.catalog.octavia`) holds the operator's flavors and availability zones with their profiles, so names once, a profile that exists before it is named and a profile in use that keeps its settings are decided in one place. Profiles' data is checked against the provider's capabilities (`loadbalancer_topology`, `compute_zone`). The api resolves a new load balancer's flavor and zone against this stream into its topology and compute zone (`LoadBalancerCreated` version 2).",
  },
};
