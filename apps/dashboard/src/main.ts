import 'reflect-metadata';
import { authenticatorFromEnv } from '@lbaas/identity';
import { NestFactory } from '@nestjs/core';
import { DashboardModule } from './app.module';
import { dashboardConfigFromEnv } from './config';
import { serviceLogger } from '@lbaas/service-health';

async function bootstrap(): Promise<void> {
  const config = dashboardConfigFromEnv();
  const logger = serviceLogger('dashboard', { level: config.logLevel });
  const app = await NestFactory.createApplicationContext(DashboardModule.forRoot(config, logger, authenticatorFromEnv(process.env, logger)), { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.info({ nats: config.natsUrl, url: `http://${config.host}:${config.port}/`, auth: config.authMode }, 'dashboard started');
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'dashboard', msg: 'dashboard failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
