import type { CertificateResource } from '@lbaas/domain';
import type { DataSource } from 'typeorm';
import { CommitLog, FAKE_DOMAIN, memberResource, networkResource, OTHER_TENANT, poolResource, replay, TENANT } from '../test/fake-domain';
import { testPostgres, type TestPostgres } from '@lbaas/testing';
import { createDataSource, databaseFromEnv } from './data-source';
import { Projector } from './projector';
import { QueryService } from './query-service';
import { snapshotTables } from './snapshot';
import { insertOctaviaWorld, LB, LISTENER } from '../test/octavia-fixtures';
import { answerOf, isIdList, OCTAVIA_LIST_CASES, OCTAVIA_PAGED_SORTS, walk } from '../test/octavia-list-cases';
import { ListenerStats, PoolStats } from './tables/bookkeeping-tables';
import { RESOURCE_TABLES } from './tables/resource-tables';

jest.setTimeout(60_000);

const pool = (n: number) => `${n}0000000-0000-4000-8000-000000000000`;
const member = (p: number, m: number) => `${p}${m}000000-0000-4000-8000-000000000000`;

/** A history touching every kind of column: creates, renames, members in and out, a delete, networks. */
function history(): CommitLog {
  const log = new CommitLog();
  for (let p = 1; p <= 4; p++) log.append('pool', pool(p), ['PoolCreated', 1, poolResource(pool(p), { admin_state_up: p % 2 === 0 })]);
  for (let p = 1; p <= 4; p++) {
    for (let m = 1; m <= 3; m++)
      log.append('pool', pool(p), ['MemberAdded', 1, memberResource(member(p, m), pool(p), { weight: m * 10, protocol_port: 8000 + m })]);
  }
  log.append('pool', pool(2), ['PoolRenamed', 1, { title: 'renamed' }]);
  log.append('pool', pool(3), ['MemberRemoved', 1, { memberId: member(3, 2) }]);
  log.append('pool', pool(4), ['PoolDeleted', 1, {}]);
  log.append('network', '90000000-0000-4000-8000-000000000000', [
    'NetworkCreated',
    1,
    networkResource('90000000-0000-4000-8000-000000000000', { 'router:external': true, tenant_id: OTHER_TENANT }),
  ]);
  log.append('network', '91000000-0000-4000-8000-000000000000', [
    'NetworkCreated',
    1,
    networkResource('91000000-0000-4000-8000-000000000000', { tenant_id: OTHER_TENANT }),
  ]);
  return log;
}

