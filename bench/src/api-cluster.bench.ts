import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { connectNats } from '@lbaas/event-log';
import { type NatsClusterHandle, type NatsServerHandle, type Stack, startStack } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { poolCreatedCommit } from './floor-commits';
import { measurePublishFloors } from './jetstream-floors';
import { type BenchRow, percentile, report } from './report';

const POOLS = 2000;
const WORKERS = 16;
const LOAD_BUDGET_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** The floor runs as many publishers as the load has workers, each awaiting its ack: the same concurrency. */
const FLOOR = { awaitedCount: 2000, inFlightCount: 10_000, inFlightWindow: WORKERS, phaseBudgetMs: 30_000 };

interface Topology {
  readonly name: 'one node' | 'three-node cluster';
  readonly start: () => Promise<Stack<NatsServerHandle> | Stack<NatsClusterHandle>>;
  readonly replicas: number;
}

interface Measured {
  readonly topology: Topology['name'];
  readonly createMs: number[];
  readonly seconds: number;
  readonly failures: string[];
  readonly floors: Awaited<ReturnType<typeof measurePublishFloors>>;
  readonly natsServer: string;
}

async function post(apiUrl: string, token: string, path: string, resource: string, body: object, signal: AbortSignal): Promise<string> {
  const response = await fetch(`${apiUrl}/v2.0/${path}`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ [resource]: body }),
    signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
  });
  const text = await response.text();
  const id: unknown =
    response.status === 201 ? (JSON.parse(text) as Record<string, { id?: unknown } | undefined>)[resource]?.id : undefined;
  if (typeof id !== 'string') throw new Error(`POST /v2.0/${path} -> ${response.status} ${text.slice(0, 300)}`);
  return id;
}

/** WORKERS clients creating pools on one subnet, each request timed from send to the last byte of its answer. */
async function createPools(
  stack: Stack<NatsServerHandle> | Stack<NatsClusterHandle>,
  signal: AbortSignal,
): Promise<Pick<Measured, 'createMs' | 'seconds' | 'failures'>> {
  const token = stack.tokens.demo.token;
  const networkId = await post(stack.apiUrl, token, 'networks', 'network', { name: 'bench-net' }, signal);
  const subnetId = await post(stack.apiUrl, token, 'subnets', 'subnet', { network_id: networkId, cidr: '198.18.0.0/16' }, signal);
  const createMs: number[] = [];
  const failures: string[] = [];
  const deadline = Date.now() + LOAD_BUDGET_MS;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failures.length === 0 && next < POOLS && Date.now() < deadline && !signal.aborted) {
      const n = next++;
      const sent = performance.now();
      try {
        await post(
          stack.apiUrl,
          token,
          'lb/pools',
          'pool',
          { name: `bench-pool-${n}`, protocol: 'HTTP', lb_method: 'ROUND_ROBIN', subnet_id: subnetId },
          signal,
        );
        createMs.push(performance.now() - sent);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { createMs: createMs.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000, failures };
}

async function measure(topology: Topology, signal: AbortSignal): Promise<Measured> {
  let stack: Stack<NatsServerHandle> | Stack<NatsClusterHandle> | undefined;
  let nc: NatsConnection | undefined;
  try {
    stack = await topology.start();
    nc = await connectNats('lb-bench-cluster', stack.nats.url);
    console.log(
      `${topology.name}: floors (${FLOOR.awaitedCount} awaited publishes, ${FLOOR.inFlightCount} with ${FLOOR.inFlightWindow} in flight, R${topology.replicas})`,
    );
    const floors = await measurePublishFloors(nc, { ...FLOOR, payload: poolCreatedCommit(), signal, replicas: topology.replicas });
    console.log(`${topology.name}: load (${POOLS} pool creates, ${WORKERS} workers, at most ${LOAD_BUDGET_MS / 1000} s)`);
    const load = await createPools(stack, signal);
    return { topology: topology.name, ...load, floors, natsServer: nc.info?.version ?? 'unknown' };
  } finally {
    await nc?.close();
    await stack?.stop();
  }
}

const rowsOf = (m: Measured): BenchRow[] => {
  const awaitedP50 = percentile(m.floors.awaited.latenciesMs, 50);
  const awaitedP99 = percentile(m.floors.awaited.latenciesMs, 99);
  const at = `(${m.topology})`;
  return [
    { metric: `floor: JetStream publish awaited p99 ${at}`, value: awaitedP99, unit: 'ms' },
    { metric: `floor: JetStream publish, ${WORKERS} in flight ${at}`, value: m.floors.inFlight.perSecond, unit: 'publish/s' },
    {
      metric: `pool create p50 ${at}`,
      value: percentile(m.createMs, 50),
      unit: 'ms',
      floor: { metric: 'awaited publish p50', value: awaitedP50 },
    },
    {
      metric: `pool create p99 ${at}`,
      value: percentile(m.createMs, 99),
      unit: 'ms',
      floor: { metric: 'awaited publish p99', value: awaitedP99 },
    },
    {
      metric: `pool creates/s, ${WORKERS} workers ${at}`,
      value: m.createMs.length / m.seconds,
      unit: 'creates/s',
      floor: { metric: `publish/s, ${WORKERS} in flight`, value: m.floors.inFlight.perSecond },
    },
  ];
};

/**
 * API create throughput and tail latency with the event log on one nats-server (R1) and on a
 * three-node JetStream cluster (R3), each against raw JetStream publishes on the same servers.
 */
async function run(signal: AbortSignal): Promise<void> {
  const topologies: Topology[] = [
    { name: 'one node', start: () => startStack(), replicas: 1 },
    { name: 'three-node cluster', start: () => startStack({ cluster: 3 }), replicas: 3 },
  ];
  const measured: Measured[] = [];
  for (const topology of topologies) {
    if (signal.aborted) break;
    measured.push(await measure(topology, signal));
  }
  const [single, cluster] = measured;
  const rows = measured.flatMap(rowsOf);
  if (single && cluster) {
    rows.push({
      metric: 'pool creates/s, cluster vs one node',
      value: cluster.createMs.length / cluster.seconds,
      unit: 'creates/s',
      floor: { metric: 'pool creates/s on one node', value: single.createMs.length / single.seconds },
    });
  }
  report('api-cluster', rows, {
    complete: measured.length === topologies.length && measured.every((m) => m.createMs.length === POOLS),
    machine: { cpus: cpus().length, node: process.version, natsServer: measured[0]?.natsServer ?? 'unknown' },
    load: { pools: POOLS, workers: WORKERS, budgetSeconds: LOAD_BUDGET_MS / 1000 },
    runs: measured.map((m) => ({
      topology: m.topology,
      created: m.createMs.length,
      seconds: m.seconds,
      failures: m.failures.slice(0, 10),
      floors: {
        awaited: { count: m.floors.awaited.count, seconds: m.floors.awaited.seconds },
        inFlight: { window: FLOOR.inFlightWindow, count: m.floors.inFlight.count, seconds: m.floors.inFlight.seconds },
      },
    })),
  });
  const failed = measured.find((m) => m.failures.length > 0);
  if (failed) throw new Error(`${failed.failures.length} create(s) failed on ${failed.topology}, the first: ${failed.failures[0]}`);
}

export const apiCluster = { name: 'api-cluster', run };
