import type { AgentRestart } from './agent-restart';
import type { ProcessCpu, WindowCpu, WorkCpu } from './scale-cpu';
import type { ChurnMeasure } from './churn-phase';
import type { PublishFloor } from './jetstream-floors';
import type { DaemonCost } from './node-daemon-cost';
import type { BenchRow } from './report';
import { type GrowthResult, p50, p99 } from './scale-load';
import type { RequestProbes } from './scale-probes';
import type { PlacementRun } from './simulated-placement';
import type { WholeLogRead } from './whole-log-read';

export interface SizeMeasure {
  readonly target: number;
  readonly objects: number;
  readonly counts: { networks: number; pools: number; members: number; vips: number };
  readonly growth: GrowthResult;
  readonly probes: RequestProbes;
  readonly residentMiB: Record<string, number | null>;
  readonly log: { messages: number; bytes: number };
  readonly wholeRead: WholeLogRead;
  readonly rebuild: { events: number; commits: number; seconds: number };
  /** VIPs ACTIVE (placed, rendered and applied) when the size was measured, and how long the bench waited for them. */
  readonly pipeline: { active: number; total: number; waitedMs: number; boundMs: number };
  readonly agentRestart: AgentRestart;
  /** CPU of each whole-log work: the steadier curve on shared cores. */
  readonly cpu: { readonly wholeRead: WorkCpu; readonly rebuild: WorkCpu; readonly agentRestart: WorkCpu };
  /** Every process's CPU on the settled system: standing still, and over the lone creates (with their downstream). */
  readonly settledCpu?: { readonly idle: WindowCpu; readonly creates: { readonly count: number; readonly cpu: WindowCpu } };
}

export interface ScaleFloors {
  readonly publish: { readonly awaited: PublishFloor; readonly inFlight: PublishFloor };
  readonly emptyGetMs: readonly number[];
  readonly emptyResident: Record<string, number | null>;
  readonly emptyIdle: WindowCpu;
}

/** The placements a node agent was asked about in the issue. */
const AGENT_PLACEMENTS = 500;
const WORKERS_NOTE = 'growing, all workers';

const allCreates = (g: GrowthResult): number[] =>
  Object.values(g.createMs)
    .flat()
    .sort((a, b) => a - b);

/** `ratio` for a size step of `sizeRatio`, scaled to a step of 10 (a cost growing as size^k grows 10^k per 10x). */
const per10x = (ratio: number, sizeRatio: number): number => (sizeRatio > 1 ? ratio ** (1 / Math.log10(sizeRatio)) : ratio);

