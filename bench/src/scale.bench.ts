import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { connectNats } from '@lbaas/event-log';
import {
  builtService,
  freePort,
  pipelineServices,
  type ServiceProcess,
  spawnService,
  type Stack,
  startStack,
  waitFor,
} from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { restartAgent } from './agent-restart';
import { memberAddedCommit } from './floor-commits';
import { measurePublishFloors } from './jetstream-floors';
import { nodeDaemonCost, type DaemonCost } from './node-daemon-cost';
import { residentMiB } from './process-memory';
import { report } from './report';
import { placementRows, scaleRows, type SizeMeasure } from './scale-rows';
import { churnPhase } from './churn-phase';
import { Fleet, growFleet, NeutronTenant, OBJECTS_PER_NETWORK, p50, p99 } from './scale-load';
import { scaleSettings } from './scale-settings';
import { activeVips, probeRequests, projectionsAt, rebuildProjections, residentOf, streamState } from './scale-probes';
import { cpuAround, measuredCpu, type WindowCpu } from './scale-cpu';
import { placeSimulated, type PlacementRun } from './simulated-placement';
import { readWholeLog } from './whole-log-read';

/** What a size leaves for its measurements once its growth stops: probes, a read, a rebuild, a restart. */
const MEASURE_RESERVE_MS = 8 * 60_000;
/**
 * The pipeline's work after a growth is linear in the VIPs (each is placed, rendered, checked by
 * haproxy -c twice and applied), so its bound is too: 10 VIPs/s at the least, never under a minute.
 */
const SETTLE_MS_PER_VIP = 100;
const SETTLE_FLOOR_MS = 60_000;
/**
 * Every VIP takes two VRRP addresses. The services' default range (198.19.192.0/18) holds 8,191
 * pairs, fewer than the 9,524 VIPs of 100,000 objects, and a VIP left unplaced never settles. This
 * /17 holds 16,383 pairs and stays clear of the networks' /27s (from 198.18.0.0 upwards: they
 * reach 198.19.41.0 at 100,000 objects, 198.19.128.0 past some 129,000).
 */
const VRRP_CIDR = '198.19.128.0/17';
const UNBOUNDED_TIMELINE = 1_000_000_000;
/** The settled system with no requests, its CPU read per process: what it costs to stand still. */
const IDLE_WINDOW_MS = 30_000;
/** After the last lone create, the time its rendering, check and apply are given to finish. */
const CREATE_TAIL_MS = 5_000;

/**
 * Issue 17, item 6: cost curves. Grows one system (api, projections, scheduler, config renderer,
 * dashboard, fake-driver node agents) through the v1 HTTP API to each size in turn and measures
 * there: request latency, projection rebuild, resident memory of every service, the event log's
 * bytes, and an agent's restart; then the pure placement model at growing sizes, and what real
 * HAProxy and keepalived placements cost a node.
 */
