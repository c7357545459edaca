import fc from 'fast-check';
import { EVENT_TYPES, type LbaasEvent, type LbaasEventType } from './catalogue';
import { certificateDecider } from './certificate/decider';
import type { CertificateMaterial } from './certificate/events';
import { AGGREGATE_TYPES, type AggregateType, type EventEnvelope } from './envelope';
import { floatingIpDecider } from './floatingip/decider';
import { healthMonitorDecider } from './healthmonitor/decider';
import { loadBalancerDecider } from './loadbalancer/decider';
import { samplePolicy, sampleRule } from './loadbalancer/l7-samples';
import { sampleListener, sampleLoadBalancer, sampleMember, sampleMonitor, samplePool } from './loadbalancer/samples';
import { networkDecider } from './network/decider';
import { poolDecider } from './pool/decider';
import { portDecider } from './port/decider';
import { AGGREGATES, foldEvents, upcast } from './registry';
import { subnetDecider } from './subnet/decider';
import { vipDecider } from './vip/decider';

const T = 'tenant-a';
type Payloads = { [K in LbaasEventType]: Extract<LbaasEvent, { type: K }>['data'] };
const material = (serial: string): CertificateMaterial => ({
  kind: 'server',
  certificate: `-----BEGIN CERTIFICATE-----\n${serial}\n-----END CERTIFICATE-----\n`,
  privateKey: { algorithm: 'AES-256-GCM', keyId: '0123456789abcdef', iv: 'aXY=', tag: 'dGFn', ciphertext: serial },
  fingerprint: serial.repeat(64),
  subject: 'www.example.test',
  hostnames: ['www.example.test'],
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
});