function sizeRows(m: SizeMeasure, floors: ScaleFloors): BenchRow[] {
  const at = `[${m.objects} objects]`;
  const creates = allCreates(m.growth);
  const awaited = floors.publish.awaited.latenciesMs;
  const rows: BenchRow[] = [
    {
      metric: `${at} create one at a time p50`,
      value: p50(m.probes.createMs),
      unit: 'ms',
      floor: { metric: 'awaited publish p50', value: p50(awaited) },
    },
    {
      metric: `${at} create one at a time p99`,
      value: p99(m.probes.createMs),
      unit: 'ms',
      floor: { metric: 'awaited publish p99', value: p99(awaited) },
    },
    {
      metric: `${at} create p50, ${WORKERS_NOTE}`,
      value: p50(creates),
      unit: 'ms',
      floor: { metric: 'awaited publish p50', value: p50(awaited) },
    },
    {
      metric: `${at} create p99, ${WORKERS_NOTE}`,
      value: p99(creates),
      unit: 'ms',
      floor: { metric: 'awaited publish p99', value: p99(awaited) },
    },
    {
      metric: `${at} creates/s while growing (${creates.length})`,
      value: creates.length / m.growth.seconds,
      unit: 'creates/s',
      floor: { metric: 'publish/s, 500 in flight', value: floors.publish.inFlight.perSecond },
    },
    {
      metric: `${at} GET one object p50`,
      value: p50(m.probes.getMs),
      unit: 'ms',
      floor: { metric: 'GET on the empty system p50', value: p50(floors.emptyGetMs) },
    },
    {
      metric: `${at} list members, first page p50`,
      value: p50(m.probes.firstPageMs),
      unit: 'ms',
      floor: { metric: 'GET on the empty system p50', value: p50(floors.emptyGetMs) },
    },
    {
      metric: `${at} list members, last page p50`,
      value: p50(m.probes.lastPageMs),
      unit: 'ms',
      floor: { metric: 'first page p50', value: p50(m.probes.firstPageMs) },
    },
    {
      metric: `${at} projection rebuild (${m.rebuild.events} events)`,
      value: m.rebuild.seconds * 1000,
      unit: 'ms',
      floor: { metric: 'ordered read of the whole log (ms)', value: m.wholeRead.seconds * 1000 },
    },
    { metric: `${at} event log`, value: m.log.bytes / 2 ** 20, unit: 'MiB' },
    { metric: `${at} event log per object`, value: m.log.bytes / m.objects, unit: 'bytes' },
    {
      metric: `${at} agent restart to converged, ${m.agentRestart.placements} placements (fake driver)`,
      value: m.agentRestart.convergedMs,
      unit: 'ms',
      floor: { metric: 'ordered read of the whole log (ms)', value: m.wholeRead.seconds * 1000 },
    },
    ...cpuRows(at, m),
    ...settledCpuRows(at, m, floors),
    { metric: `${at} VIPs ACTIVE when measured`, value: m.pipeline.active, unit: `of ${m.pipeline.total}` },
    {
      metric: `${at} wait for the pipeline to settle after the growth (bound ${Math.round(m.pipeline.boundMs / 1000)} s)`,
      value: m.pipeline.waitedMs,
      unit: 'ms',
    },
  ];
  for (const [service, mib] of Object.entries(m.residentMiB)) {
    const empty = floors.emptyResident[service];
    if (mib === null) continue;
    rows.push({
      metric: `${at} RSS ${service}`,
      value: mib,
      unit: 'MiB',
      floor: empty ? { metric: 'RSS on the empty system', value: empty } : undefined,
    });
  }
  return rows;
}

const WORKS = [
  ['wholeRead', 'whole-log read', 'the bench reader'],
  ['rebuild', 'projection rebuild', 'the projections'],
  ['agentRestart', 'agent restart to converged', 'the new agent'],
] as const;

const cpuTotal = (c: WorkCpu): number | null => (c.worker === null || c.natsServer === null ? null : c.worker + c.natsServer);

function cpuRows(at: string, m: SizeMeasure): BenchRow[] {
  return WORKS.flatMap(([key, what, worker]) => {
    const c = m.cpu[key];
    const total = cpuTotal(c);
    if (total === null) return [];
    return [
      { metric: `${at} ${what}, CPU of ${worker} (${c.worker} s) and nats-server (${c.natsServer} s)`, value: total * 1000, unit: 'ms' },
    ];
  });
}

const both = (c: ProcessCpu): number => c.self + c.children;
const spentNote = (c: ProcessCpu): string => (c.children > 0 ? ` (${c.self} ms itself, ${c.children} ms its children)` : '');

/** CPU per second of wall time of each process, and of all together. */
function perSecond(w: WindowCpu): Map<string, number> {
  const rates = new Map<string, number>();
  for (const [name, c] of Object.entries(w.spentMs)) if (c) rates.set(name, (both(c) * 1000) / w.wallMs);
  rates.set(
    'all processes',
    [...rates.values()].reduce((a, b) => a + b, 0),
  );
  return rates;
}

/** A lone create's CPU in each process beyond what the process spends standing still over the same time. */
export function perCreateMs(settled: NonNullable<SizeMeasure['settledCpu']>): Map<string, number> {
  const idle = perSecond(settled.idle);
  const { count, cpu } = settled.creates;
  const costs = new Map<string, number>();
  for (const [name, c] of Object.entries(cpu.spentMs))
    if (c && idle.has(name)) costs.set(name, (both(c) - ((idle.get(name) ?? 0) * cpu.wallMs) / 1000) / count);
  costs.set(
    'all processes',
    [...costs.values()].reduce((a, b) => a + b, 0),
  );
  return costs;
}

