import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ListenerStatsSample, listenerStatsSubject, type PoolStatsSample, poolStatsSubject } from '@lbaas/coordination';
import type { ListenerResource, LoadBalancerResource } from '@lbaas/domain';
import { connectNats } from '@lbaas/event-log';
import { openReadModels, QueryService, type ReadModelConnections, RESOURCE_TABLES } from '@lbaas/read-models';
import { type NatsServerHandle, startNatsServer, waitFor } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import pino from 'pino';
import { configFromEnv } from './config';
import { StatsIngest } from './stats-ingest';

jest.setTimeout(60_000);

const TENANT = 'a0000000-0000-4000-8000-00000000000a';
const OTHER = 'b0000000-0000-4000-8000-00000000000b';
const LB = '11000000-0000-4000-8000-000000000000';
const HTTP = '21000000-0000-4000-8000-000000000000';
const TCP = '22000000-0000-4000-8000-000000000000';
const POOL = '31000000-0000-4000-8000-000000000000';

/** The rows the loadbalancer aggregate's views give for one load balancer with two listeners. */
async function insertLoadBalancer(connections: ReadModelConnections): Promise<void> {
  const owned = {
    project_id: TENANT,
    tenant_id: TENANT,
    name: '',
    description: '',
    provisioning_status: 'ACTIVE' as const,
    operating_status: 'ONLINE' as const,
    admin_state_up: true,
    tags: [],
    created_at: '2026-01-01T00:00:00',
    updated_at: null,
  };
  const loadBalancer: LoadBalancerResource = {
    id: LB,
    ...owned,
    vip_address: '198.18.4.10',
    vip_port_id: POOL,
    vip_subnet_id: POOL,
    vip_network_id: POOL,
    vip_qos_policy_id: null,
    listeners: [{ id: HTTP }, { id: TCP }],
    pools: [],
    provider: 'lbaas',
    flavor_id: null,
    availability_zone: null,
  };
  const listener = (id: string, protocolPort: number): ListenerResource => ({
    id,
    ...owned,
    protocol: 'HTTP',
    protocol_port: protocolPort,
    connection_limit: -1,
    default_tls_container_ref: null,
    sni_container_refs: [],
    default_pool_id: null,
    l7policies: [],
    insert_headers: {},
    loadbalancers: [{ id: LB }],
    timeout_client_data: 50000,
    timeout_member_connect: 5000,
    timeout_member_data: 50000,
    timeout_tcp_inspect: 0,
    client_ca_tls_container_ref: null,
    client_authentication: 'NONE',
    client_crl_container_ref: null,
    tls_ciphers: null,
    tls_versions: null,
    alpn_protocols: null,
    allowed_cidrs: null,
  });
  const { loadbalancers, listeners } = RESOURCE_TABLES;
  await connections.writer.getRepository(loadbalancers.entity).save(loadbalancers.toRow(loadBalancer));
  await connections.writer
    .getRepository(listeners.entity)
    .save([listeners.toRow(listener(HTTP, 80)), listeners.toRow(listener(TCP, 8080))]);
}

describe('StatsIngest with a real nats-server and a SQLite file', () => {
  let nats: NatsServerHandle;
  let dir: string;
  let connections: ReadModelConnections;
  let ingest: StatsIngest;
  let publisher: NatsConnection;
  let queries: QueryService;

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = mkdtempSync(join(tmpdir(), 'lbt-stats-'));
    const config = { ...configFromEnv({}), natsUrl: nats.url, database: { sqlitePath: join(dir, 'read-models.sqlite') } };
    connections = await openReadModels(config.database);
    await insertLoadBalancer(connections);
    ingest = new StatsIngest(config, connections, pino({ level: 'silent' }));
    await ingest.onApplicationBootstrap();
    publisher = await connectNats('stats-test', nats.url);
    // The reader is the separate read-only connection, as the query side uses it.
    queries = new QueryService(connections.reader);
  });

  afterAll(async () => {
    await publisher?.drain();
    await ingest?.onApplicationShutdown();
    await connections?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const listenerSample = (listenerId: string, n: number): ListenerStatsSample => ({
    listenerId,
    loadBalancerId: LB,
    bytesIn: 2 ** 40 + n,
    bytesOut: 2 * n,
    activeConnections: n,
    totalConnections: 10 * n,
    requestErrors: n % 3,
  });
  const listenerStats = (listenerId: string, tenantId: string | null = TENANT) =>
    queries.listenerStats({ listenerId, tenantId, minSeq: 0 });
  const loadBalancerStats = (tenantId: string | null = TENANT) => queries.loadBalancerStats({ loadBalancerId: LB, tenantId, minSeq: 0 });

  it('answers zeros for a load balancer and its listeners before any sample', async () => {
    const zeros = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 };
    expect(await listenerStats(HTTP)).toEqual({ stats: zeros });
    expect(await loadBalancerStats()).toEqual({ stats: zeros });
  });

  it("keeps each listener's newest sample and answers the load balancer's sum", async () => {
    for (let n = 1; n <= 5; n++) publisher.publish(listenerStatsSubject(HTTP), JSON.stringify(listenerSample(HTTP, n)));
    publisher.publish(listenerStatsSubject(TCP), JSON.stringify(listenerSample(TCP, 7)));
    // Not samples: dropped without stopping the ingest.
    publisher.publish(listenerStatsSubject(TCP), '{"listenerId": "broken"');
    publisher.publish(listenerStatsSubject(TCP), JSON.stringify({ ...listenerSample(TCP, 9), bytesIn: -1 }));
    await publisher.flush();
    const expected = {
      bytes_in: 2 ** 41 + 12,
      bytes_out: 24,
      active_connections: 12,
      total_connections: 120,
      request_errors: 2 + 1,
    };
    await waitFor('both listeners sampled', async () => JSON.stringify(await loadBalancerStats()) === JSON.stringify({ stats: expected }));
    expect(await listenerStats(HTTP)).toEqual({
      stats: { bytes_in: 2 ** 40 + 5, bytes_out: 10, active_connections: 5, total_connections: 50, request_errors: 2 },
    });
    expect(await loadBalancerStats(null)).toEqual({ stats: expected });
  });

  it('answers null to another project and keeps pool samples beside listener samples', async () => {
    expect(await listenerStats(HTTP, OTHER)).toEqual({ stats: null });
    expect(await loadBalancerStats(OTHER)).toEqual({ stats: null });
    const pool: PoolStatsSample = { poolId: POOL, bytesIn: 1, bytesOut: 2, activeConnections: 3, totalConnections: 4 };
    publisher.publish(poolStatsSubject(POOL), JSON.stringify(pool));
    await publisher.flush();
    const stored = () => connections.reader.query('SELECT total_connections FROM pool_stats WHERE pool_id = ?', [POOL]);
    await waitFor('the pool sample stored', async () => (await stored()).length === 1);
    expect(await stored()).toEqual([{ total_connections: 4 }]);
  });
});
