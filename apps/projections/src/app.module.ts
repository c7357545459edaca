import { type DynamicModule, Module } from '@nestjs/common';
import { AGGREGATES, upcast } from '@lbaas/domain';
import { openReadModels, Projector, QueryService, type ReadModelConnections } from '@lbaas/read-models';
import { ServiceMetrics } from '@lbaas/service-shell';
import type { Logger } from 'pino';
import { CERTIFICATE_EXPIRY, registerCertificateExpiry } from './certificate-expiry';
import { CheckpointGate } from './checkpoint-gate';
import { PROJECTIONS_CONFIG, type ProjectionsConfig } from './config';
import { EVENT_LOG } from './event-log';
import { HealthController } from './health.controller';
import { JetStreamEventLog } from './jetstream-event-log';
import { LiveProjection, READ_MODEL_CONNECTIONS } from './live-projection';
import { LOGGER } from './logger';
import { StatsIngest } from './stats-ingest';
import { QueryController } from './query.controller';

@Module({})
export class ProjectionsModule {
  static forRoot(config: ProjectionsConfig, logger: Logger): DynamicModule {
    return {
      module: ProjectionsModule,
      controllers: [QueryController, HealthController],
      providers: [
        { provide: PROJECTIONS_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: ServiceMetrics, useValue: new ServiceMetrics('projections') },
        { provide: READ_MODEL_CONNECTIONS, useFactory: () => openReadModels(config.database) },
        { provide: EVENT_LOG, useFactory: () => JetStreamEventLog.connect(config.natsUrl, logger) },
        {
          provide: Projector,
          useFactory: (connections: ReadModelConnections) => new Projector(connections.writer, { aggregates: AGGREGATES, upcast }),
          inject: [READ_MODEL_CONNECTIONS],
        },
        {
          provide: QueryService,
          useFactory: (connections: ReadModelConnections) => new QueryService(connections.reader),
          inject: [READ_MODEL_CONNECTIONS],
        },
        {
          provide: CERTIFICATE_EXPIRY,
          useFactory: (metrics: ServiceMetrics, connections: ReadModelConnections) => registerCertificateExpiry(metrics, connections),
          inject: [ServiceMetrics, READ_MODEL_CONNECTIONS],
        },
        { provide: CheckpointGate, useValue: new CheckpointGate() },
        LiveProjection,
        StatsIngest,
      ],
    };
  }
}
