import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  DomainError,
  type EventEnvelope,
  inSequence,
  type LoadBalancerState,
  loadBalancerDecider,
  nodeDecider,
  poolDecider,
  type RecordLoadBalancerError,
  serviceInstanceDecider,
  vipDecider,
} from '@lbaas/domain';
import { type CommandResult, executeSystemCommand, handleCommand, type SystemActor, systemActor } from '@lbaas/event-log';
import { nodesBucket, parseHeartbeat } from '@lbaas/coordination';
import {
  type DeadlineCommand,
  PendingWatch,
  planNodeLiveness,
  type PlannedCommand,
  type PlannedCommit,
  plannedCommits,
  SchedulingModel,
  seededRandom,
} from '@lbaas/scheduling';
import { ServiceMetrics } from '@lbaas/service-shell';
import { type LeaderWorker, runLeaderWorker } from '@lbaas/worker-shell';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import { CommandCauses } from './command-causes';
import type { SchedulerConfig } from './config';
import { QuotaReclaimer } from './quota-reclaimer';
import { LOGGER, SCHEDULER_CONFIG } from './tokens';

export { LOGGER, SCHEDULER_CONFIG } from './tokens';

/** Instance ids derive from VIP and load balancer ids, so every replica (and every retry) names an instance alike. */
const INSTANCE_NAMESPACE = '5b0f2f5e-8a55-4c43-9c3e-6d1f0f3b7a21';
export const instanceIdForVip = (vipId: string): string => uuidv5(`service-instance/${vipId}`, INSTANCE_NAMESPACE);
export const instanceIdForLoadBalancer = (loadBalancerId: string): string =>
  uuidv5(`service-instance/loadbalancer/${loadBalancerId}`, INSTANCE_NAMESPACE);

const stillPending = (state: LoadBalancerState): boolean =>
  state.kind === 'live' && (state.provisioningStatus === 'PENDING_CREATE' || state.provisioningStatus === 'PENDING_UPDATE');

/** A deadline's error, appended only while the load balancer as its stream reads is still pending: a watch behind the log never overwrites a later report. */
const expireLoadBalancer = (
  store: LeaderWorker['store'],
  id: string,
  command: RecordLoadBalancerError,
  who: SystemActor,
): Promise<CommandResult<LoadBalancerState>> =>
  handleCommand(store, loadBalancerDecider, id, (state: LoadBalancerState) => (stillPending(state) ? command : null), who);

