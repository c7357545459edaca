import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { Commit } from '@lbaas/domain';
import { ALL_EVENTS_SUBJECT, connectNats, decodeCommit, encodeCommit, STREAM_NAME } from '@lbaas/event-log';
import { QUERY_PATTERNS, type RebuildResult, type StatusReply } from '@lbaas/read-models';
import { type Stack, startStack, waitFor } from '@lbaas/testing';
import { DeliverPolicy, type JetStreamManager, type NatsConnection } from 'nats';
import { firstValueFrom, timeout } from 'rxjs';
import { type JetStreamFloors, measureJetStreamFloors } from './jetstream-floors';
import { type BenchRow, percentile, report } from './report';

const POOLS = 1000;
const MEMBERS_PER_POOL = 4;
const WORKERS = 16;
const LOAD_BUDGET_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const CATCH_UP_BUDGET_MS = 120_000;
const REBUILD_BUDGET_MS = 180_000;
const FLOOR = { awaitedCount: 10_000, inFlightCount: 50_000, inFlightWindow: 500, phaseBudgetMs: 60_000 };

class CreateFailed extends Error {}

interface Timed {
  readonly id: string;
  readonly ms: number;
}

/**
 * Creates over the public API as one tenant, timing each request from send to the last byte of
 * its body. Plain node:http on a keep-alive agent with a socket per worker: fetch's per-request
 * abort signals and web streams showed in the client's profile, on the same 2 cores as the api.
 */
