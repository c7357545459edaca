import 'reflect-metadata';
import { describeAuditDatabase } from '@lbaas/audit-store';
import { NestFactory } from '@nestjs/core';
import { AuditModule } from './app.module';
import { auditConfigFromEnv } from './config';
import { serviceLogger } from '@lbaas/service-shell';

async function bootstrap(): Promise<void> {
  const config = auditConfigFromEnv();
  const logger = serviceLogger('audit', { level: config.logLevel });
  const app = await NestFactory.createApplicationContext(AuditModule.forRoot(config, logger), { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.info({ nats: config.natsUrl, health: `${config.healthHost}:${config.healthPort}`, database: describeAuditDatabase(config.database) }, 'audit started');
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'audit', msg: 'audit failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
