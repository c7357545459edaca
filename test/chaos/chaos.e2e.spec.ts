import { builtService, freePort, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, DeliverPolicy, type NatsConnection } from 'nats';
import { Database } from 'sqlite3';
import { NeutronApi } from '../acceptance/neutron-api';

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
/** This run's names, VIP subnets (one per client), VRRP range and ports, apart from other runs and from the process-driver spec's 198.18.40-139 and 198.19.40-138, 192-255. */
const RUN = `lbc${process.pid.toString(16)}`;
const SUBNET_BASE = 144 + (process.pid % 28) * 4;
const VRRP_CIDR = `198.19.${140 + (process.pid % 50)}.0/24`;
const PORT_OFFSET = 21000 + (process.pid % 50) * 100;
const CLIENTS = 3;
/** Each client runs rounds until every service has been killed and restarted: at least this many, at most that many. */
const MIN_ROUNDS = 2;
/**
 * How many times every service is killed: 1 in CI; `npm run bench -- chaos-soak` asks for more
 * (a longer soak) and for 0 (the same load without kills, its floor), and reads the report.
 */
const CYCLES = Math.min(20, Math.max(0, Number(process.env.LBAAS_CHAOS_CYCLES ?? 1) || 0));
const REPORT = process.env.LBAAS_CHAOS_REPORT ?? '';
const MAX_ROUNDS = 24 * Math.max(1, CYCLES);
/** Acknowledged writes between two kills (a round is about a dozen writes). */
const KILL_EVERY = 10;
/** A client retries a request it got no answer to for this many attempts (a minute), then fails the test. */
const ATTEMPTS = 400;
const RETRY_PAUSE_MS = 150;
const RETRYABLE = new Set([502, 503, 504]);

type Collection = 'networks' | 'subnets' | 'pools' | 'members' | 'health_monitors' | 'vips';
/** A write the API answered with 2xx: the client may rely on it, so the log must hold it. */
interface Acknowledged {
  verb: 'create' | 'update' | 'delete' | 'associate';
  collection: Collection;
  id: string;
  requestId: string;
  monitorId?: string;
}
/** A write the API refused, or a VIP that never became ACTIVE. */
interface Failure {
  method: string;
  path: string;
  status: number;
  text: string;
  afterUncertainAttempt: boolean;
}
/** What the load did, shared by its clients and watched by the chaos loop. */
interface Tally {
  attempts: number;
  readonly acknowledged: Acknowledged[];
  /** A DELETE whose earlier attempt got no answer and whose retry found nothing: the earlier one did it. */
  readonly deletedUnacknowledged: { collection: Collection; id: string }[];
  readonly failures: Failure[];
}
interface Answer {
  status: number;
  body: Record<string, { id: string }> | null;
  text: string;
  requestId: string;
  afterUncertainAttempt: boolean;
}

/** The log's own names for what each acknowledged write must have appended, and the payload key naming the object. */
const ID_KEY: Record<Collection, string> = {
  networks: 'networkId',
  subnets: 'subnetId',
  pools: 'poolId',
  members: 'memberId',
  health_monitors: 'monitorId',
  vips: 'vipId',
};
const CREATED: Record<Collection, string> = {
  networks: 'NetworkCreated',
  subnets: 'SubnetCreated',
  pools: 'PoolCreated',
  members: 'MemberAdded',
  health_monitors: 'HealthMonitorCreated',
  vips: 'VipCreated',
};
const UPDATED: Record<Collection, string> = {
  networks: 'NetworkUpdated',
  subnets: 'SubnetUpdated',
  pools: 'PoolUpdated',
  members: 'MemberUpdated',
  health_monitors: 'HealthMonitorUpdated',
  vips: 'VipUpdated',
};
const DELETED: Record<Collection, string> = {
  networks: 'NetworkDeleted',
  subnets: 'SubnetDeleted',
  pools: 'PoolDeleted',
  members: 'MemberRemoved',
  health_monitors: 'HealthMonitorDeleted',
  vips: 'VipDeleted',
};
const PATH: Record<Collection, string> = {
  networks: '/v2.0/networks',
  subnets: '/v2.0/subnets',
  pools: '/v2.0/lb/pools',
  members: '/v2.0/lb/members',
  health_monitors: '/v2.0/lb/health_monitors',
  vips: '/v2.0/lb/vips',
};
/** Every list a projection serves, admin views included; each snapshot is sorted by id. */
const SNAPSHOT_PATHS: Record<string, string> = {
  networks: '/v2.0/networks',
  subnets: '/v2.0/subnets',
  ports: '/v2.0/ports',
  floatingips: '/v2.0/floatingips',
  pools: '/v2.0/lb/pools',
  members: '/v2.0/lb/members',
  vips: '/v2.0/lb/vips',
  health_monitors: '/v2.0/lb/health_monitors',
  service_instances: '/v2.0/lb/service_instances',
  nodes: '/v2.0/lb/nodes',
};

