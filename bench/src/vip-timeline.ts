import { type EventEnvelope, upcastTo } from '@lbaas/domain';
import { percentile } from './report';

/** A debug line a service wrote about a VIP's way to the data plane, with its own timestamp (ms since the epoch). */
export interface TimedLine {
  /** When the line was written: the end of what it timed. */
  readonly at: number;
  /** How long it took. */
  readonly ms: number;
}

/** The config renderer's `checked` line: `haproxy -c` of an instance's new haproxy.cfg files, side by side. */
export interface CheckLine extends TimedLine {
  readonly instanceId: string;
}

/** A node agent's `step done` line: one driver step of one placement. */
export interface StepLine extends TimedLine {
  readonly vmId: string;
  readonly step: string;
}

export interface VipRun {
  readonly vipId: string;
  /** The client's clock (ms since the epoch) just before `POST vip` and at its first 200 through the VIP. */
  readonly postedAt: number;
  readonly answeredAt: number;
  /** The log's events (any order, any aggregate: the VIP's and its instance's are picked out). */
  readonly events: readonly EventEnvelope[];
  readonly checks: readonly CheckLine[];
  readonly steps: readonly StepLine[];
}

/** The stages of a new VIP, in order; their durations add up to POST -> first answer. */
export const STAGES = [
  'api (POST -> VipCreated)',
  'scheduler (-> InstancePlaced)',
  'render (-> InstanceConfigRendered, less checks)',
  'checks (config renderer: haproxy -c)',
  'agent pick-up (event, files, observe, plan)',
  'namespace + veth (what is left after rendering)',
  'haproxy start',
  'keepalived start',
  'agent report (-> InstanceApplied)',
  'VRRP + address (-> VIP ACTIVE)',
  'first answer (ACTIVE -> client 200)',
] as const;
export type Stage = (typeof STAGES)[number];

export type VipTimeline = Readonly<Record<Stage, number>> & { readonly total: number };

const at = (e: EventEnvelope): number => Date.parse(e.occurredAt);
const dataOf = (e: EventEnvelope): Record<string, unknown> =>
  typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : {};
/** The VIP an instance serves, whatever version of ServiceInstanceCreated the log holds. */
const vipOfInstance = (e: EventEnvelope): string | null => {
  const created = upcastTo('serviceinstance', e);
  return created?.type === 'ServiceInstanceCreated' && created.data.source.kind === 'vip' ? created.data.source.vipId : null;
};

function first(events: readonly EventEnvelope[], what: string, test: (e: EventEnvelope) => boolean): EventEnvelope {
  const found = events.find(test);
  if (!found) throw new Error(`no ${what} in the log`);
  return found;
}

/**
 * Where one VIP's time went, from POST to the first answer through it: the log's events
 * (occurredAt) for the hand-offs between services, the renderer's and the active placement's
 * agent's debug lines for what happens inside them, and the client's own clock at both ends.
 * Each milestone is held between the one before it and the answer, so the stages always add up
 * to the total even when clocks of a millisecond's grain cross or the standby answers first.
 */
