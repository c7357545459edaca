import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, type EventEnvelope, nodeDecider, poolDecider, serviceInstanceDecider, vipDecider } from '@lbaas/domain';
import { executeSystemCommand, JetStreamEventStore, systemActor, type CommitFollower, connectNats, followCommits, streamLastSeq } from '@lbaas/event-log';
import { holdLeaderLease, type LeaderLease, nodesBucket, parseHeartbeat } from '@lbaas/coordination';
import { type DeadlineCommand, PendingWatch, planNodeLiveness, type PlannedCommand, SchedulingModel, seededRandom } from '@lbaas/scheduling';
import { CoalescedRounds, serveHealth, ServiceMetrics } from '@lbaas/service-shell';
import type { NatsConnection } from 'nats';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { v4 as uuidv4, v5 as uuidv5 } from 'uuid';
import { CommandCauses } from './command-causes';
import type { SchedulerConfig } from './config';

export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');
export const LOGGER = Symbol('LOGGER');

/** Instance ids derive from VIP ids, so every replica (and every retry) names a VIP's instance alike. */
const INSTANCE_NAMESPACE = '5b0f2f5e-8a55-4c43-9c3e-6d1f0f3b7a21';
export const instanceIdForVip = (vipId: string): string => uuidv5(`service-instance/${vipId}`, INSTANCE_NAMESPACE);

