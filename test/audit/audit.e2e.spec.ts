import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { connect, DeliverPolicy, type NatsConnection } from 'nats';
import { Database } from 'sqlite3';
import { NeutronApi } from '../acceptance/neutron-api';

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
const NETWORKS = 20;
const POOLS_PER_SUBNET = 8;
/** A network, a subnet and eight pools per network. */
const OBJECTS = NETWORKS * (2 + POOLS_PER_SUBNET);

/** What the stream holds, read as a client would: each message's sequence and its events' ids. */
interface StreamEvent {
  seq: number;
  index: number;
  eventId: string;
}
/** An audit record as the audit store's table holds it (written from the issue, not imported). */
interface StoredRecord {
  stream_seq: number;
  event_index: number;
  event_id: string;
}
interface AuditRow {
  stream_seq: number;
  event_type: string;
  aggregate_id: string;
  tenant_id: string;
  actor: string;
  payload: Record<string, unknown>;
  hash: string;
}

function sql<T>(path: string, statement: string, params: unknown[] = []): Promise<T[]> {
  const db = new Database(path);
  return new Promise<T[]>((resolve, reject) =>
    db.all(statement, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))),
  ).finally(() => new Promise<void>((resolve) => db.close(() => resolve())));
}

/**
 * The audit subscriber as an operator meets it: real nats-server, api and projections, the built
 * audit service and the built CLI. The service is SIGKILLed while objects are being created.
 */
