import {
  certificateDecider, type CertificateEvent, type CertificateState, floatingIpDecider, type FloatingIpEvent, type FloatingIpState, poolDecider,
  serviceInstanceDecider, type ServiceInstanceEvent, type ServiceInstanceState, upcast, vipDecider, type VipEvent, type VipState,
} from '@lbaas/domain';
import { type CausingEvent, executeSystemCommand, JetStreamEventStore, type SystemActor, systemActor } from '@lbaas/event-store';
import { memberHealth, parseShowStat } from '@lbaas/haproxy';
import { CoalescedRounds } from '@lbaas/service-health';
import {
  type CommitFollower, followCommits, type HeartbeatSender, type PoolStatsSample, poolStatsSubject, sendHeartbeats, streamLastSeq,
  streamReplicasFromEnv,
} from '@lbaas/messaging';
import type { NatsConnection, ObjectStore } from 'nats';
import type { NodeAgentMetrics } from './node-agent-metrics';
import type { DesiredPlacement, PlacementDriver } from './placement-driver';
import { CertificateVersions, placementTlsFiles, type SecretOpener } from './placement-tls';

/** Rendered files by content hash, as the config renderer stores them. */
export const CONFIG_BUCKET = 'lbaas_configs';
/** How soon a pass looks again at an active placement that VRRP has not given the VIP's address yet. */
const VIP_RECHECK_MS = 100;

