import { performance } from 'node:perf_hooks';
import { percentile } from './report';

/** A tenant's network: one subnet, four pools, each with eight members and its VIP. */
export const POOLS_PER_NETWORK = 4;
export const MEMBERS_PER_POOL = 8;
export const OBJECTS_PER_NETWORK = 2 + POOLS_PER_NETWORK * (2 + MEMBERS_PER_POOL);
/** Networks get consecutive /27s of 198.18.0.0/15: room for 4096 of them, about 172,000 objects. */
const MAX_NETWORKS = 4096;
const REQUEST_TIMEOUT_MS = 60_000;

export type CreateKind = 'network' | 'subnet' | 'pool' | 'member' | 'vip';

interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly text: string;
}

export class RequestFailed extends Error {}

/** Neutron's v1 API as one tenant, timing each request from send to the last byte of its body. */
export class NeutronTenant {
  constructor(
    private readonly apiUrl: string,
    readonly token: string,
  ) {}

  async send(method: 'GET' | 'POST' | 'PUT', path: string, body?: object): Promise<Answer> {
    const sent = performance.now();
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { 'X-Auth-Token': this.token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - sent, text };
  }

  async create(kind: CreateKind, path: string, body: Record<string, unknown>): Promise<{ id: string; ms: number }> {
    const answer = await this.send('POST', `/v2.0/${path}`, { [kind]: body });
    if (answer.status !== 201) throw new RequestFailed(`POST /v2.0/${path} -> ${answer.status} ${answer.text.slice(0, 300)}`);
    const id: unknown = (JSON.parse(answer.text) as Record<string, { id?: unknown } | undefined>)[kind]?.id;
    if (typeof id !== 'string') throw new RequestFailed(`POST /v2.0/${path} answered without ${kind}.id`);
    return { id, ms: answer.ms };
  }

  async timedGet(path: string): Promise<Answer> {
    const answer = await this.send('GET', path);
    if (answer.status !== 200) throw new RequestFailed(`GET ${path} -> ${answer.status} ${answer.text.slice(0, 300)}`);
    return answer;
  }
}

/** What the load has created so far, by tenant, for the probes. */
export class Fleet {
  networks = 0;
  /** Members the probes added one at a time, beside the networks' eight per pool. */
  probeMembers = 0;
  readonly pools: { tenant: NeutronTenant; id: string; members: string[] }[] = [];
  readonly members: { tenant: NeutronTenant; id: string }[] = [];
  readonly vips: { tenant: NeutronTenant; id: string }[] = [];

  get objects(): number {
    return this.networks * 2 + this.pools.length + this.members.length + this.vips.length;
  }
}

export interface GrowthResult {
  readonly createMs: Readonly<Record<CreateKind, number[]>>;
  readonly seconds: number;
  readonly failures: string[];
  readonly reachedTarget: boolean;
}

const subnetCidr = (n: number): string => {
  const offset = n * 32;
  return `198.${18 + (offset >> 16)}.${(offset >> 8) & 255}.${offset & 255}/27`;
};

/** Members are unique per pool only: the same eight backends (198.19.0.0/15 half) behind every pool. */
const memberAddress = (m: number): string => `198.19.0.${m + 10}`;

/**
 * Adds whole networks (with their pools, members and VIPs) until the fleet holds `target`
 * objects, `workers` networks at a time over kept-alive connections; stops at the first failure,
 * at `deadline` or when `signal` aborts. Tenants take networks in turn.
 */
