import type { CertificateResource, Collection, ResourceByCollection, SubnetResource, VipResource } from '@lbaas/domain';
import type { DataSource } from 'typeorm';
import { memberResource, networkResource, OTHER_TENANT, poolResource, TENANT } from '../test/fake-domain';
import { createDataSource } from './data-source';
import type { ListQuery } from './query-contract';
import { QueryService } from './query-service';
import { LB, LISTENER, insertOctaviaWorld } from '../test/octavia-fixtures';
import { ListenerStats, PoolStats } from './tables/bookkeeping-tables';
import { RESOURCE_TABLES } from './tables/resource-tables';

const P1 = '10000000-0000-4000-8000-000000000001';
const P2 = '20000000-0000-4000-8000-000000000002';
const P3 = '30000000-0000-4000-8000-000000000003';
const M1 = '40000000-0000-4000-8000-000000000004';
const OWN_NET = '50000000-0000-4000-8000-000000000005';
const SHARED_NET = '60000000-0000-4000-8000-000000000006';
const EXTERNAL_NET = '70000000-0000-4000-8000-000000000007';
const OTHER_NET = '80000000-0000-4000-8000-000000000008';

const subnet = (id: string, networkId: string, tenant: string): SubnetResource => ({
  id,
  tenant_id: tenant,
  network_id: networkId,
  name: '',
  ip_version: 4,
  cidr: '198.18.1.0/24',
  gateway_ip: '198.18.1.1',
  allocation_pools: [{ start: '198.18.1.2', end: '198.18.1.254' }],
  enable_dhcp: true,
  dns_nameservers: [],
  host_routes: [],
});

let db: DataSource;
let queries: QueryService;

async function insert<C extends Collection>(collection: C, ...resources: ResourceByCollection[C][]): Promise<void> {
  const table = RESOURCE_TABLES[collection];
  await db.getRepository(table.entity).save(resources.map((resource) => table.toRow(resource)));
}

const listQuery = (collection: Collection, fields: Partial<ListQuery> = {}): ListQuery => ({
  collection,
  tenantId: TENANT,
  filters: {},
  fields: [],
  minSeq: 0,
  ...fields,
});
const ids = async (query: ListQuery) => {
  const reply = await queries.list(query);
  if ('error' in reply) throw new Error(JSON.stringify(reply));
  return reply.items.map((item) => item.id);
};

beforeEach(async () => {
  db = await createDataSource({ sqlitePath: ':memory:' }).initialize();
  queries = new QueryService(db);
  await insert(
    'pools',
    poolResource(P2, { name: 'web', lb_method: 'LEAST_CONNECTIONS' }),
    poolResource(P1, { name: 'api', admin_state_up: false }),
    poolResource(P3, { name: 'web', tenant_id: OTHER_TENANT }),
  );
  await insert('members', memberResource(M1, P1, { weight: 7, protocol_port: 8080 }));
  await insert(
    'networks',
    networkResource(OWN_NET),
    networkResource(SHARED_NET, { tenant_id: OTHER_TENANT, shared: true }),
    networkResource(EXTERNAL_NET, { tenant_id: OTHER_TENANT, 'router:external': true }),
    networkResource(OTHER_NET, { tenant_id: OTHER_TENANT }),
  );
  await insert(
    'subnets',
    subnet('a1000000-0000-4000-8000-000000000000', OWN_NET, TENANT),
    subnet('a2000000-0000-4000-8000-000000000000', SHARED_NET, OTHER_TENANT),
    subnet('a3000000-0000-4000-8000-000000000000', EXTERNAL_NET, OTHER_TENANT),
    subnet('a4000000-0000-4000-8000-000000000000', OTHER_NET, OTHER_TENANT),
  );
});
afterEach(() => db.destroy());

