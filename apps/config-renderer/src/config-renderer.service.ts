import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  type AggregateType,
  type CertificateState,
  DomainError,
  type EventEnvelope,
  type HealthMonitorState,
  type LoadBalancerState,
  type PoolState,
  serviceInstanceDecider,
  type ServiceInstanceState,
  type SubnetState,
  type VipState,
} from '@lbaas/domain';
import { configStore } from '@lbaas/coordination';
import { type CausingEvent, executeSystemCommand, type JetStreamEventStore, type SystemActor, systemActor } from '@lbaas/event-log';
import { canonicalJson, contentHash, InvalidRenderInput, placementBundleName } from '@lbaas/haproxy';
import { InFlightByKey, inLanes, ServiceMetrics } from '@lbaas/service-shell';
import { type LeaderWorker, runLeaderWorker } from '@lbaas/worker-shell';
import type { ObjectStore } from 'nats';
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { AggregateStates } from './aggregate-states';
import { CHECKED_PLACEMENT, type CheckResult, ConfigChecker, placementCheck } from './config-checker';
import type { RendererConfig } from './config';
import { type ConfigSources, type InstanceRendering, placementRunDir } from './instance-config';
import { editIndex, LoadBalancerIndex } from './load-balancer-index';
import { changesNoFile, renderServiceInstance } from './service-instance-rendering';

export const RENDERER_CONFIG = Symbol('RENDERER_CONFIG');
export const LOGGER = Symbol('LOGGER');

const FOLDED: readonly AggregateType[] = ['vip', 'pool', 'healthmonitor', 'subnet', 'certificate', 'serviceinstance', 'loadbalancer'];

/**
 * Folds the aggregates a configuration depends on, re-renders only the instances an event
 * touches, checks every new haproxy.cfg with the real haproxy, stores each new file by hash and
 * appends InstanceConfigRendered, or InstanceConfigRejected with the checker's message (the last
 * good configuration stays). An event that changes no file appends nothing.
 */