export function vipTimeline(run: VipRun): VipTimeline {
  const byTime = [...run.events].sort((a, b) => at(a) - at(b));
  const created = first(byTime, 'VipCreated', (e) => e.type === 'VipCreated' && e.aggregateId === run.vipId);
  const instanceId = first(
    byTime,
    'ServiceInstanceCreated',
    (e) => e.type === 'ServiceInstanceCreated' && vipOfInstance(e) === run.vipId,
  ).aggregateId;
  const ofInstance = byTime.filter((e) => e.aggregate === 'serviceinstance' && e.aggregateId === instanceId);
  const activeVm = String(
    dataOf(first(ofInstance, 'active InstancePlaced', (e) => e.type === 'InstancePlaced' && dataOf(e).role === 'active')).vmId,
  );
  const applied = first(ofInstance, "the active's InstanceApplied", (e) => e.type === 'InstanceApplied' && dataOf(e).vmId === activeVm);
  const appliedHash = dataOf(applied).haproxyHash;
  const rendered = first(
    ofInstance,
    'InstanceConfigRendered of the applied files',
    (e) =>
      e.type === 'InstanceConfigRendered' &&
      Array.isArray(dataOf(e).placements) &&
      (dataOf(e).placements as { vmId: string; haproxyHash: string }[]).some((p) => p.vmId === activeVm && p.haproxyHash === appliedHash),
  );
  const placedAt = Math.max(...ofInstance.filter((e) => e.type === 'InstancePlaced' && at(e) <= at(rendered)).map(at));
  const active = byTime.find(
    (e) => e.type === 'VipStatusChanged' && e.aggregateId === run.vipId && dataOf(e).status === 'ACTIVE' && at(e) >= at(applied),
  );
  // The checks of this rendering: after the instance's rendering before it, if any.
  const checkedAfter = Math.max(placedAt, ...ofInstance.filter((e) => e.type === 'InstanceConfigRendered' && at(e) < at(rendered)).map(at));
  const checkMs = run.checks
    .filter((c) => c.instanceId === instanceId && c.at > checkedAfter && c.at <= at(rendered))
    .reduce((sum, c) => sum + c.ms, 0);
  const steps = run.steps.filter((s) => s.vmId === activeVm && s.at >= at(rendered) && s.at <= at(applied));
  if (steps.length === 0) throw new Error(`no step lines of ${activeVm} between its rendering and InstanceApplied`);
  const stepMs = (kind: string) => steps.filter((s) => s.step === kind).reduce((sum, s) => sum + s.ms, 0);
  const firstStepAt = Math.min(...steps.map((s) => s.at - s.ms));
  const lastStepAt = Math.max(...steps.map((s) => s.at));
  // The namespace is made at placement: only what of it is left after rendering is on the path.
  // The agent's pass after rendering may wait for it (a plumb line of its own, overlapping the first).
  const plumbs = steps.filter((s) => s.step === 'plumb');
  const namespaceMs =
    plumbs.length === 0
      ? 0
      : Math.max(0, Math.max(...plumbs.map((s) => s.at)) - Math.max(at(rendered), Math.min(...plumbs.map((s) => s.at - s.ms))));
  const haproxy = steps.find((s) => s.step === 'startHaproxy');
  // HAProxy's own step, where there is one: the pass's files, observation and plan after a namespace
  // made ahead come before it, and would otherwise be counted as keepalived's.
  const haproxyStarts = haproxy ? haproxy.at - haproxy.ms : firstStepAt + stepMs('plumb');
  const haproxyServes = haproxy ? haproxy.at : haproxyStarts;

  // Each milestone as measured; the ones inside the agent's pass are placed by the steps' own durations.
  const raw: readonly number[] = [
    at(created),
    placedAt,
    at(rendered) - checkMs,
    at(rendered),
    haproxyStarts - namespaceMs,
    haproxyStarts,
    haproxyServes,
    // keepalived's start overlaps HAProxy's (the agent starts both together): its stage is what it adds after HAProxy serves.
    Math.max(haproxyServes, lastStepAt),
    at(applied),
    active ? at(active) : run.answeredAt,
  ];
  const milestones: number[] = [];
  let previous = run.postedAt;
  for (const m of raw) {
    previous = Math.min(run.answeredAt, Math.max(previous, m));
    milestones.push(previous);
  }
  const ends = [...milestones, run.answeredAt];
  const durations = STAGES.map((stage, i) => [stage, ends[i] - (i === 0 ? run.postedAt : ends[i - 1])] as const);
  return { ...(Object.fromEntries(durations) as Record<Stage, number>), total: run.answeredAt - run.postedAt };
}

export interface StageRow {
  readonly stage: string;
  readonly p50: number;
  readonly p95: number;
  /** The stage's part of the summed totals over the runs, in percent. */
  readonly share: number;
}

/** p50 and p95 of each stage over the runs, and its share of the time they took altogether; the total last. */
export function stageTable(timelines: readonly VipTimeline[]): StageRow[] {
  const all = timelines.reduce((sum, t) => sum + t.total, 0);
  const row = (stage: string, values: number[]): StageRow => {
    const sorted = [...values].sort((a, b) => a - b);
    const sum = values.reduce((s, v) => s + v, 0);
    return { stage, p50: percentile(sorted, 50), p95: percentile(sorted, 95), share: all > 0 ? (100 * sum) / all : 0 };
  };
  return [
    ...STAGES.map((stage) =>
      row(
        stage,
        timelines.map((t) => t[stage]),
      ),
    ),
    row(
      'total (POST -> first 200)',
      timelines.map((t) => t.total),
    ),
  ];
}

/** The lines of a service's pino output with the given message, as objects; other lines (and non-JSON) pass by. */
export function logLines(output: string, msg: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const parsed = JSON.parse(line) as unknown;
      return typeof parsed === 'object' && parsed !== null && (parsed as { msg?: unknown }).msg === msg
        ? [parsed as Record<string, unknown>]
        : [];
    } catch {
      return [];
    }
  });
}

/** The config renderer's `checked` lines in its output. */
export const checkLines = (output: string): CheckLine[] =>
  logLines(output, 'checked').map((l) => ({ at: Number(l.time), ms: Number(l.ms), instanceId: String(l.instanceId) }));

/** A node agent's `step done` lines in its output. */
export const stepLines = (output: string): StepLine[] =>
  logLines(output, 'step done').map((l) => ({ at: Number(l.time), ms: Number(l.ms), vmId: String(l.vmId), step: String(l.step) }));
