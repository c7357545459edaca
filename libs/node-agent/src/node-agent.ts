import type { PlacementDriver } from '@lbaas/dataplane';
import type { RenderedPlacementConfig } from '@lbaas/domain';
import {
  type CausingEvent,
  JetStreamEventStore,
  type SystemActor,
  systemActor,
  type CommitFollower,
  followCommits,
  streamLastSeq,
} from '@lbaas/event-log';
import { CoalescedRounds, inLanes } from '@lbaas/service-shell';
import { configStore, type HeartbeatSender, sendHeartbeats } from '@lbaas/coordination';
import type { NatsConnection } from 'nats';
import type { AgentLog } from './agent-log';
import { ConfigFiles } from './config-files';
import { type BundlePending, desiredNode, type PlacementFiles } from './desired';
import { Executor } from './execute';
import { HealthObserver } from './health-observer';
import type { NodeAgentMetrics } from './node-agent-metrics';
import { type LiveInstance, NodeLog } from './node-log';
import { plan, type Step, vmIdOf } from './plan';
import type { SecretOpener } from './placement-tls';
import { type ReconcileBatch, ReconcileQueue } from './reconcile-queue';
import { ReportWriter } from './report-writer';
import { SettledPlacements } from './settled-placements';
import { releasesFor, reportsFor } from './reports';

/**
 * How long an active placement that VRRP has not given the VIP's address yet waits for it before
 * a pass looks again anyway; the address arriving ends the wait at once.
 */
const VIP_WAIT_MS = 1000;

/**
 * Placements' files fetched side by side in a pass: each fetch is round trips to the object store
 * (an object's info, then a consumer over its chunks), so one after the other made a restarted
 * agent's first pass wait about 3 x 10 ms per placement on a busy host.
 */
const FETCH_LANES = 16;

export interface NodeAgentOptions {
  readonly nc: NatsConnection;
  readonly nodeId: string;
  readonly driver: PlacementDriver;
  readonly heartbeatMs: number;
  /** The compute zone this node declares in its heartbeats (LBAAS_NODE_ZONE); null or absent: none. */
  readonly zone?: string | null;
  /** The pass over the whole node that repairs what events alone would not (a daemon that died, a deleted namespace). */
  readonly reconcileMs: number;
  /** How often the active placements' HAProxy is asked for member health and counters. */
  readonly observeMs: number;
  readonly log: AgentLog;
  /** The process's metrics; absent where many simulated agents share a process (`lbaas dev nodes`). */
  readonly metrics?: NodeAgentMetrics;
  /**
   * Opens the private keys of the certificates this node serves (certificateKeyFile of
   * LBAAS_CERTIFICATE_KEY_FILE). Without it placements get no TLS files: only for a driver that
   * runs nothing (fake).
   */
  readonly certificateKeys?: SecretOpener;
}

export interface NodeAgent {
  /** Stops heartbeating, as if the host died; the scheduler declares the node lost after the silence. */
  silence(): Promise<void>;
  revive(): Promise<void>;
  stop(): Promise<void>;
}

const describeStep = (s: Step): string =>
  `${s.kind}${s.kind === 'reloadHaproxy' ? ` (${s.why})` : ''} ${vmIdOf(s) ?? (s.kind === 'ensureFloatingIp' || s.kind === 'removeFloatingIp' ? s.floatingIpId : '')}`;

/**
 * One compute node, as a level-triggered reconciler: it folds the log into what this node
 * should run (NodeLog, desiredNode), observes what runs (the driver), plans the difference
 * (plan, pure) and applies it (Executor); the reports (InstanceApplied, InstanceFailed, VIP and
 * pool status, releases) are derived from the outcomes. Events and timers only add keys to the
 * queue; they never say what to do. Beside it: heartbeats, and member health and stats.
 */
