import { performance } from 'node:perf_hooks';
import { KeepAlivePosts } from './keep-alive-posts';

/*
 * The write load of the api-create bench, which the rebuild bench's live-lag phase runs too:
 * pools with members over the v1 API, as one tenant, from a fixed number of workers.
 */

const REQUEST_TIMEOUT_MS = 30_000;

export class CreateFailed extends Error {}

export interface Timed {
  readonly id: string;
  readonly ms: number;
}

/**
 * Creates over the public API as one tenant, timing each request from send to the last byte of
 * its body. Real HTTP/1.1 requests on kept-alive connections, one per worker, one request in flight
 * on each, every response read whole; the client is the bench's own (`KeepAlivePosts`) rather than
 * node:http, whose per-request objects cost the bench's process CPU on the same 2 cores as the api
 * (fetch's abort signals and web streams cost more still).
 */
export class NeutronCreates {
  private readonly posts: KeepAlivePosts;
  private readonly abort = (): void => this.posts.destroy();

  constructor(
    apiUrl: string,
    token: string,
    private readonly signal: AbortSignal,
    workers: number,
  ) {
    this.posts = new KeepAlivePosts(new URL(apiUrl), { 'X-Auth-Token': token }, workers, REQUEST_TIMEOUT_MS);
    // One listener for the run rather than one per request: an abort closes the connections,
    // which fails the requests in flight.
    signal.addEventListener('abort', this.abort, { once: true });
  }

  async create(path: string, resource: string, body: Record<string, unknown>): Promise<Timed> {
    if (this.signal.aborted) throw this.signal.reason;
    const sent = performance.now();
    const { status, text } = await this.posts.post(`/v2.0/${path}`, JSON.stringify({ [resource]: body }));
    const ms = performance.now() - sent;
    if (status !== 201) throw new CreateFailed(`POST /v2.0/${path} -> ${status} ${text.slice(0, 300)}`);
    const id: unknown = (JSON.parse(text) as Record<string, { id?: unknown } | undefined>)[resource]?.id;
    if (typeof id !== 'string') throw new CreateFailed(`POST /v2.0/${path} answered without ${resource}.id: ${text.slice(0, 300)}`);
    return { id, ms };
  }

  close(): void {
    this.signal.removeEventListener('abort', this.abort);
    this.posts.destroy();
  }
}

/** 198.18.0.1 upwards: unique per member, inside the benchmark range 198.18.0.0/15. */
export const memberAddress = (n: number): string => `198.18.${(n + 1) >> 8}.${(n + 1) & 255}`;

export interface LoadResult {
  readonly poolMs: number[];
  readonly memberMs: number[];
  readonly seconds: number;
  readonly failures: string[];
  readonly stoppedEarly: boolean;
}

export interface PoolMemberLoad {
  readonly pools: number;
  readonly membersPerPool: number;
  readonly workers: number;
  readonly budgetMs: number;
}

export async function createPoolsWithMembers(
  api: NeutronCreates,
  subnetId: string,
  load: PoolMemberLoad,
  signal: AbortSignal,
): Promise<LoadResult> {
  const { pools: POOLS, membersPerPool: MEMBERS_PER_POOL, workers: WORKERS, budgetMs: LOAD_BUDGET_MS } = load;
  const poolMs: number[] = [];
  const memberMs: number[] = [];
  const failures: string[] = [];
  const deadline = Date.now() + LOAD_BUDGET_MS;
  let next = 0;
  // Members of one pool go one after another: they append to the same pool stream, and the
  // bench measures creates, not optimistic-concurrency retries.
  const worker = async (): Promise<void> => {
    while (failures.length === 0 && Date.now() < deadline && !signal.aborted) {
      const n = next++;
      if (n >= POOLS) return;
      try {
        const pool = await api.create('lb/pools', 'pool', {
          name: `bench-pool-${n}`,
          protocol: 'HTTP',
          lb_method: 'ROUND_ROBIN',
          subnet_id: subnetId,
        });
        poolMs.push(pool.ms);
        for (let m = 0; m < MEMBERS_PER_POOL; m++) {
          const member = await api.create('lb/members', 'member', {
            pool_id: pool.id,
            address: memberAddress(n * MEMBERS_PER_POOL + m),
            protocol_port: 80,
          });
          memberMs.push(member.ms);
        }
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    poolMs: poolMs.sort((a, b) => a - b),
    memberMs: memberMs.sort((a, b) => a - b),
    seconds,
    failures,
    stoppedEarly: poolMs.length < POOLS && failures.length === 0,
  };
}