/** One payload per event type, all of one small load balancer; the mapped type makes the list exhaustive. */
const SAMPLE: Payloads = {
  NetworkCreated: { networkId: 'net', tenantId: T, name: 'n', adminStateUp: true, shared: false, external: false },
  NetworkUpdated: { networkId: 'net', name: 'n2', adminStateUp: false, shared: true },
  NetworkSubnetAttached: { networkId: 'net', subnetId: 'sub', cidr: '198.18.1.0/24' },
  NetworkSubnetDetached: { networkId: 'net', subnetId: 'sub' },
  NetworkDeleted: { networkId: 'net' },
  SubnetCreated: {
    subnetId: 'sub',
    tenantId: T,
    networkId: 'net',
    cidr: '198.18.1.0/24',
    name: '',
    gatewayIp: '198.18.1.1',
    allocationPools: [{ start: '198.18.1.2', end: '198.18.1.254' }],
    enableDhcp: true,
    dnsNameservers: [],
    hostRoutes: [],
  },
  SubnetUpdated: { subnetId: 'sub', name: 's', gatewayIp: null, enableDhcp: false, dnsNameservers: ['198.18.0.53'], hostRoutes: [] },
  SubnetAddressAllocated: { subnetId: 'sub', ipAddress: '198.18.1.2', ownerId: 'port' },
  SubnetAddressReleased: { subnetId: 'sub', ipAddress: '198.18.1.2', ownerId: 'port' },
  SubnetDeleted: { subnetId: 'sub' },
  PortCreated: {
    portId: 'port',
    tenantId: T,
    networkId: 'net',
    subnetId: 'sub',
    ipAddress: '198.18.1.2',
    macAddress: 'fa:16:3e:00:00:01',
    name: 'vip-vip',
    deviceId: 'vip',
    deviceOwner: 'neutron:LOADBALANCER',
  },
  PortDeleted: { portId: 'port' },
  FloatingIpCreated: {
    floatingIpId: 'fip',
    tenantId: T,
    floatingNetworkId: 'pub',
    floatingSubnetId: 'pubsub',
    floatingIpAddress: '198.19.0.2',
    portId: null,
    fixedIpAddress: null,
  },
  FloatingIpAssociated: { floatingIpId: 'fip', portId: 'port', fixedIpAddress: '198.18.1.2' },
  FloatingIpDisassociated: { floatingIpId: 'fip', portId: 'port' },
  FloatingIpDeleted: { floatingIpId: 'fip' },
  PoolCreated: {
    poolId: 'pool',
    tenantId: T,
    name: 'p',
    description: '',
    subnetId: 'sub',
    protocol: 'HTTP',
    lbMethod: 'ROUND_ROBIN',
    adminStateUp: true,
    provider: 'haproxy',
  },
  PoolUpdated: { poolId: 'pool', name: 'p2', description: 'd', lbMethod: 'SOURCE_IP', adminStateUp: false },
  PoolStatusChanged: { poolId: 'pool', status: 'ACTIVE', statusDescription: null },
  MemberAdded: { poolId: 'pool', memberId: 'm', tenantId: T, address: '198.18.2.10', protocolPort: 80, weight: 1, adminStateUp: true },
  MemberUpdated: { poolId: 'pool', memberId: 'm', weight: 7, adminStateUp: false },
  MemberRemoved: { poolId: 'pool', memberId: 'm' },
  MemberStatusChanged: { poolId: 'pool', memberId: 'm', status: 'INACTIVE', statusDescription: 'health check failed' },
  PoolVipBound: { poolId: 'pool', vipId: 'vip' },
  PoolVipUnbound: { poolId: 'pool', vipId: 'vip' },
  PoolMonitorAssociated: { poolId: 'pool', monitorId: 'hm' },
  PoolMonitorDisassociated: { poolId: 'pool', monitorId: 'hm' },
  PoolDeleted: { poolId: 'pool' },
  VipCreated: {
    vipId: 'vip',
    tenantId: T,
    subnetId: 'sub',
    address: '198.18.1.2',
    portId: 'port',
    protocolPort: 80,
    protocol: 'HTTP',
    poolId: 'pool',
    name: 'v',
    description: '',
    sessionPersistence: null,
    connectionLimit: -1,
    adminStateUp: true,
  },
  VipUpdated: {
    vipId: 'vip',
    name: 'v2',
    description: 'd',
    sessionPersistence: { type: 'APP_COOKIE', cookie_name: 'S' },
    connectionLimit: 10,
    adminStateUp: false,
  },
  VipPoolChanged: { vipId: 'vip', poolId: 'pool2', previousPoolId: 'pool' },
  VipStatusChanged: { vipId: 'vip', status: 'ERROR', statusDescription: 'no node' },
  VipDeleted: { vipId: 'vip' },
  VipCertificateChanged: { vipId: 'vip', certificateId: 'cert', previousCertificateId: null },
  HealthMonitorCreated: {
    monitorId: 'hm',
    tenantId: T,
    type: 'HTTP',
    delay: 20,
    timeout: 10,
    maxRetries: 3,
    httpMethod: 'GET',
    urlPath: '/',
    expectedCodes: '200',
    adminStateUp: true,
  },
  HealthMonitorUpdated: {
    monitorId: 'hm',
    delay: 30,
    timeout: 5,
    maxRetries: 2,
    httpMethod: 'HEAD',
    urlPath: '/h',
    expectedCodes: '200-204',
    adminStateUp: false,
  },
  HealthMonitorAssociated: { monitorId: 'hm', poolId: 'pool' },
  HealthMonitorDisassociated: { monitorId: 'hm', poolId: 'pool' },
  HealthMonitorDeleted: { monitorId: 'hm' },
  CertificateCreated: { certificateId: 'cert', tenantId: T, name: 'www', description: '', ...material('a') },
  CertificateUpdated: { certificateId: 'cert', name: 'www2', description: 'd' },
  CertificateReplaced: { certificateId: 'cert', ...material('b') },
  CertificateVipAttached: { certificateId: 'cert', vipId: 'vip' },
  CertificateVipDetached: { certificateId: 'cert', vipId: 'vip' },
  CertificateDeleted: { certificateId: 'cert' },
  ServiceInstanceCreated: {
    instanceId: 'si',
    tenantId: T,
    source: { kind: 'vip', vipId: 'vip', poolId: 'pool' },
    createTs: 1413336206921338,
    virtualRouterId: 7,
  },
  ServiceInstancePoolChanged: { instanceId: 'si', poolId: 'pool2' },
  InstancePlaced: { instanceId: 'si', vmId: 'vm1', nodeId: 'compute-node-1', role: 'active', priority: 200, vrrpAddress: '198.19.192.1' },
  InstanceFailedOver: {
    instanceId: 'si',
    fromVmId: 'vm1',
    fromNodeId: 'compute-node-1',
    toVmId: 'vm2',
    toNodeId: 'compute-node-2',
    reason: 'node lost',
    at: '2026-11-25T10:00:00.000Z',
  },
  InstanceRolesSwapped: {
    instanceId: 'si',
    fromVmId: 'vm1',
    fromNodeId: 'compute-node-1',
    toVmId: 'vm2',
    toNodeId: 'compute-node-2',
    reason: 'failover requested by an operator (request e1)',
    at: '2026-11-25T10:00:00.000Z',
  },
  InstanceVipHeld: {
    instanceId: 'si',
    vmId: 'vm2',
    nodeId: 'compute-node-2',
    keepalivedHash: 'b'.repeat(64),
    at: '2026-11-25T10:00:00.400Z',
  },
  InstancePlacementRetired: {
    instanceId: 'si',
    vmId: 'vm1',
    nodeId: 'compute-node-1',
    reason: "retired after an operator's failover",
    at: '2026-11-25T10:00:00.500Z',
  },
  InstanceReprotected: {
    instanceId: 'si',
    vmId: 'vm3',
    nodeId: 'compute-node-3',
    role: 'standby',
    priority: 100,
    vrrpAddress: '198.19.192.3',
    at: '2026-11-25T10:00:01.000Z',
  },
  InstancePlacementLost: {
    instanceId: 'si',
    vmId: 'vm3',
    nodeId: 'compute-node-3',
    role: 'standby',
    reason: 'node lost',
    at: '2026-11-25T10:00:02.000Z',
  },
  InstanceUnplaceable: { instanceId: 'si', reason: 'no live compute node' },
  InstanceDeletionRequested: { instanceId: 'si' },
  InstancePlacementReleased: { instanceId: 'si', vmId: 'vm2', nodeId: 'compute-node-2' },
  ServiceInstanceDeleted: { instanceId: 'si' },
  InstanceConfigRendered: {
    instanceId: 'si',
    placements: [{ vmId: 'vm2', haproxyHash: 'a'.repeat(64), keepalivedHash: 'b'.repeat(64) }],
    sourceRevision: null,
  },
  InstanceConfigRejected: { instanceId: 'si', vmId: 'vm2', file: 'haproxy.cfg', hash: 'c'.repeat(64), message: 'parse error' },
  InstanceApplied: { instanceId: 'si', vmId: 'vm2', nodeId: 'compute-node-2', haproxyHash: 'a'.repeat(64), keepalivedHash: 'b'.repeat(64) },
  InstanceFailed: { instanceId: 'si', vmId: 'vm2', nodeId: 'compute-node-2', haproxyHash: 'a'.repeat(64), reason: 'haproxy exited' },
  NodeRegistered: { nodeId: 'compute-node-1' },
  NodeLost: { nodeId: 'compute-node-1', silenceMs: 3000 },
  NodeRecovered: { nodeId: 'compute-node-1' },
  LoadBalancerCreated: {
    loadBalancer: sampleLoadBalancer({ id: 'lb' }),
    placement: { topology: 'SINGLE', computeZone: 'zone-a' },
    at: '2026-01-01T00:00:00Z',
  },
  LoadBalancerUpdated: { loadBalancer: sampleLoadBalancer({ id: 'lb', name: 'renamed' }), at: '2026-01-01T00:00:01Z' },
  LoadBalancerDeleted: { loadBalancerId: 'lb', cascade: true, at: '2026-01-01T00:00:02Z' },
  LoadBalancerFailoverRequested: { loadBalancerId: 'lb', at: '2026-01-01T00:00:03Z' },
  ListenerCreated: { loadBalancerId: 'lb', listener: sampleListener('listener'), at: '2026-01-01T00:00:04Z' },
  ListenerUpdated: {
    loadBalancerId: 'lb',
    listener: sampleListener('listener', 80, { defaultPoolId: 'lbpool' }),
    at: '2026-01-01T00:00:05Z',
  },
  ListenerDeleted: { loadBalancerId: 'lb', listenerId: 'listener', at: '2026-01-01T00:00:06Z' },
  LbPoolCreated: { loadBalancerId: 'lb', pool: samplePool('lbpool'), listenerId: 'listener', at: '2026-01-01T00:00:07Z' },
  LbPoolUpdated: { loadBalancerId: 'lb', pool: samplePool('lbpool', { lbAlgorithm: 'SOURCE_IP' }), at: '2026-01-01T00:00:08Z' },
  LbPoolDeleted: { loadBalancerId: 'lb', poolId: 'lbpool', at: '2026-01-01T00:00:09Z' },
  LbMemberCreated: { loadBalancerId: 'lb', poolId: 'lbpool', member: sampleMember('lbmember', '198.18.2.10'), at: '2026-01-01T00:00:10Z' },
  LbMemberUpdated: {
    loadBalancerId: 'lb',
    poolId: 'lbpool',
    member: sampleMember('lbmember', '198.18.2.10', { weight: 0 }),
    at: '2026-01-01T00:00:11Z',
  },
  LbMemberDeleted: { loadBalancerId: 'lb', poolId: 'lbpool', memberId: 'lbmember', at: '2026-01-01T00:00:12Z' },
  LbHealthMonitorCreated: { loadBalancerId: 'lb', poolId: 'lbpool', monitor: sampleMonitor('lbmonitor'), at: '2026-01-01T00:00:13Z' },
  LbHealthMonitorUpdated: {
    loadBalancerId: 'lb',
    poolId: 'lbpool',
    monitor: sampleMonitor('lbmonitor', { delay: 10 }),
    at: '2026-01-01T00:00:14Z',
  },
  LbHealthMonitorDeleted: { loadBalancerId: 'lb', poolId: 'lbpool', monitorId: 'lbmonitor', at: '2026-01-01T00:00:15Z' },
  L7PolicyCreated: {
    loadBalancerId: 'lb',
    listenerId: 'listener',
    l7policy: samplePolicy('l7policy', { action: 'REDIRECT_TO_POOL', redirectPoolId: 'lbpool' }),
    rules: [sampleRule('l7rule')],
    at: '2026-01-01T00:00:15Z',
  },
  L7PolicyUpdated: { loadBalancerId: 'lb', listenerId: 'listener', l7policy: samplePolicy('l7policy'), at: '2026-01-01T00:00:15Z' },
  L7PolicyDeleted: { loadBalancerId: 'lb', listenerId: 'listener', l7policyId: 'l7policy', at: '2026-01-01T00:00:15Z' },
  L7RuleCreated: {
    loadBalancerId: 'lb',
    listenerId: 'listener',
    l7policyId: 'l7policy',
    rule: sampleRule('l7rule2'),
    at: '2026-01-01T00:00:15Z',
  },
  L7RuleUpdated: {
    loadBalancerId: 'lb',
    listenerId: 'listener',
    l7policyId: 'l7policy',
    rule: sampleRule('l7rule', { invert: true }),
    at: '2026-01-01T00:00:15Z',
  },
  L7RuleDeleted: { loadBalancerId: 'lb', listenerId: 'listener', l7policyId: 'l7policy', ruleId: 'l7rule', at: '2026-01-01T00:00:15Z' },
  LoadBalancerApplied: { loadBalancerId: 'lb', revision: 3, at: '2026-01-01T00:00:16Z' },
  LoadBalancerErrored: { loadBalancerId: 'lb', reason: 'no live compute node', at: '2026-01-01T00:00:17Z' },
  LbMemberHealthChanged: { loadBalancerId: 'lb', poolId: 'lbpool', memberId: 'lbmember', health: 'ERROR', at: '2026-01-01T00:00:18Z' },
  NodeZoneDeclared: { nodeId: 'compute-node-1', zone: 'zone-a' },
  QuotaSet: { projectId: T, limits: { loadbalancer: 5, member: -1 } },
  QuotaReset: { projectId: T },
  QuotaReserved: {
    projectId: T,
    at: '2026-01-01T00:00:00.000Z',
    claims: [{ resource: 'loadbalancer', objectId: 'lb', loadBalancerId: 'lb' }],
  },
  QuotaReleased: { projectId: T, claims: [{ resource: 'loadbalancer', objectId: 'lb' }] },
  FlavorProfileCreated: { profile: { id: 'fp', name: 'single', providerName: 'lbaas', flavorData: '{"loadbalancer_topology":"SINGLE"}' } },
  FlavorProfileUpdated: { profile: { id: 'fp', name: 'single-2', providerName: 'lbaas', flavorData: '{}' } },
  FlavorProfileDeleted: { flavorProfileId: 'fp' },
  FlavorCreated: { flavor: { id: 'fl', name: 'small', description: '', flavorProfileId: 'fp', enabled: true } },
  FlavorUpdated: { flavor: { id: 'fl', name: 'small', description: 'one placement', flavorProfileId: 'fp', enabled: false } },
  FlavorDeleted: { flavorId: 'fl' },
  AvailabilityZoneProfileCreated: {
    profile: { id: 'azp', name: 'a', providerName: 'lbaas', availabilityZoneData: '{"compute_zone":"zone-a"}' },
  },
  AvailabilityZoneProfileUpdated: { profile: { id: 'azp', name: 'a2', providerName: 'lbaas', availabilityZoneData: '{}' } },
  AvailabilityZoneProfileDeleted: { availabilityZoneProfileId: 'azp' },
  AvailabilityZoneCreated: { zone: { name: 'az1', description: '', availabilityZoneProfileId: 'azp', enabled: true } },
  AvailabilityZoneUpdated: { zone: { name: 'az1', description: 'first', availabilityZoneProfileId: 'azp', enabled: false } },
  AvailabilityZoneDeleted: { name: 'az1' },
  CatalogUseRecorded: { loadBalancerId: 'lb-1', flavorId: 'fl', availabilityZone: 'az1', at: '2026-01-01T00:00:00.000Z' },
  CatalogUseEnded: { loadBalancerId: 'lb-1' },
};