export interface NodeAgentOptions {
  readonly nc: NatsConnection;
  readonly nodeId: string;
  readonly driver: PlacementDriver;
  readonly heartbeatMs: number;
  /** The level-triggered pass that repairs what events alone would not (a daemon that died, a deleted namespace). */
  readonly reconcileMs: number;
  /** How often the active placements' HAProxy is asked for member health and counters. */
  readonly observeMs: number;
  readonly log: (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;
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

type Live = Extract<ServiceInstanceState, { kind: 'live' }>;

/**
 * One compute node: heartbeats, and a reconcile loop that makes the driver run exactly the
 * placements the log gives this node, reports InstanceApplied / InstanceFailed, marks the VIP
 * and pool ACTIVE once the active placement runs, removes what no placement owns any more and
 * releases the placements of deleted instances.
 */
export async function runNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const { nc, nodeId, driver, log, metrics } = o;
  const store = await JetStreamEventStore.create(nc, { onAppended: metrics?.service.countAppended });
  await store.ensureStream();
  const objects: ObjectStore = await nc.jetstream().views.os(CONFIG_BUCKET, { replicas: streamReplicasFromEnv() });
  let heartbeat: HeartbeatSender | null = await sendHeartbeats(nc, nodeId, o.heartbeatMs, { driver: driver.name, pid: process.pid });

  const instances = new Map<string, Live>();
  /** VIPs and floating IPs: which floating address forwards to which VIP. */
  const vips = new Map<string, VipState>();
  const floatingIps = new Map<string, FloatingIpState>();
  /** Certificates with their recent versions, so the file a rendering names can be written until the next one names another. */
  const certificates = new Map<string, CertificateState>();
  const versions = new CertificateVersions();
  /** Every placement the log ever put on this node: only those may this agent tear down. */
  const ours = new Map<string, string>();
  const texts = new Map<string, string>();
  let caughtUp = false;

  /** Acting on `cause` keeps its correlation id; with none (a timer's pass, a health check), a new one starts. */
  const who = (cause: CausingEvent | null): SystemActor => systemActor(`node-agent ${nodeId}`, 'system', cause);
  const appended = (actor: SystemActor, fields: Record<string, unknown>, events: readonly { type: string }[]): void => {
    if (events.length > 0) log('info', { correlationId: actor.correlationId, causationId: actor.causationId, ...fields, events: events.map((e) => e.type) }, 'appended');
  };

  const text = async (hash: string): Promise<string> => {
    const cached = texts.get(hash);
    if (cached !== undefined) return cached;
    const blob = await objects.getBlob(hash);
    if (blob === null) throw new Error(`rendered file ${hash} is not in the object store ${CONFIG_BUCKET}`);
    const value = new TextDecoder().decode(blob);
    texts.set(hash, value);
    return value;
  };

  /** The VIP's and the pool's status as the agent of the active placement sees it; the deciders append only a change. */
  const reportStatus = async (si: Live, status: 'ACTIVE' | 'ERROR', description: string | null, actor: SystemActor): Promise<void> => {
    const statusDescription = description === null ? null : description.slice(0, 255);
    const vip = await executeSystemCommand(store, vipDecider, si.vipId, { type: 'RecordVipStatus', data: { vipId: si.vipId, status, statusDescription } }, actor);
    appended(actor, { vipId: si.vipId }, vip.events);
    const pool = await executeSystemCommand(store, poolDecider, si.poolId, { type: 'RecordPoolStatus', data: { poolId: si.poolId, status, statusDescription } }, actor);
    appended(actor, { poolId: si.poolId }, pool.events);
  };
  /** A rejected rendering leaves the last good files serving, which is not what the tenant asked for: ERROR until a rendering passes. */
  const rejectionOf = (si: Live): string | null => (si.lastRejection === null ? null
    : `${si.lastRejection.file} was rejected by its check (the last good configuration stays in force): ${si.lastRejection.message}`);

  const applyOne = async (si: Live, vmId: string, cause: CausingEvent | null): Promise<void> => {
    const actor = who(cause);
    const placement = si.placements.find((p) => p.vmId === vmId);
    const rendered = si.rendered.find((r) => r.vmId === vmId);
    if (!placement) return;
    if (!rendered) {
      // A first rendering that failed its check: there is nothing to run, and no other report would say why.
      const rejection = rejectionOf(si);
      if (placement.role === 'active' && rejection !== null) await reportStatus(si, 'ERROR', rejection, actor);
      return;
    }
    try {
      const haproxy = { hash: rendered.haproxyHash, text: await text(rendered.haproxyHash) };
      const tls = placementTlsFiles(haproxy.text, { vipId: si.vipId, vip: vips.get(si.vipId), certificates, versions, keys: o.certificateKeys });
      if (tls.kind === 'wait') {
        // Never start or reload HAProxy without a file its configuration names: what runs stays, a later pass retries.
        log('info', { correlationId: actor.correlationId, instanceId: si.id, vmId, reason: tls.reason }, 'placement not applied yet');
        return;
      }
      const desired: DesiredPlacement = {
        instanceId: si.id, vmId, role: placement.role, vrrpAddress: placement.vrrpAddress, haproxy,
        keepalived: { hash: rendered.keepalivedHash, text: await text(rendered.keepalivedHash) },
        tlsFiles: tls.files,
      };
      await driver.apply(desired);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log('error', { correlationId: actor.correlationId, instanceId: si.id, vmId, err: reason }, 'placement not applied; retrying');
      const failed = await executeSystemCommand(store, serviceInstanceDecider, si.id,
        { type: 'RecordFailed', data: { instanceId: si.id, vmId, nodeId, haproxyHash: rendered.haproxyHash, reason: reason.slice(0, 1000) } }, actor);
      appended(actor, { instanceId: si.id, vmId }, failed.events);
      if (placement.role === 'active') await reportStatus(si, 'ERROR', reason, actor);
      return;
    }
    const current = si.applied[vmId];
    if (!current || current.haproxyHash !== rendered.haproxyHash || current.keepalivedHash !== rendered.keepalivedHash || vmId in si.failures) {
      const result = await executeSystemCommand(store, serviceInstanceDecider, si.id,
        { type: 'RecordApplied', data: { instanceId: si.id, vmId, nodeId, haproxyHash: rendered.haproxyHash, keepalivedHash: rendered.keepalivedHash } }, actor);
      if (result.events.length > 0) {
        log('info', { correlationId: actor.correlationId, causationId: actor.causationId, instanceId: si.id, vmId, haproxyHash: rendered.haproxyHash }, 'placement applied');
      }
    }
    if (placement.role === 'active') {
      // Repeating this each pass costs reads, never events.
      const rejection = rejectionOf(si);
      if (rejection === null && !(await holdsVip(si, vmId))) {
        // ACTIVE promises traffic reaches this placement: a connection the standby took while
        // VRRP settled would be reset when the active takes the address over.
        touched.set(si.id, cause);
        recheckSoon();
        return;
      }
      await reportStatus(si, rejection === null ? 'ACTIVE' : 'ERROR', rejection, actor);
    }
  };
  const holdsVip = async (si: Live, vmId: string): Promise<boolean> => {
    const vip = vips.get(si.vipId);
    return driver.holdsVip === undefined || vip?.kind !== 'live' || driver.holdsVip(vmId, vip.address);
  };
  let recheck: NodeJS.Timeout | null = null;
  const recheckSoon = (): void => {
    recheck ??= setTimeout(() => {
      recheck = null;
      kick();
    }, VIP_RECHECK_MS);
  };

  /**
   * The agent of a VIP's active placement makes its floating IPs forward to it; any agent
   * removes the forwarding of a floating IP the log no longer associates with a VIP.
   */
  const forwardFloatingIps = async (): Promise<void> => {
    const instanceOfVip = new Map([...instances.values()].map((si) => [si.vipId, si]));
    const vipOfPort = new Map([...vips.values()].flatMap((v) => (v.kind === 'live' ? [[v.portId, v] as const] : [])));
    const forwarded = new Set<string>();
    for (const fip of floatingIps.values()) {
      if (fip.kind !== 'live' || fip.portId === null || fip.fixedIpAddress === null) continue;
      const vip = vipOfPort.get(fip.portId);
      if (!vip) continue;
      forwarded.add(fip.id);
      const si = instanceOfVip.get(vip.id);
      if (si?.placements.some((p) => p.role === 'active' && p.nodeId === nodeId)) await driver.ensureFloatingIp(fip.id, fip.floatingIpAddress, vip.address);
    }
    for (const id of await driver.floatingIps()) {
      if (!forwarded.has(id)) {
        await driver.removeFloatingIp(id);
        log('info', { floatingIpId: id }, 'floating IP no longer forwarded');
      }
    }
  };

  /**
   * Which instances with placements on this node changed since the last pass, so an event costs
   * work for its instances only, each with the last event that reached it: what the pass answers.
   */
  const touched = new Map<string, CausingEvent | null>();
  let full = true;

  /**
   * Teardowns run beside the passes rather than in them: keepalived takes about a second to say
   * goodbye, and a new VIP on this node must not wait behind the one deleted just before it.
   */
  const removing = new Map<string, Promise<void>>();
  const removeBeside = (vmId: string, fields: Record<string, string>, message: string, then?: () => Promise<unknown>): void => {
    if (removing.has(vmId)) return;
    removing.set(vmId, (async () => {
      try {
        await driver.remove(vmId);
        await then?.();
        log('info', fields, message);
      } catch (error) {
        // The next full pass finds the placement still there and tries again.
        full = true;
        log('error', { ...fields, err: error instanceof Error ? error.message : String(error) }, 'could not remove a placement; retrying');
      } finally {
        removing.delete(vmId);
      }
    })());
  };

  const pass = async (): Promise<void> => {
    if (!caughtUp) return;
    const everything = full;
    full = false;
    const only = new Map(touched);
    touched.clear();
    if (!everything && only.size === 0) return;
    const timed = metrics?.startPass(everything ? 'full' : 'events');
    try {
      const wanted = new Set<string>();
      for (const si of instances.values()) {
        for (const p of si.placements) {
          if (p.nodeId !== nodeId) continue;
          if (!si.deleting) wanted.add(p.vmId);
          if (!everything && !only.has(si.id)) continue;
          const cause = only.get(si.id) ?? null;
          if (!si.deleting) {
            await applyOne(si, p.vmId, cause);
            continue;
          }
          const release = { type: 'ReleasePlacement', data: { instanceId: si.id, vmId: p.vmId } } as const;
          const actor = who(cause);
          removeBeside(p.vmId, { correlationId: actor.correlationId, instanceId: si.id, vmId: p.vmId }, 'placement removed',
            () => executeSystemCommand(store, serviceInstanceDecider, si.id, release, actor));
        }
      }
      if (everything) await forwardFloatingIps();
      for (const vmId of await driver.present()) {
        if (!wanted.has(vmId) && ours.has(vmId)) removeBeside(vmId, { vmId, instanceId: ours.get(vmId) ?? '' }, 'removed a placement this node no longer has');
      }
    } finally {
      timed?.();
    }
  };

  const passes = new CoalescedRounds(pass, (error: unknown) => {
    full = true;
    log('error', { err: error instanceof Error ? error.message : String(error) }, 'reconcile pass failed; retrying');
  });
  const kick = (): void => passes.kick();

  /** What this agent last reported per pool member, so a steady member costs no reads of the log. */
  const reported = new Map<string, string>();
  const MEMBER_STATUS_REASON: Record<string, string | null> = { ACTIVE: null, INACTIVE: 'failed its health checks', DOWN: 'admin_state_up is false' };
  let observing = false;
  /** Member health from HAProxy's checks (events on transitions only) and the pool's counters (samples on core NATS). */
  const observe = async (): Promise<void> => {
    if (observing || !caughtUp) return;
    observing = true;
    try {
      const samples: PoolStatsSample[] = [];
      for (const si of instances.values()) {
        const active = si.placements.find((p) => p.role === 'active' && p.nodeId === nodeId);
        if (si.deleting || !active) continue;
        const csv = await driver.showStat(active.vmId);
        if (!csv) continue;
        for (const row of parseShowStat(csv).filter((r) => r.pxname === si.poolId)) {
          if (row.svname === 'BACKEND') {
            const sample: PoolStatsSample = {
              poolId: si.poolId, bytesIn: row.bytesIn, bytesOut: row.bytesOut, activeConnections: row.currentSessions, totalConnections: row.totalSessions,
            };
            nc.publish(poolStatsSubject(si.poolId), JSON.stringify(sample));
            samples.push(sample);
            continue;
          }
          const status = memberHealth(row.status);
          const key = `${si.poolId}/${row.svname}`;
          if (reported.get(key) === status) continue;
          const actor = who(null);
          const result = await executeSystemCommand(store, poolDecider, si.poolId, {
            type: 'RecordMemberStatus', data: { poolId: si.poolId, memberId: row.svname, status, statusDescription: MEMBER_STATUS_REASON[status] },
          }, actor);
          appended(actor, { poolId: si.poolId, memberId: row.svname }, result.events);
          reported.set(key, status);
        }
      }
      metrics?.recordPoolTraffic(samples);
    } catch (error) {
      log('warn', { err: error instanceof Error ? error.message : String(error) }, 'could not read member health; retrying');
    } finally {
      observing = false;
    }
  };

  const consumed = metrics?.service.trackConsumer('node-agent', { position: () => follower.seq(), streamLastSeq: () => streamLastSeq(nc) });
  const follower: CommitFollower = await followCommits({
    nc,
    onCommit: ({ seq, commit }) => {
      consumed?.(commit.events);
      for (const event of commit.events) {
        if (event.aggregate === 'certificate') {
          const after = certificateDecider.evolve(certificates.get(event.aggregateId) ?? certificateDecider.initialState, upcast(event) as unknown as CertificateEvent);
          certificates.set(event.aggregateId, after);
          versions.record(event.aggregateId, after);
          // A new chain may keep the leaf, and so the file name: the placements serving it write it again.
          for (const si of instances.values()) {
            const vip = vips.get(si.vipId);
            if (vip?.kind === 'live' && vip.tlsCertificateId === event.aggregateId && si.placements.some((p) => p.nodeId === nodeId)) {
              touched.set(si.id, { id: event.id, correlationId: event.correlationId });
            }
          }
          continue;
        }
        if (event.aggregate === 'vip' || event.aggregate === 'floatingip') {
          const e = upcast(event);
          if (event.aggregate === 'vip') vips.set(event.aggregateId, vipDecider.evolve(vips.get(event.aggregateId) ?? vipDecider.initialState, e as unknown as VipEvent));
          else floatingIps.set(event.aggregateId, floatingIpDecider.evolve(floatingIps.get(event.aggregateId) ?? floatingIpDecider.initialState, e as unknown as FloatingIpEvent));
          if (event.aggregate === 'floatingip') full = true;
          continue;
        }
        if (event.aggregate !== 'serviceinstance') continue;
        const e = upcast(event) as unknown as ServiceInstanceEvent;
        const before = instances.get(event.aggregateId) ?? serviceInstanceDecider.initialState;
        const after = serviceInstanceDecider.evolve(before, e);
        if (after.kind === 'live') instances.set(event.aggregateId, after);
        else instances.delete(event.aggregateId);
        if ((e.type === 'InstancePlaced' || e.type === 'InstanceReprotected') && e.data.nodeId === nodeId) ours.set(e.data.vmId, event.aggregateId);
        const mine = (before.kind === 'live' && before.placements.some((p) => p.nodeId === nodeId)) || (after.kind === 'live' && after.placements.some((p) => p.nodeId === nodeId));
        if (mine) {
          touched.set(event.aggregateId, { id: event.id, correlationId: event.correlationId });
          // Replaying the log at start is not acting on it.
          if (caughtUp) log('info', { correlationId: event.correlationId, eventId: event.id, type: event.type, instanceId: event.aggregateId, seq }, 'event');
          // A placement that left this node (failover to elsewhere, loss) is removed on the full pass.
          if (after.kind !== 'live' || !after.placements.some((p) => p.nodeId === nodeId)) full = true;
        }
      }
      if (caughtUp && (touched.size > 0 || full)) kick();
    },
  });
  await follower.caughtUp;
  caughtUp = true;
  full = true;
  kick();
  const timer = setInterval(() => {
    full = true;
    kick();
  }, o.reconcileMs);

  const observer = setInterval(() => void observe(), o.observeMs);

  return {
    silence: async () => {
      await heartbeat?.stop();
      heartbeat = null;
    },
    revive: async () => {
      heartbeat ??= await sendHeartbeats(nc, nodeId, o.heartbeatMs, { driver: driver.name, pid: process.pid });
    },
    stop: async () => {
      clearInterval(timer);
      if (recheck) clearTimeout(recheck);
      clearInterval(observer);
      await heartbeat?.stop();
      await passes.stop();
      await Promise.all(removing.values());
      await follower.stop();
    },
  };
}
