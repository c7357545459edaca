import type { TSchema } from '@sinclair/typebox';
import { CATALOG_EVENT_SCHEMAS } from './catalog/event-schemas';
import type { CatalogEvent } from './catalog/events';
import { CERTIFICATE_EVENT_SCHEMAS } from './certificate/event-schemas';
import type { CertificateEvent } from './certificate/events';
import type { AggregateType } from './envelope';
import { FLOATING_IP_EVENT_SCHEMAS } from './floatingip/event-schemas';
import type { FloatingIpEvent } from './floatingip/events';
import { HEALTH_MONITOR_EVENT_SCHEMAS } from './healthmonitor/event-schemas';
import type { HealthMonitorEvent } from './healthmonitor/events';
import { LOAD_BALANCER_EVENT_SCHEMAS } from './loadbalancer/event-schemas';
import type { LoadBalancerEvent } from './loadbalancer/events';
import { NETWORK_EVENT_SCHEMAS } from './network/event-schemas';
import type { NetworkEvent } from './network/events';
import { NODE_EVENT_SCHEMAS } from './node/event-schemas';
import type { NodeEvent } from './node/events';
import { POOL_EVENT_SCHEMAS } from './pool/event-schemas';
import type { PoolEvent } from './pool/events';
import { PORT_EVENT_SCHEMAS } from './port/event-schemas';
import type { PortEvent } from './port/events';
import { QUOTA_EVENT_SCHEMAS } from './quota/event-schemas';
import type { QuotaEvent } from './quota/events';
import { SERVICE_INSTANCE_EVENT_SCHEMAS } from './serviceinstance/event-schemas';
import type { ServiceInstanceEvent } from './serviceinstance/events';
import { SUBNET_EVENT_SCHEMAS } from './subnet/event-schemas';
import type { SubnetEvent } from './subnet/events';
import { VIP_EVENT_SCHEMAS } from './vip/event-schemas';
import type { VipEvent } from './vip/events';

/** Each aggregate's events, the union its decider emits and folds. */
interface EventsByAggregate {
  network: NetworkEvent;
  subnet: SubnetEvent;
  port: PortEvent;
  floatingip: FloatingIpEvent;
  pool: PoolEvent;
  vip: VipEvent;
  healthmonitor: HealthMonitorEvent;
  certificate: CertificateEvent;
  serviceinstance: ServiceInstanceEvent;
  node: NodeEvent;
  loadbalancer: LoadBalancerEvent;
  quota: QuotaEvent;
  catalog: CatalogEvent;
}
/** The events of aggregate `A` at their latest versions. */
export type EventOf<A extends AggregateType> = EventsByAggregate[A];

/** Every event the system appends, as a discriminated union on `type`. */
export type LbaasEvent = EventOf<AggregateType>;
export type LbaasEventType = LbaasEvent['type'];

/** The aggregate whose union holds event type `T`: the catalogue cannot file an event under another. */
type AggregateOf<T extends LbaasEventType> = { [A in AggregateType]: T extends EventOf<A>['type'] ? A : never }[AggregateType];

const entry = <T extends LbaasEventType>(
  type: T,
  version: Extract<LbaasEvent, { type: T }>['version'],
  aggregate: AggregateOf<T>,
  description: string,
) => ({ type, version, aggregate, description }) as const;

