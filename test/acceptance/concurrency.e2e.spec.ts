import { type Stack, startStack } from '@lbaas/testing';
import { connect, DeliverPolicy, type NatsConnection } from 'nats';
import { NeutronApi, type NeutronErrorBody, type Pool, type Reply, type Vip } from './neutron-api';

/** A pool event as the log holds it; only what the pool's settings fold needs. */
interface StoredPoolEvent {
  readonly type: string;
  readonly correlationId: string;
  readonly data: { name?: string; description?: string; lbMethod?: string; adminStateUp?: boolean };
}
interface PoolSettings {
  name: string;
  description: string;
  lb_method: string;
  admin_state_up: boolean;
}

const CLIENTS = 50;
const LB_METHODS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'] as const;

const settingsOf = (pool: Pool): PoolSettings => ({
  name: pool.name,
  description: pool.description,
  lb_method: pool.lb_method,
  admin_state_up: pool.admin_state_up,
});

/** PoolCreated and PoolUpdated carry every setting, so the fold of the settings is the last one's values. */
const foldSettings = (state: PoolSettings | null, event: StoredPoolEvent): PoolSettings | null => {
  if (event.type !== 'PoolCreated' && event.type !== 'PoolUpdated') return state;
  const d = event.data;
  return { name: d.name ?? '', description: d.description ?? '', lb_method: d.lbMethod ?? '', admin_state_up: d.adminStateUp ?? true };
};

/**
 * Many clients writing one object at once. Neutron has no If-Match, so an update is decided
 * against the pool as it is when it is appended: a conflicting append is decided again on fresh
 * state, and only a request that loses every attempt is answered 409. Nothing is lost silently:
 * each 200 is one event in the log, and the pool is the fold of those events.
 */
describe('concurrent writers', () => {
  let stack: Stack;
  let nc: NatsConnection;
  let demo: NeutronApi;
  let subnetId: string;

  /** Every event of one pool's stream, in order, read straight from the log. */
  async function poolEvents(poolId: string): Promise<StoredPoolEvent[]> {
    const subject = `lbaas.events.pool.${poolId}`;
    const last = (await (await nc.jetstreamManager()).streams.getMessage('LBAAS_EVENTS', { last_by_subj: subject })).seq;
    const consumer = await nc
      .jetstream()
      .consumers.get('LBAAS_EVENTS', { filterSubjects: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1 });
    const events: StoredPoolEvent[] = [];
    for await (const message of await consumer.consume()) {
      events.push(...message.json<{ events: StoredPoolEvent[] }>().events);
      if (message.seq >= last) break;
    }
    return events;
  }

  beforeAll(async () => {
    stack = await startStack();
    nc = await connect({ servers: stack.nats.url });
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'concurrency' });
    subnetId = (await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', { network_id: net.id, cidr: '198.18.30.0/24', ip_version: 4 }))
      .id;
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await stack?.stop();
  }, 60_000);

  it(`applies or answers 409 each of ${CLIENTS} simultaneous updates of one pool, and the pool is the fold of the accepted ones`, async () => {
    const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'contended',
      subnet_id: subnetId,
      protocol: 'HTTP',
      lb_method: 'ROUND_ROBIN',
    });
    const asked = Array.from({ length: CLIENTS }, (_, i): PoolSettings => ({
      name: `client-${i}`,
      description: `written by client ${i}`,
      lb_method: LB_METHODS[i % LB_METHODS.length],
      admin_state_up: i % 2 === 0,
    }));
    const replies = await Promise.all(
      asked.map((settings) => demo.put<{ pool: Pool } | NeutronErrorBody>(`/v2.0/lb/pools/${pool.id}`, { pool: settings })),
    );

    const requestId = (reply: Reply<unknown>): string => reply.headers.get('x-openstack-request-id') ?? '';
    const accepted = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status === 409);
    expect(accepted.length + refused.length).toBe(CLIENTS);
    expect(accepted.length).toBeGreaterThan(0);
    for (const reply of refused) {
      expect(reply.body).toEqual({ NeutronError: { type: 'Conflict', message: expect.stringContaining('retry it'), detail: '' } });
    }

    const events = await poolEvents(pool.id);
    const updates = events.filter((e) => e.type === 'PoolUpdated');
    // One event per accepted request, none for a refused one.
    expect(updates.map((e) => e.correlationId).sort()).toEqual(accepted.map(requestId).sort());

    // Each answer is the pool right after its own event, and carries what its client asked for.
    const afterEach = new Map<string, PoolSettings | null>();
    let folded: PoolSettings | null = null;
    for (const event of events) {
      folded = foldSettings(folded, event);
      afterEach.set(event.correlationId, folded);
    }
    for (const reply of accepted) {
      const answered = settingsOf((reply.body as { pool: Pool }).pool);
      expect(answered).toEqual(afterEach.get(requestId(reply)));
      expect(asked).toContainEqual(answered);
    }

    // The pool as the API shows it: the fold of the log, which is the last accepted update.
    const now = await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${pool.id}`);
    expect(settingsOf(now.body.pool)).toEqual(folded);
    const lastAccepted = accepted.find((r) => requestId(r) === updates[updates.length - 1].correlationId);
    expect(settingsOf(now.body.pool)).toEqual(settingsOf((lastAccepted?.body as { pool: Pool }).pool));
  });

  it('creates one pool for ten simultaneous POSTs with one Idempotency-Key, and answers each with it', async () => {
    const key = { 'Idempotency-Key': `pool-${Date.now()}` };
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        demo.post<{ pool: Pool }>(
          '/v2.0/lb/pools',
          { pool: { name: 'once', subnet_id: subnetId, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' } },
          key,
        ),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    const ids = new Set(replies.map((r) => r.body.pool.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    // Every answer, the first or a replay, may be read at once.
    expect((await demo.get(`/v2.0/lb/pools/${id}`)).status).toBe(200);
    expect((await demo.get<{ pools: Pool[] }>('/v2.0/lb/pools?name=once')).body.pools.map((p) => p.id)).toEqual([id]);
    expect((await poolEvents(id)).filter((e) => e.type === 'PoolCreated')).toHaveLength(1);
  });

  it('creates one VIP for ten simultaneous POSTs with one Idempotency-Key: one address, one port', async () => {
    const pool = await demo.create<Pool>('/v2.0/lb/pools', 'pool', {
      name: 'for-vip',
      subnet_id: subnetId,
      protocol: 'HTTP',
      lb_method: 'ROUND_ROBIN',
    });
    const key = { 'Idempotency-Key': `vip-${Date.now()}` };
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        demo.post<{ vip: Vip }>(
          '/v2.0/lb/vips',
          { vip: { name: 'once', subnet_id: subnetId, protocol: 'HTTP', protocol_port: 80, pool_id: pool.id } },
          key,
        ),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(replies.map((r) => JSON.stringify([r.body.vip.id, r.body.vip.address, r.body.vip.port_id]))).size).toBe(1);
    const vip = replies[0].body.vip;
    expect((await demo.get<{ vips: Vip[] }>('/v2.0/lb/vips?name=once')).body.vips.map((v) => v.id)).toEqual([vip.id]);
    const ports = (await demo.get<{ ports: { id: string; device_id: string }[] }>('/v2.0/ports')).body.ports.filter(
      (p) => p.device_id === vip.id,
    );
    expect(ports.map((p) => p.id)).toEqual([vip.port_id]);
    expect((await demo.get<{ pool: Pool }>(`/v2.0/lb/pools/${pool.id}`)).body.pool.vip_id).toBe(vip.id);
  });
});