export async function runNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const { nc, nodeId, driver, log, metrics } = o;
  const store = await JetStreamEventStore.create(nc, { onAppended: metrics?.service.countAppended });
  await store.ensureStream();
  const files = new ConfigFiles(await configStore(nc));
  let heartbeat: HeartbeatSender | null = await sendHeartbeats(
    nc,
    nodeId,
    o.heartbeatMs,
    { driver: driver.name, pid: process.pid },
    o.zone ?? null,
  );
  const nodeLog = new NodeLog(nodeId);
  const writer = new ReportWriter(store, nodeId, log, {
    vip: (id) => {
      const vip = nodeLog.vips.get(id);
      return vip?.kind === 'live' ? vip : undefined;
    },
    pool: (id) => nodeLog.poolStatuses.get(id),
  });
  let caughtUp = false;
  const settled = new SettledPlacements();
  /** Files were fetched since the last pass over the whole node forgot those no longer needed. */
  let filesFetched = true;

  /** Acting on `cause` keeps its correlation id; with none (a timer's pass), a new one starts. */
  const who = (cause: CausingEvent | null): SystemActor => systemActor(`node-agent ${nodeId}`, 'system', cause);
  const passes = new CoalescedRounds(
    () => pass(),
    (error: unknown) => log('error', { err: error instanceof Error ? error.message : String(error) }, 'reconcile pass failed; retrying'),
  );
  const queue = new ReconcileQueue(() => {
    if (caughtUp) passes.kick();
  });
  const waits = new AbortController();
  const executor = new Executor(driver, {
    onRemoved: (vmId, error) => {
      const instanceId = nodeLog.ours.get(vmId) ?? '';
      // The next pass over the whole node finds it still there and tries again.
      if (error !== null) return log('error', { vmId, instanceId, err: error }, 'could not remove a placement; retrying');
      const deleting = nodeLog.instances.get(instanceId)?.deleting ?? false;
      log('info', { vmId, instanceId }, deleting ? 'placement removed' : 'removed a placement this node no longer has');
      // Its release is reported by a pass that sees it gone.
      if (deleting) queue.add(instanceId, null);
    },
    onStepDone: (vmId, step, ms) => log('debug', { vmId, step, ms: Math.round(ms * 10) / 10 }, 'step done'),
  });

  const pass = async (): Promise<void> => {
    if (!caughtUp || !queue.pending) return;
    const batch = queue.take();
    const timed = metrics?.startPass(batch.whole ? 'full' : 'events');
    try {
      await reconcile(batch);
    } catch (error) {
      queue.putBack(batch);
      throw error;
    } finally {
      timed?.();
    }
  };

  const fetchFiles = async (
    renderings: readonly RenderedPlacementConfig[],
  ): Promise<Map<string, PlacementFiles | BundlePending | { error: string }>> => {
    const fetched = new Map<string, PlacementFiles | BundlePending | { error: string }>();
    await inLanes(renderings, FETCH_LANES, async (r) => {
      fetched.set(
        r.vmId,
        await files.get(r).catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) })),
      );
    });
    return fetched;
  };

  /**
   * A pass over the whole node observes every placement and looks further only at the instances
   * whose placements are not settled as they were (see SettledPlacements), then at orphans and
   * floating IPs as before; a pass for some instances looks at those.
   */
  const reconcile = async (batch: ReconcileBatch): Promise<void> => {
    const observedAll = batch.whole ? await driver.observe() : null;
    const batchScope = batch.whole ? null : new Set(batch.instances.keys());
    const mine: LiveInstance[] = [];
    /** On a pass over the whole node: the placements left as they are, neither planned nor observed (so not removed either). */
    const settledVms = new Set<string>();
    if (observedAll !== null) {
      const seenAll = new Map(observedAll.placements.map((p) => [p.vmId, p]));
      for (const si of nodeLog.mineInstances()) {
        if (!settled.unchanged(nodeLog, si, seenAll)) mine.push(si);
        else for (const p of si.placements) if (p.nodeId === nodeId) settledVms.add(p.vmId);
      }
    } else mine.push(...nodeLog.mineAmong(batch.instances.keys()));
    const renderings = mine
      .filter((si) => !si.deleting)
      .flatMap((si) => si.rendered.filter((r) => si.placements.some((p) => p.vmId === r.vmId && p.nodeId === nodeId)));
    const fetched = await fetchFiles(renderings);
    const desired = desiredNode({
      log: nodeLog,
      scope: new Set(mine.map((si) => si.id)),
      whole: batch.whole,
      files: (vmId) => fetched.get(vmId),
      keys: o.certificateKeys,
      driver,
    });
    const observed =
      batchScope === null
        ? {
            placements: (observedAll?.placements ?? []).filter((p) => !settledVms.has(p.vmId)),
            floatingIps: observedAll?.floatingIps ?? [],
          }
        : await driver.observe([
            ...mine.flatMap((si) => si.placements.filter((p) => p.nodeId === nodeId).map((p) => p.vmId)),
            ...[...batchScope].flatMap((instanceId) => nodeLog.oursOf(instanceId)),
          ]);
    const steps = plan(desired, observed);
    if (steps.length > 0) log('info', { steps: steps.map(describeStep) }, 'reconciling');
    const result = await executor.execute(desired, observed, steps);
    for (const failure of result.floatingIpFailures) log('error', { err: failure }, 'could not forward a floating IP; retrying');
    const seen = new Map(observed.placements.map((p) => [p.vmId, p]));
    for (const d of desired.placements) {
      const si = nodeLog.instances.get(d.instanceId);
      // Deleted while the steps ran: nothing left to report on.
      if (!si) continue;
      const cause = batch.instances.get(si.id) ?? null;
      const outcome = result.outcomes.get(d.vmId) ?? { kind: 'unrendered' };
      const actor = who(cause);
      if (outcome.kind === 'waiting')
        log(
          'info',
          { correlationId: actor.correlationId, instanceId: si.id, vmId: d.vmId, reason: outcome.reason },
          'placement not applied yet',
        );
      const { reports, recheckVip } = reportsFor(si, d, outcome);
      for (const report of reports) await writer.write(report, actor);
      settled.record(nodeLog, si, d, outcome, seen.get(d.vmId), recheckVip);
      if (recheckVip && d.run.kind === 'run') {
        const address = d.run.spec.bundle.keepalived.vip.address;
        queue.addWhen(si.id, () => driver.untilAddress(d.vmId, address, { withinMs: VIP_WAIT_MS, signal: waits.signal }), cause);
      }
    }
    const present = new Set(observed.placements.map((p) => p.vmId));
    for (const si of mine) {
      for (const report of releasesFor(si, nodeId, present, (vmId) => executor.removing(vmId)))
        await writer.write(report, who(batch.instances.get(si.id) ?? null));
    }
    if (batch.whole && (filesFetched || settled.size > settledVms.size + desired.placements.length)) {
      const all = [...nodeLog.mineInstances()];
      files.retain(all.flatMap((si) => si.rendered));
      settled.retain(new Set(all.flatMap((si) => si.placements.map((p) => p.vmId))));
      filesFetched = false;
    }
    if (renderings.length > 0) filesFetched = true;
  };

  const health = new HealthObserver({ nc, store, log: nodeLog, driver, agentLog: log, metrics });
  const consumed = metrics?.service.trackConsumer('node-agent', { position: () => follower.seq(), streamLastSeq: () => streamLastSeq(nc) });
  const follower: CommitFollower = await followCommits({
    nc,
    onCommit: ({ seq, commit }) => {
      consumed?.(commit.events);
      for (const event of commit.events) {
        const touched = nodeLog.apply(event);
        const cause = { id: event.id, correlationId: event.correlationId };
        for (const id of touched.instances) queue.add(id, cause);
        if (touched.node) queue.addWhole();
        // Replaying the log at start is not acting on it.
        if (caughtUp && event.aggregate === 'serviceinstance' && touched.instances.length > 0) {
          log(
            'info',
            { correlationId: event.correlationId, eventId: event.id, type: event.type, instanceId: event.aggregateId, seq },
            'event',
          );
        }
      }
    },
  });
  await follower.caughtUp;
  caughtUp = true;
  queue.addWhole();
  const timer = setInterval(() => queue.addWhole(), o.reconcileMs);
  const observer = setInterval(() => {
    if (caughtUp) void health.observe();
  }, o.observeMs);

  return {
    silence: async () => {
      await heartbeat?.stop();
      heartbeat = null;
    },
    revive: async () => {
      heartbeat ??= await sendHeartbeats(nc, nodeId, o.heartbeatMs, { driver: driver.name, pid: process.pid }, o.zone ?? null);
    },
    stop: async () => {
      clearInterval(timer);
      clearInterval(observer);
      queue.stop();
      waits.abort();
      await heartbeat?.stop();
      await passes.stop();
      await executor.settle();
      await follower.stop();
    },
  };
}
