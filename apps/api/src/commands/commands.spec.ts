import 'reflect-metadata';
import { APPEND_ATTEMPTS } from '@lbaas/event-log';
import {
  AGGREGATES,
  type AggregateType,
  type Collection,
  ConcurrencyConflict,
  Conflict,
  type DomainError,
  type EventEnvelope,
  Forbidden,
  NotFound,
  type ResourceByCollection,
  type SealedSecret,
  Unavailable,
  upcast,
  ValidationError,
} from '@lbaas/domain';
import { type KeyRing, loadKeyRing, openSecret } from '@lbaas/secrets';
import { type IssuedCertificate, makeTestCa, type TestCa } from '@lbaas/testing';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7, validate as isUuid, version as uuidVersion } from 'uuid';
import type { BodyOf } from '../http/schemas';
import type { AppendObserver, CompensationLog } from './command-run';
import { type CommandEnvironment, systemCommandEnvironment } from './command-environment';
import { CertificateCommands } from './certificate-commands';
import { CommandRuns } from './command-runs';
import { FloatingIpCommands } from './floating-ip-commands';
import { HealthMonitorCommands } from './health-monitor-commands';
import { InMemoryEventStore } from './in-memory-event-store';
import { MemberCommands } from './member-commands';
import { NetworkCommands } from './network-commands';
import { PoolCommands } from './pool-commands';
import type { RequestContext, ResourceLookup } from './request-context';
import { APPEND_OBSERVER, CERTIFICATE_KEY_RING, COMMAND_ENVIRONMENT, EVENT_STORE, RESOURCE_LOOKUP } from './tokens';
import { VIP_PORT_OWNER, VipCommands } from './vip-commands';

const DEMO = 'd0000000-0000-4000-8000-00000000000d';
const OTHER = 'e0000000-0000-4000-8000-00000000000e';
const ADMIN = 'a0000000-0000-4000-8000-00000000000a';
const NOW = '2026-01-02T03:04:05.678Z';
const ABSENT = 'f0000000-0000-4000-8000-0000000000ff';

const context = (tenantId: string, actor: string, isAdmin = false): RequestContext => ({
  tenantId,
  isAdmin,
  actor,
  correlationId: `req-${actor}`,
  idempotencyKey: null,
});
const demo = context(DEMO, 'demo');
const other = context(OTHER, 'other');
const admin = context(ADMIN, 'admin', true);
const withKey = (ctx: RequestContext, idempotencyKey: string): RequestContext => ({ ...ctx, idempotencyKey });

/** Exact time; resource and commit ids from a counter; real v7 event ids and v5 derived ids. */
class TestEnvironment implements CommandEnvironment {
  private n = 0;
  now = () => NOW;
  newId = () => `00000000-0000-4000-8000-${String(++this.n).padStart(12, '0')}`;
  eventId = () => uuidv7();
  derivedId = (name: string) => systemCommandEnvironment.derivedId(name);
}

/** The read side the service routes with, folded from the store through the domain's registry, like the projections. */
class ProjectedLookup implements ResourceLookup {
  constructor(private readonly store: InMemoryEventStore) {}

  rows<C extends Collection>(collection: C): ResourceByCollection[C][] {
    const states = new Map<string, { aggregate: AggregateType; state: unknown }>();
    for (const event of this.store.events().map(upcast)) {
      const key = `${event.aggregate}.${event.aggregateId}`;
      const behaviour = AGGREGATES[event.aggregate];
      states.set(key, { aggregate: event.aggregate, state: behaviour.evolve(states.get(key)?.state ?? behaviour.initialState, event) });
    }
    return [...states.values()].flatMap(
      ({ aggregate, state }) => (AGGREGATES[aggregate].views(state)[collection] ?? []) as ResourceByCollection[C][],
    );
  }

  everything(): Record<Collection, unknown[]> {
    const all = {} as Record<Collection, unknown[]>;
    for (const c of ['pools', 'members', 'vips', 'health_monitors', 'certificates', 'networks', 'subnets', 'ports', 'floatingips'] as const)
      all[c] = this.rows(c);
    return all;
  }

  async memberPoolId(memberId: string): Promise<string | null> {
    return this.rows('members').find((m) => m.id === memberId)?.pool_id ?? null;
  }

  async floatingIpIdsOnPort(portId: string): Promise<string[]> {
    return this.rows('floatingips')
      .filter((f) => f.port_id === portId)
      .map((f) => f.id);
  }
}

/** A class's public members: an intersection of classes with private members of one name would be `never`. */
type PublicOf<T> = { [K in keyof T]: T[K] };
/** Every write, whatever resource's commands hold it: the specs below read as one write side. */
type WriteSide = PublicOf<NetworkCommands> &
  PublicOf<FloatingIpCommands> &
  PublicOf<PoolCommands> &
  PublicOf<MemberCommands> &
  PublicOf<VipCommands> &
  PublicOf<HealthMonitorCommands> &
  PublicOf<CertificateCommands>;

function writeSide(
  store: InMemoryEventStore,
  lookup: ResourceLookup,
  env: CommandEnvironment,
  observer: AppendObserver | null,
  log: CompensationLog | null,
  ring: KeyRing | null,
): WriteSide {
  const runs = new CommandRuns(store, env, observer, log);
  const parts: object[] = [
    new NetworkCommands(runs),
    new FloatingIpCommands(runs),
    new PoolCommands(runs),
    new MemberCommands(runs, lookup),
    new VipCommands(runs, lookup),
    new HealthMonitorCommands(runs),
    new CertificateCommands(runs, ring),
  ];
  return new Proxy(
    {},
    {
      get: (_target, name) => {
        const part = parts.find((p) => typeof (p as Record<string | symbol, unknown>)[name] === 'function') as
          Record<string | symbol, (...args: unknown[]) => unknown> | undefined;
        if (part === undefined) throw new Error(`no command ${String(name)}`);
        return part[name].bind(part);
      },
    },
  ) as WriteSide;
}

interface Harness {
  store: InMemoryEventStore;
  lookup: ProjectedLookup;
  service: WriteSide;
  noted: number[];
  logged: { fields: Record<string, unknown>; message: string }[];
}

/** Key files of the deployment's certificate key ring, in a directory of this run's. */
const keyDir = mkdtempSync(join(tmpdir(), 'lbaas-api-keys-'));
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));
const TEST_RING = loadKeyRing(join(keyDir, 'certificate.key'));

function harness(ring: KeyRing = TEST_RING): Harness {
  const store = new InMemoryEventStore();
  const lookup = new ProjectedLookup(store);
  const noted: number[] = [];
  const logged: Harness['logged'] = [];
  const service = writeSide(
    store,
    lookup,
    new TestEnvironment(),
    { note: (seq) => noted.push(seq) },
    {
      error: (fields, message) => logged.push({ fields, message }),
    },
    ring,
  );
  return { store, lookup, service, noted, logged };
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

async function expectRejected(
  promise: Promise<unknown>,
  errorClass: new (...args: never[]) => DomainError,
  neutronType: string,
): Promise<DomainError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(errorClass);
  expect(error.neutronType).toBe(neutronType);
  return error;
}

/** A rejection that its pre-checks catch appends nothing at all. */
async function expectNothingAppended(
  h: Harness,
  attempt: () => Promise<unknown>,
  errorClass: new (...args: never[]) => DomainError,
  neutronType: string,
): Promise<DomainError> {
  const before = h.store.lastSeq;
  const error = await expectRejected(attempt(), errorClass, neutronType);
  expect(h.store.lastSeq).toBe(before);
  return error;
}

/** A rejection after a reservation appends the reservation and its compensation, and changes nothing anyone can read. */
async function expectNothingVisibleChanged(
  h: Harness,
  attempt: () => Promise<unknown>,
  errorClass: new (...args: never[]) => DomainError,
  neutronType: string,
) {
  const before = h.lookup.everything();
  await expectRejected(attempt(), errorClass, neutronType);
  expect(h.lookup.everything()).toEqual(before);
}

const typesAppended = (h: Harness, since: number) =>
  h.store
    .commits()
    .filter((c) => c.seq > since)
    .flatMap((c) => c.commit.events.map((e) => `${e.aggregate}:${e.type}`));

/** Networks, subnets and an HTTP pool with one member, the common ground of most tests. */
async function loadBalancerGround(h: Harness, ctx: RequestContext = demo) {
  const s = h.service;
  const vipNet = (await s.createNetwork(ctx, { name: 'vipnet' })).resource;
  const vipSubnet = (await s.createSubnet(ctx, { network_id: vipNet.id, cidr: '198.18.1.0/24', name: 'vipsubnet' })).resource;
  const poolNet = (await s.createNetwork(ctx, { name: 'poolnet' })).resource;
  const poolSubnet = (await s.createSubnet(ctx, { network_id: poolNet.id, cidr: '198.18.2.0/24', name: 'poolsubnet' })).resource;
  const pool = (await s.createPool(ctx, { name: 'mypool', subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })).resource;
  const member = (await s.createMember(ctx, { pool_id: pool.id, address: '198.18.2.11', protocol_port: 80 })).resource;
  const monitor = (await s.createHealthMonitor(ctx, { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3 })).resource;
  return { vipNet, vipSubnet, poolNet, poolSubnet, pool, member, monitor };
}

async function publicNetwork(h: Harness) {
  const net = (await h.service.createNetwork(admin, { name: 'Public', 'router:external': true })).resource;
  const subnet = (await h.service.createSubnet(admin, { network_id: net.id, cidr: '198.19.0.0/24', enable_dhcp: false })).resource;
  return { net, subnet };
}