async function run(signal: AbortSignal): Promise<void> {
  const settings = scaleSettings(process.env);
  if (settings.placementOnly) return placementOnly(settings.reportName, settings.placementSizes, signal);
  const deadline = Date.now() + settings.budgetMs;
  const check = (): void => {
    if (signal.aborted) throw new Error('scale: interrupted');
  };
  Logger.overrideLogger(false);
  const runRoot = mkdtempSync(join(tmpdir(), 'lbscale-'));
  let stack: Stack | undefined;
  let nc: NatsConnection | undefined;
  let client: ClientProxy | undefined;
  const services: ServiceProcess[] = [];
  const measures: SizeMeasure[] = [];
  try {
    stack = await startStack();
    const agentPorts = await Promise.all(Array.from({ length: settings.agents }, () => freePort()));
    services.push(
      ...(await pipelineServices({
        natsUrl: stack.nats.url,
        runRoot,
        nodes: settings.agents,
        driver: 'fake',
        env: { LBAAS_VRRP_CIDR: VRRP_CIDR },
        nodeEnv: (n) => ({ LBAAS_HEALTH_PORT: String(agentPorts[n - 1]), LBAAS_RECONCILE_MS: '2000' }),
      })),
    );
    const dashboardPort = await freePort();
    const dashboardTokens = join(stack.dir, 'dashboard-tokens.json');
    writeFileSync(dashboardTokens, JSON.stringify(stack.tokens), { mode: 0o600 });
    const dashboard = spawnService('dashboard', builtService('dashboard'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_HEALTH_HOST: '127.0.0.1',
      LBAAS_HEALTH_PORT: String(dashboardPort),
      LBAAS_TOKENS_FILE: dashboardTokens,
    });
    // The same dashboard with a timeline bound it never reaches: memory as before the bound, side by side.
    const unboundedDashboard = spawnService('dashboard-unbounded', builtService('dashboard'), {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_HEALTH_HOST: '127.0.0.1',
      LBAAS_HEALTH_PORT: String(await freePort()),
      LBAAS_TOKENS_FILE: dashboardTokens,
      LBAAS_DASHBOARD_TIMELINE_EVENTS: String(UNBOUNDED_TIMELINE),
    });
    services.push(dashboard, unboundedDashboard);
    await waitFor(
      'the dashboard',
      async () => (await fetch(`http://127.0.0.1:${dashboardPort}/readyz`).catch(() => null))?.ok === true,
      60_000,
      100,
    );
    const [scheduler, renderer, restarted, measuredAgent] = services;
    const watched: Record<string, ServiceProcess> = {
      api: stack.services.api,
      projections: stack.services.projections,
      scheduler,
      'config-renderer': renderer,
      dashboard,
      'dashboard, timeline unbounded as before': unboundedDashboard,
      [`agent (${measuredAgent?.name ?? restarted.name})`]: measuredAgent ?? restarted,
    };
    const cpuPids: Record<string, () => number | undefined> = {
      api: stack.services.api.pid,
      projections: stack.services.projections.pid,
      'nats-server': stack.nats.pid,
      ...Object.fromEntries(services.map((s) => [s.name, s.pid])),
    };
    nc = await connectNats('lb-bench-scale', stack.nats.url);
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [stack.nats.url], name: 'lb-bench-scale' } });
    await client.connect();
    const [queries, natsConnection] = [client, nc];
    const tenants = [new NeutronTenant(stack.apiUrl, stack.tokens.demo.token), new NeutronTenant(stack.apiUrl, stack.tokens.other.token)];

    console.log('floors: awaited publishes, a GET on the empty system, resident memory empty');
    const publish = await measurePublishFloors(nc, {
      payload: memberAddedCommit(),
      awaitedCount: 3000,
      inFlightCount: 20_000,
      inFlightWindow: 500,
      phaseBudgetMs: 30_000,
      signal,
    });
    const emptyGetMs = await (async () => {
      const ms: number[] = [];
      for (let i = 0; i < 200; i++) ms.push((await tenants[0].timedGet('/v2.0/lb/pools')).ms);
      return ms.sort((a, b) => a - b);
    })();
    const emptyResident = residentOf(watched);
    const emptyIdle = (await cpuAround(cpuPids, async () => undefined, IDLE_WINDOW_MS)).cpu;

    const fleet = new Fleet();
    for (const target of settings.sizes) {
      check();
      if (Date.now() > deadline - MEASURE_RESERVE_MS) break;
      if (fleet.objects >= target) continue;
      console.log(`grow to ${target} objects (${fleet.objects} now), ${settings.workers} workers`);
      const growth = await growFleet(fleet, tenants, {
        target,
        workers: settings.workers,
        deadline: deadline - MEASURE_RESERVE_MS,
        signal,
      });
      if (growth.failures.length > 0) throw new Error(`a create failed at ${fleet.objects} objects: ${growth.failures[0]}`);
      const log = await streamState(nc);
      await projectionsAt(client, log.lastSeq, 5 * 60_000);
      const settleStarted = performance.now();
      const settleBoundMs = Math.max(SETTLE_FLOOR_MS, fleet.vips.length * SETTLE_MS_PER_VIP);
      let vips = await activeVips(tenants);
      while (vips.active < vips.total && performance.now() - settleStarted < settleBoundMs) {
        check();
        await new Promise((r) => setTimeout(r, 2000));
        vips = await activeVips(tenants);
      }
      const pipeline = { ...vips, waitedMs: performance.now() - settleStarted, boundMs: settleBoundMs };
      // Requests are timed on the settled system: the pipeline rendering and applying the new VIPs
      // on the same 2 cores would be timed with them.
      const idle = (await cpuAround(cpuPids, async () => undefined, IDLE_WINDOW_MS)).cpu;
      let createCpu: WindowCpu | undefined;
      const probes = await probeRequests(fleet, async (creates) => {
        const measured = await cpuAround(cpuPids, creates, CREATE_TAIL_MS);
        createCpu = measured.cpu;
        return measured.result;
      });
      if (vips.active < vips.total)
        console.log(`at ${fleet.objects} objects: ${vips.active} of ${vips.total} VIPs ACTIVE after ${settleBoundMs} ms: not settled`);
      const resident = residentOf(watched);
      const logNow = await streamState(nc);
      console.log(`at ${fleet.objects} objects: ${logNow.messages} commits; whole-log read, rebuild, agent restart`);
      const natsServer = stack.nats.pid;
      const read = await measuredCpu({ worker: () => process.pid, natsServer }, () => readWholeLog(natsConnection, 10 * 60_000));
      const rebuilt = await measuredCpu({ worker: stack.services.projections.pid, natsServer }, () =>
        rebuildProjections(queries, 20 * 60_000),
      );
      const restart = await measuredCpu(
        { worker: restarted.pid, natsServer },
        () => restartAgent(restarted, `http://127.0.0.1:${agentPorts[0]}`, 10 * 60_000),
        { workerStartsAtZero: true },
      );
      const [wholeRead, rebuild, agentRestart] = [read.result, rebuilt.result, restart.result];
      measures.push({
        target,
        objects: fleet.objects,
        counts: { networks: fleet.networks, pools: fleet.pools.length, members: fleet.members.length, vips: fleet.vips.length },
        growth,
        probes,
        residentMiB: resident,
        log: { messages: logNow.messages, bytes: logNow.bytes },
        wholeRead,
        rebuild,
        pipeline,
        agentRestart,
        cpu: { wholeRead: read.cpu, rebuild: rebuilt.cpu, agentRestart: restart.cpu },
        settledCpu: createCpu ? { idle, creates: { count: probes.createMs.length, cpu: createCpu } } : undefined,
      });
      if (!growth.reachedTarget) break;
    }
    const churn = await churnPhase(fleet, {
      updates: settings.churnUpdates,
      workers: settings.workers,
      deadline,
      signal,
      resident: () => residentOf(watched),
      caughtUp: async () => projectionsAt(queries, (await streamState(natsConnection)).lastSeq, 5 * 60_000),
    });
    await client.close();
    client = undefined;
    await nc.close();
    nc = undefined;
    for (const s of services) await s.stop();
    await stack.stop();
    stack = undefined;

    const placements = placeAtSizes(settings.placementSizes, check);
    const daemons: DaemonCost[] = settings.realPlacements.length > 0 ? await nodeDaemonCost(settings.realPlacements, check) : [];

    report(settings.reportName, scaleRows(measures, { publish, emptyGetMs, emptyResident, emptyIdle }, churn, placements, daemons), {
      machine: { cpus: cpus().length, node: process.version },
      settings,
      dashboardTimelineEvents: process.env.LBAAS_DASHBOARD_TIMELINE_EVENTS ?? 'default',
      shape: { objectsPerNetwork: OBJECTS_PER_NETWORK, perNetwork: '1 subnet, 4 pools, each with 8 members and 1 VIP' },
      sizesRun: measures.map((m) => ({ target: m.target, reached: m.objects })),
      floors: {
        awaitedPublish: {
          perSecond: publish.awaited.perSecond,
          p50: p50(publish.awaited.latenciesMs),
          p99: p99(publish.awaited.latenciesMs),
        },
        inFlightPublish: { perSecond: publish.inFlight.perSecond },
        emptyGet: { p50: p50(emptyGetMs), p99: p99(emptyGetMs) },
        emptyResidentMiB: emptyResident,
        emptyIdleCpu: emptyIdle,
      },
      sizes: measures.map((m) => ({
        ...m,
        growth: {
          seconds: m.growth.seconds,
          creates: Object.values(m.growth.createMs).flat().length,
          p50ByKind: Object.fromEntries(Object.entries(m.growth.createMs).map(([k, v]) => [k, p50(v)])),
        },
        probes: { getP50: p50(m.probes.getMs), firstPageP50: p50(m.probes.firstPageMs), lastPageP50: p50(m.probes.lastPageMs) },
      })),
      churn,
      placements,
      nodeDaemons: daemons,
      benchRssMiB: residentMiB(process.pid),
    });
  } finally {
    await client?.close();
    await nc?.close();
    for (const s of services) await s.stop();
    await stack?.stop();
    rmSync(runRoot, { recursive: true, force: true });
  }
}

function placeAtSizes(sizes: readonly number[], check: () => void): PlacementRun[] {
  const placements: PlacementRun[] = [];
  for (const vips of sizes) {
    check();
    console.log(`place ${vips} VIPs on ${vips / 10} simulated nodes`);
    placements.push(placeSimulated(vips, Math.max(2, Math.round(vips / 10))));
  }
  return placements;
}

/** The placement part alone: no services started, nothing else measured. */
function placementOnly(reportName: string, sizes: readonly number[], signal: AbortSignal): void {
  const placements = placeAtSizes(sizes, () => {
    if (signal.aborted) throw new Error('scale: interrupted');
  });
  report(`${reportName}-placement`, placementRows(placements), { machine: { cpus: cpus().length, node: process.version }, placements });
}

export const scale = { name: 'scale', run };