describe('the audit trail', () => {
  let stack: Stack;
  let nc: NatsConnection;
  let audit: ServiceProcess;
  let healthUrl: string;
  let auditDb: string;
  const lbaas = (args: string[], db = auditDb) =>
    spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, LBAAS_AUDIT_DB: db }, encoding: 'utf8' });

  const streamLastSeq = async (): Promise<number> => (await (await nc.jetstreamManager()).streams.info('LBAAS_EVENTS')).state.last_seq;
  const auditHealth = async (): Promise<{ position: number; records: number }> =>
    (await (await fetch(`${healthUrl}/healthz`)).json()) as { position: number; records: number };

  async function streamEvents(): Promise<StreamEvent[]> {
    const last = await streamLastSeq();
    const consumer = await nc
      .jetstream()
      .consumers.get('LBAAS_EVENTS', { filterSubjects: 'lbaas.events.>', deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1 });
    const messages = await consumer.consume();
    const events: StreamEvent[] = [];
    for await (const message of messages) {
      const commit = message.json<{ events: { id: string }[] }>();
      commit.events.forEach((event, index) => events.push({ seq: message.seq, index, eventId: event.id }));
      if (message.seq >= last) break;
    }
    return events;
  }

  beforeAll(async () => {
    stack = await startStack();
    nc = await connect({ servers: stack.nats.url });
    auditDb = join(stack.dir, 'audit.sqlite');
    const port = await freePort();
    healthUrl = `http://127.0.0.1:${port}`;
    audit = spawnService('audit', builtService('audit'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_HEALTH_HOST: '127.0.0.1',
      LBAAS_HEALTH_PORT: String(port),
      LBAAS_AUDIT_DB: auditDb,
      LBAAS_LOG_LEVEL: 'info',
    });
    await waitFor(
      'the audit service to be ready',
      async () => (await fetch(`${healthUrl}/readyz`).catch(() => null))?.status === 200,
      60_000,
      100,
    );
  }, 120_000);

  afterAll(async () => {
    await audit?.stop();
    await nc?.close();
    await stack?.stop();
  }, 60_000);

  it(`keeps exactly one chained record per event of ${OBJECTS} creates, across a SIGKILL in the middle of them`, async () => {
    const demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    let created = 0;
    const subnets: string[] = [];
    const pools: string[] = [];
    const creating = (async () => {
      for (let n = 0; n < NETWORKS; n++) {
        const network = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: `audit-net-${n}` });
        const subnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
          network_id: network.id,
          cidr: `198.18.${10 + n}.0/24`,
          ip_version: 4,
        });
        subnets.push(subnet.id);
        created += 2;
        pools.push(
          ...(await Promise.all(
            Array.from({ length: POOLS_PER_SUBNET }, async (_, p) => {
              const pool = await demo.create<{ id: string }>('/v2.0/lb/pools', 'pool', {
                name: `audit-pool-${n}-${p}`,
                subnet_id: subnet.id,
                protocol: 'HTTP',
                lb_method: 'ROUND_ROBIN',
              });
              created++;
              return pool.id;
            }),
          )),
        );
      }
    })();

    await waitFor(
      'a third of the objects created and audited',
      async () => created >= OBJECTS / 3 && (await auditHealth()).records > 0,
      120_000,
      10,
    );
    await audit.kill();
    const createdAtKill = created;
    await waitFor('two thirds of the objects created', () => created >= (2 * OBJECTS) / 3, 120_000, 10);
    audit.start();
    await creating;
    expect(createdAtKill).toBeLessThan(OBJECTS);
    expect(created).toBe(OBJECTS);

    const lastSeq = await streamLastSeq();
    await waitFor('the audit trail to catch up with the stream', async () => (await auditHealth()).position === lastSeq, 120_000, 100);
    expect((await fetch(`${healthUrl}/readyz`)).status).toBe(200);

    const inStream = await streamEvents();
    const stored = await sql<StoredRecord>(
      auditDb,
      'SELECT stream_seq, event_index, event_id FROM audit_records ORDER BY stream_seq, event_index',
    );
    expect(stored.map((r) => ({ seq: r.stream_seq, index: r.event_index, eventId: r.event_id }))).toEqual(inStream);
    expect(new Set(stored.map((r) => r.stream_seq)).size).toBe(lastSeq);
    expect(await auditHealth()).toEqual(expect.objectContaining({ position: lastSeq, records: inStream.length }));
    expect(audit.logs()).toContain('"msg":"audit trail caught up with the event log"');
    // The restarted service resumed from its own checkpoint: past what it stored before the kill, short of the end.
    const starts = audit
      .logs()
      .split('\n')
      .filter((line) => line.includes('"msg":"auditing the event log"'))
      .map((line) => JSON.parse(line) as { position: number });
    expect(starts).toHaveLength(2);
    expect(starts[1].position).toBeGreaterThan(0);
    expect(starts[1].position).toBeLessThan(lastSeq);

    const verify = lbaas(['audit', 'verify']);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain(`audit trail OK: ${inStream.length} records checked, stream sequences 1 to ${lastSeq} contiguous`);

    const ofPool = lbaas(['audit', '--object', pools[5], '-f', 'json']);
    expect(ofPool.status).toBe(0);
    const poolRows = JSON.parse(ofPool.stdout) as AuditRow[];
    expect(poolRows.map((r) => r.event_type)).toEqual(['PoolCreated']);
    expect(poolRows[0]).toMatchObject({
      aggregate_id: pools[5],
      tenant_id: stack.tokens.demo.tenant_id,
      payload: { poolId: pools[5], name: 'audit-pool-0-5' },
    });
    expect(poolRows[0].hash).toMatch(/^[0-9a-f]{64}$/);

    // The subnet's own event, and the events naming it: its network's reservation of its cidr, its pools.
    const ofSubnet = JSON.parse(lbaas(['audit', '--object', subnets[3], '-f', 'json']).stdout) as AuditRow[];
    expect(ofSubnet.map((r) => r.event_type)).toEqual([
      'NetworkSubnetAttached',
      'SubnetCreated',
      ...Array<string>(POOLS_PER_SUBNET).fill('PoolCreated'),
    ]);

    const table = lbaas(['audit', '--tenant', stack.tokens.demo.tenant_id, '--since', '2000-01-01T00:00:00Z']);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[1]).toMatch(/^\| stream_seq \| event_index \| occurred_at .*\| event_type .*\| actor +\|$/);
    expect(table.stdout.split('\n').filter((line) => line.includes('| PoolCreated '))).toHaveLength(NETWORKS * POOLS_PER_SUBNET);
  });

  it('fails verification naming the record that was changed in the database', async () => {
    await audit.stop();
    const [victim] = await sql<{ stream_seq: number; event_index: number; event_id: string }>(
      auditDb,
      "SELECT stream_seq, event_index, event_id FROM audit_records WHERE event_type = 'PoolCreated' ORDER BY stream_seq LIMIT 1 OFFSET 10",
    );
    await sql(auditDb, "UPDATE audit_records SET payload = replace(payload, 'ROUND_ROBIN', 'SOURCE_IP') WHERE stream_seq = ?", [
      victim.stream_seq,
    ]);
    const verify = lbaas(['audit', 'verify']);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain(
      `audit trail BROKEN at stream sequence ${victim.stream_seq} event ${victim.event_index} (event id ${victim.event_id}): its hash does not match`,
    );
  });
});
