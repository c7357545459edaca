import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { natsCredentialsFromEnv, natsServers, RECONNECT_FOREVER } from '@lbaas/event-log';
import { ProjectionsModule } from './app.module';
import { configFromEnv } from './config';
import { createLogger, PinoNestLogger } from './logger';

/** Queries from every api replica go to one projections instance of the group. */
const QUERY_QUEUE_GROUP = 'lbaas-projections';

async function bootstrap(): Promise<void> {
  const config = configFromEnv();
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.create(ProjectionsModule.forRoot(config, logger), { logger: new PinoNestLogger(logger) });
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.NATS,
      options: {
        servers: natsServers(config.natsUrl),
        ...natsCredentialsFromEnv(),
        ...RECONNECT_FOREVER,
        queue: QUERY_QUEUE_GROUP,
        name: 'lbaas-projections-queries',
      },
    },
    { inheritAppConfig: true },
  );
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);
  logger.info({ host: config.host, port: config.port, nats: config.natsUrl }, 'projections ready to serve');
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'projections failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