/** An event as a client reads it from the stream (written from the issue, not imported). */
interface LoggedEvent {
  seq: number;
  index: number;
  id: string;
  type: string;
  correlationId: string;
  data: Record<string, unknown>;
}
interface ServiceInstance {
  id: string;
  vip_id: string;
  status: string;
  status_description: string | null;
  vm_list: { uuid: string; vr_name: string; status: string }[];
}
interface StatusRow {
  id: string;
  status: string;
}

class RoundFailed extends Error {}

/**
 * A tenant's client that survives crashes: it retries on no answer and on 503 (the same
 * Idempotency-Key on a POST, so a retry gets the first result), and records each acknowledged write.
 */
class ChaosClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly tally: Tally,
  ) {}

  async create(collection: Collection, key: string, fields: Record<string, unknown>): Promise<string> {
    const answer = await this.send('POST', PATH[collection], { [key]: fields }, randomUUID());
    const id = answer.body?.[key]?.id;
    if (answer.status !== 201 || id === undefined) throw this.fail('POST', PATH[collection], answer);
    this.tally.acknowledged.push({ verb: 'create', collection, id, requestId: answer.requestId });
    return id;
  }

  async update(collection: Collection, key: string, id: string, fields: Record<string, unknown>): Promise<void> {
    const path = `${PATH[collection]}/${id}`;
    const answer = await this.send('PUT', path, { [key]: fields });
    if (answer.status !== 200) throw this.fail('PUT', path, answer);
    this.tally.acknowledged.push({ verb: 'update', collection, id, requestId: answer.requestId });
  }

  async remove(collection: Collection, id: string): Promise<void> {
    const path = `${PATH[collection]}/${id}`;
    const answer = await this.send('DELETE', path);
    if (answer.status === 204) this.tally.acknowledged.push({ verb: 'delete', collection, id, requestId: answer.requestId });
    else if (answer.status === 404 && answer.afterUncertainAttempt) this.tally.deletedUnacknowledged.push({ collection, id });
    else throw this.fail('DELETE', path, answer);
  }

  /** Like a user who waits for the load balancer before going on; this also paces the load to the system's speed. */
  async awaitActive(vipId: string): Promise<void> {
    const path = `${PATH.vips}/${vipId}`;
    for (let poll = 0; poll < ATTEMPTS; poll++) {
      const answer = await this.send('GET', path);
      const status = (answer.body as { vip?: { status?: string } } | null)?.vip?.status;
      if (answer.status !== 200) throw this.fail('GET', path, answer);
      if (status === 'ACTIVE') return;
      if (poll === ATTEMPTS - 1) throw this.fail('GET', path, { ...answer, text: `still ${status}` });
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  async associate(poolId: string, monitorId: string): Promise<void> {
    const path = `/v2.0/lb/pools/${poolId}/health_monitors`;
    const answer = await this.send('POST', path, { health_monitor: { id: monitorId } });
    if (answer.status === 201)
      this.tally.acknowledged.push({ verb: 'associate', collection: 'pools', id: poolId, requestId: answer.requestId, monitorId });
    // The attempt that got no answer associated them: the retry finds the pair already made.
    else if (!(answer.status === 409 && answer.afterUncertainAttempt)) throw this.fail('POST', path, answer);
  }

  private fail(method: string, path: string, answer: Answer): RoundFailed {
    this.tally.failures.push({
      method,
      path,
      status: answer.status,
      text: answer.text.slice(0, 300),
      afterUncertainAttempt: answer.afterUncertainAttempt,
    });
    return new RoundFailed(`${method} ${path}: ${answer.status} ${answer.text}`);
  }

  private async send(method: string, path: string, json?: unknown, idempotencyKey?: string): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Auth-Token': this.token };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    let afterUncertainAttempt = false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      this.tally.attempts++;
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers,
          body: json === undefined ? undefined : JSON.stringify(json),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await response.text();
        if (!RETRYABLE.has(response.status)) {
          const body = text === '' ? null : (JSON.parse(text) as Answer['body']);
          return {
            status: response.status,
            body,
            text,
            requestId: response.headers.get('x-openstack-request-id') ?? '',
            afterUncertainAttempt,
          };
        }
      } catch {
        // No answer: the api died or was unreachable; the write may or may not have happened.
      }
      afterUncertainAttempt = true;
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
    throw new Error(`${method} ${path}: no answer in ${ATTEMPTS} attempts`);
  }
}

