import {
  builtService,
  freePort,
  type NatsClusterHandle,
  type ServiceProcess,
  spawnService,
  type Stack,
  startStack,
  waitFor,
} from '@lbaas/testing';
import { connect, type NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { NeutronApi, type NeutronErrorBody } from '../acceptance/neutron-api';

const STREAM = 'LBAAS_EVENTS';
const WRITERS = 4;
/** Logical creates the load may start in all: the bound on its requests, far above what the phases need. */
const MAX_CREATES = 1500;
/** Tries of one logical create (same Idempotency-Key) before the writer gives it up as never acknowledged. */
const TRIES_PER_CREATE = 40;
/** Acknowledged creates each phase waits for: writes go on with a node down, and after it returns. */
const WRITES_PER_PHASE = 25;
/** Bounds for a loaded CI machine, not expectations: elections on loopback take a second or two. */
const PHASE_WITHIN_MS = 45_000;
const RECOVERY_WITHIN_MS = 60_000;

interface Attempt {
  readonly kind: 'network' | 'pool';
  readonly status: number | 'no answer';
  readonly text: string;
}
interface Acknowledged {
  readonly kind: 'network' | 'pool';
  readonly id: string;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The event log as a three-node JetStream cluster with R3 streams, driven over HTTP while nodes
 * are SIGKILLed and started again: whatever the api acknowledged is in the log exactly once and
 * in the read models, it answers only 2xx or 503 meanwhile, and every service finds its way back.
 */
describe('a clustered event log (three nats-servers, R3)', () => {
  let stack: Stack<NatsClusterHandle>;
  let demo: NeutronApi;
  let nc: NatsConnection;
  let scheduler: ServiceProcess;
  let schedulerHealth: string;
  let subnetId: string;
  const attempts: Attempt[] = [];
  const acknowledged: Acknowledged[] = [];

  /** One logical create: retried with the same Idempotency-Key on 503, as a careful client does. */
  const create = async (kind: Acknowledged['kind'], n: number): Promise<void> => {
    const key = randomUUID();
    const [path, body] =
      kind === 'network'
        ? ['/v2.0/networks', { network: { name: `cluster-net-${n}` } }]
        : ['/v2.0/lb/pools', { pool: { name: `cluster-pool-${n}`, protocol: 'HTTP', lb_method: 'ROUND_ROBIN', subnet_id: subnetId } }];
    for (let attempt = 0; attempt < TRIES_PER_CREATE; attempt++) {
      let reply: { status: number; text: string; body: Record<string, { id?: unknown } | undefined> };
      try {
        reply = await demo.post<Record<string, { id?: unknown } | undefined>>(path, body, { 'Idempotency-Key': key });
      } catch (error) {
        attempts.push({ kind, status: 'no answer', text: String(error) });
        return;
      }
      attempts.push({ kind, status: reply.status, text: reply.text });
      const id = reply.body?.[kind]?.id;
      if (reply.status === 201 && typeof id === 'string') {
        acknowledged.push({ kind, id });
        return;
      }
      if (reply.status !== 503) return;
      await pause(200);
    }
  };

  const streamLeader = async (): Promise<number> => {
    const { cluster } = await (await nc.jetstreamManager()).streams.info(STREAM);
    return stack.nats.nodes.findIndex((_, i) => cluster?.leader === `lbt-nats-${i + 1}`);
  };
  const replicasCurrent = async (): Promise<boolean> => {
    const { cluster } = await (await nc.jetstreamManager()).streams.info(STREAM);
    return !!cluster?.leader && cluster.replicas?.length === 2 && cluster.replicas.every((r) => r.current && !r.offline);
  };
  const ready = async (url: string): Promise<boolean> => (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200;

  beforeAll(async () => {
    stack = await startStack({ cluster: 3 });
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    nc = await connect({
      servers: stack.nats.url.split(','),
      name: 'lbt-cluster-observer',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    const healthPort = await freePort();
    schedulerHealth = `http://127.0.0.1:${healthPort}/readyz`;
    scheduler = spawnService('scheduler', builtService('scheduler'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_STREAM_REPLICAS: '3',
      LBAAS_HEALTH_PORT: String(healthPort),
      LBAAS_HEALTH_HOST: '127.0.0.1',
    });
    await waitFor('the scheduler to be ready', () => ready(schedulerHealth), RECOVERY_WITHIN_MS);
    const network = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'cluster-base' });
    subnetId = (await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', { network_id: network.id, cidr: '198.18.0.0/16' })).id;
  });

  afterAll(async () => {
    await nc?.close();
    await scheduler?.stop();
    await stack?.stop();
  });

  it('creates the event stream, the KV buckets and the object store with three replicas', async () => {
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(STREAM)).config.num_replicas).toBe(3);
    // The scheduler's lease and the node heartbeats are its KV buckets.
    expect((await jsm.streams.info('KV_lbaas_lease_scheduler')).config.num_replicas).toBe(3);
    expect((await jsm.streams.info('KV_lbaas_nodes')).config.num_replicas).toBe(3);
  });

  it('keeps every acknowledged create while one node at a time is killed and started again', async () => {
    let next = 0;
    let loadOn = true;
    // The writers write while a phase wants writes and idle while the test waits for replicas to
    // catch up, so a slow machine does not spend the whole create budget on a wait.
    let wanted = 0;
    const writer = async (): Promise<void> => {
      while (loadOn && next < MAX_CREATES) {
        if (acknowledged.length >= wanted) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const n = next++;
        await create(n % 2 === 0 ? 'network' : 'pool', n);
      }
    };
    const load = Promise.all(Array.from({ length: WRITERS }, writer));
    const writesGoOn = async (what: string): Promise<void> => {
      const from = acknowledged.length;
      wanted = from + WRITES_PER_PHASE;
      await waitFor(
        `${WRITES_PER_PHASE} acknowledged creates ${what}`,
        () => acknowledged.length >= from + WRITES_PER_PHASE || next >= MAX_CREATES,
        PHASE_WITHIN_MS,
      );
    };
    try {
      await writesGoOn('with three nodes');
      // The stream leader first: the worst node to lose, since every append goes through it.
      const first = await streamLeader();
      expect(first).toBeGreaterThanOrEqual(0);
      await stack.nats.nodes[first].kill();
      await writesGoOn(`with lbt-nats-${first + 1} killed`);
      await stack.nats.nodes[first].start();
      await waitFor('every replica to catch up', replicasCurrent, RECOVERY_WITHIN_MS, 200);
      await writesGoOn(`after lbt-nats-${first + 1} came back`);
      const leader = await streamLeader();
      const second = leader >= 0 && leader !== first ? leader : (first + 1) % 3;
      await stack.nats.nodes[second].kill();
      await writesGoOn(`with lbt-nats-${second + 1} killed`);
      await stack.nats.nodes[second].start();
      await waitFor('every replica to catch up', replicasCurrent, RECOVERY_WITHIN_MS, 200);
      await writesGoOn(`after lbt-nats-${second + 1} came back`);
    } finally {
      loadOn = false;
      await load;
    }
    expect(next).toBeLessThan(MAX_CREATES);

    const unexpected = attempts.filter((a) => a.status !== 201 && a.status !== 503);
    expect(unexpected).toEqual([]);
    for (const a of attempts.filter((x) => x.status === 503)) {
      expect((JSON.parse(a.text) as NeutronErrorBody).NeutronError.type).toBe('ServiceUnavailable');
    }

    // Every acknowledged object is in the read models (the api's reads wait for its own writes)...
    const listed = async (path: string, collection: string): Promise<Set<string>> => {
      let ids = new Set<string>();
      await waitFor(
        `a list of ${collection}`,
        async () => {
          const reply = await demo.get<Record<string, { id: string }[]>>(`${path}?fields=id`);
          if (reply.status === 200) ids = new Set(reply.body[collection].map((r) => r.id));
          return reply.status === 200;
        },
        RECOVERY_WITHIN_MS,
        200,
      );
      return ids;
    };
    const networks = await listed('/v2.0/networks', 'networks');
    const pools = await listed('/v2.0/lb/pools', 'pools');
    const missing = acknowledged.filter((a) => !(a.kind === 'network' ? networks : pools).has(a.id));
    expect(missing).toEqual([]);
    const sample = acknowledged[acknowledged.length - 1];
    expect((await demo.get(sample.kind === 'network' ? `/v2.0/networks/${sample.id}` : `/v2.0/lb/pools/${sample.id}`)).status).toBe(200);

    // ...and in the log exactly once, retries and elections notwithstanding.
    const created = await creationsInStream();
    const counts = acknowledged.map((a) => ({ ...a, creations: created.get(a.id) ?? 0 }));
    expect(counts.filter((c) => c.creations !== 1)).toEqual([]);

    // Nobody restarted the services: they found the cluster again by themselves.
    await waitFor('the api to be ready', () => ready(`${stack.apiUrl}/readyz`), RECOVERY_WITHIN_MS, 200);
    await waitFor('the projections to be ready', () => ready(`${stack.projectionsUrl}/readyz`), RECOVERY_WITHIN_MS, 200);
    await waitFor('the scheduler to be ready', () => ready(schedulerHealth), RECOVERY_WITHIN_MS, 200);
    expect([stack.services.api.running(), stack.services.projections.running(), scheduler.running()]).toEqual([true, true, true]);
  });

  it('answers 503 saying the event log has no quorum while two of three nodes are down, and recovers when one returns', async () => {
    const statuses: number[] = [];
    const post = async (): Promise<{ status: number; body: NeutronErrorBody }> => {
      const reply = await demo.post<NeutronErrorBody>(
        '/v2.0/networks',
        { network: { name: 'cluster-no-quorum' } },
        { 'Idempotency-Key': randomUUID() },
      );
      statuses.push(reply.status);
      return reply;
    };
    const [a, b] = [0, 1];
    await Promise.all([stack.nats.nodes[a].kill(), stack.nats.nodes[b].kill()]);
    let refused: NeutronErrorBody | undefined;
    await waitFor(
      'a write to be refused',
      async () => {
        const reply = await post();
        if (reply.status === 503) refused = reply.body;
        return reply.status === 503;
      },
      RECOVERY_WITHIN_MS,
      200,
    );
    expect(refused?.NeutronError.type).toBe('ServiceUnavailable');
    expect(refused?.NeutronError.message).toMatch(/event log is unavailable.*no quorum.*retry later/i);

    await stack.nats.nodes[a].start();
    await waitFor('a write to be accepted again', async () => (await post()).status === 201, RECOVERY_WITHIN_MS, 200);
    await stack.nats.nodes[b].start();
    await waitFor('every replica to catch up', replicasCurrent, RECOVERY_WITHIN_MS, 200);
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    await waitFor('the api to be ready', () => ready(`${stack.apiUrl}/readyz`), RECOVERY_WITHIN_MS, 200);
  });

  /** How many creation events the log holds per network and pool id. */
  async function creationsInStream(): Promise<Map<string, number>> {
    const jsm = await nc.jetstreamManager();
    const { first_seq, last_seq } = (await jsm.streams.info(STREAM)).state;
    const counts = new Map<string, number>();
    for (let seq = first_seq; seq <= last_seq; seq++) {
      const commit = (await jsm.streams.getMessage(STREAM, { seq })).json<{
        events: { type: string; data: { networkId?: string; poolId?: string } }[];
      }>();
      for (const event of commit.events) {
        const id = event.type === 'NetworkCreated' ? event.data.networkId : event.type === 'PoolCreated' ? event.data.poolId : undefined;
        if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    return counts;
  }
});
