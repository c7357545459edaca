import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ClientProxyFactory, type ClientProxy, Transport } from '@nestjs/microservices';
import {
  AGGREGATES,
  type AggregateType,
  type Decider,
  type EventOf,
  type Lifecycle,
  listenerWithDefaults,
  loadBalancerDecider,
  loadBalancerWithDefaults,
  memberWithDefaults,
  monitorWithDefaults,
  networkDecider,
  poolDecider,
  poolWithDefaults,
  subnetDecider,
  upcast,
} from '@lbaas/domain';
import { handleCommand, JetStreamEventStore, connectNats } from '@lbaas/event-log';
import {
  createDataSource,
  type ListReply,
  Projector,
  QUERY_PATTERNS,
  REBUILD_PROGRESS_SUBJECT,
  RESOURCE_TABLES,
  type RebuildProgressMessage,
  type RebuildResult,
  type ReadModelDatabase,
  snapshotTables,
  type StatusReply,
  type TableSnapshot,
} from '@lbaas/read-models';
import {
  builtService,
  freePort,
  type NatsServerHandle,
  type ServiceProcess,
  spawnService,
  startNatsServer,
  testPostgres,
  type TestPostgres,
  waitFor,
} from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import pino from 'pino';
import { firstValueFrom, timeout } from 'rxjs';
import { JetStreamEventLog } from './jetstream-event-log';

jest.setTimeout(180_000);

const MAIN = builtService('projections');
const DOMAIN = { aggregates: AGGREGATES, upcast };
const NETWORK = randomUUID();
const SUBNET = randomUUID();

/**
 * Writes like the api does: decide against the aggregate's history, append with the version read.
 * Each pool gets three members; some members are then reweighted or removed, some pools deleted.
 */
const TENANT = 'a0000000-0000-4000-8000-00000000000a';
const STRAY_POOL = {
  id: 'f0000000-0000-4000-8000-00000000000f',
  tenant_id: TENANT,
  vip_id: null,
  name: 'stray',
  description: '',
  subnet_id: SUBNET,
  protocol: 'HTTP',
  lb_method: 'ROUND_ROBIN',
  health_monitors: [],
  health_monitors_status: [],
  members: [],
  admin_state_up: true,
  status: 'ACTIVE',
  status_description: null,
  provider: 'haproxy',
};

class Writer {
  appended = 0;
  constructor(private readonly store: JetStreamEventStore) {}

  async prepareNetwork(): Promise<void> {
    await this.run(networkDecider, NETWORK, {
      type: 'CreateNetwork',
      data: { networkId: NETWORK, tenantId: TENANT, name: 'poolnet', adminStateUp: true, shared: false, external: false },
    });
    await this.run(subnetDecider, SUBNET, {
      type: 'CreateSubnet',
      data: { subnetId: SUBNET, tenantId: TENANT, networkId: NETWORK, cidr: '198.18.2.0/24' },
    });
    await this.run(networkDecider, NETWORK, {
      type: 'AttachSubnet',
      data: { networkId: NETWORK, subnetId: SUBNET, cidr: '198.18.2.0/24' },
    });
  }