describe('the command side', () => {
  it('is NestJS providers built from the EVENT_STORE, RESOURCE_LOOKUP and CERTIFICATE_KEY_RING tokens', async () => {
    const store = new InMemoryEventStore();
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: RESOURCE_LOOKUP, useValue: new ProjectedLookup(store) },
        { provide: COMMAND_ENVIRONMENT, useValue: new TestEnvironment() },
        { provide: APPEND_OBSERVER, useValue: { note: () => undefined } },
        { provide: CERTIFICATE_KEY_RING, useValue: TEST_RING },
        CommandRuns,
        NetworkCommands,
        FloatingIpCommands,
        PoolCommands,
        MemberCommands,
        VipCommands,
        HealthMonitorCommands,
        CertificateCommands,
      ],
    })
    class CommandsModule {}
    const app = await NestFactory.createApplicationContext(CommandsModule, { logger: false });
    try {
      const { resource } = await app.get(NetworkCommands).createNetwork(demo, { name: 'n' });
      expect((await store.read('network', resource.id)).events.map((e) => e.type)).toEqual(['NetworkCreated']);
      const pool = await app
        .get(PoolCommands)
        .createPool(demo, { subnet_id: ABSENT, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })
        .catch((e: unknown) => e);
      expect(pool).toBeInstanceOf(NotFound);
    } finally {
      await app.close();
    }
  });

  describe('the seed workflow', () => {
    it('creates networks, subnets, a pool with two members, a monitor, a VIP and a floating IP, then deletes them in the seed order', async () => {
      const h = harness();
      const s = h.service;

      const vipNet = await s.createNetwork(demo, { name: 'vipnet' });
      expect(vipNet.resource).toEqual({
        id: expect.any(String),
        tenant_id: DEMO,
        name: 'vipnet',
        admin_state_up: true,
        status: 'ACTIVE',
        subnets: [],
        shared: false,
        'router:external': false,
      });
      expect(vipNet.seq).toBe(1);
      const vipSubnet = await s.createSubnet(demo, {
        network_id: vipNet.resource.id,
        cidr: '198.18.1.0/24',
        name: 'vipsubnet',
        ip_version: 4,
      });
      expect(vipSubnet.resource).toEqual({
        id: expect.any(String),
        tenant_id: DEMO,
        network_id: vipNet.resource.id,
        name: 'vipsubnet',
        ip_version: 4,
        cidr: '198.18.1.0/24',
        gateway_ip: '198.18.1.1',
        allocation_pools: [{ start: '198.18.1.2', end: '198.18.1.254' }],
        enable_dhcp: true,
        dns_nameservers: [],
        host_routes: [],
      });
      expect(typesAppended(h, 1)).toEqual(['network:NetworkSubnetAttached', 'subnet:SubnetCreated']);
      expect(vipSubnet.seq).toBe(3);
      expect(h.lookup.rows('networks')[0].subnets).toEqual([vipSubnet.resource.id]);

      const poolNet = await s.createNetwork(demo, { name: 'poolnet' });
      const poolSubnet = await s.createSubnet(demo, { network_id: poolNet.resource.id, cidr: '198.18.2.0/24', name: 'poolsubnet' });
      const { net: publicNet, subnet: publicSubnet } = await publicNetwork(h);
      expect(publicNet).toMatchObject({ tenant_id: ADMIN, 'router:external': true });
      expect(publicSubnet).toMatchObject({
        tenant_id: ADMIN,
        enable_dhcp: false,
        allocation_pools: [{ start: '198.19.0.2', end: '198.19.0.254' }],
      });

      const pool = await s.createPool(demo, {
        name: 'mypool',
        subnet_id: poolSubnet.resource.id,
        protocol: 'HTTP',
        lb_method: 'ROUND_ROBIN',
      });
      expect(pool.resource).toEqual({
        id: expect.any(String),
        tenant_id: DEMO,
        vip_id: null,
        name: 'mypool',
        description: '',
        subnet_id: poolSubnet.resource.id,
        protocol: 'HTTP',
        lb_method: 'ROUND_ROBIN',
        health_monitors: [],
        health_monitors_status: [],
        members: [],
        admin_state_up: true,
        status: 'PENDING_CREATE',
        status_description: null,
        provider: 'haproxy',
      });
      const poolId = pool.resource.id;

      const members = [];
      for (const address of ['198.18.2.11', '198.18.2.12']) {
        const member = await s.createMember(demo, { pool_id: poolId, address, protocol_port: 80 });
        expect(member.resource).toEqual({
          id: expect.any(String),
          tenant_id: DEMO,
          pool_id: poolId,
          address,
          protocol_port: 80,
          weight: 1,
          admin_state_up: true,
          status: 'PENDING_CREATE',
          status_description: null,
        });
        members.push(member.resource);
      }

      const monitor = await s.createHealthMonitor(demo, { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3 });
      expect(monitor.resource).toEqual({
        id: expect.any(String),
        tenant_id: DEMO,
        type: 'HTTP',
        delay: 20,
        timeout: 10,
        max_retries: 3,
        http_method: 'GET',
        url_path: '/',
        expected_codes: '200',
        admin_state_up: true,
        pools: [],
        status: 'ACTIVE',
        status_description: null,
      });
      const monitorId = monitor.resource.id;

      let seq = h.store.lastSeq;
      const associated = await s.associateHealthMonitor(demo, poolId, monitorId);
      expect(typesAppended(h, seq)).toEqual(['healthmonitor:HealthMonitorAssociated', 'pool:PoolMonitorAssociated']);
      expect(associated.seq).toBe(h.store.lastSeq);
      expect(h.lookup.rows('pools')[0]).toMatchObject({
        health_monitors: [monitorId],
        health_monitors_status: [{ monitor_id: monitorId, status: 'PENDING_CREATE', status_description: null }],
      });
      expect(h.lookup.rows('health_monitors')[0].pools).toEqual([{ pool_id: poolId, status: 'PENDING_CREATE', status_description: null }]);

      seq = h.store.lastSeq;
      await s.disassociateHealthMonitor(demo, poolId, monitorId);
      expect(typesAppended(h, seq)).toEqual(['pool:PoolMonitorDisassociated', 'healthmonitor:HealthMonitorDisassociated']);
      expect(h.lookup.rows('pools')[0].health_monitors).toEqual([]);
      expect(h.lookup.rows('health_monitors')[0].pools).toEqual([]);

      seq = h.store.lastSeq;
      const vip = await s.createVip(demo, {
        name: 'myvip',
        protocol_port: 80,
        protocol: 'HTTP',
        subnet_id: vipSubnet.resource.id,
        pool_id: poolId,
      });
      expect(typesAppended(h, seq)).toEqual(['pool:PoolVipBound', 'subnet:SubnetAddressAllocated', 'port:PortCreated', 'vip:VipCreated']);
      expect(vip.resource).toEqual({
        id: expect.any(String),
        tenant_id: DEMO,
        name: 'myvip',
        description: '',
        subnet_id: vipSubnet.resource.id,
        address: '198.18.1.2',
        port_id: expect.any(String),
        protocol_port: 80,
        protocol: 'HTTP',
        pool_id: poolId,
        session_persistence: null,
        connection_limit: -1,
        tls_certificate_id: null,
        admin_state_up: true,
        status: 'PENDING_CREATE',
        status_description: null,
      });
      expect(vip.seq).toBe(h.store.lastSeq);
      expect(h.lookup.rows('pools')[0].vip_id).toBe(vip.resource.id);
      expect(h.lookup.rows('ports')).toEqual([
        {
          id: vip.resource.port_id,
          tenant_id: DEMO,
          network_id: vipNet.resource.id,
          name: `vip-${vip.resource.id}`,
          admin_state_up: true,
          status: 'ACTIVE',
          mac_address: expect.stringMatching(/^fa:16:3e(:[0-9a-f]{2}){3}$/),
          fixed_ips: [{ subnet_id: vipSubnet.resource.id, ip_address: '198.18.1.2' }],
          device_id: vip.resource.id,
          device_owner: VIP_PORT_OWNER,
        },
      ]);

      const fip = await s.createFloatingIp(demo, { floating_network_id: publicNet.id });
      expect(fip.resource).toEqual({
        id: expect.any(String),
        tenant_id: DEMO,
        floating_network_id: publicNet.id,
        floating_ip_address: '198.19.0.2',
        port_id: null,
        fixed_ip_address: null,
        router_id: null,
        status: 'DOWN',
      });
      const fipAssociated = await s.updateFloatingIp(demo, fip.resource.id, { port_id: vip.resource.port_id });
      expect(fipAssociated.resource).toEqual({
        ...fip.resource,
        port_id: vip.resource.port_id,
        fixed_ip_address: '198.18.1.2',
        status: 'ACTIVE',
      });

      seq = h.store.lastSeq;
      await s.deleteVip(demo, vip.resource.id);
      expect(typesAppended(h, seq)).toEqual([
        'vip:VipDeleted',
        'floatingip:FloatingIpDisassociated',
        'port:PortDeleted',
        'subnet:SubnetAddressReleased',
        'pool:PoolVipUnbound',
      ]);
      expect(h.lookup.rows('floatingips')[0]).toMatchObject({ port_id: null, fixed_ip_address: null, status: 'DOWN' });
      expect(h.lookup.rows('pools')[0].vip_id).toBeNull();
      expect(h.lookup.rows('ports')).toEqual([]);

      for (const member of members) await s.deleteMember(demo, member.id);
      expect(h.lookup.rows('members')).toEqual([]);
      await s.deletePool(demo, poolId);
      await s.deleteHealthMonitor(demo, monitorId);
      await s.deleteFloatingIp(demo, fip.resource.id);
      for (const subnet of [vipSubnet, poolSubnet]) await s.deleteSubnet(demo, subnet.resource.id);
      await s.deleteSubnet(admin, publicSubnet.id);
      for (const net of [vipNet, poolNet]) await s.deleteNetwork(demo, net.resource.id);
      const last = await s.deleteNetwork(admin, publicNet.id);

      expect(last.seq).toBe(h.store.lastSeq);
      expect(Object.values(h.lookup.everything()).flat()).toEqual([]);
      expect(h.noted).toEqual(h.store.commits().map((c) => c.seq));
    });
  });

  describe('envelopes', () => {
    it('stamps every event with a v7 id, the time, the tenant, the actor, the correlation id and a causation chain', async () => {
      const h = harness();
      const { pool, vipSubnet } = await loadBalancerGround(h);
      const since = h.store.lastSeq;
      await h.service.createVip(
        { ...demo, correlationId: 'req-vip' },
        { protocol_port: 80, protocol: 'HTTP', subnet_id: vipSubnet.id, pool_id: pool.id },
      );
      const events = h.store
        .commits()
        .filter((c) => c.seq > since)
        .flatMap((c) => c.commit.events);
      expect(events).toHaveLength(4);
      for (const e of events) {
        expect(isUuid(e.id) && uuidVersion(e.id)).toBe(7);
        expect(e).toMatchObject({ version: 1, tenantId: DEMO, actor: 'demo', occurredAt: NOW, correlationId: 'req-vip' });
      }
      expect(events.map((e) => e.causationId)).toEqual([null, ...events.slice(0, -1).map((e) => e.id)]);
      expect(events.map((e) => [e.aggregate, e.aggregateId])).toEqual([
        ['pool', pool.id],
        ['subnet', vipSubnet.id],
        ['port', events[2].aggregateId],
        ['vip', events[3].aggregateId],
      ]);
    });

    it("stamps the owner's tenant on events an admin appends to, or creates for, another tenant", async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      await h.service.updatePool(admin, pool.id, { name: 'renamed-by-admin' });
      expect(h.store.events('pool', pool.id).at(-1)).toMatchObject({ type: 'PoolUpdated', tenantId: DEMO, actor: 'admin' });
      const net = (await h.service.createNetwork(admin, { tenant_id: OTHER })).resource;
      await h.service.deleteNetwork(admin, net.id);
      expect(h.store.events('network', net.id).map((e) => [e.type, e.tenantId, e.actor])).toEqual([
        ['NetworkCreated', OTHER, 'admin'],
        ['NetworkDeleted', OTHER, 'admin'],
      ]);
    });

    it('appends each decision as one commit with a fresh commit id', async () => {
      const h = harness();
      const { pool, member } = await loadBalancerGround(h);
      await h.service.deletePool(demo, pool.id);
      const last = h.store.commits().at(-1);
      expect(last?.commit.events.map((e) => e.type)).toEqual(['MemberRemoved', 'PoolDeleted']);
      expect(last?.commit.events[0].data).toEqual({ poolId: pool.id, memberId: member.id });
      expect(new Set(h.store.commits().map((c) => c.commit.commitId)).size).toBe(h.store.commits().length);
    });
  });

  describe('rejections', () => {
    it.each([
      ['a second VIP on a pool', Conflict, 'VipExists'],
      ['a VIP whose protocol does not match its pool', ValidationError, 'ProtocolMismatch'],
      ['a VIP on an address in use', Conflict, 'IpAddressInUse'],
      ['a VIP on an address outside its subnet', ValidationError, 'InvalidInput'],
      ['a VIP on a missing pool', NotFound, 'PoolNotFound'],
      ['a VIP on a missing subnet', NotFound, 'SubnetNotFound'],
      ['a VIP with a cookie name but no APP_COOKIE', ValidationError, 'HTTPBadRequest'],
      ['a duplicate member address:port', Conflict, 'MemberExists'],
      ['a member with weight 300', ValidationError, 'HTTPBadRequest'],
      ['a member of a missing pool', NotFound, 'PoolNotFound'],
      ['deleting a pool in use by a VIP', Conflict, 'PoolInUse'],
      ['deleting an associated monitor', Conflict, 'HealthMonitorInUse'],
      ['associating a monitor twice', Conflict, 'PoolMonitorAssociationExists'],
      ['associating a missing monitor', NotFound, 'HealthMonitorNotFound'],
      ['disassociating a monitor that is not associated', NotFound, 'PoolMonitorAssociationNotFound'],
      ['a monitor with delay < timeout', ValidationError, 'HTTPBadRequest'],
      ['a monitor with max_retries 11', ValidationError, 'HTTPBadRequest'],
      ['a monitor with expected_codes 200-', ValidationError, 'HTTPBadRequest'],
      ['deleting a network with subnets', Conflict, 'NetworkInUse'],
      ['deleting a subnet with allocated addresses', Conflict, 'SubnetInUse'],
      ['a subnet overlapping another on its network', ValidationError, 'InvalidInput'],
      ['a subnet on a missing network', NotFound, 'NetworkNotFound'],
      ['a subnet whose gateway is inside its allocation pool', Conflict, 'GatewayConflictWithAllocationPools'],
      ['a pool on a missing subnet', NotFound, 'SubnetNotFound'],
      ['updating a missing pool', NotFound, 'PoolNotFound'],
      ['updating a missing member', NotFound, 'MemberNotFound'],
      ['deleting a missing member', NotFound, 'MemberNotFound'],
      ['deleting a missing VIP', NotFound, 'VipNotFound'],
      ['a floating IP on a network that is not external', ValidationError, 'BadRequest'],
      ['a floating IP on a missing network', NotFound, 'NetworkNotFound'],
      ['associating a floating IP with a missing port', NotFound, 'PortNotFound'],
      ['associating a floating IP with a fixed IP its port does not have', ValidationError, 'BadRequest'],
      ['deleting a missing floating IP', NotFound, 'FloatingIPNotFound'],
      ['updating a deleted network', NotFound, 'NetworkNotFound'],
    ] as const)('rejects %s and appends nothing', async (desc, errorClass, neutronType) => {
      const h = harness();
      const s = h.service;
      const g = await loadBalancerGround(h);
      const { net: publicNet } = await publicNetwork(h);
      const vip = (await s.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id }))
        .resource;
      const tcpPool = (await s.createPool(demo, { subnet_id: g.poolSubnet.id, protocol: 'TCP', lb_method: 'SOURCE_IP' })).resource;
      const fip = (await s.createFloatingIp(demo, { floating_network_id: publicNet.id })).resource;
      const deletedNet = (await s.createNetwork(demo, { name: 'gone' })).resource;
      await s.deleteNetwork(demo, deletedNet.id);
      const associatedMonitor = (await s.createHealthMonitor(demo, { type: 'TCP', delay: 5, timeout: 5, max_retries: 1 })).resource;
      await s.associateHealthMonitor(demo, g.pool.id, associatedMonitor.id);
      const vipOn = (overrides: object) => () =>
        s.createVip(demo, { protocol_port: 80, protocol: 'TCP', subnet_id: g.vipSubnet.id, pool_id: tcpPool.id, ...overrides });
      const monitor = (overrides: object) => () =>
        s.createHealthMonitor(demo, { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3, ...overrides });

      const attempts: Record<typeof desc, () => Promise<unknown>> = {
        'a second VIP on a pool': () =>
          s.createVip(demo, { protocol_port: 81, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id }),
        'a VIP whose protocol does not match its pool': vipOn({ protocol: 'HTTP' }),
        'a VIP on an address in use': vipOn({ address: vip.address }),
        'a VIP on an address outside its subnet': vipOn({ address: '198.18.2.50' }),
        'a VIP on a missing pool': vipOn({ pool_id: ABSENT }),
        'a VIP on a missing subnet': vipOn({ subnet_id: ABSENT }),
        'a VIP with a cookie name but no APP_COOKIE': vipOn({ session_persistence: { type: 'HTTP_COOKIE', cookie_name: 'c' } }),
        'a duplicate member address:port': () => s.createMember(demo, { pool_id: g.pool.id, address: g.member.address, protocol_port: 80 }),
        'a member with weight 300': () =>
          s.createMember(demo, { pool_id: g.pool.id, address: '198.18.2.40', protocol_port: 80, weight: 300 }),
        'a member of a missing pool': () => s.createMember(demo, { pool_id: ABSENT, address: '198.18.2.40', protocol_port: 80 }),
        'deleting a pool in use by a VIP': () => s.deletePool(demo, g.pool.id),
        'deleting an associated monitor': () => s.deleteHealthMonitor(demo, associatedMonitor.id),
        'associating a monitor twice': () => s.associateHealthMonitor(demo, g.pool.id, associatedMonitor.id),
        'associating a missing monitor': () => s.associateHealthMonitor(demo, g.pool.id, ABSENT),
        'disassociating a monitor that is not associated': () => s.disassociateHealthMonitor(demo, g.pool.id, g.monitor.id),
        'a monitor with delay < timeout': monitor({ delay: 5, timeout: 10 }),
        'a monitor with max_retries 11': monitor({ max_retries: 11 }),
        'a monitor with expected_codes 200-': monitor({ expected_codes: '200-' }),
        'deleting a network with subnets': () => s.deleteNetwork(demo, g.vipNet.id),
        'deleting a subnet with allocated addresses': () => s.deleteSubnet(demo, g.vipSubnet.id),
        'a subnet overlapping another on its network': () => s.createSubnet(demo, { network_id: g.vipNet.id, cidr: '198.18.1.128/25' }),
        'a subnet on a missing network': () => s.createSubnet(demo, { network_id: ABSENT, cidr: '198.18.3.0/24' }),
        'a subnet whose gateway is inside its allocation pool': () =>
          s.createSubnet(demo, {
            network_id: g.poolNet.id,
            cidr: '198.18.3.0/24',
            gateway_ip: '198.18.3.20',
            allocation_pools: [{ start: '198.18.3.10', end: '198.18.3.30' }],
          }),
        'a pool on a missing subnet': () => s.createPool(demo, { subnet_id: ABSENT, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' }),
        'updating a missing pool': () => s.updatePool(demo, ABSENT, { name: 'x' }),
        'updating a missing member': () => s.updateMember(demo, ABSENT, { weight: 2 }),
        'deleting a missing member': () => s.deleteMember(demo, ABSENT),
        'deleting a missing VIP': () => s.deleteVip(demo, ABSENT),
        'a floating IP on a network that is not external': () => s.createFloatingIp(demo, { floating_network_id: g.vipNet.id }),
        'a floating IP on a missing network': () => s.createFloatingIp(demo, { floating_network_id: ABSENT }),
        'associating a floating IP with a missing port': () => s.updateFloatingIp(demo, fip.id, { port_id: ABSENT }),
        'associating a floating IP with a fixed IP its port does not have': () =>
          s.updateFloatingIp(demo, fip.id, { port_id: vip.port_id, fixed_ip_address: '198.18.1.99' }),
        'deleting a missing floating IP': () => s.deleteFloatingIp(demo, ABSENT),
        'updating a deleted network': () => s.updateNetwork(demo, deletedNet.id, { name: 'back' }),
      };
      await expectNothingAppended(h, attempts[desc], errorClass, neutronType);
    });
  });

  describe('compensation', () => {
    it('unbinds the pool when the address is taken between the check and the allocation', async () => {
      const h = harness();
      const { pool, vipSubnet } = await loadBalancerGround(h);
      h.store.intercept((aggregate, id) => {
        if (
          aggregate !== 'subnet' ||
          h.store.events('subnet', id).some((e) => e.data && (e.data as { ownerId?: string }).ownerId === 'intruder')
        )
          return;
        h.store.appendAsAnotherWriter(
          'subnet',
          id,
          [envelope('subnet', id, 'SubnetAddressAllocated', { subnetId: id, ipAddress: '198.18.1.7', ownerId: 'intruder' })],
          'c-intruder',
        );
      });
      const since = h.store.lastSeq;
      const before = h.lookup.rows('pools');
      await expectRejected(
        h.service.createVip(demo, {
          protocol_port: 80,
          protocol: 'HTTP',
          subnet_id: vipSubnet.id,
          pool_id: pool.id,
          address: '198.18.1.7',
        }),
        Conflict,
        'IpAddressInUse',
      );
      expect(typesAppended(h, since)).toEqual(['pool:PoolVipBound', 'subnet:SubnetAddressAllocated', 'pool:PoolVipUnbound']);
      expect(h.store.events('subnet', vipSubnet.id).at(-1)?.data).toEqual({
        subnetId: vipSubnet.id,
        ipAddress: '198.18.1.7',
        ownerId: 'intruder',
      });
      expect(h.lookup.rows('pools')).toEqual(before);
      expect(h.lookup.rows('vips')).toEqual([]);
      expect(h.noted.at(-1)).toBe(h.store.lastSeq);
    });

    it.each([
      ['port', ['pool:PoolVipBound', 'subnet:SubnetAddressAllocated', 'subnet:SubnetAddressReleased', 'pool:PoolVipUnbound']],
      [
        'vip',
        [
          'pool:PoolVipBound',
          'subnet:SubnetAddressAllocated',
          'port:PortCreated',
          'port:PortDeleted',
          'subnet:SubnetAddressReleased',
          'pool:PoolVipUnbound',
        ],
      ],
    ] as const)('undoes every earlier step of a VIP creation, newest first, when the %s step fails', async (failing, expected) => {
      const h = harness();
      const { pool, vipSubnet } = await loadBalancerGround(h);
      failAppendsTo(h, failing);
      const since = h.store.lastSeq;
      const before = h.lookup.everything();
      await expectRejected(
        h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: vipSubnet.id, pool_id: pool.id }),
        Unavailable,
        'ServiceUnavailable',
      );
      expect(typesAppended(h, since)).toEqual(expected);
      expect(h.lookup.everything()).toEqual(before);
    });

    it('releases the cidr reservation on the network when the subnet cannot be stored', async () => {
      const h = harness();
      const net = (await h.service.createNetwork(demo, { name: 'n' })).resource;
      failAppendsTo(h, 'subnet');
      await expectNothingVisibleChanged(
        h,
        () => h.service.createSubnet(demo, { network_id: net.id, cidr: '198.18.5.0/24' }),
        Unavailable,
        'ServiceUnavailable',
      );
      expect(h.store.events('network', net.id).map((e) => e.type)).toEqual([
        'NetworkCreated',
        'NetworkSubnetAttached',
        'NetworkSubnetDetached',
      ]);
    });

    it('releases the external address when the floating IP cannot be stored', async () => {
      const h = harness();
      const { net, subnet } = await publicNetwork(h);
      failAppendsTo(h, 'floatingip');
      await expectNothingVisibleChanged(
        h,
        () => h.service.createFloatingIp(demo, { floating_network_id: net.id }),
        Unavailable,
        'ServiceUnavailable',
      );
      expect(h.store.events('subnet', subnet.id).map((e) => e.type)).toEqual([
        'SubnetCreated',
        'SubnetAddressAllocated',
        'SubnetAddressReleased',
      ]);
    });

    it("releases the monitor's reservation when the pool is deleted before its side of the association", async () => {
      const h = harness();
      const { pool, monitor } = await loadBalancerGround(h);
      h.store.intercept(async (aggregate) => {
        if (aggregate === 'pool' && h.lookup.rows('pools').length > 0) {
          h.store.appendAsAnotherWriter('pool', pool.id, [envelope('pool', pool.id, 'PoolDeleted', { poolId: pool.id })], 'c-delete');
        }
      });
      await expectRejected(h.service.associateHealthMonitor(demo, pool.id, monitor.id), NotFound, 'PoolNotFound');
      expect(h.store.events('healthmonitor', monitor.id).map((e) => e.type)).toEqual([
        'HealthMonitorCreated',
        'HealthMonitorAssociated',
        'HealthMonitorDisassociated',
      ]);
      expect(h.lookup.rows('health_monitors')[0].pools).toEqual([]);
    });

    it('takes a moved member out of its new pool when the old pool cannot be written', async () => {
      const h = harness();
      const { member, poolSubnet } = await loadBalancerGround(h);
      const target = (await h.service.createPool(demo, { subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })).resource;
      let adds = 0;
      h.store.intercept((aggregate, id, events) => {
        if (events.some((e) => e.type === 'MemberAdded')) adds++;
        if (aggregate === 'pool' && id === member.pool_id) throw new Unavailable('the log is not accepting writes');
      });
      await expectNothingVisibleChanged(
        h,
        () => h.service.updateMember(demo, member.id, { pool_id: target.id }),
        Unavailable,
        'ServiceUnavailable',
      );
      expect(adds).toBe(1);
      expect(h.store.events('pool', target.id).map((e) => e.type)).toEqual(['PoolCreated', 'MemberAdded', 'MemberRemoved']);
    });

    it('logs a compensation that fails, runs the others and rethrows the original rejection', async () => {
      const h = harness();
      const { pool, vipSubnet } = await loadBalancerGround(h);
      h.store.intercept((aggregate, _id, events) => {
        if (aggregate === 'vip') throw new Unavailable('vip stream down');
        if (events.some((e) => e.type === 'SubnetAddressReleased')) throw new Error('release failed');
      });
      const since = h.store.lastSeq;
      await expectRejected(
        h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: vipSubnet.id, pool_id: pool.id }),
        Unavailable,
        'ServiceUnavailable',
      );
      expect(typesAppended(h, since)).toEqual([
        'pool:PoolVipBound',
        'subnet:SubnetAddressAllocated',
        'port:PortCreated',
        'port:PortDeleted',
        'pool:PoolVipUnbound',
      ]);
      expect(h.logged).toEqual([{ message: 'saga compensation failed', fields: expect.objectContaining({ correlationId: 'req-demo' }) }]);
    });
  });

  describe('deletions a crash interrupted', () => {
    /** The api process dies right after the deletion's first append: nothing after it is written until `restart`. */
    function crashAfterFirstAppendTo(h: Harness, aggregate: AggregateType): { restart(): void } {
      const process = { alive: false, firstDone: false };
      h.store.intercept((a) => {
        if (process.alive) return;
        if (process.firstDone) throw new Error('process died');
        if (a === aggregate) process.firstDone = true;
      });
      return { restart: () => (process.alive = true) };
    }

    it('completes a VIP deletion on retry: port, address and pool released, then NotFound', async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      const vip = (await h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id }))
        .resource;
      const crash = crashAfterFirstAppendTo(h, 'vip');
      await expect(h.service.deleteVip(demo, vip.id)).rejects.toThrow('process died');
      expect(h.lookup.rows('pools')[0].vip_id).toBe(vip.id);
      crash.restart();
      const since = h.store.lastSeq;
      await expectRejected(h.service.deleteVip(demo, vip.id), NotFound, 'VipNotFound');
      expect(typesAppended(h, since)).toEqual(['port:PortDeleted', 'subnet:SubnetAddressReleased', 'pool:PoolVipUnbound']);
      await h.service.deletePool(demo, g.pool.id);
      expect(h.lookup.rows('ports')).toEqual([]);
      const again = h.store.lastSeq;
      await expectRejected(h.service.deleteVip(demo, vip.id), NotFound, 'VipNotFound');
      expect(h.store.lastSeq).toBe(again);
    });

    it("completes a pool deletion on retry: the monitor's side released, so the monitor can go", async () => {
      const h = harness();
      const { pool, monitor } = await loadBalancerGround(h);
      await h.service.associateHealthMonitor(demo, pool.id, monitor.id);
      const crash = crashAfterFirstAppendTo(h, 'pool');
      await expect(h.service.deletePool(demo, pool.id)).rejects.toThrow('process died');
      crash.restart();
      await expectRejected(h.service.deleteHealthMonitor(demo, monitor.id), Conflict, 'HealthMonitorInUse');
      await expectRejected(h.service.deletePool(demo, pool.id), NotFound, 'PoolNotFound');
      await h.service.deleteHealthMonitor(demo, monitor.id);
      expect(h.lookup.rows('health_monitors')).toEqual([]);
    });

    it("completes a subnet deletion on retry: the network's reservation released", async () => {
      const h = harness();
      const net = (await h.service.createNetwork(demo, { name: 'n' })).resource;
      const subnet = (await h.service.createSubnet(demo, { network_id: net.id, cidr: '198.18.3.0/24' })).resource;
      const crash = crashAfterFirstAppendTo(h, 'subnet');
      await expect(h.service.deleteSubnet(demo, subnet.id)).rejects.toThrow('process died');
      crash.restart();
      await expectRejected(h.service.deleteSubnet(demo, subnet.id), NotFound, 'SubnetNotFound');
      await h.service.deleteNetwork(demo, net.id);
      expect(h.lookup.rows('networks')).toEqual([]);
    });

    it('completes a floating IP deletion on retry: its address released', async () => {
      const h = harness();
      const { net, subnet } = await publicNetwork(h);
      const fip = (await h.service.createFloatingIp(demo, { floating_network_id: net.id })).resource;
      const crash = crashAfterFirstAppendTo(h, 'floatingip');
      await expect(h.service.deleteFloatingIp(demo, fip.id)).rejects.toThrow('process died');
      crash.restart();
      await expectRejected(h.service.deleteFloatingIp(demo, fip.id), NotFound, 'FloatingIPNotFound');
      expect(h.store.events('subnet', subnet.id).map((e) => e.type)).toEqual([
        'SubnetCreated',
        'SubnetAddressAllocated',
        'SubnetAddressReleased',
      ]);
    });

    it('lets no other tenant resume a deletion: NotFound, nothing appended', async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      const vip = (await h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id }))
        .resource;
      const crash = crashAfterFirstAppendTo(h, 'vip');
      await expect(h.service.deleteVip(demo, vip.id)).rejects.toThrow('process died');
      crash.restart();
      await expectNothingAppended(h, () => h.service.deleteVip(other, vip.id), NotFound, 'VipNotFound');
    });
  });

  describe('moving things between pools', () => {
    it('moves a member to another pool: added there first, then removed here', async () => {
      const h = harness();
      const { member, pool, poolSubnet } = await loadBalancerGround(h);
      const target = (await h.service.createPool(demo, { subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })).resource;
      const since = h.store.lastSeq;
      const moved = await h.service.updateMember(demo, member.id, { pool_id: target.id, weight: 5 });
      expect(moved.resource).toEqual({ ...member, pool_id: target.id, weight: 5 });
      expect(typesAppended(h, since)).toEqual(['pool:MemberAdded', 'pool:MemberRemoved']);
      expect(h.lookup.rows('pools').find((p) => p.id === pool.id)?.members).toEqual([]);
    });

    it('refuses to move a member onto an address:port the other pool has, leaving it where it was', async () => {
      const h = harness();
      const { member, poolSubnet } = await loadBalancerGround(h);
      const target = (await h.service.createPool(demo, { subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })).resource;
      await h.service.createMember(demo, { pool_id: target.id, address: member.address, protocol_port: member.protocol_port });
      await expectNothingAppended(h, () => h.service.updateMember(demo, member.id, { pool_id: target.id }), Conflict, 'MemberExists');
    });

    it('moves a VIP to another pool of its protocol: bound there, moved, unbound here', async () => {
      const h = harness();
      const { pool, vipSubnet, poolSubnet } = await loadBalancerGround(h);
      const vip = (await h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: vipSubnet.id, pool_id: pool.id }))
        .resource;
      const target = (await h.service.createPool(demo, { subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })).resource;
      const since = h.store.lastSeq;
      const moved = await h.service.updateVip(demo, vip.id, { pool_id: target.id, connection_limit: 100 });
      expect(moved.resource).toEqual({ ...vip, pool_id: target.id, connection_limit: 100 });
      expect(typesAppended(h, since)).toEqual(['pool:PoolVipBound', 'vip:VipPoolChanged', 'pool:PoolVipUnbound', 'vip:VipUpdated']);
      expect(h.lookup.rows('pools').map((p) => [p.id, p.vip_id])).toEqual([
        [pool.id, null],
        [target.id, vip.id],
      ]);
    });

    it('checks the new settings before it moves a VIP', async () => {
      const h = harness();
      const { pool, vipSubnet, poolSubnet } = await loadBalancerGround(h);
      const vip = (await h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: vipSubnet.id, pool_id: pool.id }))
        .resource;
      const target = (await h.service.createPool(demo, { subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })).resource;
      await expectNothingAppended(
        h,
        () => h.service.updateVip(demo, vip.id, { pool_id: target.id, connection_limit: -2 }),
        ValidationError,
        'HTTPBadRequest',
      );
    });

    it('refuses to move a VIP to a pool of another protocol', async () => {
      const h = harness();
      const { pool, vipSubnet, poolSubnet } = await loadBalancerGround(h);
      const vip = (await h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: vipSubnet.id, pool_id: pool.id }))
        .resource;
      const tcp = (await h.service.createPool(demo, { subnet_id: poolSubnet.id, protocol: 'TCP', lb_method: 'ROUND_ROBIN' })).resource;
      await expectNothingAppended(h, () => h.service.updateVip(demo, vip.id, { pool_id: tcp.id }), ValidationError, 'ProtocolMismatch');
    });
  });

  describe('other operations', () => {
    it('updates every kind of resource, keeping what the update leaves out', async () => {
      const h = harness();
      const s = h.service;
      const g = await loadBalancerGround(h);
      expect((await s.updateNetwork(demo, g.vipNet.id, { name: 'renamed', shared: true })).resource).toMatchObject({
        name: 'renamed',
        shared: true,
        admin_state_up: true,
      });
      expect((await s.updateSubnet(demo, g.vipSubnet.id, { name: 's', dns_nameservers: ['198.18.0.53'] })).resource).toEqual({
        ...g.vipSubnet,
        name: 's',
        dns_nameservers: ['198.18.0.53'],
      });
      expect((await s.updatePool(demo, g.pool.id, { lb_method: 'LEAST_CONNECTIONS' })).resource).toMatchObject({
        lb_method: 'LEAST_CONNECTIONS',
        name: 'mypool',
      });
      expect((await s.updateMember(demo, g.member.id, { weight: 0, admin_state_up: false })).resource).toEqual({
        ...g.member,
        weight: 0,
        admin_state_up: false,
      });
      expect((await s.updateHealthMonitor(demo, g.monitor.id, { url_path: '/health', expected_codes: '200-204' })).resource).toEqual({
        ...g.monitor,
        url_path: '/health',
        expected_codes: '200-204',
      });
      const vip = (
        await s.createVip(demo, {
          protocol_port: 80,
          protocol: 'HTTP',
          subnet_id: g.vipSubnet.id,
          pool_id: g.pool.id,
          address: '198.18.1.50',
        })
      ).resource;
      expect(vip.address).toBe('198.18.1.50');
      expect((await s.updateVip(demo, vip.id, { session_persistence: { type: 'APP_COOKIE', cookie_name: 'SESSION' } })).resource).toEqual({
        ...vip,
        session_persistence: { type: 'APP_COOKIE', cookie_name: 'SESSION' },
      });
      const unchanged = h.store.lastSeq;
      expect((await s.updateVip(demo, vip.id, {})).resource.session_persistence).toEqual({ type: 'APP_COOKIE', cookie_name: 'SESSION' });
      expect(h.store.lastSeq).toBe(unchanged);
    });

    it('creates a floating IP associated with a port, and disassociates it with port_id null', async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      const { net } = await publicNetwork(h);
      const vip = (await h.service.createVip(demo, { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id }))
        .resource;
      const fip = (
        await h.service.createFloatingIp(demo, { floating_network_id: net.id, port_id: vip.port_id, floating_ip_address: '198.19.0.77' })
      ).resource;
      expect(fip).toMatchObject({
        floating_ip_address: '198.19.0.77',
        port_id: vip.port_id,
        fixed_ip_address: vip.address,
        status: 'ACTIVE',
      });
      const released = (await h.service.updateFloatingIp(demo, fip.id, { port_id: null })).resource;
      expect(released).toEqual({ ...fip, port_id: null, fixed_ip_address: null, status: 'DOWN' });
    });

    it("deletes a pool with its members and the monitors' side of its associations", async () => {
      const h = harness();
      const { pool, monitor } = await loadBalancerGround(h);
      await h.service.associateHealthMonitor(demo, pool.id, monitor.id);
      const since = h.store.lastSeq;
      await h.service.deletePool(demo, pool.id);
      expect(typesAppended(h, since)).toEqual([
        'pool:PoolMonitorDisassociated',
        'pool:MemberRemoved',
        'pool:PoolDeleted',
        'healthmonitor:HealthMonitorDisassociated',
      ]);
      await h.service.deleteHealthMonitor(demo, monitor.id);
      expect(h.lookup.rows('health_monitors')).toEqual([]);
    });

    it("repairs an association that only the monitor's stream records (an interrupted association)", async () => {
      const h = harness();
      const { pool, monitor } = await loadBalancerGround(h);
      h.store.appendAsAnotherWriter(
        'healthmonitor',
        monitor.id,
        [envelope('healthmonitor', monitor.id, 'HealthMonitorAssociated', { monitorId: monitor.id, poolId: pool.id })],
        'c-half',
      );
      await expectRejected(h.service.deleteHealthMonitor(demo, monitor.id), Conflict, 'HealthMonitorInUse');
      await h.service.disassociateHealthMonitor(demo, pool.id, monitor.id);
      await h.service.deleteHealthMonitor(demo, monitor.id);
      expect(h.lookup.rows('health_monitors')).toEqual([]);
    });

    it('completes an interrupted association instead of refusing it', async () => {
      const h = harness();
      const { pool, monitor } = await loadBalancerGround(h);
      h.store.appendAsAnotherWriter(
        'healthmonitor',
        monitor.id,
        [envelope('healthmonitor', monitor.id, 'HealthMonitorAssociated', { monitorId: monitor.id, poolId: pool.id })],
        'c-half',
      );
      const since = h.store.lastSeq;
      await h.service.associateHealthMonitor(demo, pool.id, monitor.id);
      expect(typesAppended(h, since)).toEqual(['pool:PoolMonitorAssociated']);
    });
  });

  describe('tenancy', () => {
    it.each([
      ['update a pool', 'PoolNotFound', (s: WriteSide, g: Ground) => s.updatePool(other, g.pool.id, { name: 'mine' })],
      ['delete a pool', 'PoolNotFound', (s: WriteSide, g: Ground) => s.deletePool(other, g.pool.id)],
      [
        'add a member to a pool',
        'PoolNotFound',
        (s: WriteSide, g: Ground) => s.createMember(other, { pool_id: g.pool.id, address: '198.18.2.99', protocol_port: 80 }),
      ],
      ['update a member', 'MemberNotFound', (s: WriteSide, g: Ground) => s.updateMember(other, g.member.id, { weight: 3 })],
      ['delete a member', 'MemberNotFound', (s: WriteSide, g: Ground) => s.deleteMember(other, g.member.id)],
      [
        'create a pool on a subnet',
        'SubnetNotFound',
        (s: WriteSide, g: Ground) => s.createPool(other, { subnet_id: g.poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' }),
      ],
      [
        'create a subnet on a network',
        'NetworkNotFound',
        (s: WriteSide, g: Ground) => s.createSubnet(other, { network_id: g.poolNet.id, cidr: '198.18.9.0/24' }),
      ],
      ['delete a network', 'NetworkNotFound', (s: WriteSide, g: Ground) => s.deleteNetwork(other, g.vipNet.id)],
      ['update a subnet', 'SubnetNotFound', (s: WriteSide, g: Ground) => s.updateSubnet(other, g.vipSubnet.id, { name: 'x' })],
      ['delete a subnet', 'SubnetNotFound', (s: WriteSide, g: Ground) => s.deleteSubnet(other, g.vipSubnet.id)],
      ['update a monitor', 'HealthMonitorNotFound', (s: WriteSide, g: Ground) => s.updateHealthMonitor(other, g.monitor.id, { delay: 30 })],
      ['delete a monitor', 'HealthMonitorNotFound', (s: WriteSide, g: Ground) => s.deleteHealthMonitor(other, g.monitor.id)],
      ['associate a monitor', 'PoolNotFound', (s: WriteSide, g: Ground) => s.associateHealthMonitor(other, g.pool.id, g.monitor.id)],
      [
        'create a VIP on a pool',
        'PoolNotFound',
        (s: WriteSide, g: Ground) =>
          s.createVip(other, { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id }),
      ],
      [
        'create a floating IP on a private network',
        'NetworkNotFound',
        (s: WriteSide, g: Ground) => s.createFloatingIp(other, { floating_network_id: g.vipNet.id }),
      ],
    ] as const)("answers another tenant's attempt to %s with NotFound and appends nothing", async (_desc, neutronType, attempt) => {
      const h = harness();
      const g = await groundWithPublic(h);
      await expectNothingAppended(h, () => attempt(h.service, g), NotFound, neutronType);
    });

    it("does not let another tenant's monitor be associated with one's pool", async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      const theirs = (await h.service.createHealthMonitor(other, { type: 'PING', delay: 5, timeout: 5, max_retries: 2 })).resource;
      await expectNothingAppended(h, () => h.service.associateHealthMonitor(demo, g.pool.id, theirs.id), NotFound, 'HealthMonitorNotFound');
    });

    it('lets every tenant allocate a floating IP on an external network it does not own', async () => {
      const h = harness();
      const { net } = await publicNetwork(h);
      expect((await h.service.createFloatingIp(other, { floating_network_id: net.id })).resource).toMatchObject({
        tenant_id: OTHER,
        floating_ip_address: '198.19.0.2',
      });
    });

    it('lets an admin act on any tenant and create for another tenant', async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      expect((await h.service.updatePool(admin, g.pool.id, { description: 'by admin' })).resource).toMatchObject({
        tenant_id: DEMO,
        description: 'by admin',
      });
      const net = (await h.service.createNetwork(admin, { tenant_id: OTHER, name: 'for-other' })).resource;
      expect(net.tenant_id).toBe(OTHER);
      expect((await h.service.updateNetwork(other, net.id, { name: 'mine-now' })).resource.name).toBe('mine-now');
      await h.service.deleteMember(admin, g.member.id);
      expect(h.lookup.rows('members')).toEqual([]);
    });

    it.each([
      ['a network', (s: WriteSide) => s.createNetwork(demo, { tenant_id: OTHER })],
      ['a pool', (s: WriteSide) => s.createPool(demo, { tenant_id: OTHER, subnet_id: ABSENT, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' })],
      [
        'a monitor',
        (s: WriteSide) => s.createHealthMonitor(demo, { tenant_id: OTHER, type: 'PING', delay: 1, timeout: 1, max_retries: 1 }),
      ],
      ['a member', (s: WriteSide) => s.createMember(demo, { tenant_id: OTHER, pool_id: ABSENT, address: '198.18.2.5', protocol_port: 1 })],
    ] as const)("rejects a non-admin creating %s for another tenant with Neutron's 400", async (_desc, attempt) => {
      const h = harness();
      await expectNothingAppended(h, () => attempt(h.service), ValidationError, 'HTTPBadRequest');
    });
  });

  describe('Idempotency-Key', () => {
    it.each([
      ['network', async (s: WriteSide, ctx: RequestContext, _g: Ground) => (await s.createNetwork(ctx, { name: 'n' })).resource],
      [
        'subnet',
        async (s: WriteSide, ctx: RequestContext, g: Ground) =>
          (await s.createSubnet(ctx, { network_id: g.poolNet.id, cidr: '198.18.7.0/24' })).resource,
      ],
      [
        'pool',
        async (s: WriteSide, ctx: RequestContext, g: Ground) =>
          (await s.createPool(ctx, { subnet_id: g.poolSubnet.id, protocol: 'TCP', lb_method: 'ROUND_ROBIN' })).resource,
      ],
      [
        'member',
        async (s: WriteSide, ctx: RequestContext, g: Ground) =>
          (await s.createMember(ctx, { pool_id: g.pool.id, address: '198.18.2.30', protocol_port: 8080 })).resource,
      ],
      [
        'monitor',
        async (s: WriteSide, ctx: RequestContext, _g: Ground) =>
          (await s.createHealthMonitor(ctx, { type: 'TCP', delay: 3, timeout: 2, max_retries: 2 })).resource,
      ],
      [
        'VIP',
        async (s: WriteSide, ctx: RequestContext, g: Ground) =>
          (await s.createVip(ctx, { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id })).resource,
      ],
      [
        'floating IP',
        async (s: WriteSide, ctx: RequestContext, g: Ground) =>
          (await s.createFloatingIp(ctx, { floating_network_id: g.publicNetId })).resource,
      ],
    ] as const)('answers a retried create of a %s with the first result and appends nothing more', async (_kind, create) => {
      const h = harness();
      const g = await groundWithPublic(h);
      const ctx = withKey(demo, 'key-1');
      const first = await create(h.service, ctx, g);
      const appended = h.store.lastSeq;
      const retried = await create(h.service, ctx, g);
      expect(retried).toEqual(first);
      expect(h.store.lastSeq).toBe(appended);
    });

    it('answers concurrent creates of a VIP with one key alike: one VIP, one address, one port', async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      const body = { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id } as const;
      const answers = await Promise.all(Array.from({ length: 5 }, () => h.service.createVip(withKey(demo, 'parallel'), body)));
      expect(new Set(answers.map((a) => a.resource.id)).size).toBe(1);
      // Every answer, the winner's or a loser's that found the VIP made, lets reads wait for the VIP.
      const created = h.store.commits().find((c) => c.commit.events.some((e) => e.type === 'VipCreated'))?.seq ?? Infinity;
      for (const a of answers) expect(a.seq).toBeGreaterThanOrEqual(created);
      expect(h.store.events().filter((e) => e.type === 'VipCreated')).toHaveLength(1);
      expect(h.store.events().filter((e) => e.type === 'SubnetAddressAllocated')).toHaveLength(1);
      expect(h.lookup.rows('ports')).toHaveLength(1);
    });

    it('derives different ids for the same key in different tenants', async () => {
      const h = harness();
      const mine = (await h.service.createNetwork(withKey(demo, 'shared-key'), {})).resource;
      const theirs = (await h.service.createNetwork(withKey(other, 'shared-key'), {})).resource;
      expect(mine.id).not.toBe(theirs.id);
      expect(theirs.tenant_id).toBe(OTHER);
    });

    it('reports the sequence of the first result on a retry, so reads after it wait for it', async () => {
      const h = harness();
      const first = await h.service.createNetwork(withKey(demo, 'k'), {});
      await h.service.createNetwork(demo, { name: 'later' });
      const retry = await h.service.createNetwork(withKey(demo, 'k'), {});
      expect(retry.seq).toBe(first.seq);
    });

    it('resumes a VIP creation that a crash interrupted: one binding, one address, one port, and the VIP', async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      const ctx = withKey(demo, 'vip-key');
      let [crashed, dead] = [false, false];
      h.store.intercept((aggregate) => {
        // The process dies before the VIP's own step: nothing after it, compensations included, is written.
        if (aggregate === 'vip' && !crashed) [crashed, dead] = [true, true];
        if (dead) throw new Error('process died');
      });
      const body = { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id } as const;
      await expect(h.service.createVip(ctx, body)).rejects.toThrow('process died');
      expect(h.lookup.rows('pools')[0].vip_id).not.toBeNull();
      dead = false; // restarted
      const since = h.store.lastSeq;
      const vip = (await h.service.createVip(ctx, body)).resource;
      expect(typesAppended(h, since)).toEqual(['vip:VipCreated']);
      expect(vip).toMatchObject({ address: '198.18.1.2', port_id: h.lookup.rows('ports')[0].id });
      expect(h.lookup.rows('pools')[0].vip_id).toBe(vip.id);
      expect(h.store.events().filter((e) => e.type === 'SubnetAddressAllocated')).toHaveLength(1);
    });

    it('retries a VIP creation that was rolled back, with a port id never used before', async () => {
      const h = harness();
      const g = await loadBalancerGround(h);
      const ctx = withKey(demo, 'vip-key');
      let failures = 1;
      h.store.intercept((aggregate) => {
        if (aggregate === 'vip' && failures-- > 0) throw new Unavailable('the log is not accepting writes');
      });
      const body = { protocol_port: 80, protocol: 'HTTP', subnet_id: g.vipSubnet.id, pool_id: g.pool.id } as const;
      await expectRejected(h.service.createVip(ctx, body), Unavailable, 'ServiceUnavailable');
      const rolledBackPort = h.store.events().find((e) => e.type === 'PortDeleted')?.aggregateId;
      const vip = (await h.service.createVip(ctx, body)).resource;
      expect(vip.port_id).not.toBe(rolledBackPort);
      expect(h.lookup.rows('ports').map((p) => p.id)).toEqual([vip.port_id]);
      expect(vip.address).toBe('198.18.1.2');
      expect((await h.service.createVip(ctx, body)).resource).toEqual(vip);
    });
  });

  describe('optimistic concurrency', () => {
    it('decides again on fresh state when another writer appended between the read and the write', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      let raced = false;
      h.store.intercept((aggregate, id) => {
        if (aggregate !== 'pool' || raced) return;
        raced = true;
        h.store.appendAsAnotherWriter(
          'pool',
          id,
          [
            envelope('pool', id, 'PoolUpdated', {
              poolId: id,
              name: 'theirs',
              description: 'concurrent',
              lbMethod: 'SOURCE_IP',
              adminStateUp: true,
            }),
          ],
          'c-race',
        );
      });
      const updated = await h.service.updatePool(demo, pool.id, { name: 'mine' });
      expect(updated.resource).toMatchObject({ name: 'mine', description: 'concurrent', lb_method: 'SOURCE_IP' });
      expect(
        h.store
          .events('pool', pool.id)
          .slice(-2)
          .map((e) => (e.data as { name: string }).name),
      ).toEqual(['theirs', 'mine']);
    });

    it('decides a second member at the same address:port against the winner and rejects it', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      let raced = false;
      h.store.intercept((aggregate, id) => {
        if (aggregate !== 'pool' || raced) return;
        raced = true;
        h.store.appendAsAnotherWriter(
          'pool',
          id,
          [
            envelope('pool', id, 'MemberAdded', {
              poolId: id,
              memberId: 'winner',
              tenantId: DEMO,
              address: '198.18.2.60',
              protocolPort: 80,
              weight: 1,
              adminStateUp: true,
            }),
          ],
          'c-winner',
        );
      });
      await expectRejected(
        h.service.createMember(demo, { pool_id: pool.id, address: '198.18.2.60', protocol_port: 80 }),
        Conflict,
        'MemberExists',
      );
    });

    it(`gives up after ${APPEND_ATTEMPTS} attempts with a 409 Conflict`, async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      let attempts = 0;
      h.store.intercept((aggregate, id) => {
        if (aggregate !== 'pool') return;
        attempts++;
        h.store.appendAsAnotherWriter(
          'pool',
          id,
          [
            envelope('pool', id, 'PoolUpdated', {
              poolId: id,
              name: `theirs-${attempts}`,
              description: '',
              lbMethod: 'ROUND_ROBIN',
              adminStateUp: true,
            }),
          ],
          `c-race-${attempts}`,
        );
      });
      const error = await expectRejected(h.service.updatePool(demo, pool.id, { name: 'mine' }), ConcurrencyConflict, 'Conflict');
      expect(error.kind).toBe('conflict');
      expect(error.message).toBe(
        `Pool ${pool.id} was changed by other requests each of the ${APPEND_ATTEMPTS} times this request decided on it, so the request was not completed: retry it.`,
      );
      expect(attempts).toBe(APPEND_ATTEMPTS);
      expect(
        h.store
          .events('pool', pool.id)
          .map((e) => (e.data as { name?: string }).name)
          .filter((n) => n === 'mine'),
      ).toEqual([]);
    });

    it('does not retry a rejection', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      let reads = 0;
      const read = h.store.read.bind(h.store);
      h.store.read = async (aggregate, id) => {
        if (aggregate === 'pool') reads++;
        return read(aggregate, id);
      };
      await expectRejected(
        h.service.createMember(demo, { pool_id: pool.id, address: '198.18.2.11', protocol_port: 80 }),
        Conflict,
        'MemberExists',
      );
      expect(reads).toBe(1); // one read for the visibility check and the one decision
    });

    it('decides again on the log when the pool it read changed before its append (a deletion: NotFound)', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      let raced = false;
      h.store.intercept((aggregate, id) => {
        if (aggregate !== 'pool' || raced) return;
        raced = true;
        h.store.appendAsAnotherWriter('pool', id, [envelope('pool', id, 'PoolDeleted', { poolId: id })], 'c-deleted');
      });
      await expectRejected(
        h.service.createMember(demo, { pool_id: pool.id, address: '198.18.2.12', protocol_port: 80 }),
        NotFound,
        'PoolNotFound',
      );
      expect(h.store.events('pool', pool.id).filter((e) => e.type === 'MemberAdded')).toHaveLength(1);
    });
  });

  describe('round trips to the log (issue 17)', () => {
    /** Every read and append the command side makes on the store, as `<read|append> <aggregate>`. */
    function counted(h: Harness): string[] {
      const calls: string[] = [];
      const read = h.store.read.bind(h.store);
      const append = h.store.append.bind(h.store);
      h.store.read = async (aggregate, id) => {
        calls.push(`read ${aggregate}`);
        return read(aggregate, id);
      };
      h.store.append = async (aggregate, id, events, options) => {
        calls.push(`append ${aggregate}`);
        return append(aggregate, id, events, options);
      };
      return calls;
    }

    it('a pool create reads its subnet and appends: its new stream needs no read', async () => {
      const h = harness();
      const { poolSubnet } = await loadBalancerGround(h);
      const calls = counted(h);
      await h.service.createPool(demo, { subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' });
      expect(calls).toEqual(['read subnet', 'append pool']);
    });

    it('a pool create with an Idempotency-Key reads its pool first: an earlier try may have written it', async () => {
      const h = harness();
      const { poolSubnet } = await loadBalancerGround(h);
      const calls = counted(h);
      const body = { subnet_id: poolSubnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' } as const;
      const first = await h.service.createPool(withKey(demo, 'k-trips'), body);
      expect(calls).toEqual(['read pool', 'read subnet', 'append pool']);
      calls.length = 0;
      const again = await h.service.createPool(withKey(demo, 'k-trips'), body);
      expect(calls).toEqual(['read pool']);
      expect(again.resource).toEqual(first.resource);
    });

    it('a member create decides on the pool the store holds and appends: the append confirms it', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      const calls = counted(h);
      const { resource } = await h.service.createMember(demo, { pool_id: pool.id, address: '198.18.2.13', protocol_port: 80 });
      expect(calls).toEqual(['append pool']);
      expect(resource).toMatchObject({ pool_id: pool.id, address: '198.18.2.13', tenant_id: DEMO });
    });

    it('a member create on a pool the store does not hold reads it once and appends', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      // Another api process: the same log, nothing held.
      const cold = new InMemoryEventStore();
      for (const { commit } of h.store.commits()) {
        const [{ aggregate, aggregateId }] = commit.events;
        cold.appendAsAnotherWriter(aggregate, aggregateId, commit.events, commit.commitId);
      }
      const calls = counted({ ...h, store: cold });
      const service = writeSide(cold, new ProjectedLookup(cold), new TestEnvironment(), { note: () => undefined }, null, TEST_RING);
      await service.createMember(demo, { pool_id: pool.id, address: '198.18.2.13', protocol_port: 80 });
      expect(calls).toEqual(['read pool', 'append pool']);
    });

    it('a member create on a held pool another writer changed since loses the append, reads the log and decides again', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      h.store.appendAsAnotherWriter(
        'pool',
        pool.id,
        [
          envelope('pool', pool.id, 'PoolUpdated', {
            poolId: pool.id,
            name: 'renamed',
            description: '',
            lbMethod: 'ROUND_ROBIN',
            adminStateUp: true,
          }),
        ],
        'c-rename',
      );
      const calls = counted(h);
      await h.service.createMember(demo, { pool_id: pool.id, address: '198.18.2.13', protocol_port: 80 });
      expect(calls).toEqual(['append pool', 'read pool', 'append pool']);
      expect(h.store.events('pool', pool.id).map((e) => e.type)).toEqual(['PoolCreated', 'MemberAdded', 'PoolUpdated', 'MemberAdded']);
    });

    it('a member create refused on the held pool is decided again on the log: a member another writer removed is no conflict', async () => {
      const h = harness();
      const { pool, member } = await loadBalancerGround(h);
      h.store.appendAsAnotherWriter(
        'pool',
        pool.id,
        [envelope('pool', pool.id, 'MemberRemoved', { poolId: pool.id, memberId: member.id })],
        'c-remove',
      );
      const calls = counted(h);
      const { resource } = await h.service.createMember(demo, {
        pool_id: pool.id,
        address: member.address,
        protocol_port: member.protocol_port,
      });
      expect(calls).toEqual(['read pool', 'append pool']);
      expect(resource).toMatchObject({ address: member.address, protocol_port: member.protocol_port });
    });

    it('a member create on a held pool another writer deleted is PoolNotFound, as read from the log', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      h.store.appendAsAnotherWriter('pool', pool.id, [envelope('pool', pool.id, 'PoolDeleted', { poolId: pool.id })], 'c-delete');
      const calls = counted(h);
      await expectNothingAppended(
        h,
        () => h.service.createMember(demo, { pool_id: pool.id, address: '198.18.2.13', protocol_port: 80 }),
        NotFound,
        'PoolNotFound',
      );
      expect(calls).toEqual(['append pool', 'read pool']);
    });

    it("a member create on another tenant's held pool is PoolNotFound, decided on the log", async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      const calls = counted(h);
      await expectNothingAppended(
        h,
        () => h.service.createMember(other, { pool_id: pool.id, address: '198.18.2.13', protocol_port: 80 }),
        NotFound,
        'PoolNotFound',
      );
      expect(calls).toEqual(['read pool']);
    });

    it('a retried member create with an Idempotency-Key replays from the log, not from the held pool', async () => {
      const h = harness();
      const { pool } = await loadBalancerGround(h);
      const body = { pool_id: pool.id, address: '198.18.2.13', protocol_port: 80 };
      const first = await h.service.createMember(withKey(demo, 'k-member'), body);
      const calls = counted(h);
      const again = await h.service.createMember(withKey(demo, 'k-member'), body);
      expect(calls).toEqual(['read pool']);
      expect(again.resource).toEqual(first.resource);
    });
  });
});