const ID_OF: Record<AggregateType, string> = {
  network: 'net',
  subnet: 'sub',
  port: 'port',
  floatingip: 'fip',
  pool: 'pool',
  vip: 'vip',
  healthmonitor: 'hm',
  certificate: 'cert',
  serviceinstance: 'si',
  node: 'compute-node-1',
  loadbalancer: 'lb',
  quota: T,
  catalog: 'octavia',
};

const envelope = (type: LbaasEventType, seq = 0): EventEnvelope => {
  const info = EVENT_TYPES.find((e) => e.type === type);
  if (!info) throw new Error(`${type} is not in EVENT_TYPES`);
  return {
    id: `event-${seq}`,
    type,
    version: info.version,
    aggregate: info.aggregate,
    aggregateId: ID_OF[info.aggregate],
    tenantId: T,
    actor: 'test',
    occurredAt: '2026-01-01T00:00:00.000Z',
    correlationId: 'corr',
    causationId: null,
    data: SAMPLE[type],
  };
};

const typesOf = (aggregate: AggregateType): LbaasEventType[] => EVENT_TYPES.filter((e) => e.aggregate === aggregate).map((e) => e.type);

describe('the aggregate registry', () => {
  it('has one behaviour per aggregate type, each for its own aggregate', () => {
    expect(Object.keys(AGGREGATES).sort()).toEqual([...AGGREGATE_TYPES].sort());
    for (const aggregate of AGGREGATE_TYPES) expect(AGGREGATES[aggregate].aggregate).toBe(aggregate);
  });

  it.each(
    [
      networkDecider,
      subnetDecider,
      portDecider,
      floatingIpDecider,
      poolDecider,
      vipDecider,
      healthMonitorDecider,
      certificateDecider,
      loadBalancerDecider,
    ].map((decider) => [decider.aggregate, decider] as const),
  )('folds and views %s events exactly as its decider does', (aggregate, decider) => {
    const history = typesOf(aggregate).map((type, i) => envelope(type, i));
    for (let n = 0; n <= history.length; n++) {
      const events = history.slice(0, n);
      const direct = events.reduce((s: unknown, e) => (decider.evolve as (s: unknown, e: unknown) => unknown)(s, e), decider.initialState);
      expect(foldEvents(aggregate, events)).toEqual(direct);
      expect(AGGREGATES[aggregate].views(foldEvents(aggregate, events))).toEqual((decider.views as (s: unknown) => unknown)(direct));
    }
  });

  it('shows a created aggregate as rows of its collections and a deleted one as none', () => {
    expect(AGGREGATES.pool.views(foldEvents('pool', [envelope('PoolCreated'), envelope('MemberAdded')]))).toEqual({
      pools: [expect.objectContaining({ id: 'pool', members: ['m'] })],
      members: [expect.objectContaining({ id: 'm', pool_id: 'pool' })],
    });
    expect(AGGREGATES.pool.views(foldEvents('pool', [envelope('PoolCreated'), envelope('MemberAdded'), envelope('PoolDeleted')]))).toEqual(
      {},
    );
    expect(AGGREGATES.vip.views(AGGREGATES.vip.initialState)).toEqual({});
  });
});