/**
 * The thin shell around the pure SchedulingModel: folds the log into it, watches heartbeats,
 * holds the leader lease, and while leading executes what the model plans. Every command is
 * decided again against its stream with optimistic concurrency, so a stale plan or a second
 * leader costs a retry and never a wrong placement.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private nc: NatsConnection | null = null;
  private store: JetStreamEventStore | null = null;
  private follower: CommitFollower | null = null;
  private lease: LeaderLease | null = null;
  private health: Server | null = null;
  private readonly model: SchedulingModel;
  private readonly pending = new PendingWatch();
  private readonly lastHeartbeat = new Map<string, number>();
  private readonly causes = new CommandCauses(instanceIdForVip);
  private readonly metrics = new ServiceMetrics('scheduler');
  private readonly random: () => number;
  private watchingSince = Date.now();
  private caughtUp = false;
  private readonly rounds = new CoalescedRounds(() => this.round(), (error: unknown) => this.log.error({ err: error }, 'planning round failed; retrying on the next tick'));
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig, @Inject(LOGGER) private readonly log: Logger) {
    this.model = new SchedulingModel(config.vrrpCidr);
    this.random = seededRandom(config.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    this.health = await serveHealth({
      name: 'scheduler', host: c.healthHost, port: c.healthPort,
      notReady: () => (this.nc === null || this.nc.isClosed() ? 'not connected to NATS' : this.caughtUp ? null : 'folding the event log'),
      details: () => ({
        leading: this.lease?.leading() ?? false, position: this.follower?.seq() ?? 0, nodes: this.model.liveNodes().length, instances: this.model.instances.size,
        pending: this.pending.pending().length,
      }),
      metrics: this.metrics,
    });
    const nc = await connectNats('lbaas-scheduler', c.natsUrl);
    this.nc = nc;
    const store = await JetStreamEventStore.create(nc, { onAppended: this.metrics.countAppended });
    await store.ensureStream();
    this.store = store;
    const consumed = this.metrics.trackConsumer('scheduler', { position: () => this.follower?.seq() ?? 0, streamLastSeq: () => streamLastSeq(nc) });
    this.follower = await followCommits({
      nc,
      onCommit: (stored) => {
        for (const event of stored.commit.events) this.fold(event, stored.seq);
        consumed(stored.commit.events);
        this.rounds.kick();
      },
      onPoison: (p) => this.log.error({ seq: p.seq, subject: p.subject, err: p.error }, 'passed over a message that is not a commit'),
    });
    await this.watchHeartbeats(nc);
    this.lease = await holdLeaderLease({
      nc, role: 'scheduler', holder: `scheduler pid ${process.pid}`, ttlMs: c.leaseTtlMs,
      onChange: (leading) => {
        this.log.info({ leading }, leading ? 'leading: placing service instances' : 'following: another scheduler leads');
        this.rounds.kick();
      },
    });
    await this.follower.caughtUp;
    this.caughtUp = true;
    this.log.info({ position: this.follower.seq(), instances: this.model.instances.size, nodes: this.model.nodes.size }, 'scheduler caught up with the event log');
    this.timer = setInterval(() => this.rounds.kick(), c.tickMs);
    this.rounds.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.rounds.stop();
    await this.lease?.release();
    await this.follower?.stop();
    await this.nc?.drain().catch(() => undefined);
    await new Promise<void>((resolve) => (this.health ? this.health.close(() => resolve()) : resolve()));
  }

  private fold(event: EventEnvelope, seq: number): void {
    this.model.apply(event);
    this.pending.apply(event);
    // Replaying the log at start is not acting on it.
    if (this.causes.note(event) && this.caughtUp) this.log.info({ correlationId: event.correlationId, eventId: event.id, type: event.type, aggregate: event.aggregate, id: event.aggregateId, seq }, 'event');
  }

  private async watchHeartbeats(nc: NatsConnection): Promise<void> {
    const kv = await nodesBucket(nc);
    const watch = await kv.watch();
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation !== 'PUT') continue;
        const heartbeat = parseHeartbeat(entry.value);
        // The server's time of the put: a replayed old heartbeat of a dead node must not look fresh.
        if (heartbeat) this.lastHeartbeat.set(heartbeat.nodeId, Math.min(Date.now(), entry.created.getTime()));
      }
    })().catch((error: unknown) => this.log.error({ err: error }, 'heartbeat watch ended'));
  }

  /** Runs a planning round now, or once more after the one in progress. */
  private async round(): Promise<void> {
    if (!this.caughtUp || !this.lease?.leading() || !this.store || !this.follower) {
      this.watchingSince = Date.now();
      return;
    }
    const now = Date.now();
    const liveness = planNodeLiveness({
      nodes: this.model.nodes, lastHeartbeat: this.lastHeartbeat, watchingSince: this.watchingSince, now, silenceMs: this.config.nodeSilenceMs,
    });
    // Liveness first: placements are decided on the nodes as the log will know them.
    if (liveness.length > 0 && (await this.execute(liveness)) > 0) return this.rounds.kick();
    await this.expire(this.pending.overdue({
      now, deadlineMs: this.config.pendingDeadlineMs, instanceOf: (vipId) => this.model.instances.get(instanceIdForVip(vipId)),
    }));
    if (!this.model.pendingWork) return;
    const planned = this.model.plan({
      random: this.random, newVmId: () => uuidv4(), instanceIdFor: instanceIdForVip, now: new Date(now),
    });
    await this.execute(planned);
  }

  /**
   * Ends waits past the deadline in ERROR. Each is decided again on its stream and appends only
   * while the object is still pending; one that fails is due again on the next tick.
   */
  private async expire(due: readonly DeadlineCommand[]): Promise<void> {
    const store = this.store;
    if (!store || due.length === 0) return;
    let last = 0;
    for (const d of due) {
      const who = systemActor('scheduler', 'system', d.cause);
      try {
        const result = d.aggregate === 'vip'
          ? await executeSystemCommand(store, vipDecider, d.id, d.command, who)
          : await executeSystemCommand(store, poolDecider, d.id, d.command, who);
        if (result.events.length > 0) {
          last = Math.max(last, result.seq);
          this.log.warn({ correlationId: who.correlationId, causationId: who.causationId, aggregate: d.aggregate, id: d.id, statusDescription: d.command.data.statusDescription, seq: result.seq }, d.command.type);
        }
      } catch (error) {
        this.log.error({ correlationId: who.correlationId, aggregate: d.aggregate, id: d.id, command: d.command.type, err: error }, 'pending deadline not recorded; retried on the next round');
      }
    }
    // The watch must fold its own expiries before the next round, or it would decide them again.
    if (last > 0) await this.follower?.waitFor(last);
  }

  /** Executes in order and waits until the model has folded what was appended; returns the last sequence appended (0 for none). */
  private async execute(planned: readonly PlannedCommand[]): Promise<number> {
    const store = this.store;
    const follower = this.follower;
    if (!store || !follower) return 0;
    let last = 0;
    for (const p of planned) {
      const who = systemActor('scheduler', 'system', this.causes.of(p));
      try {
        const result = p.aggregate === 'node'
          ? await executeSystemCommand(store, nodeDecider, p.id, p.command, who)
          : await executeSystemCommand(store, serviceInstanceDecider, p.id, p.command, who);
        if (result.events.length > 0) {
          last = Math.max(last, result.seq);
          this.log.info({ correlationId: who.correlationId, causationId: who.causationId, aggregate: p.aggregate, id: p.id, events: result.events.map((e) => e.type), seq: result.seq }, p.command.type);
        }
      } catch (error) {
        this.model.retry(p);
        const level = error instanceof DomainError ? 'warn' : 'error';
        this.log[level]({ correlationId: who.correlationId, aggregate: p.aggregate, id: p.id, command: p.command.type, err: error }, 'command not applied; retried on the next round');
      }
    }
    if (last > 0) await follower.waitFor(last);
    return last;
  }
}