/**
 * The pure SchedulingModel in a leader worker: folds the log into it, watches heartbeats, and
 * while leading executes what the model plans. Every command is decided again against its stream
 * with optimistic concurrency, so a stale plan or a second leader costs a retry and never a
 * wrong placement.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: LeaderWorker | null = null;
  private readonly model: SchedulingModel;
  private readonly pending = new PendingWatch();
  private readonly lastHeartbeat = new Map<string, number>();
  private readonly zones = new Map<string, string | null>();
  private readonly causes = new CommandCauses(instanceIdForVip, instanceIdForLoadBalancer);
  private readonly metrics = new ServiceMetrics('scheduler');
  private readonly random: () => number;
  private watchingSince = Date.now();

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly reclaimer: QuotaReclaimer,
  ) {
    this.model = new SchedulingModel(config.vrrpCidr, config.handoverDrainMs);
    this.random = seededRandom(config.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    this.worker = await runLeaderWorker({
      name: 'scheduler',
      title: 'scheduler',
      natsUrl: c.natsUrl,
      health: { host: c.healthHost, port: c.healthPort },
      leaseTtlMs: c.leaseTtlMs,
      tickMs: c.tickMs,
      log: this.log,
      metrics: this.metrics,
      says: {
        leading: 'leading: placing service instances',
        following: 'following: another scheduler leads',
        roundFailed: 'planning round failed; retrying on the next tick',
      },
      fold: (event, seq, live) => this.fold(event, seq, live),
      round: (worker) => this.round(worker),
      idle: () => {
        this.watchingSince = Date.now();
      },
      details: () => ({
        nodes: this.model.liveNodes().length,
        instances: this.model.instances.size,
        tombstones: this.model.tombstones,
        pending: this.pending.pending().length,
        reclaimChecks: this.reclaimer.pending(),
      }),
      caughtUpDetails: () => ({ instances: this.model.instances.size, nodes: this.model.nodes.size }),
      onConnected: ({ nc }) => this.watchHeartbeats(nc),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  private fold(event: EventEnvelope, seq: number, live: boolean): void {
    this.model.apply(event, seq);
    this.pending.apply(event);
    this.reclaimer.fold(event);
    // Replaying the log at start is not acting on it.
    if (this.causes.note(event) && live)
      this.log.info(
        { correlationId: event.correlationId, eventId: event.id, type: event.type, aggregate: event.aggregate, id: event.aggregateId, seq },
        'event',
      );
  }

  private async watchHeartbeats(nc: NatsConnection): Promise<void> {
    const kv = await nodesBucket(nc);
    const watch = await kv.watch();
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation !== 'PUT') continue;
        const heartbeat = parseHeartbeat(entry.value);
        // The server's time of the put: a replayed old heartbeat of a dead node must not look fresh.
        if (!heartbeat) continue;
        this.lastHeartbeat.set(heartbeat.nodeId, Math.min(Date.now(), entry.created.getTime()));
        this.zones.set(heartbeat.nodeId, heartbeat.zone);
      }
    })().catch((error: unknown) => this.log.error({ err: error }, 'heartbeat watch ended'));
  }

  /** A planning round: the worker runs it once the log is folded and while this replica leads. */
  private async round(worker: LeaderWorker): Promise<void> {
    const now = Date.now();
    const liveness = planNodeLiveness({
      nodes: this.model.nodes,
      lastHeartbeat: this.lastHeartbeat,
      zones: this.zones,
      watchingSince: this.watchingSince,
      now,
      silenceMs: this.config.nodeSilenceMs,
    });
    // Liveness first: placements are decided on the nodes as the log will know them.
    if (liveness.length > 0 && (await this.execute(worker, liveness)) > 0) return worker.kick();
    await this.expire(
      worker,
      this.pending.overdue({
        now,
        deadlineMs: this.config.pendingDeadlineMs,
        instanceOf: (vipId) => this.model.instances.get(instanceIdForVip(vipId)),
        instanceOfLoadBalancer: (loadBalancerId) => this.model.instanceOf(loadBalancerId),
      }),
    );
    await this.reclaimer.round(worker.store, now);
    if (!this.model.pendingWork) return;
    const planned = this.model.plan({
      random: this.random,
      newVmId: () => uuidv4(),
      instanceIdFor: instanceIdForVip,
      instanceIdForLoadBalancer,
      now: new Date(now),
    });
    await this.execute(worker, planned);
  }

  /**
   * Ends waits past the deadline in ERROR. Each is decided again on its stream and appends only
   * while the object is still pending; one that fails is due again on the next tick.
   */
  private async expire(worker: LeaderWorker, due: readonly DeadlineCommand[]): Promise<void> {
    if (due.length === 0) return;
    let last = 0;
    for (const d of due) {
      const who = systemActor('scheduler', 'system', d.cause);
      try {
        const result =
          d.aggregate === 'vip'
            ? await executeSystemCommand(worker.store, vipDecider, d.id, d.command, who)
            : d.aggregate === 'pool'
              ? await executeSystemCommand(worker.store, poolDecider, d.id, d.command, who)
              : await expireLoadBalancer(worker.store, d.id, d.command, who);
        if (result.events.length > 0) {
          last = Math.max(last, result.seq);
          this.log.warn(
            {
              correlationId: who.correlationId,
              causationId: who.causationId,
              aggregate: d.aggregate,
              id: d.id,
              statusDescription: d.command.type === 'RecordLoadBalancerError' ? d.command.data.reason : d.command.data.statusDescription,
              seq: result.seq,
            },
            d.command.type,
          );
        }
      } catch (error) {
        this.log.error(
          { correlationId: who.correlationId, aggregate: d.aggregate, id: d.id, command: d.command.type, err: error },
          'pending deadline not recorded; retried on the next round',
        );
      }
    }
    // The watch must fold its own expiries before the next round, or it would decide them again.
    if (last > 0) await worker.waitFor(last);
  }

  /**
   * Executes in order, an instance's placements of the round as one commit (plannedCommits), and
   * waits until the model has folded what was appended; returns the last sequence appended (0 for none).
   */
  private async execute(worker: LeaderWorker, planned: readonly PlannedCommand[]): Promise<number> {
    let last = 0;
    for (const commit of plannedCommits(planned)) {
      const first: PlannedCommand =
        'placements' in commit ? { aggregate: 'serviceinstance', id: commit.id, command: commit.placements[0] } : commit;
      const type = first.command.type;
      const who = systemActor('scheduler', 'system', this.causes.of(first));
      try {
        const result = await this.append(worker, commit, who);
        if (result.events.length > 0) {
          last = Math.max(last, result.seq);
          this.log.info(
            {
              correlationId: who.correlationId,
              causationId: who.causationId,
              aggregate: commit.aggregate,
              id: commit.id,
              events: result.events.map((e) => e.type),
              seq: result.seq,
            },
            type,
          );
        }
      } catch (error) {
        this.model.retry(first);
        const level = error instanceof DomainError ? 'warn' : 'error';
        this.log[level](
          { correlationId: who.correlationId, aggregate: commit.aggregate, id: commit.id, command: type, err: error },
          'command not applied; retried on the next round',
        );
      }
    }
    if (last > 0) await worker.waitFor(last);
    return last;
  }

  private append(worker: LeaderWorker, commit: PlannedCommit, who: SystemActor): Promise<CommandResult<unknown>> {
    if ('placements' in commit) {
      const placements = { type: 'CommandSequence', commands: commit.placements } as const;
      return executeSystemCommand(worker.store, inSequence(serviceInstanceDecider), commit.id, placements, who);
    }
    switch (commit.aggregate) {
      case 'node':
        return executeSystemCommand(worker.store, nodeDecider, commit.id, commit.command, who);
      case 'loadbalancer':
        return executeSystemCommand(worker.store, loadBalancerDecider, commit.id, commit.command, who);
      default:
        return executeSystemCommand(worker.store, serviceInstanceDecider, commit.id, commit.command, who);
    }
  }
}
