import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { connectNats } from '@lbaas/event-log';
import {
  LISTENER_STATS_SUBJECT_PREFIX,
  parseListenerStatsSample,
  parsePoolStatsSample,
  POOL_STATS_SUBJECT_PREFIX,
} from '@lbaas/coordination';
import { ListenerStats, PoolStats, type ReadModelConnections } from '@lbaas/read-models';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import type { ObjectLiteral, Repository } from 'typeorm';
import { PROJECTIONS_CONFIG, type ProjectionsConfig } from './config';
import { READ_MODEL_CONNECTIONS } from './live-projection';
import { LOGGER } from './logger';

/**
 * Keeps `pool_stats` and `listener_stats` at the newest sample the node agents publish for each
 * pool (v1) and listener (v2). Samples are not events: a lost one is replaced by the next, a
 * second later.
 */
@Injectable()
export class StatsIngest implements OnApplicationBootstrap, OnApplicationShutdown {
  private nc: NatsConnection | null = null;

  constructor(
    @Inject(PROJECTIONS_CONFIG) private readonly config: ProjectionsConfig,
    @Inject(READ_MODEL_CONNECTIONS) private readonly connections: ReadModelConnections,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const nc = await connectNats('lbaas-projections-stats', this.config.natsUrl);
    this.nc = nc;
    const writer = this.connections.writer;
    this.ingest(nc, POOL_STATS_SUBJECT_PREFIX, writer.getRepository(PoolStats), (data) => {
      const sample = parsePoolStatsSample(data);
      return (
        sample && {
          pool_id: sample.poolId,
          bytes_in: sample.bytesIn,
          bytes_out: sample.bytesOut,
          active_connections: sample.activeConnections,
          total_connections: sample.totalConnections,
        }
      );
    });
    this.ingest(nc, LISTENER_STATS_SUBJECT_PREFIX, writer.getRepository(ListenerStats), (data) => {
      const sample = parseListenerStatsSample(data);
      return (
        sample && {
          listener_id: sample.listenerId,
          loadbalancer_id: sample.loadBalancerId,
          bytes_in: sample.bytesIn,
          bytes_out: sample.bytesOut,
          active_connections: sample.activeConnections,
          total_connections: sample.totalConnections,
          request_errors: sample.requestErrors,
        }
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nc?.drain().catch(() => undefined);
  }

  /** Stores each message under `<prefix>.*` that `toRow` reads as a sample, in arrival order. */
  private ingest<R extends ObjectLiteral>(
    nc: NatsConnection,
    prefix: string,
    repository: Repository<R>,
    toRow: (data: Uint8Array) => R | null,
  ): void {
    const subscription = nc.subscribe(`${prefix}.*`);
    void (async () => {
      for await (const message of subscription) {
        const row = toRow(message.data);
        if (!row) continue;
        // The projector's batches hold the one SQLite connection in a transaction; this write joins no transaction of its own.
        await repository
          .save(row, { transaction: false })
          .catch((error: unknown) => this.logger.warn({ err: error, subject: message.subject }, 'stats sample not stored'));
      }
    })();
  }
}
