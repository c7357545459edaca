import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { SchedulerModule } from './app.module';
import { schedulerConfigFromEnv } from './config';

async function bootstrap(): Promise<void> {
  const config = schedulerConfigFromEnv();
  const logger = pino({ level: config.logLevel, base: { service: 'scheduler' } });
  const app = await NestFactory.createApplicationContext(SchedulerModule.forRoot(config, logger), { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.info({ nats: config.natsUrl, health: `${config.healthHost}:${config.healthPort}`, silenceMs: config.nodeSilenceMs }, 'scheduler started');
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'scheduler', msg: 'scheduler failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