/** The event catalogue's source: `npm run asyncapi` writes docs/asyncapi.json and docs/events.md from it. */
export const EVENT_TYPES = [
  entry('NetworkCreated', 1, 'network', 'A network was created.'),
  entry('NetworkUpdated', 1, 'network', "A network's name, admin state or sharing changed; carries the new values."),
  entry('NetworkSubnetAttached', 1, 'network', "A subnet's cidr was reserved on its network (before SubnetCreated)."),
  entry('NetworkSubnetDetached', 1, 'network', "A deleted subnet's reservation was released."),
  entry('NetworkDeleted', 1, 'network', 'A network without subnets was deleted.'),
  entry('SubnetCreated', 1, 'subnet', 'A subnet was created with its gateway and allocation pools.'),
  entry('SubnetUpdated', 1, 'subnet', "A subnet's settings changed; carries the new values."),
  entry('SubnetAddressAllocated', 1, 'subnet', 'An address of the subnet was given to a port or floating IP.'),
  entry('SubnetAddressReleased', 1, 'subnet', 'An address of the subnet was freed.'),
  entry('SubnetDeleted', 1, 'subnet', 'A subnet without allocations was deleted.'),
  entry('PortCreated', 1, 'port', 'A port was created (for a VIP) with its fixed address and MAC.'),
  entry('PortDeleted', 1, 'port', 'A port was deleted.'),
  entry('FloatingIpCreated', 1, 'floatingip', 'A floating IP was allocated on an external network.'),
  entry('FloatingIpAssociated', 1, 'floatingip', "A floating IP now forwards to a port's fixed address."),
  entry('FloatingIpDisassociated', 1, 'floatingip', 'A floating IP no longer forwards to a port.'),
  entry('FloatingIpDeleted', 1, 'floatingip', 'A floating IP was released.'),
  entry('PoolCreated', 1, 'pool', 'A pool was created (PENDING_CREATE).'),
  entry('PoolUpdated', 1, 'pool', "A pool's name, description, lb method or admin state changed; carries the new values."),
  entry(
    'PoolStatusChanged',
    1,
    'pool',
    "The data plane reported the pool's provisioning status (ERROR with the reason when its VIP cannot be served), or the scheduler ended a wait past the pending deadline in ERROR with what the pool waited for.",
  ),
  entry('MemberAdded', 1, 'pool', 'A member was added to a pool.'),
  entry('MemberUpdated', 1, 'pool', "A member's weight or admin state changed; carries the new values."),
  entry('MemberRemoved', 1, 'pool', 'A member left its pool.'),
  entry('MemberStatusChanged', 1, 'pool', 'Health checks moved a member between ACTIVE and INACTIVE.'),
  entry('PoolVipBound', 1, 'pool', 'A VIP claimed the pool (one VIP per pool).'),
  entry('PoolVipUnbound', 1, 'pool', "The pool's VIP was deleted or moved to another pool."),
  entry('PoolMonitorAssociated', 1, 'pool', 'A health monitor was associated with the pool.'),
  entry('PoolMonitorDisassociated', 1, 'pool', 'A health monitor was disassociated from the pool.'),
  entry('PoolDeleted', 1, 'pool', 'A pool without a VIP was deleted, with its members.'),
  entry('VipCreated', 1, 'vip', 'A VIP was created on its port and bound to its pool (PENDING_CREATE).'),
  entry('VipUpdated', 1, 'vip', "A VIP's settings changed; carries the new values."),
  entry('VipPoolChanged', 1, 'vip', 'A VIP was moved to another pool.'),
  entry(
    'VipCertificateChanged',
    1,
    'vip',
    'An HTTP VIP terminates TLS with another certificate from now on, or with none (null); in the commit of VipCreated when the VIP is created with one.',
  ),
  entry(
    'VipStatusChanged',
    1,
    'vip',
    "The data plane reported the VIP's provisioning status (ERROR with the reason when it cannot be served), or the scheduler ended a wait past the pending deadline in ERROR with what the VIP waited for.",
  ),
  entry('VipDeleted', 1, 'vip', 'A VIP was deleted.'),
  entry('HealthMonitorCreated', 1, 'healthmonitor', 'A health monitor was created.'),
  entry('HealthMonitorUpdated', 1, 'healthmonitor', "A health monitor's settings changed; carries the new values."),
  entry('HealthMonitorAssociated', 1, 'healthmonitor', "The monitor's side of an association with a pool."),
  entry('HealthMonitorDisassociated', 1, 'healthmonitor', "The monitor's side of a disassociation from a pool."),
  entry('HealthMonitorDeleted', 1, 'healthmonitor', 'A health monitor without pools was deleted.'),
  entry(
    'CertificateCreated',
    2,
    'certificate',
    "A tenant uploaded a certificate of a `kind`: `server`, a chain and its private key, sealed with the deployment's certificate key; `ca`, CA certificates; `crl`, revocation lists (neither of the last two has a key: `privateKey` null). Version 1 (no `kind`) is upcast to `server`.",
  ),
  entry('CertificateUpdated', 1, 'certificate', "A certificate's name or description changed; carries the new values."),
  entry(
    'CertificateReplaced',
    2,
    'certificate',
    "A certificate's material was replaced by material of the same kind (rotation, a new CRL); every VIP and listener using it serves the new one after a seamless reload. Version 1 (no `kind`) is upcast to `server`.",
  ),
  entry('CertificateVipAttached', 1, 'certificate', "A VIP started using the certificate (before the VIP's VipCertificateChanged)."),
  entry('CertificateVipDetached', 1, 'certificate', 'A VIP stopped using the certificate, or was deleted.'),
  entry('CertificateDeleted', 1, 'certificate', 'A certificate no VIP uses was deleted, with its sealed key.'),
  entry(
    'ServiceInstanceCreated',
    2,
    'serviceinstance',
    'The scheduler created the HAProxy pair that serves a v1 VIP and its pool, or a v2 load balancer (`source`), with its VRRP router id. Version 1 (VIPs only: `vipId`, `poolId`) is upcast to `source: {kind: "vip"}`.',
  ),
  entry('ServiceInstancePoolChanged', 1, 'serviceinstance', "The instance's VIP was moved to another pool."),
  entry('InstancePlaced', 1, 'serviceinstance', 'A placement (active 200 or standby 100) was put on a live compute node.'),
  entry('InstanceFailedOver', 1, 'serviceinstance', "The active's node was lost; the standby was promoted to active."),
  entry(
    'InstanceRolesSwapped',
    1,
    'serviceinstance',
    "An operator's failover: the standby became the active (priority 200) and the active the standby (100), both running, so VRRP moves the VIP while the old active serves.",
  ),
  entry(
    'InstanceVipHeld',
    1,
    'serviceinstance',
    "The new active of an operator's failover holds the VIP with the files rendered after the swap.",
  ),
  entry(
    'InstancePlacementRetired',
    1,
    'serviceinstance',
    "The old active of an operator's failover was released once the new active held the VIP; its node removes it.",
  ),
  entry('InstanceReprotected', 1, 'serviceinstance', 'A new standby was placed after the instance lost one.'),
  entry('InstancePlacementLost', 1, 'serviceinstance', "A placement's node was lost with no standby to take over from it."),
  entry('InstanceUnplaceable', 1, 'serviceinstance', 'No live node can take the placement the instance needs (ERROR with the reason).'),
  entry('InstanceDeletionRequested', 1, 'serviceinstance', 'The VIP was deleted; the instance waits for its placements to be removed.'),
  entry('InstancePlacementReleased', 1, 'serviceinstance', 'A node reported a placement of a deleted instance as removed.'),
  entry('ServiceInstanceDeleted', 1, 'serviceinstance', 'Every placement of a deleted instance is gone.'),
  entry(
    'InstanceConfigRendered',
    2,
    'serviceinstance',
    "New haproxy.cfg and keepalived.conf passed their checks; content hashes per placement (texts in the object store) and the load balancer's revision they were rendered from (`sourceRevision`, null for a VIP). Version 1 (no revision) is upcast with null.",
  ),
  entry(
    'InstanceConfigRejected',
    1,
    'serviceinstance',
    'A rendered file failed its check (haproxy -c; keepalived -t until issue 17, when keepalived.conf became good by construction); the last good configuration stays.',
  ),
  entry(
    'InstanceApplied',
    1,
    'serviceinstance',
    'A node agent runs a placement with the named files (namespace, VIP interface, HAProxy, keepalived).',
  ),
  entry('InstanceFailed', 1, 'serviceinstance', "A node agent could not apply a placement's files; it retries and says why."),
  entry('NodeRegistered', 1, 'node', "A compute node's first heartbeat arrived."),
  entry('NodeLost', 1, 'node', 'A compute node was silent for longer than the configured time.'),
  entry('NodeRecovered', 1, 'node', 'A lost compute node heartbeats again.'),
  entry(
    'NodeZoneDeclared',
    1,
    'node',
    "The compute zone a node's agent declares (LBAAS_NODE_ZONE, in its heartbeat), or null: load balancers in an availability zone are placed only on its nodes.",
  ),
  entry(
    'LoadBalancerCreated',
    2,
    'loadbalancer',
    'An Octavia load balancer was created on its reserved VIP (PENDING_CREATE); a single-call create has its listeners, pools, members and monitors in the same commit. `placement` is what its flavor and availability zone resolved to (topology SINGLE or ACTIVE_STANDBY, compute zone); version 1 (no `placement`) is upcast to ACTIVE_STANDBY on any node.',
  ),
  entry(
    'LoadBalancerUpdated',
    1,
    'loadbalancer',
    "A load balancer's name, description, admin state, tags or VIP QoS policy changed; carries the whole configuration.",
  ),
  entry(
    'LoadBalancerDeleted',
    1,
    'loadbalancer',
    'A load balancer was deleted, with its listeners, pools, members and monitors when `cascade`.',
  ),
  entry(
    'LoadBalancerFailoverRequested',
    1,
    'loadbalancer',
    'An admin asked to move the active placement now: the standby takes over and a new standby is placed.',
  ),
  entry(
    'ListenerCreated',
    2,
    'loadbalancer',
    'A listener was created on a port of the load balancer (PENDING_CREATE). Version 1 (before SNI, client authentication, TLS options and allowed CIDRs) is upcast with none of them and, for TERMINATED_HTTPS, the default TLS settings.',
  ),
  entry(
    'ListenerUpdated',
    2,
    'loadbalancer',
    "A listener's settings changed; carries the whole configuration. Version 1 is upcast as ListenerCreated's.",
  ),
  entry('ListenerDeleted', 1, 'loadbalancer', 'A listener was deleted with its L7 policies and their rules (its default pool stays).'),
  entry(
    'LbPoolCreated',
    2,
    'loadbalancer',
    'A pool was created, as the default pool of `listenerId` when it names one. Version 1 (before re-encryption) is upcast with TLS off.',
  ),
  entry(
    'LbPoolUpdated',
    2,
    'loadbalancer',
    "A pool's settings changed; carries the whole configuration. Version 1 is upcast with TLS off.",
  ),
  entry('LbPoolDeleted', 1, 'loadbalancer', 'A pool no listener sends to was deleted, with its members and monitor.'),
  entry('LbMemberCreated', 1, 'loadbalancer', 'A member was added to a pool (alone, in a single-call create or in a batch replace).'),
  entry('LbMemberUpdated', 1, 'loadbalancer', "A member's settings changed; carries the whole configuration."),
  entry('LbMemberDeleted', 1, 'loadbalancer', 'A member left its pool.'),
  entry('LbHealthMonitorCreated', 1, 'loadbalancer', "A pool's health monitor was created (one per pool)."),
  entry('LbHealthMonitorUpdated', 1, 'loadbalancer', "A health monitor's settings changed; carries the whole configuration."),
  entry('LbHealthMonitorDeleted', 1, 'loadbalancer', "A pool's health monitor was deleted; its members' health is unknown again."),
  entry(
    'L7PolicyCreated',
    1,
    'loadbalancer',
    "An L7 policy was put at `position` among its listener's policies (the ones from there move down), with the rules it was created with.",
  ),
  entry(
    'L7PolicyUpdated',
    1,
    'loadbalancer',
    "An L7 policy's settings changed; a new position moves it and the policies between close up.",
  ),
  entry('L7PolicyDeleted', 1, 'loadbalancer', "An L7 policy was deleted with its rules; the listener's policies after it move up."),
  entry('L7RuleCreated', 1, 'loadbalancer', 'A rule was added to an L7 policy (all its rules must match for its action to apply).'),
  entry('L7RuleUpdated', 1, 'loadbalancer', "An L7 rule's settings changed; carries the whole configuration."),
  entry('L7RuleDeleted', 1, 'loadbalancer', 'A rule left its L7 policy.'),
  entry(
    'LoadBalancerApplied',
    1,
    'loadbalancer',
    'The active placement serves the rendering of `revision`: every change up to it is ACTIVE.',
  ),
  entry(
    'LoadBalancerErrored',
    1,
    'loadbalancer',
    'The data plane cannot serve the load balancer: it and every pending object are ERROR, with the reason.',
  ),
  entry(
    'LbMemberHealthChanged',
    1,
    'loadbalancer',
    "A member's health checks changed their verdict (ONLINE, ERROR, DRAINING, NO_MONITOR).",
  ),
  entry('QuotaSet', 1, 'quota', "A project's own limits were set (the whole set; a resource left out takes the deployment's default)."),
  entry('QuotaReset', 1, 'quota', "A project's limits are the deployment's defaults again (Octavia's quota DELETE)."),
  entry(
    'QuotaReserved',
    2,
    'quota',
    "Objects were counted against their project's limits before they were created (or counted again: they exist, but a reclaimer had released them), each claim naming its load balancer, at `at`. Version 1 is upcast with the envelope's time and `loadBalancerId` the object's own id for a `loadbalancer` claim, else null: unknown, so the reclaimer never releases it.",
  ),
  entry(
    'QuotaReleased',
    1,
    'quota',
    'Objects stopped counting: deleted, or their create was refused after the reservation, or (the reclaimer) their load balancer did not hold them past the grace.',
  ),
  entry('FlavorProfileCreated', 1, 'catalog', "A flavor profile was created with the provider's settings (flavor_data)."),
  entry('FlavorProfileUpdated', 1, 'catalog', "A flavor profile's name or settings changed; carries the whole profile."),
  entry('FlavorProfileDeleted', 1, 'catalog', 'A flavor profile no flavor uses was deleted.'),
  entry('FlavorCreated', 1, 'catalog', 'A flavor was created on its profile.'),
  entry('FlavorUpdated', 1, 'catalog', "A flavor's name, description or enabled changed; carries the whole flavor."),
  entry('FlavorDeleted', 1, 'catalog', 'A flavor no live load balancer uses was deleted.'),
  entry('AvailabilityZoneProfileCreated', 1, 'catalog', 'An availability zone profile was created with its settings (compute_zone).'),
  entry(
    'AvailabilityZoneProfileUpdated',
    1,
    'catalog',
    "An availability zone profile's name or settings changed; carries the whole profile.",
  ),
  entry('AvailabilityZoneProfileDeleted', 1, 'catalog', 'An availability zone profile no zone uses was deleted.'),
  entry('AvailabilityZoneCreated', 1, 'catalog', 'An availability zone was created on its profile.'),
  entry('AvailabilityZoneUpdated', 1, 'catalog', "An availability zone's description or enabled changed; carries the whole zone."),
  entry('AvailabilityZoneDeleted', 1, 'catalog', 'An availability zone no live load balancer uses was deleted.'),
  entry(
    'CatalogUseRecorded',
    2,
    'catalog',
    'A load balancer is being created with this flavor or zone (resolved as its placement), at `at`: while the use stands, neither can be deleted (409 ObjectInUse). Version 1 is upcast with the envelope time.',
  ),
  entry(
    'CatalogUseEnded',
    1,
    'catalog',
    "A load balancer's use of its flavor and zone ended: it was deleted, or its create was refused or never appended (the reclaimer ends a use whose load balancer is not live after the grace).",
  ),
] as const;

