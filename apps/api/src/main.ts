import 'reflect-metadata';
import { JetStreamEventStore, connectNats } from '@lbaas/event-log';
import { type KeyRing, loadKeyRing } from '@lbaas/secrets';
import { ServiceMetrics } from '@lbaas/service-shell';
import { ApiModule } from './app.module';
import { apiConfigFromEnv } from './config';
import { createApiServer } from './http/api-server';
import { createApiLogger } from './logger';

async function bootstrap(): Promise<void> {
  const config = apiConfigFromEnv();
  const logger = createApiLogger(config.logLevel);
  const keyRing = certificateKeyRing(config.certificateKeyFile);
  // An unexpected rejection is a bug to log, not a reason to drop every other request in flight.
  process.on('unhandledRejection', (reason: unknown) => logger.error({ err: reason }, 'unhandled rejection'));
  const nc = await connectNats('lbaas-api', config.natsUrl);
  const metrics = new ServiceMetrics('api');
  const store = await JetStreamEventStore.create(nc, { onAppended: metrics.countAppended });
  await store.ensureStream();
  if (config.noAuthTenant !== null)
    logger.warn({ tenantId: config.noAuthTenant }, 'LBAAS_NOAUTH=1: no token checks, every caller is an admin; development only');
  const app = await createApiServer(ApiModule.forRoot(config, store, logger, keyRing, metrics), { logger, metrics });
  // SIGTERM: stop accepting, finish the requests in flight, close the projections client, drain NATS, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port, config.host);
  logger.info({ url: `http://${config.host}:${config.port}`, nats: config.natsUrl, certificateKey: keyRing.current.id }, 'api ready');
}

/** The ring tenants' private keys are sealed with (its file is created on first use); a file that is not a key stops the api here. */
function certificateKeyRing(path: string): KeyRing {
  try {
    return loadKeyRing(path);
  } catch (error) {
    throw new Error(
      `LBAAS_CERTIFICATE_KEY_FILE: cannot load the certificate key ring from ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

bootstrap().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'fatal', msg: 'api failed to start', err: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