export async function growFleet(
  fleet: Fleet,
  tenants: readonly NeutronTenant[],
  o: { target: number; workers: number; deadline: number; signal: AbortSignal },
): Promise<GrowthResult> {
  const createMs: Record<CreateKind, number[]> = { network: [], subnet: [], pool: [], member: [], vip: [] };
  const failures: string[] = [];
  const timed = async (kind: CreateKind, path: string, tenant: NeutronTenant, body: Record<string, unknown>): Promise<string> => {
    const created = await tenant.create(kind, path, body);
    createMs[kind].push(created.ms);
    return created.id;
  };
  // A network is claimed with all its objects before they exist, so concurrent workers stop at the target.
  const more = (): boolean =>
    failures.length === 0 && fleet.networks * OBJECTS_PER_NETWORK < o.target && Date.now() < o.deadline && !o.signal.aborted;
  const worker = async (): Promise<void> => {
    while (more() && fleet.networks < MAX_NETWORKS) {
      const n = fleet.networks++;
      const tenant = tenants[n % tenants.length];
      try {
        const networkId = await timed('network', 'networks', tenant, { name: `scale-net-${n}` });
        const subnetId = await timed('subnet', 'subnets', tenant, { network_id: networkId, cidr: subnetCidr(n) });
        // Each pool's members and VIP after it: they append to the pool's stream, one at a time.
        for (let p = 0; p < POOLS_PER_NETWORK; p++) {
          const poolId = await timed('pool', 'lb/pools', tenant, {
            name: `scale-pool-${n}-${p}`,
            protocol: 'HTTP',
            lb_method: 'ROUND_ROBIN',
            subnet_id: subnetId,
          });
          const pool = { tenant, id: poolId, members: [] as string[] };
          fleet.pools.push(pool);
          for (let m = 0; m < MEMBERS_PER_POOL; m++) {
            const id = await timed('member', 'lb/members', tenant, { pool_id: poolId, address: memberAddress(m), protocol_port: 80 });
            pool.members.push(id);
            fleet.members.push({ tenant, id });
          }
          const vipId = await timed('vip', 'lb/vips', tenant, {
            name: `scale-vip-${n}-${p}`,
            subnet_id: subnetId,
            protocol: 'HTTP',
            protocol_port: 80,
            pool_id: poolId,
          });
          fleet.vips.push({ tenant, id: vipId });
        }
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: o.workers }, worker));
  for (const list of Object.values(createMs)) list.sort((a, b) => a - b);
  return { createMs, seconds: (performance.now() - started) / 1000, failures, reachedTarget: fleet.objects >= o.target };
}

/**
 * Members added one at a time to `count` different pools (a second backend range, so never a
 * duplicate): the latency of one create with nothing else in flight.
 */
export async function sequentialCreates(fleet: Fleet, count: number): Promise<number[]> {
  const ms: number[] = [];
  const start = fleet.members.length;
  for (let i = 0; i < count && fleet.pools.length > 0; i++) {
    const pool = fleet.pools[(start + i * 7919) % fleet.pools.length];
    // A port of its own per create (the probes' count): (pool, address, port) never repeats.
    const created = await pool.tenant.create('member', 'lb/members', {
      pool_id: pool.id,
      address: '198.19.1.10',
      protocol_port: 1024 + fleet.probeMembers++,
    });
    fleet.members.push({ tenant: pool.tenant, id: created.id });
    pool.members.push(created.id);
    ms.push(created.ms);
  }
  return ms.sort((a, b) => a - b);
}

/**
 * History without growth: `updates` weight changes of existing members (the pools' first eight),
 * a pool's members one after another, `workers` pools at a time. The objects stay as many; only
 * the log grows, so a service whose memory grows here holds history, not state.
 */
export async function churnMembers(
  fleet: Fleet,
  o: { updates: number; workers: number; deadline: number; signal: AbortSignal },
): Promise<{ updates: number; seconds: number }> {
  const pools = fleet.pools.length;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (done < o.updates && Date.now() < o.deadline && !o.signal.aborted && pools > 0) {
      const round = next++;
      const poolIndex = round % pools;
      const weight = 1 + (Math.floor(round / pools) % 10);
      const pool = fleet.pools[poolIndex];
      for (const memberId of pool.members.slice(0, MEMBERS_PER_POOL)) {
        if (done >= o.updates) break;
        const answer = await pool.tenant.send('PUT', `/v2.0/lb/members/${memberId}`, { member: { weight } });
        if (answer.status !== 200) throw new RequestFailed(`PUT member -> ${answer.status} ${answer.text.slice(0, 300)}`);
        done++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: o.workers }, worker));
  return { updates: done, seconds: (performance.now() - started) / 1000 };
}

/** p50 of `count` GETs of `path(i)`, one at a time (per-request latency, not throughput). */
export async function getLatency(tenant: (i: number) => NeutronTenant, path: (i: number) => string, count: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) ms.push((await tenant(i).timedGet(path(i))).ms);
  return ms.sort((a, b) => a - b);
}

export const p50 = (sorted: readonly number[]): number => percentile(sorted, 50);
export const p99 = (sorted: readonly number[]): number => percentile(sorted, 99);
