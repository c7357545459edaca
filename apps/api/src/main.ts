import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JetStreamEventStore } from '@lbaas/event-store';
import { connectNats } from '@lbaas/messaging';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiModule } from './app.module';
import { apiConfigFromEnv } from './config';
import { NeutronApi } from './http/neutron-api';
import { createApiLogger } from './logger';

async function bootstrap(): Promise<void> {
  const config = apiConfigFromEnv();
  const logger = createApiLogger(config.logLevel);
  const nc = await connectNats('lbaas-api', config.natsUrl);
  const store = await JetStreamEventStore.create(nc);
  await store.ensureStream();
  const app = await NestFactory.create(ApiModule.forRoot(config, store, logger), { bodyParser: false, logger: ['error', 'warn'] });
  const api = app.get(NeutronApi);
  // Every path is the Neutron API's: one handler owns routing, so 404/405 answer in Neutron's format.
  app.use((req: IncomingMessage, res: ServerResponse) => void api.handle(req, res));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(config.port, config.host);
  logger.info({ url: `http://${config.host}:${config.port}`, nats: config.natsUrl }, 'api ready');
  const close = async (): Promise<void> => {
    await nc.drain().catch(() => undefined);
  };
  process.once('beforeExit', () => void close());
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'api failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