describe('the read models on PostgreSQL', () => {
  let server: TestPostgres;
  let pg: DataSource | null = null;

  beforeAll(async () => {
    server = await testPostgres();
    if ('skipped' in server) {
      console.warn(`SKIPPED the PostgreSQL read-model tests: ${server.skipped}`);
      return;
    }
    pg = await createDataSource({ url: server.url }).initialize();
  }, 90_000);

  afterAll(async () => {
    await pg?.destroy();
    if ('stop' in server) await server.stop();
  });

  it('takes its URL from LBAAS_DB_URL over LBAAS_DB_PATH', () => {
    expect(databaseFromEnv({ LBAAS_DB_URL: 'postgres://u@127.0.0.1:5432/lbaas', LBAAS_DB_PATH: '/tmp/x.sqlite' })).toEqual({
      url: 'postgres://u@127.0.0.1:5432/lbaas',
    });
    expect(databaseFromEnv({ LBAAS_DB_PATH: '/tmp/x.sqlite' })).toEqual({ sqlitePath: '/tmp/x.sqlite' });
  });

  it('projects commit by commit into exactly the rows a SQLite rebuild has', async () => {
    if (!pg) return;
    const log = history();
    const projector = new Projector(pg, FAKE_DOMAIN);
    await projector.rebuild(replay([]));
    for (const commit of log.commits) await projector.applyCommits([commit, commit]);
    const sqlite = await createDataSource({ sqlitePath: ':memory:' }).initialize();
    try {
      await new Projector(sqlite, FAKE_DOMAIN).rebuild(replay(log.commits), { batchEvents: 4 });
      const [onPostgres, onSqlite] = [await snapshotTables(pg), await snapshotTables(sqlite)];
      expect(onPostgres.members).toHaveLength(8);
      expect(onPostgres).toEqual(onSqlite);
    } finally {
      await sqlite.destroy();
    }
  });

  it('rebuilds in place to the same rows', async () => {
    if (!pg) return;
    const before = await snapshotTables(pg);
    await new Projector(pg, FAKE_DOMAIN).rebuild(replay(history().commits), { batchEvents: 5 });
    expect(await snapshotTables(pg)).toEqual(before);
  });

  it('answers queries with the same scoping, filters and projection as on SQLite', async () => {
    if (!pg) return;
    const queries = new QueryService(pg);
    const list = (
      collection: 'pools' | 'members' | 'networks',
      filters: Record<string, string[]>,
      tenantId: string | null = TENANT,
      fields: string[] = ['id'],
    ) => queries.list({ collection, tenantId, filters, fields, minSeq: 0 });

    expect(await list('pools', {})).toEqual({ items: [{ id: pool(1) }, { id: pool(2) }, { id: pool(3) }] });
    expect(await list('pools', { admin_state_up: ['True'] }, TENANT, ['id', 'name'])).toEqual({
      items: [{ id: pool(2), name: 'renamed' }],
    });
    expect(await list('members', { weight: ['10', '30'], pool_id: [pool(3)] })).toEqual({
      items: [{ id: member(3, 1) }, { id: member(3, 3) }],
    });
    expect(await list('members', { weight: ['x'] })).toMatchObject({ error: { status: 400, type: 'InvalidInput' } });
    expect(await list('networks', {})).toEqual({ items: [{ id: '90000000-0000-4000-8000-000000000000' }] });
    expect(await list('networks', { 'router:external': ['false'] }, null)).toEqual({
      items: [{ id: '91000000-0000-4000-8000-000000000000' }],
    });
    expect(await list('pools', {}, OTHER_TENANT)).toEqual({ items: [] });

    await pg
      .getRepository(PoolStats)
      .save({ pool_id: pool(1), bytes_in: 2 ** 40, bytes_out: 1, active_connections: 2, total_connections: 3 });
    expect(await queries.poolStats({ poolId: pool(1), tenantId: TENANT, minSeq: 0 })).toEqual({
      stats: { bytes_in: 2 ** 40, bytes_out: 1, active_connections: 2, total_connections: 3 },
    });
    expect(await queries.poolStats({ poolId: pool(1), tenantId: OTHER_TENANT, minSeq: 0 })).toEqual({ stats: null });
  });

  it('stores a certificate with a long chain, its lists and a VIP naming it, and reads them back as on SQLite', async () => {
    if (!pg) return;
    const id = 'c0000000-0000-4000-8000-000000000000';
    const block = `-----BEGIN CERTIFICATE-----\n${'MIIB'.repeat(16).concat('\n').repeat(40)}-----END CERTIFICATE-----\n`;
    const certificate: CertificateResource = {
      id,
      tenant_id: TENANT,
      kind: 'server',
      name: 'site',
      description: 'a chain of ten',
      certificate: block.repeat(10),
      fingerprint: 'ab'.repeat(32),
      subject: 'www.example.test',
      hostnames: ['www.example.test', '*.example.test'],
      not_before: '2026-01-01T00:00:00.000Z',
      not_after: '2027-01-01T00:00:00.000Z',
      vip_ids: [pool(9)],
    };
    const table = RESOURCE_TABLES.certificates;
    await pg.getRepository(table.entity).save(table.toRow(certificate));
    const queries = new QueryService(pg);
    expect(await queries.get({ collection: 'certificates', id, tenantId: TENANT, fields: [], minSeq: 0 })).toEqual({ item: certificate });
    expect(
      await queries.list({
        collection: 'certificates',
        tenantId: TENANT,
        filters: { fingerprint: ['ab'.repeat(32)] },
        fields: ['id'],
        minSeq: 0,
      }),
    ).toEqual({ items: [{ id }] });
    expect(await queries.get({ collection: 'certificates', id, tenantId: OTHER_TENANT, fields: [], minSeq: 0 })).toEqual({ item: null });
    const vips = RESOURCE_TABLES.vips;
    await pg.getRepository(vips.entity).save(
      vips.toRow({
        id: pool(9),
        tenant_id: TENANT,
        name: '',
        description: '',
        subnet_id: pool(8),
        address: '198.18.1.5',
        port_id: pool(7),
        protocol_port: 443,
        protocol: 'HTTP',
        pool_id: pool(1),
        session_persistence: null,
        connection_limit: -1,
        tls_certificate_id: id,
        admin_state_up: true,
        status: 'ACTIVE',
        status_description: null,
      }),
    );
    expect(
      await queries.list({
        collection: 'vips',
        tenantId: TENANT,
        filters: { tls_certificate_id: [id] },
        fields: ['id', 'tls_certificate_id'],
        minSeq: 0,
      }),
    ).toEqual({ items: [{ id: pool(9), tls_certificate_id: id }] });
  });

  describe('v2 lists and stats, as on SQLite', () => {
    let queries: QueryService;
    beforeAll(async () => {
      if (!pg) return;
      queries = new QueryService(pg);
      await insertOctaviaWorld(pg);
    });

    it('answers every v2 list case as SQLite does', async () => {
      if (!pg) return;
      const sqlite = await createDataSource({ sqlitePath: ':memory:' }).initialize();
      try {
        await insertOctaviaWorld(sqlite);
        const onSqlite = new QueryService(sqlite);
        for (const { desc, query, expected } of OCTAVIA_LIST_CASES) {
          const answer = await answerOf(queries, query);
          expect({ desc, answer }).toEqual({ desc, answer: await answerOf(onSqlite, query) });
          if (isIdList(expected)) expect({ desc, answer }).toEqual({ desc, answer: expected });
          else expect({ desc, answer }).toMatchObject({ desc, answer: { status: expected.status, type: expected.type } });
        }
      } finally {
        await sqlite.destroy();
      }
    });

    it('pages nullable sort keys both ways into the unpaged order', async () => {
      if (!pg) return;
      for (const query of OCTAVIA_PAGED_SORTS) {
        const unpaged = await answerOf(queries, query);
        expect(await walk(queries, query, false)).toEqual(unpaged);
        expect(await walk(queries, query, true)).toEqual(unpaged);
      }
    });

    it('names every project that owns anything once', async () => {
      if (!pg) return;
      expect(await queries.projects()).toEqual({ projects: [TENANT, OTHER_TENANT].sort() });
    });

    it("sums a load balancer's listeners' counters beyond 2^32", async () => {
      if (!pg) return;
      const counters = { bytes_in: 2 ** 40, bytes_out: 1, active_connections: 2, total_connections: 3, request_errors: 4 };
      await pg.getRepository(ListenerStats).save([
        { listener_id: LISTENER.http, loadbalancer_id: LB.web, ...counters },
        { listener_id: LISTENER.tcp, loadbalancer_id: LB.web, ...counters },
      ]);
      expect(await queries.listenerStats({ listenerId: LISTENER.tcp, tenantId: TENANT, minSeq: 0 })).toEqual({ stats: counters });
      expect(await queries.loadBalancerStats({ loadBalancerId: LB.web, tenantId: TENANT, minSeq: 0 })).toEqual({
        stats: { bytes_in: 2 ** 41, bytes_out: 2, active_connections: 4, total_connections: 6, request_errors: 8 },
      });
      expect(await queries.loadBalancerStats({ loadBalancerId: LB.web, tenantId: OTHER_TENANT, minSeq: 0 })).toEqual({ stats: null });
    });
  });
});
