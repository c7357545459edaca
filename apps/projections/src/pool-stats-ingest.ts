import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { connectNats } from '@lbaas/event-log';
import { parsePoolStatsSample, POOL_STATS_SUBJECT_PREFIX } from '@lbaas/coordination';
import { PoolStats, type ReadModelConnections } from '@lbaas/read-models';
import type { NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { PROJECTIONS_CONFIG, type ProjectionsConfig } from './config';
import { READ_MODEL_CONNECTIONS } from './live-projection';
import { LOGGER } from './logger';

/**
 * Keeps `pool_stats` at the newest sample the node agents publish for each pool. Samples are
 * not events: a lost one is replaced by the next, a second later.
 */
@Injectable()
export class PoolStatsIngest implements OnApplicationBootstrap, OnApplicationShutdown {
  private nc: NatsConnection | null = null;

  constructor(
    @Inject(PROJECTIONS_CONFIG) private readonly config: ProjectionsConfig,
    @Inject(READ_MODEL_CONNECTIONS) private readonly connections: ReadModelConnections,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const nc = await connectNats('lbaas-projections-stats', this.config.natsUrl);
    this.nc = nc;
    const repository = this.connections.writer.getRepository(PoolStats);
    const subscription = nc.subscribe(`${POOL_STATS_SUBJECT_PREFIX}.*`);
    void (async () => {
      for await (const message of subscription) {
        const sample = parsePoolStatsSample(message.data);
        if (!sample) continue;
        await repository
          .save(
            {
              pool_id: sample.poolId,
              bytes_in: sample.bytesIn,
              bytes_out: sample.bytesOut,
              active_connections: sample.activeConnections,
              total_connections: sample.totalConnections,
              // The projector's batches hold the one SQLite connection in a transaction; this write joins no transaction of its own.
            },
            { transaction: false },
          )
          .catch((error: unknown) => this.logger.warn({ err: error, poolId: sample.poolId }, 'pool stats sample not stored'));
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nc?.drain().catch(() => undefined);
  }
}