class NeutronCreates {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: WORKERS });

  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly signal: AbortSignal,
  ) {}

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
    this.agent.destroy();
  }

  private post(path: string, json: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        new URL(path, this.apiUrl),
        {
          method: 'POST',
          agent: this.agent,
          signal: this.signal,
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

/** A commit shaped like the api's MemberAdded commits, so that the floors move the same bytes. */
function representativeCommit(): Uint8Array {
  const poolId = randomUUID();
  const tenantId = randomUUID().replace(/-/g, '');
  const commit: Commit = {
    commitId: randomUUID(),
    events: [
      {
        id: randomUUID(),
        type: 'MemberAdded',
        version: 1,
        aggregate: 'pool',
        aggregateId: poolId,
        tenantId,
        actor: tenantId,
        occurredAt: new Date().toISOString(),
        correlationId: `req-${randomUUID()}`,
        causationId: null,
        data: { poolId, memberId: randomUUID(), tenantId, address: '198.18.0.1', protocolPort: 80, weight: 1, adminStateUp: true },
      },
    ],
  };
  return encodeCommit(commit);
}

/** 198.18.0.1 upwards: unique per member, inside the benchmark range 198.18.0.0/15. */
const memberAddress = (n: number): string => `198.18.${(n + 1) >> 8}.${(n + 1) & 255}`;

interface LoadResult {
  readonly poolMs: number[];
  readonly memberMs: number[];
  readonly seconds: number;
  readonly failures: string[];
  readonly stoppedEarly: boolean;
}

async function createPoolsWithMembers(api: NeutronCreates, subnetId: string, signal: AbortSignal): Promise<LoadResult> {
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

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used so far. On a machine shared with other work the
 * wall-clock rates move with the neighbours' load; the CPU each process spends per create does not.
 */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // The fields after "pid (comm) ": state is the first, utime the 12th and stime the 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

type LoadProcess = 'api' | 'projections' | 'nats-server' | 'bench client';

function cpuOf(stack: Stack): Record<LoadProcess, number> {
  return {
    api: cpuSeconds(stack.services.api.pid()),
    projections: cpuSeconds(stack.services.projections.pid()),
    'nats-server': cpuSeconds(stack.nats.pid()),
    'bench client': cpuSeconds(process.pid),
  };
}

const lastSeq = async (jsm: JetStreamManager): Promise<number> => (await jsm.streams.info(STREAM_NAME)).state.last_seq;

/** Events and bytes in the stream's sequences (from, to]: what the load appended. */
async function countAppended(nc: NatsConnection, from: number, to: number): Promise<{ commits: number; events: number; bytes: number }> {
  const totals = { commits: 0, events: 0, bytes: 0 };
  if (to <= from) return totals;
  const consumer = await nc.jetstream().consumers.get(STREAM_NAME, {
    filterSubjects: ALL_EVENTS_SUBJECT,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: from + 1,
  });
  const messages = await consumer.consume({ max_messages: 10_000 });
  const bound = setTimeout(() => messages.stop(), 60_000);
  try {
    for await (const message of messages) {
      totals.commits++;
      totals.bytes += message.data.length;
      totals.events += decodeCommit(message.data).events.length;
      if (message.seq >= to) break;
    }
  } finally {
    clearTimeout(bound);
    messages.stop();
  }
  return totals;
}

async function ask<T>(client: ClientProxy, pattern: string, ms: number): Promise<T> {
  return firstValueFrom(client.send<T>(pattern, {}).pipe(timeout(ms)));
}

async function run(signal: AbortSignal): Promise<void> {
  // The bench's own query client would otherwise log its NATS connection events into the table output.
  Logger.overrideLogger(false);
  let stack: Stack | undefined;
  let nc: NatsConnection | undefined;
  let client: ClientProxy | undefined;
  let api: NeutronCreates | undefined;
  try {
    stack = await startStack();
    nc = await connectNats('lb-bench', stack.nats.url);
    const jsm = await nc.jetstreamManager();
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [stack.nats.url], name: 'lb-bench-queries' } });
    await client.connect();

    const payload = representativeCommit();
    console.log(
      `floors: ${FLOOR.awaitedCount} awaited publishes, ${FLOOR.inFlightCount} with ${FLOOR.inFlightWindow} in flight, one ordered read`,
    );
    const floors: JetStreamFloors = await measureJetStreamFloors(nc, { ...FLOOR, payload, signal });

    api = new NeutronCreates(stack.apiUrl, stack.tokens.demo.token, signal);
    const network = await api.create('networks', 'network', { name: 'bench-net' });
    const subnet = await api.create('subnets', 'subnet', { name: 'bench-subnet', network_id: network.id, cidr: '198.18.0.0/16' });

    console.log(`load: ${POOLS} pools with ${MEMBERS_PER_POOL} members each, ${WORKERS} workers, at most ${LOAD_BUDGET_MS / 1000} s`);
    const seqBefore = await lastSeq(jsm);
    const cpuBefore = cpuOf(stack);
    const load = await createPoolsWithMembers(api, subnet.id, signal);
    const cpuAfter = cpuOf(stack);
    const seqAfter = await lastSeq(jsm);
    const appended = await countAppended(nc, seqBefore, seqAfter);
    const creates = load.poolMs.length + load.memberMs.length;

    const loadEnded = performance.now();
    const queryClient = client;
    await waitFor(
      'the projections to catch up with the load',
      async () => {
        const status = await ask<StatusReply>(queryClient, QUERY_PATTERNS.status, 2000);
        return status.checkpoint >= seqAfter;
      },
      CATCH_UP_BUDGET_MS,
      100,
    );
    const catchUpMs = performance.now() - loadEnded;

    console.log(`rebuild: ${seqAfter} commits in the stream`);
    const rebuildStarted = performance.now();
    const rebuild = await ask<RebuildResult>(client, QUERY_PATTERNS.rebuild, REBUILD_BUDGET_MS);
    const rebuildWallSeconds = (performance.now() - rebuildStarted) / 1000;
    if ('error' in rebuild) throw new Error(`rebuild failed: ${rebuild.error.type}: ${rebuild.error.message}`);

    const awaitedFloor = { metric: 'JetStream publish/s, awaited', value: floors.awaited.perSecond };
    const readFloor = { metric: 'ordered read msgs/s', value: floors.orderedRead.perSecond };
    const rows: BenchRow[] = [
      { metric: 'floor: JetStream publish, expected seq, awaited one at a time', value: floors.awaited.perSecond, unit: 'publish/s' },
      {
        metric: `floor: JetStream publish, expected seq, ${FLOOR.inFlightWindow} in flight`,
        value: floors.inFlight.perSecond,
        unit: 'publish/s',
      },
      { metric: 'floor: JetStream ordered consumer read', value: floors.orderedRead.perSecond, unit: 'msgs/s' },
      { metric: 'floor: awaited publish latency p50', value: percentile(floors.awaited.latenciesMs, 50), unit: 'ms' },
      { metric: 'floor: awaited publish latency p99', value: percentile(floors.awaited.latenciesMs, 99), unit: 'ms' },
      {
        metric: 'pool create latency p50',
        value: percentile(load.poolMs, 50),
        unit: 'ms',
        floor: { metric: 'awaited publish p50', value: percentile(floors.awaited.latenciesMs, 50) },
      },
      {
        metric: 'pool create latency p99',
        value: percentile(load.poolMs, 99),
        unit: 'ms',
        floor: { metric: 'awaited publish p99', value: percentile(floors.awaited.latenciesMs, 99) },
      },
      {
        metric: 'member create latency p50',
        value: percentile(load.memberMs, 50),
        unit: 'ms',
        floor: { metric: 'awaited publish p50', value: percentile(floors.awaited.latenciesMs, 50) },
      },
      {
        metric: 'member create latency p99',
        value: percentile(load.memberMs, 99),
        unit: 'ms',
        floor: { metric: 'awaited publish p99', value: percentile(floors.awaited.latenciesMs, 99) },
      },
      { metric: `creates/s (pools + members, ${WORKERS} workers)`, value: creates / load.seconds, unit: 'creates/s', floor: awaitedFloor },
      { metric: 'events appended/s', value: appended.events / load.seconds, unit: 'events/s', floor: awaitedFloor },
      ...(Object.keys(cpuAfter) as LoadProcess[]).map((name) => ({
        metric: `${name} CPU per create`,
        value: ((cpuAfter[name] - cpuBefore[name]) * 1000) / creates,
        unit: 'ms',
      })),
      { metric: 'projection rebuild events/s', value: rebuild.events / rebuild.seconds, unit: 'events/s', floor: readFloor },
      { metric: 'projection rebuild commits/s', value: rebuild.commits / rebuild.seconds, unit: 'commits/s', floor: readFloor },
    ];
    report('api-create', rows, {
      complete: creates === POOLS * (1 + MEMBERS_PER_POOL),
      machine: { cpus: cpus().length, node: process.version, natsServer: nc.info?.version ?? 'unknown' },
      load: {
        pools: POOLS,
        membersPerPool: MEMBERS_PER_POOL,
        workers: WORKERS,
        budgetSeconds: LOAD_BUDGET_MS / 1000,
        poolsCreated: load.poolMs.length,
        membersCreated: load.memberMs.length,
        seconds: load.seconds,
        stoppedEarly: load.stoppedEarly,
        failures: load.failures.slice(0, 10),
        appended: {
          fromSeq: seqBefore,
          toSeq: seqAfter,
          ...appended,
          meanCommitBytes: appended.commits ? appended.bytes / appended.commits : 0,
        },
        projectionCatchUpMsAfterLoad: catchUpMs,
        cpuSecondsDuringLoad: Object.fromEntries(
          (Object.keys(cpuAfter) as LoadProcess[]).map((name) => [name, cpuAfter[name] - cpuBefore[name]]),
        ),
      },
      floors: {
        payloadBytes: payload.length,
        awaited: { count: floors.awaited.count, seconds: floors.awaited.seconds },
        inFlight: { window: FLOOR.inFlightWindow, count: floors.inFlight.count, seconds: floors.inFlight.seconds },
        orderedRead: { count: floors.orderedRead.count, bytes: floors.orderedRead.bytes, seconds: floors.orderedRead.seconds },
      },
      rebuild: { ...rebuild, wallSeconds: rebuildWallSeconds },
    });
    if (load.failures.length > 0) throw new Error(`${load.failures.length} create(s) failed, the first: ${load.failures[0]}`);
    if (load.stoppedEarly)
      console.warn(`the load stopped early (its ${LOAD_BUDGET_MS / 1000} s bound or an interrupt) after ${creates} creates`);
  } finally {
    api?.close();
    await client?.close();
    await nc?.close();
    await stack?.stop();
  }
}

export const apiCreate = { name: 'api-create', run };