function settledCpuRows(at: string, m: SizeMeasure, floors: ScaleFloors): BenchRow[] {
  if (!m.settledCpu) return [];
  const emptyIdle = perSecond(floors.emptyIdle);
  const idle = m.settledCpu.idle;
  const idleRows = [...perSecond(idle)].map(([name, rate]): BenchRow => {
    const spent = idle.spentMs[name];
    return {
      metric: `${at} idle CPU, settled, no requests, ${name}${spent ? spentNote(spent) : ''}`,
      value: rate,
      unit: 'ms per s',
      floor: emptyIdle.has(name) ? { metric: 'idle CPU on the empty system', value: emptyIdle.get(name) ?? 0 } : undefined,
    };
  });
  const createRows = [...perCreateMs(m.settledCpu)].map(([name, ms]): BenchRow => {
    const spent = m.settledCpu?.creates.cpu.spentMs[name];
    return { metric: `${at} CPU per lone create beyond idle, ${name}${spent ? spentNote(spent) : ''}`, value: ms, unit: 'ms' };
  });
  return [...idleRows, ...createRows];
}

function cpuCurveRows(prev: SizeMeasure, m: SizeMeasure, step: string, sizeRatio: number): BenchRow[] {
  return WORKS.flatMap(([key, what]) => {
    const [a, b] = [cpuTotal(prev.cpu[key]), cpuTotal(m.cpu[key])];
    if (a === null || b === null || a === 0) return [];
    return [{ metric: `${what} CPU per 10x (${step}; goal <= 12)`, value: per10x(b / a, sizeRatio), unit: 'x' }];
  });
}

function curveRows(measures: readonly SizeMeasure[], floors: ScaleFloors): BenchRow[] {
  const rows: BenchRow[] = [];
  const [first] = measures;
  for (let i = 1; i < measures.length; i++) {
    const [prev, m] = [measures[i - 1], measures[i]];
    const step = `${prev.objects} -> ${m.objects}`;
    const sizeRatio = m.objects / prev.objects;
    rows.push(
      ...cpuCurveRows(prev, m, step, sizeRatio),
      {
        metric: `rebuild time per 10x (${step}; goal <= 12)`,
        value: per10x(m.rebuild.seconds / prev.rebuild.seconds, sizeRatio),
        unit: 'x',
      },
      { metric: `whole-log read per 10x (${step})`, value: per10x(m.wholeRead.seconds / prev.wholeRead.seconds, sizeRatio), unit: 'x' },
      {
        metric: `agent restart per 10x (${step})`,
        value: per10x(m.agentRestart.convergedMs / prev.agentRestart.convergedMs, sizeRatio),
        unit: 'x',
      },
      {
        metric: `create one at a time p50 vs ${first.objects} objects (${m.objects}; goal <= 1.5)`,
        value: p50(m.probes.createMs) / p50(first.probes.createMs),
        unit: 'x',
      },
      ...(m.settledCpu && first.settledCpu
        ? [
            {
              metric: `CPU per lone create, all processes, vs ${first.objects} objects (${m.objects})`,
              value: (perCreateMs(m.settledCpu).get('all processes') ?? 0) / (perCreateMs(first.settledCpu).get('all processes') ?? 1),
              unit: 'x',
            },
            {
              metric: `idle CPU, all processes, vs ${first.objects} objects (${m.objects})`,
              value:
                (perSecond(m.settledCpu.idle).get('all processes') ?? 0) / (perSecond(first.settledCpu.idle).get('all processes') ?? 1),
              unit: 'x',
            },
          ]
        : []),
      {
        metric: `create p50 while growing vs ${first.objects} objects (${m.objects})`,
        value: p50(allCreates(m.growth)) / p50(allCreates(first.growth)),
        unit: 'x',
      },
      {
        metric: `GET p50 vs ${first.objects} objects (${m.objects}; goal <= 1.5)`,
        value: p50(m.probes.getMs) / p50(first.probes.getMs),
        unit: 'x',
      },
      {
        metric: `last page p50 vs ${first.objects} objects (${m.objects}; goal <= 1.5)`,
        value: p50(m.probes.lastPageMs) / p50(first.probes.lastPageMs),
        unit: 'x',
      },
    );
  }
  const last = measures.at(-1);
  if (last) {
    for (const [service, mib] of Object.entries(last.residentMiB)) {
      const empty = floors.emptyResident[service];
      if (mib === null || !empty) continue;
      rows.push({
        metric: `RSS per 1,000 objects, ${service} (to ${last.objects})`,
        value: ((mib - empty) * 1000) / last.objects,
        unit: 'MiB',
      });
    }
  }
  return rows;
}

