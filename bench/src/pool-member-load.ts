import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

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
 * its body. Plain node:http on a keep-alive agent with a socket per worker: fetch's per-request
 * abort signals and web streams showed in the client's profile, on the same 2 cores as the api.
 */
export class NeutronCreates {
  private readonly agent: Agent;
  private readonly api: URL;
  private readonly abort = (): void => this.agent.destroy();

  constructor(
    apiUrl: string,
    private readonly token: string,
    private readonly signal: AbortSignal,
    workers: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: workers });
    this.api = new URL(apiUrl);
    // One listener for the run rather than an abort signal per request (its listeners showed in
    // the client's profile): an abort destroys the sockets, which fails the requests in flight.
    signal.addEventListener('abort', this.abort, { once: true });
  }

  async create(path: string, resource: string, body: Record<string, unknown>): Promise<Timed> {
    const sent = performance.now();
    const { status, text } = await this.post(`/v2.0/${path}`, JSON.stringify({ [resource]: body }));
    const ms = performance.now() - sent;
    if (status !== 201) throw new CreateFailed(`POST /v2.0/${path} -> ${status} ${text.slice(0, 300)}`);
    const id: unknown = (JSON.parse(text) as Record<string, { id?: unknown } | undefined>)[resource]?.id;
    if (typeof id !== 'string') throw new CreateFailed(`POST /v2.0/${path} answered without ${resource}.id: ${text.slice(0, 300)}`);
    return { id, ms };
  }

  close(): void {
    this.signal.removeEventListener('abort', this.abort);
    this.agent.destroy();
  }

  private post(path: string, json: string): Promise<{ status: number; text: string }> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        {
          protocol: this.api.protocol,
          hostname: this.api.hostname,
          port: this.api.port,
          path,
          method: 'POST',
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: { 'X-Auth-Token': this.token, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new CreateFailed(`POST ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      request.on('error', reject);
      request.end(json);
    });
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