describe('certificates and TLS termination on VIPs', () => {
  let ca: TestCa;
  let site: IssuedCertificate;
  let renewed: IssuedCertificate;
  let chained: IssuedCertificate;
  let expired: IssuedCertificate;
  const caDir = mkdtempSync(join(tmpdir(), 'lbaas-api-ca-'));

  beforeAll(async () => {
    ca = await makeTestCa(caDir);
    [site, renewed, chained, expired] = await Promise.all([
      ca.issue(['www.example.test', 'example.test']),
      ca.issue(['www.example.test']),
      ca.issue(['chained.example.test'], { intermediate: true }),
      ca.issue(['old.example.test'], { expired: true }),
    ]);
  }, 60_000);
  afterAll(() => rmSync(caDir, { recursive: true, force: true }));

  const bundle = (c: IssuedCertificate, fields: Partial<BodyOf<'createCertificate'>> = {}): BodyOf<'createCertificate'> => ({
    name: 'site',
    certificate: c.certificatePem,
    private_key: c.privateKeyPem,
    ...fields,
  });
  /** The base64 body of a PEM key: what a leak would carry even without its armour. */
  const keyBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const sealedKeyOf = (h: Harness, certificateId: string) => {
    const last = h.store
      .events('certificate', certificateId)
      .filter((e) => e.type === 'CertificateCreated' || e.type === 'CertificateReplaced')
      .at(-1);
    return (last?.data as { privateKey: SealedSecret }).privateKey;
  };

  describe('create, update, replace, delete', () => {
    it('creates a certificate from a leaf and its key: the key sealed in the event, never in the answer', async () => {
      const h = harness();
      const { resource } = await h.service.createCertificate(demo, bundle(site, { description: 'the shop' }));
      expect(resource).toEqual({
        id: expect.any(String),
        tenant_id: DEMO,
        kind: 'server',
        name: 'site',
        description: 'the shop',
        certificate: site.certificatePem,
        fingerprint: site.fingerprint,
        subject: 'www.example.test',
        hostnames: ['www.example.test', 'example.test'],
        not_before: expect.any(String),
        not_after: expect.any(String),
        vip_ids: [],
      });
      expect(typesAppended(h, 0)).toEqual(['certificate:CertificateCreated']);
      const sealed = sealedKeyOf(h, resource.id);
      expect(sealed).toEqual({
        algorithm: 'AES-256-GCM',
        keyId: TEST_RING.current.id,
        iv: expect.any(String),
        tag: expect.any(String),
        ciphertext: expect.any(String),
      });
      expect(createPrivateKey(openSecret(sealed, TEST_RING)).export({ type: 'pkcs8', format: 'der' })).toEqual(
        createPrivateKey(site.privateKeyPem).export({ type: 'pkcs8', format: 'der' }),
      );
      const everything = JSON.stringify([h.store.events(), resource, h.lookup.everything()]);
      expect(everything).not.toContain('PRIVATE KEY');
      expect(everything).not.toContain(keyBody(site.privateKeyPem).slice(0, 40));
    });

    it('keeps a chain in order, leaf first', async () => {
      const h = harness();
      const { resource } = await h.service.createCertificate(demo, bundle(chained));
      expect(resource.certificate).toBe(chained.certificatePem);
      expect(resource.hostnames).toEqual(['chained.example.test']);
    });

    const invalid: { desc: string; input: () => BodyOf<'createCertificate'>; message: RegExp }[] = [
      { desc: 'garbage instead of PEM', input: () => bundle(site, { certificate: 'not a certificate' }), message: /certificate/ },
      {
        desc: 'a key of another certificate',
        input: () => bundle(site, { private_key: renewed.privateKeyPem }),
        message: /does not match/,
      },
      {
        desc: 'a chain in the wrong order',
        input: () => {
          const [leaf, intermediate] = chained.certificatePem.split(/(?<=-----END CERTIFICATE-----\n)/);
          return bundle(chained, { certificate: intermediate + leaf });
        },
        message: /did not issue/,
      },
      { desc: 'an expired certificate', input: () => bundle(expired), message: /expired/ },
      {
        desc: 'a key encrypted with a passphrase',
        input: () =>
          bundle(site, {
            private_key: createPrivateKey(site.privateKeyPem)
              .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'hunter2' })
              .toString(),
          }),
        message: /encrypted/,
      },
    ];

    it.each(invalid)('refuses $desc with a 400 and appends nothing', async ({ input, message }) => {
      const h = harness();
      const error = await rejection(
        (async () => {
          await h.service.createCertificate(demo, input());
        })(),
      );
      expect({ type: error.neutronType, kind: error.kind }).toEqual({ type: 'HTTPBadRequest', kind: 'invalid' });
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('PRIVATE KEY');
      expect(h.store.lastSeq).toBe(0);
    });

    it("refuses another tenant's tenant_id to a member, and creates for it as an admin", async () => {
      const h = harness();
      await expectNothingAppended(
        h,
        () => h.service.createCertificate(demo, bundle(site, { tenant_id: OTHER })),
        ValidationError,
        'HTTPBadRequest',
      );
      const { resource } = await h.service.createCertificate(admin, bundle(site, { tenant_id: OTHER }));
      expect(resource.tenant_id).toBe(OTHER);
      expect(h.store.events('certificate', resource.id)[0].tenantId).toBe(OTHER);
    });

    it('answers a retried create with the same Idempotency-Key with the first certificate', async () => {
      const h = harness();
      const first = await h.service.createCertificate(withKey(demo, 'cert-1'), bundle(site));
      const again = await h.service.createCertificate(withKey(demo, 'cert-1'), bundle(site));
      expect(again.resource).toEqual(first.resource);
      expect(h.store.events('certificate').map((e) => e.type)).toEqual(['CertificateCreated']);
    });

    it('renames, and replaces the certificate and key in place (rotation), sealing the new key', async () => {
      const h = harness();
      const { resource } = await h.service.createCertificate(demo, bundle(site));
      const renamed = await h.service.updateCertificate(demo, resource.id, { name: 'shop', description: 'renamed' });
      expect(renamed.resource).toEqual({ ...resource, name: 'shop', description: 'renamed' });
      const since = h.store.lastSeq;
      const replaced = await h.service.updateCertificate(demo, resource.id, {
        certificate: renewed.certificatePem,
        private_key: renewed.privateKeyPem,
      });
      expect(typesAppended(h, since)).toEqual(['certificate:CertificateReplaced']);
      expect(replaced.resource).toEqual({
        ...renamed.resource,
        certificate: renewed.certificatePem,
        fingerprint: renewed.fingerprint,
        hostnames: ['www.example.test'],
        not_before: expect.any(String),
        not_after: expect.any(String),
      });
      expect(createPrivateKey(openSecret(sealedKeyOf(h, resource.id), TEST_RING)).export({ type: 'pkcs8', format: 'der' })).toEqual(
        createPrivateKey(renewed.privateKeyPem).export({ type: 'pkcs8', format: 'der' }),
      );
      const both = await h.service.updateCertificate(demo, resource.id, {
        name: 'both',
        certificate: site.certificatePem,
        private_key: site.privateKeyPem,
      });
      expect(both.resource).toMatchObject({ name: 'both', fingerprint: site.fingerprint });
      expect(JSON.stringify(h.store.events())).not.toContain('PRIVATE KEY');
    });

    it.each([
      { desc: 'a certificate without its key', input: () => ({ certificate: renewed.certificatePem }) },
      { desc: 'a key without its certificate', input: () => ({ private_key: renewed.privateKeyPem, name: 'x' }) },
      {
        desc: 'a replacement that does not validate',
        input: () => ({ certificate: renewed.certificatePem, private_key: site.privateKeyPem }),
      },
    ])('refuses $desc with a 400 and appends nothing', async ({ input }) => {
      const h = harness();
      const { resource } = await h.service.createCertificate(demo, bundle(site));
      await expectNothingAppended(h, () => h.service.updateCertificate(demo, resource.id, input()), ValidationError, 'HTTPBadRequest');
    });

    it("is another tenant's NotFound for every write, appending nothing", async () => {
      const h = harness();
      const { resource } = await h.service.createCertificate(demo, bundle(site));
      await expectNothingAppended(
        h,
        () => h.service.updateCertificate(other, resource.id, { name: 'mine' }),
        NotFound,
        'CertificateNotFound',
      );
      await expectNothingAppended(
        h,
        () => h.service.updateCertificate(other, resource.id, bundle(renewed)),
        NotFound,
        'CertificateNotFound',
      );
      await expectNothingAppended(h, () => h.service.deleteCertificate(other, resource.id), NotFound, 'CertificateNotFound');
      await expectNothingAppended(h, () => h.service.updateCertificate(demo, ABSENT, { name: 'x' }), NotFound, 'CertificateNotFound');
    });

    it('deletes a certificate no VIP uses', async () => {
      const h = harness();
      const { resource } = await h.service.createCertificate(demo, bundle(site));
      await h.service.deleteCertificate(demo, resource.id);
      expect(h.lookup.rows('certificates')).toEqual([]);
      await expectRejected(h.service.deleteCertificate(demo, resource.id), NotFound, 'CertificateNotFound');
    });
  });

  describe('VIPs that terminate TLS', () => {
    async function ground(h: Harness) {
      const g = await loadBalancerGround(h);
      const certificate = (await h.service.createCertificate(demo, bundle(site))).resource;
      const vipInput = (fields: Partial<BodyOf<'createVip'>> = {}): BodyOf<'createVip'> => ({
        protocol_port: 443,
        protocol: 'HTTP',
        subnet_id: g.vipSubnet.id,
        pool_id: g.pool.id,
        tls_certificate_id: certificate.id,
        ...fields,
      });
      return { ...g, certificate, vipInput };
    }

    it('attaches the certificate first, then creates the VIP with it in the same commit', async () => {
      const h = harness();
      const g = await ground(h);
      const since = h.store.lastSeq;
      const vip = (await h.service.createVip(demo, g.vipInput())).resource;
      expect(typesAppended(h, since)).toEqual([
        'certificate:CertificateVipAttached',
        'pool:PoolVipBound',
        'subnet:SubnetAddressAllocated',
        'port:PortCreated',
        'vip:VipCreated',
        'vip:VipCertificateChanged',
      ]);
      expect(vip.tls_certificate_id).toBe(g.certificate.id);
      expect(h.lookup.rows('certificates')[0].vip_ids).toEqual([vip.id]);
      await expectNothingAppended(h, () => h.service.deleteCertificate(demo, g.certificate.id), Conflict, 'CertificateInUse');
    });

    it.each([
      { desc: 'TCP', protocol: 'TCP' as const },
      { desc: 'HTTPS (passthrough)', protocol: 'HTTPS' as const },
    ])('refuses a certificate on a $desc VIP with a 400 before anything is appended', async ({ protocol }) => {
      const h = harness();
      const g = await ground(h);
      const tcpPool = (await h.service.createPool(demo, { subnet_id: g.poolSubnet.id, protocol, lb_method: 'ROUND_ROBIN' })).resource;
      const error = await expectRejected(
        h.service.createVip(demo, g.vipInput({ protocol, pool_id: tcpPool.id })),
        ValidationError,
        'HTTPBadRequest',
      );
      expect(error.message).toMatch(/tls_certificate_id/);
      const before = h.store.lastSeq;
      await expectNothingAppended(
        h,
        () => h.service.createVip(demo, g.vipInput({ protocol, pool_id: tcpPool.id })),
        ValidationError,
        'HTTPBadRequest',
      );
      expect(h.store.lastSeq).toBe(before);
    });

    it("answers a missing or another tenant's certificate with CertificateNotFound, appending nothing", async () => {
      const h = harness();
      const g = await ground(h);
      const theirs = (await h.service.createCertificate(other, bundle(renewed))).resource;
      await expectNothingAppended(
        h,
        () => h.service.createVip(demo, g.vipInput({ tls_certificate_id: ABSENT })),
        NotFound,
        'CertificateNotFound',
      );
      const foreign = await expectRejected(
        h.service.createVip(demo, g.vipInput({ tls_certificate_id: theirs.id })),
        NotFound,
        'CertificateNotFound',
      );
      expect(foreign.message).toBe(`Certificate ${theirs.id} could not be found.`);
      await expectNothingAppended(
        h,
        () => h.service.createVip(admin, g.vipInput({ tls_certificate_id: theirs.id })),
        ValidationError,
        'HTTPBadRequest',
      );
    });

    it('detaches the certificate again when a later step of the creation is rejected', async () => {
      const h = harness();
      const g = await ground(h);
      failAppendsTo(h, 'vip');
      const since = h.store.lastSeq;
      const before = h.lookup.everything();
      await expectRejected(h.service.createVip(demo, g.vipInput()), Unavailable, 'ServiceUnavailable');
      expect(typesAppended(h, since)).toEqual([
        'certificate:CertificateVipAttached',
        'pool:PoolVipBound',
        'subnet:SubnetAddressAllocated',
        'port:PortCreated',
        'port:PortDeleted',
        'subnet:SubnetAddressReleased',
        'pool:PoolVipUnbound',
        'certificate:CertificateVipDetached',
      ]);
      expect(h.lookup.everything()).toEqual(before);
    });

    it("detaches the certificate when the VIP's own step is refused after the attach", async () => {
      const h = harness();
      const g = await ground(h);
      // Another writer stores a VIP of that id after the certificate is attached: the VIP decider refuses the creation (VipExists).
      let raced = false;
      h.store.intercept((aggregate, id) => {
        if (aggregate !== 'vip' || raced) return;
        raced = true;
        h.store.appendAsAnotherWriter(
          'vip',
          id,
          [
            envelope('vip', id, 'VipCreated', {
              vipId: id,
              tenantId: DEMO,
              subnetId: g.vipSubnet.id,
              address: '198.18.1.99',
              portId: ABSENT,
              protocolPort: 80,
              protocol: 'TCP',
              poolId: ABSENT,
              name: 'intruder',
              description: '',
              sessionPersistence: null,
              connectionLimit: -1,
              adminStateUp: true,
            }),
          ],
          'c-intruder-vip',
        );
      });
      const since = h.store.lastSeq;
      await expectRejected(h.service.createVip(demo, g.vipInput()), Conflict, 'VipExists');
      expect(typesAppended(h, since).filter((t) => t.startsWith('certificate:'))).toEqual([
        'certificate:CertificateVipAttached',
        'certificate:CertificateVipDetached',
      ]);
      expect(h.lookup.rows('certificates')[0].vip_ids).toEqual([]);
    });

    it('resumes an interrupted creation with the same Idempotency-Key: one attachment', async () => {
      const h = harness();
      const g = await ground(h);
      let [crashed, dead] = [false, false];
      h.store.intercept((aggregate) => {
        // The process dies before the port's step: nothing after it, compensations included, is written.
        if (aggregate === 'port' && !crashed) [crashed, dead] = [true, true];
        if (dead) throw new Error('process died');
      });
      await expect(h.service.createVip(withKey(demo, 'tls-vip'), g.vipInput())).rejects.toThrow('process died');
      expect(h.lookup.rows('certificates')[0].vip_ids).toHaveLength(1);
      dead = false; // restarted
      const since = h.store.lastSeq;
      const vip = (await h.service.createVip(withKey(demo, 'tls-vip'), g.vipInput())).resource;
      expect(typesAppended(h, since)).toEqual(['port:PortCreated', 'vip:VipCreated', 'vip:VipCertificateChanged']);
      expect(
        h.store
          .events('certificate', g.certificate.id)
          .map((e) => e.type)
          .filter((t) => t === 'CertificateVipAttached'),
      ).toHaveLength(1);
      expect(h.lookup.rows('certificates')[0].vip_ids).toEqual([vip.id]);
    });

    it('changes, then removes, the certificate of a VIP: attach the new one, change the VIP, detach the old one', async () => {
      const h = harness();
      const g = await ground(h);
      const vip = (await h.service.createVip(demo, g.vipInput({ tls_certificate_id: null }))).resource;
      expect(vip.tls_certificate_id).toBeNull();
      const second = (await h.service.createCertificate(demo, bundle(renewed))).resource;
      let since = h.store.lastSeq;
      expect((await h.service.updateVip(demo, vip.id, { tls_certificate_id: g.certificate.id })).resource.tls_certificate_id).toBe(
        g.certificate.id,
      );
      expect(typesAppended(h, since)).toEqual(['certificate:CertificateVipAttached', 'vip:VipCertificateChanged']);
      since = h.store.lastSeq;
      const moved = await h.service.updateVip(demo, vip.id, { tls_certificate_id: second.id, name: 'renamed' });
      expect(moved.resource).toMatchObject({ tls_certificate_id: second.id, name: 'renamed' });
      expect(typesAppended(h, since)).toEqual([
        'certificate:CertificateVipAttached',
        'vip:VipCertificateChanged',
        'certificate:CertificateVipDetached',
        'vip:VipUpdated',
      ]);
      since = h.store.lastSeq;
      expect((await h.service.updateVip(demo, vip.id, { tls_certificate_id: second.id })).resource.tls_certificate_id).toBe(second.id);
      expect(typesAppended(h, since)).toEqual([]);
      expect((await h.service.updateVip(demo, vip.id, { tls_certificate_id: null })).resource.tls_certificate_id).toBeNull();
      expect(typesAppended(h, since)).toEqual(['vip:VipCertificateChanged', 'certificate:CertificateVipDetached']);
      expect(h.lookup.rows('certificates').map((c) => c.vip_ids)).toEqual([[], []]);
      await h.service.deleteCertificate(demo, g.certificate.id);
      await h.service.deleteCertificate(demo, second.id);
    });

    it("refuses a certificate on a TCP VIP, a missing one and another tenant's on update, appending nothing", async () => {
      const h = harness();
      const g = await ground(h);
      const tcpPool = (await h.service.createPool(demo, { subnet_id: g.poolSubnet.id, protocol: 'TCP', lb_method: 'ROUND_ROBIN' }))
        .resource;
      const tcpVip = (await h.service.createVip(demo, g.vipInput({ protocol: 'TCP', pool_id: tcpPool.id, tls_certificate_id: undefined })))
        .resource;
      const httpVip = (await h.service.createVip(demo, g.vipInput({ tls_certificate_id: null }))).resource;
      const theirs = (await h.service.createCertificate(other, bundle(renewed))).resource;
      await expectNothingAppended(
        h,
        () => h.service.updateVip(demo, tcpVip.id, { tls_certificate_id: g.certificate.id, name: 'x' }),
        ValidationError,
        'HTTPBadRequest',
      );
      await expectNothingAppended(
        h,
        () => h.service.updateVip(demo, httpVip.id, { tls_certificate_id: ABSENT }),
        NotFound,
        'CertificateNotFound',
      );
      await expectNothingAppended(
        h,
        () => h.service.updateVip(demo, httpVip.id, { tls_certificate_id: theirs.id }),
        NotFound,
        'CertificateNotFound',
      );
      await expectNothingAppended(
        h,
        () => h.service.updateVip(demo, httpVip.id, { pool_id: ABSENT, tls_certificate_id: g.certificate.id }),
        NotFound,
        'PoolNotFound',
      );
    });

    it('detaches the certificate when the VIP is deleted, so the certificate can go', async () => {
      const h = harness();
      const g = await ground(h);
      const vip = (await h.service.createVip(demo, g.vipInput())).resource;
      const since = h.store.lastSeq;
      await h.service.deleteVip(demo, vip.id);
      expect(typesAppended(h, since)).toEqual([
        'vip:VipDeleted',
        'port:PortDeleted',
        'subnet:SubnetAddressReleased',
        'pool:PoolVipUnbound',
        'certificate:CertificateVipDetached',
      ]);
      await h.service.deleteCertificate(demo, g.certificate.id);
      expect(h.lookup.rows('certificates')).toEqual([]);
    });

    it('completes a VIP deletion a crash interrupted, certificate included, on retry', async () => {
      const h = harness();
      const g = await ground(h);
      const vip = (await h.service.createVip(demo, g.vipInput())).resource;
      let firstDone = false;
      let alive = false;
      h.store.intercept((aggregate) => {
        if (alive) return;
        if (firstDone) throw new Error('process died');
        if (aggregate === 'vip') firstDone = true;
      });
      await expect(h.service.deleteVip(demo, vip.id)).rejects.toThrow('process died');
      alive = true;
      const since = h.store.lastSeq;
      await expectRejected(h.service.deleteVip(demo, vip.id), NotFound, 'VipNotFound');
      expect(typesAppended(h, since)).toEqual([
        'port:PortDeleted',
        'subnet:SubnetAddressReleased',
        'pool:PoolVipUnbound',
        'certificate:CertificateVipDetached',
      ]);
    });

    it('releases the attachment of a VIP whose deletion never finished when the certificate is deleted, but not of a live VIP', async () => {
      const h = harness();
      const g = await ground(h);
      const gone = (await h.service.createVip(demo, g.vipInput())).resource;
      let cut = false;
      h.store.intercept((aggregate) => {
        if (cut && aggregate !== 'vip') throw new Error('process died');
        if (aggregate === 'vip') cut = true;
      });
      await expect(h.service.deleteVip(demo, gone.id)).rejects.toThrow('process died');
      cut = false;
      expect(h.lookup.rows('certificates')[0].vip_ids).toEqual([gone.id]);
      const since = h.store.lastSeq;
      await h.service.deleteCertificate(demo, g.certificate.id);
      expect(typesAppended(h, since)).toEqual(['certificate:CertificateVipDetached', 'certificate:CertificateDeleted']);
    });
  });

  describe('resealing after a rotation of the deployment key', () => {
    it('opens the key with the previous deployment key and seals it with the new one; the certificate stays', async () => {
      const dir = mkdtempSync(join(keyDir, 'rotation-'));
      const keyFile = join(dir, 'certificate.key');
      const oldRing = loadKeyRing(keyFile);
      const h = harness(oldRing);
      const { resource } = await h.service.createCertificate(demo, bundle(site));
      writeFileSync(`${keyFile}.previous`, readFileSync(keyFile));
      writeFileSync(keyFile, randomBytes(32).toString('hex'));
      const newRing = loadKeyRing(keyFile);
      expect(newRing.current.id).not.toBe(oldRing.current.id);
      const rotated = writeSide(h.store, h.lookup, new TestEnvironment(), null, null, newRing);
      await expectNothingAppended(h, () => rotated.resealCertificate(demo, resource.id), Forbidden, 'PolicyNotAuthorized');
      const since = h.store.lastSeq;
      const resealed = await rotated.resealCertificate(admin, resource.id);
      expect(resealed.resource).toEqual(resource);
      expect(typesAppended(h, since)).toEqual(['certificate:CertificateReplaced']);
      const sealed = sealedKeyOf(h, resource.id);
      expect(sealed.keyId).toBe(newRing.current.id);
      expect(createPrivateKey(openSecret(sealed, newRing)).export({ type: 'pkcs8', format: 'der' })).toEqual(
        createPrivateKey(site.privateKeyPem).export({ type: 'pkcs8', format: 'der' }),
      );
      // Once every certificate is resealed, the .previous key can go.
      rmSync(`${keyFile}.previous`);
      expect(openSecret(sealed, loadKeyRing(keyFile))).toBe(openSecret(sealed, newRing));
      await expectRejected(rotated.resealCertificate(admin, ABSENT), NotFound, 'CertificateNotFound');
    });

    it('answers 409 CertificateKeyUnavailable when no key of the ring opens it, appending nothing', async () => {
      const h = harness();
      const { resource } = await h.service.createCertificate(demo, bundle(site));
      const stranger = loadKeyRing(join(mkdtempSync(join(keyDir, 'stranger-')), 'certificate.key'));
      const service = writeSide(h.store, h.lookup, new TestEnvironment(), null, null, stranger);
      const error = await expectNothingAppended(
        h,
        () => service.resealCertificate(admin, resource.id),
        Conflict,
        'CertificateKeyUnavailable',
      );
      expect(error.message).toContain(TEST_RING.current.id);
      expect(error.message).toMatch(/\.previous/);
    });
  });
});

type Ground = Awaited<ReturnType<typeof loadBalancerGround>> & { publicNetId: string };

async function groundWithPublic(h: Harness): Promise<Ground> {
  const g = await loadBalancerGround(h);
  const { net } = await publicNetwork(h);
  return { ...g, publicNetId: net.id };
}

let otherWriterEvents = 0;
/** An event as another writer would have stored it. */
function envelope(aggregate: AggregateType, aggregateId: string, type: string, data: unknown): EventEnvelope {
  otherWriterEvents++;
  return {
    id: uuidv7(),
    type,
    version: 1,
    aggregate,
    aggregateId,
    tenantId: DEMO,
    actor: 'another-writer',
    occurredAt: NOW,
    correlationId: `other-${otherWriterEvents}`,
    causationId: null,
    data,
  };
}

/** Makes every append to one kind of aggregate fail as a log without quorum would. */
function failAppendsTo(h: Harness, aggregate: AggregateType): void {
  h.store.intercept((target) => {
    if (target === aggregate) throw new Unavailable(`the log is not accepting writes to ${aggregate}`);
  });
}