/** Compile-time proof that the catalogue lists every member of the union and nothing else. */
type Listed = (typeof EVENT_TYPES)[number]['type'];
const everyEventListed: Exclude<LbaasEventType, Listed> extends never ? true : false = true;
const nothingElseListed: Exclude<Listed, LbaasEventType> extends never ? true : false = true;
export const CATALOGUE_IS_COMPLETE = everyEventListed && nothingElseListed;

/** The payload schema of every event type at its version, each checked against its type where it is written. */
export const EVENT_PAYLOAD_SCHEMAS: { readonly [T in LbaasEventType]: TSchema } = {
  ...NETWORK_EVENT_SCHEMAS,
  ...SUBNET_EVENT_SCHEMAS,
  ...PORT_EVENT_SCHEMAS,
  ...FLOATING_IP_EVENT_SCHEMAS,
  ...POOL_EVENT_SCHEMAS,
  ...VIP_EVENT_SCHEMAS,
  ...HEALTH_MONITOR_EVENT_SCHEMAS,
  ...CERTIFICATE_EVENT_SCHEMAS,
  ...SERVICE_INSTANCE_EVENT_SCHEMAS,
  ...NODE_EVENT_SCHEMAS,
  ...LOAD_BALANCER_EVENT_SCHEMAS,
  ...QUOTA_EVENT_SCHEMAS,
  ...CATALOG_EVENT_SCHEMAS,
};
