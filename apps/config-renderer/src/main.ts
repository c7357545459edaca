import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigRendererModule } from './app.module';
import { rendererConfigFromEnv } from './config';
import { serviceLogger } from '@lbaas/service-shell';

async function bootstrap(): Promise<void> {
  const config = rendererConfigFromEnv();
  const logger = serviceLogger('config-renderer', { level: config.logLevel });
  const app = await NestFactory.createApplicationContext(ConfigRendererModule.forRoot(config, logger), { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.info({ nats: config.natsUrl, health: `${config.healthHost}:${config.healthPort}`, runRoot: config.runRoot }, 'config renderer started');
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'config-renderer', msg: 'config renderer failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