describe('QueryService', () => {
  describe('list', () => {
    it("returns the tenant's rows ordered by id, every field in Neutron's names", async () => {
      expect(await queries.list(listQuery('pools'))).toEqual({
        items: [
          poolResource(P1, { name: 'api', admin_state_up: false }),
          poolResource(P2, { name: 'web', lb_method: 'LEAST_CONNECTIONS' }),
        ],
      });
    });

    it('returns every tenant to the admin (tenant null)', async () => {
      expect(await ids(listQuery('pools', { tenantId: null }))).toEqual([P1, P2, P3]);
    });

    it.each([
      ['one value', { name: ['web'] }, [P2]],
      ['repeated keys as IN', { name: ['web', 'api'] }, [P1, P2]],
      ['two keys as AND', { name: ['web', 'api'], lb_method: ['LEAST_CONNECTIONS'] }, [P2]],
      ['a boolean as True', { admin_state_up: ['True'] }, [P2]],
      ['a boolean as false', { admin_state_up: ['false'] }, [P1]],
      ['an unknown key, ignored', { color: ['blue'] }, [P1, P2]],
      ['a list field, ignored', { members: [M1] }, [P1, P2]],
      ['an empty value list, ignored', { name: [] }, [P1, P2]],
      ['tenant_id of another tenant, still scoped', { tenant_id: [OTHER_TENANT] }, []],
    ])('filters pools by %s', async (_desc, filters, expected) => {
      expect(await ids(listQuery('pools', { filters }))).toEqual(expected);
    });

    it('lets the admin filter by tenant_id', async () => {
      expect(await ids(listQuery('pools', { tenantId: null, filters: { tenant_id: [OTHER_TENANT] } }))).toEqual([P3]);
    });

    it('parses integer filters', async () => {
      expect(await ids(listQuery('members', { filters: { protocol_port: ['8080'], weight: ['7', '8'] } }))).toEqual([M1]);
      expect(await ids(listQuery('members', { filters: { protocol_port: ['80'] } }))).toEqual([]);
    });

    it.each([
      ['a boolean', 'pools', { admin_state_up: ['maybe'] }],
      ['an integer', 'members', { weight: ['heavy'] }],
    ] as const)('rejects a filter value that is not %s with InvalidInput', async (_desc, collection, filters) => {
      expect(await queries.list(listQuery(collection, { filters }))).toEqual({
        error: { status: 400, type: 'InvalidInput', message: expect.stringContaining('Invalid input for operation') },
      });
    });

    it('returns only the fields asked for, and none that do not exist', async () => {
      expect(await queries.list(listQuery('pools', { fields: ['name', 'id', 'bogus'] }))).toEqual({
        items: [
          { id: P1, name: 'api' },
          { id: P2, name: 'web' },
        ],
      });
    });

    it('filters on router:external', async () => {
      expect(await ids(listQuery('networks', { tenantId: null, filters: { 'router:external': ['True'] } }))).toEqual([EXTERNAL_NET]);
    });

    it('shows shared and external networks to every tenant, and the subnets of shared networks only', async () => {
      expect(await ids(listQuery('networks'))).toEqual([OWN_NET, SHARED_NET, EXTERNAL_NET]);
      expect(await ids(listQuery('subnets'))).toEqual(['a1000000-0000-4000-8000-000000000000', 'a2000000-0000-4000-8000-000000000000']);
    });

    it('answers an unknown collection with an error, not an exception', async () => {
      expect(await queries.list(listQuery('volumes' as Collection))).toMatchObject({ error: { status: 400 } });
    });

    it("pages after a marker, and rejects another tenant's id as a marker exactly like a missing one", async () => {
      const page = (marker: string) => ({ page: { limit: 1, marker, pageReverse: false } });
      expect(await ids(listQuery('pools', page(P1)))).toEqual([P2]);
      const missing = await queries.list(listQuery('pools', page('90000000-0000-4000-8000-000000000009')));
      const foreign = await queries.list(listQuery('pools', page(P3)));
      expect(missing).toMatchObject({ error: { status: 400, type: 'HTTPBadRequest' } });
      expect(JSON.stringify(foreign).replace(P3, 'ID')).toEqual(
        JSON.stringify(missing).replace('90000000-0000-4000-8000-000000000009', 'ID'),
      );
      expect(await ids(listQuery('pools', { tenantId: null, ...page(P2) }))).toEqual([P3]);
    });
  });

  describe('get', () => {
    it('returns the row, projected', async () => {
      expect(await queries.get({ collection: 'members', id: M1, tenantId: TENANT, fields: [], minSeq: 0 })).toEqual({
        item: memberResource(M1, P1, { weight: 7, protocol_port: 8080 }),
      });
      expect(await queries.get({ collection: 'members', id: M1, tenantId: null, fields: ['pool_id'], minSeq: 0 })).toEqual({
        item: { pool_id: P1 },
      });
    });

    it("returns null for a missing row and for another tenant's", async () => {
      expect(await queries.get({ collection: 'pools', id: P3, tenantId: TENANT, fields: [], minSeq: 0 })).toEqual({ item: null });
      expect(await queries.get({ collection: 'pools', id: 'nope', tenantId: null, fields: [], minSeq: 0 })).toEqual({ item: null });
      expect(await queries.get({ collection: 'pools', id: P3, tenantId: null, fields: ['id'], minSeq: 0 })).toEqual({ item: { id: P3 } });
    });

    it('shows a shared network to another tenant', async () => {
      expect(await queries.get({ collection: 'networks', id: SHARED_NET, tenantId: TENANT, fields: ['id'], minSeq: 0 })).toEqual({
        item: { id: SHARED_NET },
      });
      expect(await queries.get({ collection: 'networks', id: OTHER_NET, tenantId: TENANT, fields: [], minSeq: 0 })).toEqual({ item: null });
    });
  });

  describe('certificates', () => {
    const C1 = 'c1000000-0000-4000-8000-000000000001';
    const C2 = 'c2000000-0000-4000-8000-000000000002';
    const certificate = (id: string, tenant: string, fields: Partial<CertificateResource> = {}): CertificateResource => ({
      id,
      tenant_id: tenant,
      kind: 'server',
      name: 'site',
      description: '',
      certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      fingerprint: id.replace(/-/g, '').padEnd(64, '0'),
      subject: 'www.example.test',
      hostnames: ['www.example.test', 'example.test'],
      not_before: '2026-01-01T00:00:00.000Z',
      not_after: '2027-01-01T00:00:00.000Z',
      vip_ids: [],
      ...fields,
    });

    beforeEach(() => insert('certificates', certificate(C1, TENANT, { vip_ids: [P1] }), certificate(C2, OTHER_TENANT, { name: 'theirs' })));

    it("lists and shows the tenant's certificates whole, lists included, and another tenant's to no one but the admin", async () => {
      expect(await queries.list(listQuery('certificates'))).toEqual({ items: [certificate(C1, TENANT, { vip_ids: [P1] })] });
      expect(await ids(listQuery('certificates', { tenantId: null }))).toEqual([C1, C2]);
      expect(await queries.get({ collection: 'certificates', id: C2, tenantId: TENANT, fields: [], minSeq: 0 })).toEqual({ item: null });
      expect(await queries.get({ collection: 'certificates', id: C2, tenantId: null, fields: ['name'], minSeq: 0 })).toEqual({
        item: { name: 'theirs' },
      });
    });

    it.each([
      ['name', { name: ['site'] }, [C1]],
      ['fingerprint', { fingerprint: [certificate(C1, TENANT).fingerprint] }, [C1]],
      ['another tenant, still scoped', { name: ['theirs'] }, []],
      ['hostnames, a list, ignored', { hostnames: ['nope'] }, [C1]],
    ])('filters by %s', async (_desc, filters, expected) => {
      expect(await ids(listQuery('certificates', { filters }))).toEqual(expected);
    });

    it('has no column for a private key', () => {
      expect([...RESOURCE_TABLES.certificates.fields.keys()].filter((name) => /key|secret/i.test(name))).toEqual([]);
    });

    it('filters VIPs by tls_certificate_id', async () => {
      const vip = (id: string, tls: string | null): VipResource => ({
        id,
        tenant_id: TENANT,
        name: '',
        description: '',
        subnet_id: P1,
        address: '198.18.1.5',
        port_id: P2,
        protocol_port: 443,
        protocol: 'HTTP',
        pool_id: P1,
        session_persistence: null,
        connection_limit: -1,
        tls_certificate_id: tls,
        admin_state_up: true,
        status: 'ACTIVE',
        status_description: null,
      });
      await insert('vips', vip('d1000000-0000-4000-8000-000000000001', C1), vip('d2000000-0000-4000-8000-000000000002', null));
      expect(await ids(listQuery('vips', { filters: { tls_certificate_id: [C1] } }))).toEqual(['d1000000-0000-4000-8000-000000000001']);
      expect(
        await queries.get({
          collection: 'vips',
          id: 'd2000000-0000-4000-8000-000000000002',
          tenantId: TENANT,
          fields: ['tls_certificate_id'],
          minSeq: 0,
        }),
      ).toEqual({ item: { tls_certificate_id: null } });
    });
  });

  describe('poolStats', () => {
    it('reads zeros until the data plane reports, then its counters', async () => {
      const zeros = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0 };
      expect(await queries.poolStats({ poolId: P1, tenantId: TENANT, minSeq: 0 })).toEqual({ stats: zeros });
      const reported = { bytes_in: 2 ** 40, bytes_out: 12, active_connections: 3, total_connections: 99 };
      await db.getRepository(PoolStats).save({ pool_id: P1, ...reported });
      expect(await queries.poolStats({ poolId: P1, tenantId: TENANT, minSeq: 0 })).toEqual({ stats: reported });
    });

    it("is null for a missing pool and for another tenant's", async () => {
      expect(await queries.poolStats({ poolId: P3, tenantId: TENANT, minSeq: 0 })).toEqual({ stats: null });
      expect(await queries.poolStats({ poolId: 'nope', tenantId: null, minSeq: 0 })).toEqual({ stats: null });
    });
  });

  describe('listenerStats and loadBalancerStats', () => {
    const zeros = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 };
    const sample = (listenerId: string, loadBalancerId: string, n: number) => ({
      listener_id: listenerId,
      loadbalancer_id: loadBalancerId,
      bytes_in: 2 ** 40 * n,
      bytes_out: 10 * n,
      active_connections: n,
      total_connections: 100 * n,
      request_errors: 2 * n,
    });
    const listenerStats = (listenerId: string, tenantId: string | null = TENANT) =>
      queries.listenerStats({ listenerId, tenantId, minSeq: 0 });
    const loadBalancerStats = (loadBalancerId: string, tenantId: string | null = TENANT) =>
      queries.loadBalancerStats({ loadBalancerId, tenantId, minSeq: 0 });

    beforeEach(() => insertOctaviaWorld(db));

    it('reads zeros until the data plane reports', async () => {
      expect(await listenerStats(LISTENER.http)).toEqual({ stats: zeros });
      expect(await loadBalancerStats(LB.web)).toEqual({ stats: zeros });
      expect(await loadBalancerStats(LB.bare)).toEqual({ stats: zeros });
    });

    it("answers a listener's counters and its load balancer's sum over its listeners", async () => {
      await db
        .getRepository(ListenerStats)
        .save([sample(LISTENER.http, LB.web, 1), sample(LISTENER.tcp, LB.web, 2), sample(LISTENER.shop, LB.shop, 4)]);
      expect(await listenerStats(LISTENER.tcp)).toEqual({
        stats: { bytes_in: 2 ** 41, bytes_out: 20, active_connections: 2, total_connections: 200, request_errors: 4 },
      });
      expect(await loadBalancerStats(LB.web)).toEqual({
        stats: { bytes_in: 3 * 2 ** 40, bytes_out: 30, active_connections: 3, total_connections: 300, request_errors: 6 },
      });
      expect(await loadBalancerStats(LB.shop, null)).toMatchObject({ stats: { total_connections: 400 } });
    });

    it('leaves out the last sample of a listener the load balancer no longer has', async () => {
      const gone = 'e0000000-0000-4000-8000-00000000000e';
      await db.getRepository(ListenerStats).save([sample(LISTENER.shop, LB.shop, 1), sample(gone, LB.shop, 5)]);
      expect(await loadBalancerStats(LB.shop)).toMatchObject({ stats: { active_connections: 1 } });
    });

    it("is null for a missing object and for another project's", async () => {
      expect(await listenerStats(LISTENER.http, OTHER_TENANT)).toEqual({ stats: null });
      expect(await loadBalancerStats(LB.web, OTHER_TENANT)).toEqual({ stats: null });
      expect(await listenerStats(LB.web, null)).toEqual({ stats: null });
      expect(await loadBalancerStats(LISTENER.http, null)).toEqual({ stats: null });
    });
  });

  it('names every project that owns anything, v1 or v2, once', async () => {
    expect(await queries.projects()).toEqual({ projects: [TENANT, OTHER_TENANT].sort() });
    await insertOctaviaWorld(db);
    await db.getRepository(RESOURCE_TABLES.loadbalancers.entity).update({ id: LB.theirs }, { project_id: 'c3', tenant_id: 'c3' });
    expect(await queries.projects()).toEqual({ projects: [TENANT, OTHER_TENANT, 'c3'].sort() });
  });

  it('shows a project nothing of a collection without projects', async () => {
    await db.getRepository(RESOURCE_TABLES.nodes.entity).save({ id: 'n1', name: 'node-1', status: 'UP', status_description: null });
    expect(await ids(listQuery('nodes'))).toEqual([]);
    expect(await ids(listQuery('nodes', { tenantId: null }))).toEqual(['n1']);
  });
});