@Injectable()
export class ConfigRendererService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: LeaderWorker | null = null;
  private objects: ObjectStore | null = null;
  private readonly checker: ConfigChecker;
  private readonly states = new AggregateStates();
  /** The instances to render again, each with the last event that reached it: what the rendering answers. */
  private readonly dirty = new Map<string, CausingEvent>();
  private readonly metrics = new ServiceMetrics('config-renderer');
  /** vip id or pool id -> the live instances on it, kept as instances are folded. */
  private readonly byVip = new Map<string, Set<string>>();
  private readonly byPool = new Map<string, Set<string>>();
  /** certificate id -> the VIPs that terminate TLS with it, kept as VIPs are folded: a replaced certificate renders their instances again. */
  private readonly byCertificate = new Map<string, Set<string>>();
  private readonly loadBalancers = new LoadBalancerIndex();
  /** Instances rendered side by side, and the placements of one, share a check of the same text; instances, a store of the same blob. */
  private readonly checks = new InFlightByKey<CheckResult>();
  private readonly stores = new InFlightByKey<void>();
  private rendered = 0;
  private rejected = 0;

  constructor(
    @Inject(RENDERER_CONFIG) private readonly config: RendererConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.checker = new ConfigChecker(config.haproxyBin, config.opensslBin);
  }

  private state<S>(aggregate: AggregateType, id: string): S | undefined {
    return this.states.get(aggregate, id) as S | undefined;
  }

  private readonly sources: ConfigSources = {
    vip: (id) => this.state<VipState>('vip', id),
    pool: (id) => this.state<PoolState>('pool', id),
    monitor: (id) => this.state<HealthMonitorState>('healthmonitor', id),
    subnet: (id) => this.state<SubnetState>('subnet', id),
    certificate: (id) => this.state<CertificateState>('certificate', id),
    loadBalancer: (id) => this.state<LoadBalancerState>('loadbalancer', id),
  };

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    this.worker = await runLeaderWorker({
      name: 'config-renderer',
      title: 'config renderer',
      natsUrl: c.natsUrl,
      health: { host: c.healthHost, port: c.healthPort },
      leaseTtlMs: c.leaseTtlMs,
      log: this.log,
      metrics: this.metrics,
      // Retries of failed appends (NATS restarting) happen on this tick; rendering itself is event driven.
      tickMs: 1000,
      says: {
        leading: 'leading: rendering configurations',
        following: 'following: another renderer leads',
        roundFailed: 'rendering round failed; retrying',
      },
      fold: (event, seq, live) => this.fold(event, seq, live),
      round: (worker) => this.round(worker),
      details: () => ({ rendered: this.rendered, rejected: this.rejected, aggregates: this.states.size }),
      beforeConnect: async (lifetime) => {
        const unchecked = await this.checker.start();
        if (unchecked) this.log.warn(unchecked);
        lifetime.onStop(() => this.checker.stop());
      },
      onConnected: async ({ nc }) => {
        this.objects = await configStore(nc);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  private fold(event: EventEnvelope, seq: number, live: boolean): void {
    if (!FOLDED.includes(event.aggregate)) return;
    const { before, next } = this.states.fold(event);
    if (event.aggregate === 'serviceinstance') {
      this.reindex(before as ServiceInstanceState | undefined, next as ServiceInstanceState);
      this.loadBalancers.instance(before as ServiceInstanceState | undefined, next as ServiceInstanceState);
    }
    if (event.aggregate === 'loadbalancer')
      this.loadBalancers.loadBalancer(event.aggregateId, before as LoadBalancerState | undefined, next as LoadBalancerState);
    if (event.aggregate === 'vip') this.reindexCertificate(event.aggregateId, before as VipState | undefined, next as VipState);
    const affected = changesNoFile(event.type)
      ? []
      : this.affectedInstances(event.aggregate, event.aggregateId, next).filter((id) => !this.swapFollows(event, id));
    for (const id of affected) this.dirty.set(id, { id: event.id, correlationId: event.correlationId });
    // Replaying the log at start is not acting on it.
    if (affected.length > 0 && live) {
      this.log.info(
        {
          correlationId: event.correlationId,
          eventId: event.id,
          type: event.type,
          aggregate: event.aggregate,
          id: event.aggregateId,
          seq,
          instanceIds: affected,
        },
        'event',
      );
    }
  }

  private reindex(before: ServiceInstanceState | undefined, after: ServiceInstanceState): void {
    if (before?.kind === 'live' && before.source.kind === 'vip') {
      editIndex(this.byVip, before.source.vipId, before.id, false);
      editIndex(this.byPool, before.source.poolId, before.id, false);
    }
    if (after.kind === 'live' && after.source.kind === 'vip') {
      editIndex(this.byVip, after.source.vipId, after.id, true);
      editIndex(this.byPool, after.source.poolId, after.id, true);
    }
  }

  private reindexCertificate(vipId: string, before: VipState | undefined, after: VipState): void {
    const was = before?.kind === 'live' ? before.tlsCertificateId : null;
    const is = after.kind === 'live' ? after.tlsCertificateId : null;
    if (was === is) return;
    if (was !== null) editIndex(this.byCertificate, was, vipId, false);
    if (is !== null) editIndex(this.byCertificate, is, vipId, true);
  }

  /**
   * An operator's failover of a pair is the scheduler's to act on (libs/scheduling takes a request
   * under the same conditions): its swap renders this revision, so the old active never reports it
   * served before the new one holds the VIP. Without a standby, nothing else renders it.
   */
  private swapFollows(event: EventEnvelope, instanceId: string): boolean {
    if (event.type !== 'LoadBalancerFailoverRequested') return false;
    const si = this.state<ServiceInstanceState>('serviceinstance', instanceId);
    return (
      si?.kind === 'live' &&
      !si.deleting &&
      si.handover === null &&
      si.placements.some((p) => p.role === 'active') &&
      si.placements.some((p) => p.role === 'standby')
    );
  }

  /** The instances whose files may change with an event of this aggregate. */
  private affectedInstances(aggregate: AggregateType, id: string, state: unknown): string[] {
    switch (aggregate) {
      case 'serviceinstance':
        return [id];
      case 'vip':
        return [...(this.byVip.get(id) ?? [])];
      case 'pool':
        return [...(this.byPool.get(id) ?? [])];
      // A replacement (rotation) changes the file name, and so haproxy.cfg, of every instance whose VIP uses it.
      case 'certificate':
        return [
          ...[...(this.byCertificate.get(id) ?? [])].flatMap((vipId) => [...(this.byVip.get(vipId) ?? [])]),
          ...this.loadBalancers.instancesUsing(id),
        ];
      case 'loadbalancer':
        return this.loadBalancers.instancesOf(id);
      case 'healthmonitor': {
        const hm = state as HealthMonitorState;
        return hm.kind === 'live' ? hm.poolIds.flatMap((poolId) => [...(this.byPool.get(poolId) ?? [])]) : [];
      }
      default:
        return [];
    }
  }

  /**
   * Renders the dirty instances, `renderLanes` at a time: each waits mostly on I/O (haproxy -c,
   * the object store, the append), so one after the other left the process idle while VIPs
   * queued. Instances are independent (each its own subject), and each is rendered once a round.
   */
  private async round(worker: LeaderWorker): Promise<void> {
    if (this.dirty.size === 0) return;
    const work = [...this.dirty];
    this.dirty.clear();
    let last = 0;
    await inLanes(work, this.config.renderLanes, async ([id, cause]) => {
      try {
        last = Math.max(last, await this.renderOne(worker.store, id, cause));
      } catch (error) {
        // A newer event that reached the instance meanwhile is the better cause.
        if (!this.dirty.has(id)) this.dirty.set(id, cause);
        this.log.error({ correlationId: cause.correlationId, instanceId: id, err: error }, 'could not record the rendering; retried');
      }
    });
    // The next round must see its own appends folded in, or it would render the same files again.
    if (last > 0) await worker.waitFor(last);
  }

  /** Stores a blob under its content-derived name unless it is there already. */
  private store(name: string, description: string, text: () => string): Promise<void> {
    return this.stores.run(name, async () => {
      if (!(await this.objects?.info(name))) await this.objects?.putBlob({ name, description }, new TextEncoder().encode(text()));
    });
  }

  private statsPassword = (instanceId: string): string =>
    createHmac('sha256', this.config.secretKey).update(`stats-password/${instanceId}`).digest('base64url').slice(0, 32);

  /**
   * The files of what the instance serves: a VIP and its pool, or a load balancer, with the
   * load balancer's revision they come from (its agent reports that revision back once served,
   * which ends PENDING_* up to it).
   */
  /** Returns the sequence appended, or 0 when nothing was. */
  private async renderOne(store: JetStreamEventStore, instanceId: string, cause: CausingEvent): Promise<number> {
    const si = this.state<ServiceInstanceState>('serviceinstance', instanceId);
    if (!si || si.kind !== 'live') return 0;
    const who = systemActor('config-renderer', si.tenantId, cause);
    const settings = { runRoot: this.config.runRoot, pingCheckCommand: this.config.pingCheckCommand, statsPassword: this.statsPassword };
    let rendering: InstanceRendering;
    let sourceRevision: number | null = null;
    try {
      ({ rendering, sourceRevision } = renderServiceInstance(si, this.sources, settings));
    } catch (error) {
      if (!(error instanceof InvalidRenderInput)) throw error;
      return this.reject(
        store,
        instanceId,
        si.placements[0]?.vmId ?? instanceId,
        'haproxy.cfg',
        contentHash(error.message),
        `not rendered: ${error.message}`,
        who,
      );
    }
    if (rendering.kind === 'nothing') return 0;
    const placements = si.placements.map((p) => {
      const of = (file: string) => rendering.files.find((f) => f.vmId === p.vmId && f.file === file)?.hash ?? '';
      return { vmId: p.vmId, haproxyHash: of('haproxy.cfg'), keepalivedHash: of('keepalived.conf') };
    });
    const known = new Set(si.rendered.flatMap((r) => [r.haproxyHash, r.keepalivedHash]));
    // Both placements may share a file (the same haproxy.cfg): check each text once.
    const fresh = [...new Map(rendering.files.filter((f) => !known.has(f.hash)).map((f) => [f.hash, f])).values()];
    // keepalived.conf is good by construction (ConfigChecker says how that is tested). The checks
    // run side by side: each is a process start, and a new VIP waits for both.
    const checked = fresh.filter((f) => f.file === 'haproxy.cfg');
    const tlsPaths = (vmId: string): string[] => rendering.bundles.find((b) => b.vmId === vmId)?.haproxy.tlsFiles.map((t) => t.path) ?? [];
    const runDir = (vmId: string): string => placementRunDir(this.config.runRoot, vmId);
    const checkedRunDir = runDir(CHECKED_PLACEMENT);
    const checkStarted = performance.now();
    const results = await Promise.all(
      checked.map(async (f) => {
        const c = placementCheck(f.text, runDir(f.vmId), tlsPaths(f.vmId), checkedRunDir);
        const result = await this.checks.run(c.key, () => this.checker.check(c.text, c.key, c.tlsPaths));
        return result.ok ? result : { ...result, message: result.message.replaceAll(checkedRunDir, runDir(f.vmId)) };
      }),
    );
    // Where a new VIP's time goes: the dataplane bench reads the checks' share from this line.
    if (checked.length > 0)
      this.log.debug(
        {
          correlationId: who.correlationId,
          instanceId,
          files: checked.length,
          ms: Math.round((performance.now() - checkStarted) * 10) / 10,
        },
        'checked',
      );
    const failed = results.findIndex((r) => !r.ok);
    if (failed >= 0)
      return this.reject(store, instanceId, checked[failed].vmId, checked[failed].file, checked[failed].hash, results[failed].message, who);
    for (const f of fresh) await this.store(f.hash, `${f.file} of ${instanceId}`, () => f.text);
    // Every placement's, not only new files': a rendering recorded before bundles existed gets its bundle when it is rendered again (at start).
    for (const b of rendering.bundles)
      await this.store(placementBundleName(b.haproxy.hash, b.keepalived.hash), `placement bundle of ${b.vmId} of ${instanceId}`, () =>
        canonicalJson(b),
      );
    const result = await executeSystemCommand(
      store,
      serviceInstanceDecider,
      instanceId,
      { type: 'RecordConfigRendered', data: { instanceId, placements, sourceRevision } },
      who,
    );
    if (result.events.length > 0) {
      this.rendered++;
      this.log.info(
        { correlationId: who.correlationId, causationId: who.causationId, instanceId, placements, seq: result.seq },
        'InstanceConfigRendered',
      );
    }
    return result.events.length > 0 ? result.seq : 0;
  }

  private async reject(
    store: JetStreamEventStore,
    instanceId: string,
    vmId: string,
    file: 'haproxy.cfg' | 'keepalived.conf',
    hash: string,
    message: string,
    who: SystemActor,
  ): Promise<number> {
    try {
      const result = await executeSystemCommand(
        store,
        serviceInstanceDecider,
        instanceId,
        { type: 'RecordConfigRejected', data: { instanceId, vmId, file, hash, message } },
        who,
      );
      if (result.events.length > 0) {
        this.rejected++;
        this.log.warn(
          { correlationId: who.correlationId, causationId: who.causationId, instanceId, vmId, file, message },
          'InstanceConfigRejected: the last good configuration stays',
        );
      }
      return result.events.length > 0 ? result.seq : 0;
    } catch (error) {
      if (error instanceof DomainError) return 0;
      throw error;
    }
  }
}
