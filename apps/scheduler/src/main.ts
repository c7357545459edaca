import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SchedulerModule } from './app.module';
import { schedulerConfigFromEnv } from './config';
import { serviceLogger } from '@lbaas/service-shell';

async function bootstrap(): Promise<void> {
  const config = schedulerConfigFromEnv();
  const logger = serviceLogger('scheduler', { level: config.logLevel });
  const app = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config, logger), { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.info({ nats: config.natsUrl, health: `${config.healthHost}:${config.healthPort}`, silenceMs: config.nodeSilenceMs, pendingDeadlineMs: config.pendingDeadlineMs }, 'scheduler started');
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'scheduler', msg: 'scheduler failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
