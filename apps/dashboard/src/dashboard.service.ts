import type { Authenticator } from '@lbaas/identity';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JetStreamEventStore, type CommitFollower, connectNats, followCommits, type StoredCommit, streamLastSeq } from '@lbaas/event-log';
import { parsePoolStatsSample, POOL_STATS_SUBJECT_PREFIX } from '@lbaas/coordination';
import { ServiceMetrics } from '@lbaas/service-shell';
import type { NatsConnection } from 'nats';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AUTHENTICATOR, DASHBOARD_CONFIG, type DashboardConfig, LOGGER } from './config';
import { type DashboardSource, serveDashboard } from './dashboard-http';
import { DashboardModel } from './dashboard-model';
import { KeystoneSignIn } from './keystone-sign-in';
import { LiveStreamHub } from './live-stream-hub';
import { PoolStatsHistory } from './pool-stats-history';
import type { SnapshotMessage, TimelineReply, Viewer } from './web/dashboard-protocol';

/**
 * Folds the event log from sequence 1 and stays live (`followCommits`), keeps the pools' recent
 * stats samples from core NATS, and pushes each change to the open pages as it happens.
 */
@Injectable()
export class DashboardService implements DashboardSource, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly model: DashboardModel;
  private readonly stats = new PoolStatsHistory();
  private readonly hub = new LiveStreamHub();
  private readonly metrics = new ServiceMetrics('dashboard');
  private readonly consumed = this.metrics.trackConsumer('dashboard', {
    position: () => this.follower?.seq() ?? 0,
    streamLastSeq: () => (this.nc ? streamLastSeq(this.nc) : Promise.reject(new Error('not connected to NATS'))),
  });
  private nc: NatsConnection | null = null;
  private follower: CommitFollower | null = null;
  private server: Server | null = null;
  private isCaughtUp = false;
  private markCaughtUp: () => void = () => undefined;
  readonly caughtUp = new Promise<void>((resolve) => (this.markCaughtUp = resolve));

  constructor(
    @Inject(DASHBOARD_CONFIG) private readonly config: DashboardConfig,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {
    this.model = new DashboardModel(config.quotaDefaults, config.timelineEvents);
  }

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    this.server = await serveDashboard({
      host: c.host,
      port: c.port,
      authenticator: this.authenticator,
      keystone: new KeystoneSignIn(c.keystoneUrl, c.keystoneTimeoutMs),
      source: this,
      hub: this.hub,
      metrics: this.metrics,
      staticDir: join(__dirname, '..', 'static'),
      scriptDir: join(__dirname, 'web'),
    });
    const nc = await connectNats('lbaas-dashboard', c.natsUrl);
    this.nc = nc;
    await (await JetStreamEventStore.create(nc)).ensureStream();
    nc.subscribe(`${POOL_STATS_SUBJECT_PREFIX}.*`, {
      callback: (error, message) => {
        const sample = error ? null : parsePoolStatsSample(message.data);
        if (!sample) return;
        const point = this.stats.add(sample, Date.now());
        this.hub.send('stats', (viewer) => (this.model.canSeePool(viewer, sample.poolId) ? { poolId: sample.poolId, point } : null));
      },
    });
    this.follower = await followCommits({
      nc,
      onCommit: (stored) => this.onCommit(stored),
      onPoison: (p) => this.log.error({ seq: p.seq, subject: p.subject, err: p.error }, 'passed over a message that is not a commit'),
    });
    await this.follower.caughtUp;
    this.isCaughtUp = true;
    this.markCaughtUp();
    this.log.info(
      { position: this.model.seq, url: `http://${c.host}:${c.port}/` },
      'dashboard caught up with the event log; serving the page',
    );
  }

  notReady(): string | null {
    if (this.nc === null || this.nc.isClosed()) return 'not connected to NATS';
    return this.isCaughtUp ? null : 'folding the event log';
  }

  snapshot(viewer: Viewer): SnapshotMessage {
    return this.model.snapshot(viewer, this.stats.all());
  }

  timelineOf(id: string, viewer: Viewer): TimelineReply {
    return this.model.timelineOf(id, viewer);
  }

  health(): Record<string, unknown> {
    return { position: this.model.seq, pages: this.hub.size, aggregates: this.model.aggregateCount };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower?.stop();
    await this.nc?.drain().catch(() => undefined);
    this.hub.close();
    const server = this.server;
    if (server) {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    }
    this.log.info({ position: this.model.seq }, 'dashboard stopped');
  }

  private onCommit(stored: StoredCommit): void {
    const message = this.model.apply(stored);
    this.consumed(stored.commit.events);
    for (const change of message.changes) if (change.collection === 'pools' && change.row === null) this.stats.forget(change.id);
    this.hub.send('commit', (viewer) => this.model.forViewer(message, viewer));
  }
}