/** One tenant's share of the load: a network and subnet, then rounds of a pool with members, a monitor and a VIP; odd rounds delete theirs. */
async function tenantLoad(client: ChaosClient, c: number, chaosOver: () => boolean): Promise<void> {
  const subnetOctet = SUBNET_BASE + c;
  const network = await client.create('networks', 'network', { name: `${RUN}-net-${c}` });
  const subnet = await client.create('subnets', 'subnet', { network_id: network, cidr: `198.18.${subnetOctet}.0/24`, ip_version: 4 });
  for (let r = 0; r < MAX_ROUNDS && (r < MIN_ROUNDS || !chaosOver()); r++) {
    const tag = `${RUN}-${c}-${r}`;
    try {
      const pool = await client.create('pools', 'pool', { name: tag, subnet_id: subnet, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' });
      const members: string[] = [];
      for (const k of [1, 2]) {
        members.push(
          await client.create('members', 'member', {
            pool_id: pool,
            address: `198.18.${subnetOctet}.${100 + r * 2 + k}`,
            protocol_port: 80,
          }),
        );
      }
      const monitor = await client.create('health_monitors', 'health_monitor', { type: 'HTTP', delay: 1, timeout: 1, max_retries: 2 });
      await client.associate(pool, monitor);
      const vip = await client.create('vips', 'vip', { name: tag, subnet_id: subnet, protocol: 'HTTP', protocol_port: 80, pool_id: pool });
      await client.awaitActive(vip);
      await client.update('pools', 'pool', pool, { name: `${tag}-renamed` });
      await client.update('members', 'member', members[0], { weight: 5 });
      await client.update('health_monitors', 'health_monitor', monitor, { delay: 2 });
      await client.update('vips', 'vip', vip, { connection_limit: 100 + r });
      await client.remove('members', members[1]);
      if (r % 2 === 1) {
        await client.remove('vips', vip);
        await client.remove('pools', pool);
        await client.remove('health_monitors', monitor);
      }
    } catch (error) {
      // A failure ends its round (the next steps need what failed) and fails the test at the end, listed.
      if (!(error instanceof RoundFailed)) throw error;
    }
  }
}

function sql<T>(path: string, statement: string): Promise<T[]> {
  const db = new Database(path);
  return new Promise<T[]>((resolve, reject) =>
    db.all(statement, [], (error, rows) => (error ? reject(error) : resolve(rows as T[]))),
  ).finally(() => new Promise<void>((resolve) => db.close(() => resolve())));
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** A service the chaos loop SIGKILLs and brings back. */
interface Victim {
  readonly name: string;
  kill(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Crash consistency, black-box: a bounded load of concurrent creates, updates and deletes runs
 * through the API while every service in turn is SIGKILLed and restarted. Afterwards the log,
 * the read models, the audit trail, the placements and the machine must all agree.
 */
describe('crash consistency (every service SIGKILLed in turn under load, process driver)', () => {
  let stack: Stack;
  let nc: NatsConnection;
  let admin: NeutronApi;
  let runRoot = '';
  let auditDb = '';
  const services: ServiceProcess[] = [];
  const healthUrls = new Map<ServiceProcess, string>();
  let freshProjections: ServiceProcess | undefined;
  const tally: Tally = { attempts: 0, acknowledged: [], deletedUnacknowledged: [], failures: [] };

  /** HAProxy masters and workers of this run: their command lines name its run directory. */
  const haproxyProcesses = (): string[] =>
    execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => runRoot !== '' && line.includes(runRoot));
  const lbaas = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const service = (name: string): ServiceProcess => {
    const found = services.find((s) => s.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  const spawnHeadless = async (name: string, app: string, env: Record<string, string>, args: string[] = []): Promise<void> => {
    const port = await freePort();
    const proc = spawnService(name, builtService(app), { ...env, LBAAS_HEALTH_HOST: '127.0.0.1', LBAAS_HEALTH_PORT: String(port) }, args);
    services.push(proc);
    healthUrls.set(proc, `http://127.0.0.1:${port}`);
  };
  const waitHealthy = async (proc: ServiceProcess): Promise<void> => {
    await waitFor(
      `${proc.name} healthy`,
      async () => {
        if (!proc.running()) throw new Error(`${proc.name} exited:\n${proc.logs().slice(-3000)}`);
        return healthy(`${healthUrls.get(proc)}/healthz`);
      },
      60_000,
      100,
    );
  };
  const headlessVictim = (name: string): Victim => ({
    name,
    kill: () => service(name).kill(),
    start: async () => {
      service(name).start();
      await waitHealthy(service(name));
    },
  });

  const streamLastSeq = async (): Promise<number> => (await (await nc.jetstreamManager()).streams.info('LBAAS_EVENTS')).state.last_seq;
  async function loggedEvents(last: number): Promise<LoggedEvent[]> {
    const consumer = await nc
      .jetstream()
      .consumers.get('LBAAS_EVENTS', { filterSubjects: 'lbaas.events.>', deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1 });
    const messages = await consumer.consume();
    const events: LoggedEvent[] = [];
    for await (const message of messages) {
      const commit = message.json<{ events: Omit<LoggedEvent, 'seq' | 'index'>[] }>();
      commit.events.forEach((event, index) =>
        events.push({ seq: message.seq, index, id: event.id, type: event.type, correlationId: event.correlationId, data: event.data }),
      );
      if (message.seq >= last) break;
    }
    messages.stop();
    return events;
  }
  async function snapshot(): Promise<Record<string, unknown[]>> {
    const lists: Record<string, unknown[]> = {};
    for (const [collection, path] of Object.entries(SNAPSHOT_PATHS)) {
      const reply = await admin.get<Record<string, { id: string }[]>>(path);
      if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${reply.text}`);
      lists[collection] = [...reply.body[collection]].sort((a, b) => a.id.localeCompare(b.id));
    }
    return lists;
  }
  const list = async <T>(collection: string): Promise<T[]> => {
    const reply = await admin.get<Record<string, T[]>>(SNAPSHOT_PATHS[collection]);
    if (reply.status !== 200) throw new Error(`GET ${collection}: ${reply.status} ${reply.text}`);
    return reply.body[collection];
  };
  /** The VIPs the acknowledged writes leave in place: created, and not deleted by an acknowledged or an unanswered DELETE. */
  const remainingVips = (): Set<string> => {
    const gone = new Set([
      ...tally.acknowledged.filter((a) => a.verb === 'delete' && a.collection === 'vips').map((a) => a.id),
      ...tally.deletedUnacknowledged.filter((d) => d.collection === 'vips').map((d) => d.id),
    ]);
    return new Set(tally.acknowledged.filter((a) => a.verb === 'create' && a.collection === 'vips' && !gone.has(a.id)).map((a) => a.id));
  };
  /** What keeps the system from having converged; empty once it has. */
  async function convergenceProblems(): Promise<string[]> {
    const problems: string[] = [];
    const instances = await list<ServiceInstance>('service_instances');
    for (const si of instances) {
      if (
        si.status !== 'ACTIVE' ||
        si.status_description !== null ||
        si.vm_list.length !== 2 ||
        si.vm_list.some((vm) => vm.status !== 'APPLIED')
      ) {
        problems.push(`instance of VIP ${si.vip_id}: ${si.status} ${si.status_description ?? ''} ${JSON.stringify(si.vm_list)}`);
      }
    }
    const vips = await list<StatusRow>('vips');
    const expected = [...remainingVips()].sort();
    if (JSON.stringify(vips.map((v) => v.id).sort()) !== JSON.stringify(expected))
      problems.push(`VIPs ${JSON.stringify(vips.map((v) => v.id))}, expected ${JSON.stringify(expected)}`);
    if (JSON.stringify(instances.map((si) => si.vip_id).sort()) !== JSON.stringify(expected))
      problems.push(`instances of VIPs ${JSON.stringify(instances.map((si) => si.vip_id))}`);
    for (const vip of vips) if (vip.status !== 'ACTIVE') problems.push(`VIP ${vip.id} ${vip.status}`);
    for (const collection of ['pools', 'members']) {
      for (const row of await list<StatusRow>(collection))
        if (row.status.startsWith('PENDING_')) problems.push(`${collection} ${row.id} ${row.status}`);
    }
    return problems;
  }
  /** Where the machine differs from the placements the log keeps. */
  async function machineProblems(): Promise<string[]> {
    const placements = new Set((await list<ServiceInstance>('service_instances')).flatMap((si) => si.vm_list.map((vm) => vm.uuid)));
    const dirs = readdirSync(runRoot).filter((entry) => entry !== 'floating-ips' || readdirSync(join(runRoot, entry)).length > 0);
    const problems: string[] = [];
    for (const dir of dirs) if (!placements.has(dir)) problems.push(`run directory ${dir} belongs to no placement`);
    const processes = haproxyProcesses();
    for (const vm of placements) {
      if (!dirs.includes(vm)) problems.push(`placement ${vm} has no run directory`);
      if (!processes.some((line) => line.includes(join(runRoot, vm)))) problems.push(`placement ${vm} has no HAProxy`);
    }
    for (const line of processes)
      if (![...placements].some((vm) => line.includes(join(runRoot, vm)))) problems.push(`HAProxy of no placement: ${line.trim()}`);
    return problems;
  }
  async function waitUntilNone(what: string, problems: () => Promise<string[]>, timeoutMs: number): Promise<void> {
    let last: string[] = [];
    try {
      await waitFor(what, async () => (last = await problems()).length === 0, timeoutMs, 250);
    } catch (error) {
      throw new Error(`${String(error)}\nstill: ${last.join('\n')}`);
    }
  }

  beforeAll(async () => {
    runRoot = mkdtempSync(join(tmpdir(), `${RUN}-`));
    stack = await startStack();
    admin = new NeutronApi(stack.apiUrl, stack.tokens.admin.token);
    nc = await connect({ servers: stack.nats.url });
    auditDb = join(stack.dir, 'audit.sqlite');
    // Short deadlines so that crashes are noticed and recovered from within the test's budget.
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_RUN_DIR: runRoot,
      LBAAS_SECRET_KEY_FILE: join(stack.dir, 'secret.key'),
      LBAAS_LOG_LEVEL: 'info',
      LBAAS_NODE_SILENCE_MS: '1500',
      LBAAS_LEASE_TTL_MS: '1000',
      LBAAS_VRRP_CIDR: VRRP_CIDR,
    };
    await spawnHeadless('scheduler', 'scheduler', { ...env, LBAAS_SCHEDULER_SEED: '11' });
    await spawnHeadless('config-renderer', 'config-renderer', env);
    await spawnHeadless('audit', 'audit', { ...env, LBAAS_AUDIT_DB: auditDb });
    for (const n of [1, 2, 3]) {
      await spawnHeadless(
        `node-${n}`,
        'node-agent',
        {
          ...env,
          LBAAS_NODE_DRIVER: 'process',
          LBAAS_PROCESS_PORT_OFFSET: String(PORT_OFFSET),
          LBAAS_HEARTBEAT_MS: '300',
          LBAAS_RECONCILE_MS: '1000',
          LBAAS_OBSERVE_MS: '500',
        },
        [`${RUN}-node-${n}`],
      );
    }
    await Promise.all(services.map(waitHealthy));
    await waitFor(
      'three live nodes',
      async () => (await list<StatusRow>('nodes')).filter((n) => n.status === 'UP').length === 3,
      60_000,
      200,
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...services, ...(freshProjections ? [freshProjections] : [])].map((s) => s.stop()));
    // HAProxy runs as a daemon, outliving its agent: whatever this run started goes by its run directory.
    for (const line of runRoot ? haproxyProcesses() : []) {
      try {
        process.kill(Number(line.trim().split(' ')[0]), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await nc?.close();
    await stack?.stop();
    if (runRoot) rmSync(runRoot, { recursive: true, force: true });
  }, 60_000);

  it('keeps every acknowledged write exactly once, and the read models, audit trail and machine agree with the log', async () => {
    const victims: Victim[] = [
      { name: 'api', kill: () => stack.killService('api'), start: () => stack.startService('api') },
      headlessVictim('scheduler'),
      headlessVictim('config-renderer'),
      { name: 'projections', kill: () => stack.killService('projections'), start: () => stack.startService('projections') },
      headlessVictim('audit'),
      headlessVictim('node-1'),
    ];
    // Two tenants: the demo tenant's clients share its estate, the other's has its own.
    const tokens = Array.from({ length: CLIENTS }, (_, c) => (c % 2 === 1 ? stack.tokens.other : stack.tokens.demo).token);
    let loadEnded = false;
    let chaosEnded = false;
    const load = Promise.all(
      tokens.map((token, c) => tenantLoad(new ChaosClient(stack.apiUrl, token, tally), c, () => chaosEnded)),
    ).finally(() => (loadEnded = true));
    const killedMidLoad: string[] = [];
    const loadStarted = Date.now();
    const chaos = (async () => {
      for (const victim of Array.from({ length: CYCLES }, () => victims).flat()) {
        const mark = tally.acknowledged.length;
        await waitFor(
          `${KILL_EVERY} more acknowledged writes before killing ${victim.name}`,
          () => loadEnded || tally.acknowledged.length >= mark + KILL_EVERY,
          120_000,
          20,
        );
        if (loadEnded) return;
        const attempts = tally.attempts;
        await victim.kill();
        killedMidLoad.push(victim.name);
        // Down long enough for the clients to run into it, then back.
        await waitFor(`clients to keep going while ${victim.name} is down`, () => loadEnded || tally.attempts >= attempts + 3, 60_000, 20);
        await victim.start();
      }
    })().finally(() => (chaosEnded = true));
    await Promise.all([load, chaos]);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    expect(killedMidLoad).toEqual(Array.from({ length: CYCLES }, () => victims.map((v) => v.name)).flat());
    expect(tally.failures).toEqual([]);
    const remaining = remainingVips();
    expect(remaining.size).toBeGreaterThanOrEqual(CLIENTS);

    // Every remaining instance converges: ACTIVE on two applied placements, nothing left pending.
    await waitUntilNone('every remaining instance ACTIVE on two applied placements and nothing PENDING', convergenceProblems, 120_000);
    // The machine holds exactly the live placements: one run directory and HAProxy each, nothing else.
    await waitUntilNone('the run directories and HAProxy processes to match the live placements', machineProblems, 60_000);

    // From here on nothing appends: the writers of the log stop, and the log stands still.
    await Promise.all(['scheduler', 'config-renderer', 'node-1', 'node-2', 'node-3'].map((name) => service(name).stop()));
    const lastSeq = await streamLastSeq();
    const events = await loggedEvents(lastSeq);

    // Every acknowledged write is in the log exactly once.
    const about = (collection: Collection, id: string) => (e: LoggedEvent) => e.data[ID_KEY[collection]] === id;
    const misses: string[] = [];
    for (const ack of tally.acknowledged) {
      const matching = events.filter(about(ack.collection, ack.id)).filter((e) => {
        switch (ack.verb) {
          case 'create':
            return e.type === CREATED[ack.collection];
          case 'update':
            return e.type === UPDATED[ack.collection] && e.correlationId === ack.requestId;
          case 'delete':
            return e.type === DELETED[ack.collection];
          case 'associate':
            return e.type === 'PoolMonitorAssociated' && e.data.monitorId === ack.monitorId;
        }
      });
      if (matching.length !== 1) misses.push(`${ack.verb} ${ack.collection} ${ack.id}: ${matching.length} events`);
      else if (ack.verb === 'delete' && matching[0].correlationId !== ack.requestId)
        misses.push(`delete ${ack.collection} ${ack.id} by another request`);
    }
    for (const gone of tally.deletedUnacknowledged) {
      const deletions = events.filter(about(gone.collection, gone.id)).filter((e) => e.type === DELETED[gone.collection]).length;
      if (deletions !== 1) misses.push(`unanswered delete ${gone.collection} ${gone.id}: ${deletions} events`);
    }
    if (REPORT !== '') {
      writeFileSync(
        REPORT,
        JSON.stringify({
          cycles: CYCLES,
          kills: killedMidLoad.length,
          acknowledged: tally.acknowledged.length,
          lost: misses.length,
          loadSeconds,
        }),
      );
    }
    expect(misses).toEqual([]);

    // The audit trail has one chained record per event, and verifies.
    await waitFor(
      'the audit trail at the end of the log',
      async () => {
        const health = (await (await fetch(`${healthUrls.get(service('audit'))}/healthz`)).json()) as { position: number };
        return health.position === lastSeq;
      },
      60_000,
      100,
    );
    const records = await sql<{ stream_seq: number; event_index: number; event_id: string }>(
      auditDb,
      'SELECT stream_seq, event_index, event_id FROM audit_records ORDER BY stream_seq, event_index',
    );
    expect(records.map((r) => ({ seq: r.stream_seq, index: r.event_index, id: r.event_id }))).toEqual(
      events.map((e) => ({ seq: e.seq, index: e.index, id: e.id })),
    );
    const verify = lbaas(['audit', 'verify'], { LBAAS_AUDIT_DB: auditDb });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain(`audit trail OK: ${events.length} records checked, stream sequences 1 to ${lastSeq} contiguous`);

    // The read models, built live across crashes, equal a fresh database built from sequence 1 and a rebuild.
    const live = await snapshot();
    expect(live.vips.map((v) => (v as { id: string }).id)).toEqual([...remaining].sort());
    await stack.services.projections.stop();
    const port = await freePort();
    freshProjections = spawnService('projections-fresh', builtService('projections'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_DB_URL: '',
      LBAAS_PROJECTIONS_HOST: '127.0.0.1',
      LBAAS_PROJECTIONS_PORT: String(port),
      LBAAS_DB_PATH: join(stack.dir, 'fresh-read-models.sqlite'),
      LBAAS_LOG_LEVEL: 'info',
    });
    await waitFor('the fresh projections caught up', () => healthy(`http://127.0.0.1:${port}/readyz`), 60_000, 100);
    expect(await snapshot()).toEqual(live);
    const rebuild = lbaas(['projections', 'rebuild'], { LBAAS_NATS_URL: stack.nats.url });
    expect(rebuild.status).toBe(0);
    expect(await snapshot()).toEqual(live);
    expect(await streamLastSeq()).toBe(lastSeq);
  }, 400_000);
});
