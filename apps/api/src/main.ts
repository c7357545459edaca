import 'reflect-metadata';
import type { ClientProxy } from '@nestjs/microservices';
import { JetStreamEventStore, coalesceWrites, connectNats } from '@lbaas/event-log';
import type { Authenticator } from '@lbaas/identity';
import { type KeyRing, loadKeyRing } from '@lbaas/secrets';
import { ServiceMetrics } from '@lbaas/service-shell';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { ApiModule } from './app.module';
import { CommandRuns } from './commands/command-runs';
import { type ApiConfig, apiConfigFromEnv } from './config';
import { createApiServer } from './http/api-server';
import { AUTHENTICATOR } from './http/policy.guard';
import { createApiLogger } from './logger';
import { loadBalancerStream } from './octavia/commands/loadbalancer-stream.decider';
import { createOctaviaServer } from './octavia/http/octavia-server';
import { OctaviaModule } from './octavia/octavia.module';
import { OctaviaQueries } from './octavia/octavia-queries';
import { PROJECTIONS_CLIENT, ReadSide, WriteProgress } from './read-side';

async function bootstrap(): Promise<void> {
  const config = apiConfigFromEnv();
  const logger = createApiLogger(config.logLevel);
  const keyRing = certificateKeyRing(config.certificateKeyFile);
  // An unexpected rejection is a bug to log, not a reason to drop every other request in flight.
  process.on('unhandledRejection', (reason: unknown) => logger.error({ err: reason }, 'unhandled rejection'));
  const nc = await connectNats('lbaas-api', config.natsUrl);
  // Every create is a direct get and a publish: one socket write per loop turn for all requests in flight.
  if (!coalesceWrites(nc)) logger.warn('this nats.js has no write queue to coalesce: one socket write per request and publish');
  const metrics = new ServiceMetrics('api');
  const store = await JetStreamEventStore.create(nc, { onAppended: metrics.countAppended });
  await store.ensureStream();
  if (config.noAuthTenant !== null)
    logger.warn({ tenantId: config.noAuthTenant }, 'LBAAS_NOAUTH=1: no token checks, every caller is an admin; development only');
  const app = await createApiServer(ApiModule.forRoot(config, store, logger, keyRing, metrics), { logger, metrics });
  const octavia = await createOctaviaServer(octaviaModule(app, logger, config), { logger, metrics });
  // SIGTERM: stop accepting on both ports and finish the requests in flight (v2 first: it borrows the
  // Neutron application's services), then close the projections client, drain NATS, exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void octavia
        .close()
        .then(() => app.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'api did not stop cleanly');
            process.exit(1);
          },
        );
    });
  }
  // v2 listens first: the Neutron port's /readyz is what says the process is ready.
  await octavia.listen(config.octaviaPort, config.host);
  await app.listen(config.port, config.host);
  logger.info(
    {
      url: `http://${config.host}:${config.port}`,
      octaviaUrl: `http://${config.host}:${config.octaviaPort}`,
      nats: config.natsUrl,
      certificateKey: keyRing.current.id,
    },
    'api ready',
  );
}

/** Octavia's v2 application on the Neutron application's command side, read side and authenticator: one of each per process. */
function octaviaModule(app: NestFastifyApplication, logger: Logger, config: ApiConfig) {
  const progress = app.get(WriteProgress);
  const readSide = app.get(ReadSide);
  const shared = {
    runs: app.get(CommandRuns),
    progress,
    queries: new OctaviaQueries(app.get<ClientProxy>(PROJECTIONS_CLIENT), progress),
    lookup: readSide,
    stream: loadBalancerStream,
    quotaDefaults: config.quotaDefaults,
    quotaReclaimGraceMs: config.quotaReclaimGraceMs,
  };
  return OctaviaModule.forRoot(shared, app.get<Authenticator>(AUTHENTICATOR), logger);
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
