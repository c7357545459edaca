import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { ALL_EVENTS_SUBJECT, connectNats, decodeCommit, STREAM_NAME } from '@lbaas/event-log';
import { QUERY_PATTERNS, type RebuildResult, type StatusReply } from '@lbaas/read-models';
import { type Stack, startStack, waitFor } from '@lbaas/testing';
import { DeliverPolicy, type JetStreamManager, type NatsConnection } from 'nats';
import { firstValueFrom, timeout } from 'rxjs';
import { type JetStreamFloors, measureJetStreamFloors } from './jetstream-floors';
import { type BenchRow, percentile, report } from './report';
import { memberAddedCommit } from './floor-commits';
import { createPoolsWithMembers, type LoadResult, NeutronCreates } from './pool-member-load';

const POOLS = 1000;
const MEMBERS_PER_POOL = 4;
const WORKERS = 16;
const LOAD_BUDGET_MS = 5 * 60_000;
const CATCH_UP_BUDGET_MS = 120_000;
const REBUILD_BUDGET_MS = 180_000;
const FLOOR = { awaitedCount: 10_000, inFlightCount: 50_000, inFlightWindow: 500, phaseBudgetMs: 60_000 };

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

const PROCESSES = ['api', 'projections', 'nats-server', 'bench client'] as const;
type LoadProcess = (typeof PROCESSES)[number];

/** One run of the load: what it measured, and the CPU each process spent during it. */
interface LoadPass {
  readonly load: LoadResult;
  readonly cpuSeconds: Record<LoadProcess, number>;
  readonly seqBefore: number;
  readonly seqAfter: number;
  readonly creates: number;
}

function throwIfFailed(load: LoadResult): void {
  if (load.failures.length > 0) throw new Error(`${load.failures.length} create(s) failed, the first: ${load.failures[0]}`);
}

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

    const payload = memberAddedCommit();
    console.log(
      `floors: ${FLOOR.awaitedCount} awaited publishes, ${FLOOR.inFlightCount} with ${FLOOR.inFlightWindow} in flight, one ordered read`,
    );
    const floors: JetStreamFloors = await measureJetStreamFloors(nc, { ...FLOOR, payload, signal });

    api = new NeutronCreates(stack.apiUrl, stack.tokens.demo.token, signal, WORKERS);
    const network = await api.create('networks', 'network', { name: 'bench-net' });
    const subnet = await api.create('subnets', 'subnet', { name: 'bench-subnet', network_id: network.id, cidr: '198.18.0.0/16' });

    const queryClient = client;
    const running = stack;
    const neutron = api;
    const caughtUp = async (seq: number): Promise<number> => {
      const from = performance.now();
      await waitFor(
        'the projections to catch up with the load',
        async () => (await ask<StatusReply>(queryClient, QUERY_PATTERNS.status, 2000)).checkpoint >= seq,
        CATCH_UP_BUDGET_MS,
        100,
      );
      return performance.now() - from;
    };
    const pass = async (name: string): Promise<LoadPass> => {
      console.log(`${name}: ${POOLS} pools with ${MEMBERS_PER_POOL} members each, ${WORKERS} workers, at most ${LOAD_BUDGET_MS / 1000} s`);
      const seqBefore = await lastSeq(jsm);
      const cpuBefore = cpuOf(running);
      const load = await createPoolsWithMembers(
        neutron,
        subnet.id,
        { pools: POOLS, membersPerPool: MEMBERS_PER_POOL, workers: WORKERS, budgetMs: LOAD_BUDGET_MS },
        signal,
      );
      const cpuAfter = cpuOf(running);
      const cpuSeconds = Object.fromEntries(PROCESSES.map((p) => [p, cpuAfter[p] - cpuBefore[p]])) as Record<LoadProcess, number>;
      return { load, cpuSeconds, seqBefore, seqAfter: await lastSeq(jsm), creates: load.poolMs.length + load.memberMs.length };
    };
    // The api and the projections start with the stack: their first thousands of creates also pay
    // for V8 compiling their code (on its helper threads, a third of the api's CPU in the first
    // pass). The load runs twice, the projections catching up in between; the second pass is the
    // running system's figure, the first is reported beside it.
    const cold = await pass('first pass (cold: the services just started)');
    throwIfFailed(cold.load);
    const coldCatchUpMs = await caughtUp(cold.seqAfter);
    const warm = await pass('load');
    const { load, seqBefore, seqAfter, creates } = warm;
    const appended = await countAppended(nc, seqBefore, seqAfter);
    const catchUpMs = await caughtUp(seqAfter);

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
      ...PROCESSES.map((name) => ({ metric: `${name} CPU per create`, value: (warm.cpuSeconds[name] * 1000) / creates, unit: 'ms' })),
      {
        metric: 'first pass (cold): creates/s',
        value: cold.creates / cold.load.seconds,
        unit: 'creates/s',
        floor: awaitedFloor,
      },
      { metric: 'first pass (cold): pool create latency p50', value: percentile(cold.load.poolMs, 50), unit: 'ms' },
      { metric: 'first pass (cold): member create latency p50', value: percentile(cold.load.memberMs, 50), unit: 'ms' },
      ...PROCESSES.map((name) => ({
        metric: `first pass (cold): ${name} CPU per create`,
        value: (cold.cpuSeconds[name] * 1000) / cold.creates,
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
        cpuSecondsDuringLoad: warm.cpuSeconds,
        firstPass: {
          seconds: cold.load.seconds,
          creates: cold.creates,
          cpuSecondsDuringLoad: cold.cpuSeconds,
          projectionCatchUpMsAfterLoad: coldCatchUpMs,
        },
      },
      floors: {
        payloadBytes: payload.length,
        awaited: { count: floors.awaited.count, seconds: floors.awaited.seconds },
        inFlight: { window: FLOOR.inFlightWindow, count: floors.inFlight.count, seconds: floors.inFlight.seconds },
        orderedRead: { count: floors.orderedRead.count, bytes: floors.orderedRead.bytes, seconds: floors.orderedRead.seconds },
      },
      rebuild: { ...rebuild, wallSeconds: rebuildWallSeconds },
    });
    throwIfFailed(load);
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