  async pool(n: number): Promise<void> {
    const poolId = randomUUID();
    await this.run(poolDecider, poolId, {
      type: 'CreatePool',
      data: {
        poolId,
        tenantId: TENANT,
        name: `pool-${n}`,
        description: '',
        subnetId: SUBNET,
        protocol: 'HTTP',
        lbMethod: 'ROUND_ROBIN',
        adminStateUp: true,
        provider: 'haproxy',
      },
    });
    const members = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, memberId] of members.entries()) {
      await this.run(poolDecider, poolId, {
        type: 'AddMember',
        data: { poolId, memberId, tenantId: TENANT, address: `198.18.2.${10 + i}`, protocolPort: 80, weight: 1, adminStateUp: true },
      });
    }
    if (n % 5 === 0) await this.run(poolDecider, poolId, { type: 'UpdateMember', data: { poolId, memberId: members[0], weight: 9 } });
    if (n % 7 === 0) await this.run(poolDecider, poolId, { type: 'RemoveMember', data: { poolId, memberId: members[1] } });
    if (n % 11 === 0) await this.run(poolDecider, poolId, { type: 'DeletePool', data: { poolId } });
    if (n % 3 === 0) await this.loadBalancer(n);
  }

  /** An Octavia load balancer in one call, then what the data plane and a tenant do to it; every 13th is deleted with its children. */
  private async loadBalancer(n: number): Promise<void> {
    const [id, listenerId, poolId, monitorId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const members = [randomUUID(), randomUUID()];
    const at = new Date(1_796_600_000_000 + n * 1000).toISOString();
    await this.run(loadBalancerDecider, id, {
      type: 'CreateLoadBalancer',
      data: {
        loadBalancer: loadBalancerWithDefaults({
          id,
          projectId: TENANT,
          name: `lb-${n}`,
          vip: { address: `198.18.2.${100 + (n % 100)}`, subnetId: SUBNET, networkId: NETWORK, portId: randomUUID(), qosPolicyId: null },
          tags: [`n${n % 4}`],
        }),
        listeners: [listenerWithDefaults({ id: listenerId, name: 'web', protocol: 'HTTP', protocolPort: 80, defaultPoolId: poolId })],
        pools: [
          {
            pool: poolWithDefaults({ id: poolId, name: 'web', protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
            listenerId,
            members: members.map((memberId, i) => memberWithDefaults({ id: memberId, address: `198.18.3.${10 + i}`, protocolPort: 80 })),
            monitor: monitorWithDefaults({ id: monitorId, type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3 }),
          },
        ],
        at,
      },
    });
    await this.run(loadBalancerDecider, id, { type: 'RecordLoadBalancerApplied', data: { loadBalancerId: id, revision: 6, at } });
    const health = n % 2 === 0 ? 'ERROR' : 'ONLINE';
    await this.run(loadBalancerDecider, id, {
      type: 'RecordLbMemberHealth',
      data: { loadBalancerId: id, poolId, memberId: members[0], health, at },
    });
    await this.run(loadBalancerDecider, id, {
      type: 'UpdateLbMember',
      data: { loadBalancerId: id, poolId, memberId: members[1], changes: { weight: 7 }, at },
    });
    if (n % 13 === 0)
      await this.run(loadBalancerDecider, id, { type: 'DeleteLoadBalancer', data: { loadBalancerId: id, cascade: true, at } });
  }

  private async run<C extends { readonly type: string }, S extends Lifecycle<object>, A extends AggregateType>(
    decider: Decider<C, S, EventOf<A>, A>,
    id: string,
    command: C,
  ): Promise<void> {
    await handleCommand(this.store, decider, id, command, { actor: 'test', tenantId: TENANT, correlationId: 'corr', causationId: null });
    this.appended++;
  }
}

async function readSnapshot(db: ReadModelDatabase): Promise<TableSnapshot> {
  const source = await createDataSource(db, { readOnly: true }).initialize();
  try {
    return await snapshotTables(source);
  } finally {
    await source.destroy();
  }
}

async function rebuildInto(db: ReadModelDatabase, natsUrl: string): Promise<TableSnapshot> {
  const target = await createDataSource(db).initialize();
  const log = await JetStreamEventLog.connect(natsUrl, pino({ level: 'silent' }));
  try {
    await new Projector(target, DOMAIN).rebuild(log.replay());
    return await snapshotTables(target);
  } finally {
    await log.close();
    await target.destroy();
  }
}

describe('the projections service (built), against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: JetStreamEventStore;
  let client: ClientProxy;
  let dir: string;

  const ask = async <T>(pattern: string, payload: unknown, ms = 2000): Promise<T | null> => {
    try {
      return await firstValueFrom(client.send<T>(pattern, payload).pipe(timeout(ms)));
    } catch {
      return null;
    }
  };
  const caughtUp = async () => {
    const status = await ask<StatusReply>(QUERY_PATTERNS.status, {});
    return !!status && status.streamLastSeq > 0 && status.checkpoint === status.streamLastSeq;
  };
  const startProjections = async (env: Record<string, string>): Promise<{ service: ServiceProcess; url: string }> => {
    const port = await freePort();
    const service = spawnService('projections', MAIN, {
      LBAAS_NATS_URL: nats.url,
      LBAAS_PROJECTIONS_PORT: String(port),
      LBAAS_LOG_LEVEL: 'info',
      ...env,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      'projections to answer /healthz',
      async () => {
        if (!service.running()) throw new Error(`projections exited:\n${service.logs().slice(-3000)}`);
        return (await fetch(`${url}/healthz`).catch(() => null))?.ok ?? false;
      },
      30_000,
    );
    return { service, url };
  };

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b apps/projections)`);
    // The test's own query client would log every NATS reconnect in the test output.
    Logger.overrideLogger(false);
    dir = mkdtempSync(join(tmpdir(), 'lbt-projections-'));
    nats = await startNatsServer();
    nc = await connectNats('lbt-writer', nats.url);
    store = await JetStreamEventStore.create(nc);
    await store.ensureStream();
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [nats.url] } });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await nc?.drain();
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('survives SIGKILL in a burst of writes and equals a fresh rebuild row for row, then rebuilds in place to the same rows', async () => {
    const live: ReadModelDatabase = { sqlitePath: join(dir, 'live.sqlite') };
    let { service, url } = await startProjections({ LBAAS_DB_PATH: live.sqlitePath });
    try {
      const writer = new Writer(store);
      await writer.prepareNetwork();
      const POOLS = 300;
      let next = 0;
      const burst = Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < POOLS) await writer.pool(next++);
        }),
      );

      let killedAt: StatusReply | null = null;
      await waitFor(
        'the projection to be well into the burst',
        async () => {
          const status = await ask<StatusReply>(QUERY_PATTERNS.status, {}, 500);
          if (status && status.checkpoint >= 100) killedAt = status;
          return killedAt !== null;
        },
        60_000,
      );
      await service.kill();
      const appendedAtKill = writer.appended;
      ({ service, url } = await startProjections({ LBAAS_DB_PATH: live.sqlitePath }));
      await burst;
      expect(appendedAtKill).toBeLessThan(writer.appended);
      expect(killedAt!.checkpoint).toBeLessThan(writer.appended);

      await waitFor('the restarted projection to catch up', caughtUp, 120_000, 100);
      const last = await store.lastSeq();
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const pools = await ask<ListReply>(QUERY_PATTERNS.list, {
        collection: 'pools',
        tenantId: TENANT,
        filters: {},
        fields: ['id'],
        minSeq: last,
      });
      expect(pools && 'items' in pools ? pools.items.length : pools).toBe(POOLS - Math.ceil(POOLS / 11));
      const reweighted = await ask<ListReply>(QUERY_PATTERNS.list, {
        collection: 'members',
        tenantId: null,
        filters: { weight: ['9'] },
        fields: [],
        minSeq: last,
      });
      expect(reweighted && 'items' in reweighted ? reweighted.items.length : reweighted).toBe(
        Array.from({ length: POOLS }, (_, n) => n).filter((n) => n % 5 === 0 && n % 11 !== 0).length,
      );

      const loadBalancers = await ask<ListReply>(QUERY_PATTERNS.list, {
        collection: 'loadbalancers',
        tenantId: TENANT,
        filters: { provisioning_status: ['PENDING_UPDATE'] },
        fields: ['id'],
        minSeq: last,
      });
      const lbs = Array.from({ length: POOLS }, (_, n) => n).filter((n) => n % 3 === 0 && n % 13 !== 0).length;
      expect(loadBalancers && 'items' in loadBalancers ? loadBalancers.items.length : loadBalancers).toBe(lbs);
      const drained = await ask<ListReply>(QUERY_PATTERNS.list, {
        collection: 'octavia_members',
        tenantId: null,
        filters: { weight: ['7'] },
        fields: ['id'],
        minSeq: last,
      });
      expect(drained && 'items' in drained ? drained.items.length : drained).toBe(lbs);

      const liveRows = await readSnapshot(live);
      expect(liveRows.checkpoints).toEqual([{ projection: 'read-models', position: last }]);
      const rebuilt = await rebuildInto({ sqlitePath: join(dir, 'rebuilt.sqlite') }, nats.url);
      expect(rebuilt).toEqual(liveRows);

      const progress: RebuildProgressMessage[] = [];
      const subscription = nc.subscribe(REBUILD_PROGRESS_SUBJECT, {
        callback: (_error, message) => progress.push(message.json<RebuildProgressMessage>()),
      });
      const reply = await ask<RebuildResult>(QUERY_PATTERNS.rebuild, {}, 120_000);
      await nc.flush();
      subscription.unsubscribe();
      expect(reply).toEqual({ events: expect.any(Number), commits: last, seconds: expect.any(Number) });
      expect(progress.at(-1)).toEqual(expect.objectContaining({ commits: last, position: last, total: last }));
      await waitFor('the projection to be ready after the rebuild', async () => (await fetch(`${url}/readyz`)).status === 200);
      expect(await readSnapshot(live)).toEqual(rebuilt);
    } finally {
      await service.stop();
    }
    expect(service.logs()).toContain('projections stopped');
  });

  it("keeps serving the old file when killed mid-rebuild, sweeps the unfinished one at start, and a later rebuild swaps in the log's rows", async () => {
    const path = join(dir, 'killed.sqlite');
    let { service } = await startProjections({ LBAAS_DB_PATH: path });
    try {
      // Enough history that the kill, at the first progress report (every 5,000 events), lands well before the end.
      const writer = new Writer(store);
      let next = 10_000;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < 12_000) await writer.pool(next++);
        }),
      );
      await waitFor('the projection to catch up', caughtUp, 120_000, 100);
      const last = await store.lastSeq();
      // A row the log does not have: only the serving file shows it, never a rebuilt one.
      const stray = await createDataSource({ sqlitePath: path }).initialize();
      await stray.getRepository(RESOURCE_TABLES.pools.entity).save({ ...RESOURCE_TABLES.pools.toRow(STRAY_POOL) });
      await stray.destroy();
      const strayListed = async (): Promise<boolean | null> => {
        const reply = await ask<ListReply>(QUERY_PATTERNS.list, {
          collection: 'pools',
          tenantId: TENANT,
          filters: { id: [STRAY_POOL.id] },
          fields: ['id'],
          minSeq: last,
        });
        return reply && 'items' in reply ? reply.items.length === 1 : null;
      };
      expect(await strayListed()).toBe(true);

      const firstProgress = new Promise<void>((resolve) => {
        const subscription = nc.subscribe(REBUILD_PROGRESS_SUBJECT, { max: 1, callback: () => resolve() });
        void subscription.closed.then(resolve);
      });
      // Never answered: the service dies first, and the request ends with the client.
      void ask<RebuildResult>(QUERY_PATTERNS.rebuild, {}, 120_000);
      await firstProgress;
      await service.kill();
      expect(existsSync(`${path}.rebuild`)).toBe(true);

      ({ service } = await startProjections({ LBAAS_DB_PATH: path }));
      expect(existsSync(`${path}.rebuild`)).toBe(false);
      await waitFor('the restarted projection to catch up', caughtUp, 60_000, 100);
      expect(await strayListed()).toBe(true);

      const reply = await ask<RebuildResult>(QUERY_PATTERNS.rebuild, {}, 120_000);
      expect(reply).toEqual({ events: expect.any(Number), commits: last, seconds: expect.any(Number) });
      expect(await strayListed()).toBe(false);
      expect(await readSnapshot({ sqlitePath: path })).toEqual(
        await rebuildInto({ sqlitePath: join(dir, 'killed-compare.sqlite') }, nats.url),
      );
    } finally {
      await service.stop();
    }
  });

  it('answers a query with minSeq beyond the stream with ProjectionLagging, and a malformed one with InvalidQuery', async () => {
    const { service } = await startProjections({ LBAAS_DB_PATH: join(dir, 'lagging.sqlite') });
    try {
      await waitFor('the projection to catch up', caughtUp, 60_000, 100);
      const last = await store.lastSeq();
      expect(
        await ask(QUERY_PATTERNS.get, { collection: 'pools', id: 'x', tenantId: null, fields: [], minSeq: last + 1000 }, 10_000),
      ).toEqual({
        error: { status: 503, type: 'ProjectionLagging', message: expect.any(String) },
      });
      expect(await ask(QUERY_PATTERNS.list, { collection: 'pools' })).toEqual({
        error: { status: 400, type: 'InvalidQuery', message: expect.any(String) },
      });
    } finally {
      await service.stop();
    }
  });

  it('carries on consuming after the NATS server restarts', async () => {
    const { service, url } = await startProjections({ LBAAS_DB_PATH: join(dir, 'nats-restart.sqlite') });
    try {
      const writer = new Writer(store);
      await writer.pool(1999);
      await waitFor('the projection to catch up', caughtUp, 60_000, 100);
      await nats.restart();
      await waitFor(
        'the writer to reconnect',
        async () => {
          await writer.pool(2000);
          return true;
        },
        30_000,
        250,
      );
      for (let n = 1; n <= 5; n++) await writer.pool(2000 + n);
      await waitFor('the projection to catch up after the restart', caughtUp, 60_000, 100);
      await waitFor('readiness after the restart', async () => (await fetch(`${url}/readyz`)).status === 200);
    } finally {
      await service.stop();
    }
  });

  describe('on PostgreSQL (LBAAS_DB_URL)', () => {
    let postgres: TestPostgres;
    beforeAll(async () => {
      postgres = await testPostgres();
      if ('skipped' in postgres) console.warn(`SKIPPED the projections-on-PostgreSQL test: ${postgres.skipped}`);
    }, 90_000);
    afterAll(async () => {
      if (postgres && 'stop' in postgres) await postgres.stop();
    });

    it('projects into PostgreSQL exactly the rows a SQLite rebuild has', async () => {
      if (!('url' in postgres)) return;
      const { service } = await startProjections({ LBAAS_DB_URL: postgres.url });
      try {
        const writer = new Writer(store);
        for (let n = 0; n < 20; n++) await writer.pool(1000 + n);
        await waitFor('the projection on PostgreSQL to catch up', caughtUp, 60_000, 100);
        const onPostgres = await readSnapshot({ url: postgres.url });
        expect(onPostgres.pools.length).toBeGreaterThan(0);
        expect(onPostgres).toEqual(await rebuildInto({ sqlitePath: join(dir, 'pg-compare.sqlite') }, nats.url));
      } finally {
        await service.stop();
      }
    });
  });
});