export function placementRows(runs: readonly PlacementRun[]): BenchRow[] {
  const rows: BenchRow[] = runs.map((r) => ({
    metric: `place ${r.vips} VIPs on ${r.nodes} simulated nodes${r.addressesReused ? ' (VRRP addresses reused past the /15)' : ''}`,
    value: r.ms,
    unit: 'ms',
    floor: { metric: 'empty loop over the VIP events (ms)', value: r.floorMs },
  }));
  for (let i = 1; i < runs.length; i++) {
    const [prev, r] = [runs[i - 1], runs[i]];
    rows.push({
      metric: `placement time per 10x (${prev.vips} -> ${r.vips} VIPs)`,
      value: per10x(r.ms / prev.ms, r.vips / prev.vips),
      unit: 'x',
    });
  }
  return rows;
}

function daemonRows(costs: readonly DaemonCost[]): BenchRow[] {
  const rows: BenchRow[] = costs.flatMap((c) => [
    { metric: `real placements ${c.placements}: processes`, value: c.processes, unit: 'processes' },
    { metric: `real placements ${c.placements}: PSS (RSS ${Math.round(c.rssMiB)} MiB)`, value: c.pssMiB, unit: 'MiB' },
  ]);
  const [low, high] = [costs.at(-2), costs.at(-1)];
  if (low && high && high.placements > low.placements) {
    const n = high.placements - low.placements;
    const processes = (high.processes - low.processes) / n;
    const pss = (high.pssMiB - low.pssMiB) / n;
    rows.push(
      { metric: 'real placement: processes each', value: processes, unit: 'processes' },
      { metric: 'real placement: PSS each', value: pss, unit: 'MiB' },
      { metric: `${AGENT_PLACEMENTS} placements, extrapolated: processes`, value: processes * AGENT_PLACEMENTS, unit: 'processes' },
      { metric: `${AGENT_PLACEMENTS} placements, extrapolated: PSS`, value: pss * AGENT_PLACEMENTS, unit: 'MiB' },
    );
  }
  return rows;
}

function churnRows(churn: ChurnMeasure | null): BenchRow[] {
  if (!churn) return [];
  return Object.entries(churn.residentAfter).flatMap(([service, after]): BenchRow[] => {
    const before = churn.residentBefore[service];
    if (after === null || !before) return [];
    return [
      {
        metric: `RSS after ${churn.updates} updates at ${churn.objects} objects, ${service}`,
        value: after,
        unit: 'MiB',
        floor: { metric: 'RSS before the updates', value: before },
      },
    ];
  });
}

export function scaleRows(
  measures: readonly SizeMeasure[],
  floors: ScaleFloors,
  churn: ChurnMeasure | null,
  placements: readonly PlacementRun[],
  daemons: readonly DaemonCost[],
): BenchRow[] {
  return [
    { metric: 'floor: awaited publish p50', value: p50(floors.publish.awaited.latenciesMs), unit: 'ms' },
    { metric: 'floor: GET on the empty system p50', value: p50(floors.emptyGetMs), unit: 'ms' },
    ...measures.flatMap((m) => sizeRows(m, floors)),
    ...curveRows(measures, floors),
    ...churnRows(churn),
    ...placementRows(placements),
    ...daemonRows(daemons),
  ];
}