describe('upcast', () => {
  it.each(EVENT_TYPES.map((e) => [e.type, e.version] as const))('returns %s v%i, the latest version, unchanged', (type) => {
    const stored = envelope(type);
    expect(upcast(stored)).toEqual(envelope(type));
  });

  it('keeps events of types it does not know as they are, for evolve to ignore', () => {
    const future = { ...envelope('PoolCreated'), type: 'PoolRenamedInTheFuture', version: 3 };
    expect(upcast(future)).toEqual(future);
    const state = foldEvents('pool', [envelope('PoolCreated')]);
    expect(AGGREGATES.pool.evolve(state, future)).toBe(state);
  });
});

describe('evolve never throws', () => {
  // Events are facts: any order of an aggregate's events (duplicates, events before creation, after deletion) folds.
  it.each(AGGREGATE_TYPES.map((a) => [a] as const))('folds any sequence of %s events and views the result', (aggregate) => {
    const types = typesOf(aggregate);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...types), { maxLength: 25 }), (sequence) => {
        const state = foldEvents(
          aggregate,
          sequence.map((type, i) => envelope(type, i)),
        );
        const rows = AGGREGATES[aggregate].views(state);
        expect(typeof rows).toBe('object');
      }),
      { numRuns: 200 },
    );
  });
});
