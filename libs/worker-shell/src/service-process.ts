import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serviceLogger } from '@lbaas/service-shell';
import type { Logger } from 'pino';

/** A service's process, as its main.ts describes it. */
export interface ServiceProcess<C extends { readonly logLevel: string }> {
  /** The `service` field of every log line, for example `config-renderer`. */
  readonly name: string;
  /** How its start-up lines name it: `config renderer started`. */
  readonly title: string;
  /** Reads the settings; a bad one fails the start like anything else. */
  readonly config: () => C;
  readonly module: (config: C, logger: Logger) => DynamicModule;
  /** The fields of the `started` line: where it reaches NATS and where it answers. */
  readonly started: (config: C) => Record<string, unknown>;
}

/**
 * Starts the service's NestJS application context, which stops on SIGTERM and SIGINT. A start
 * that fails writes one fatal JSON line to stderr (the logger may not exist yet) and exits 1.
 */
export function bootstrapService<C extends { readonly logLevel: string }>(service: ServiceProcess<C>): void {
  start(service).catch((error: unknown) => {
    const err = String((error instanceof Error && error.stack) || error);
    console.error(JSON.stringify({ level: 'fatal', service: service.name, msg: `${service.title} failed to start`, err }));
    process.exit(1);
  });
}

async function start<C extends { readonly logLevel: string }>(service: ServiceProcess<C>): Promise<void> {
  const config = service.config();
  const logger = serviceLogger(service.name, { level: config.logLevel });
  const app = await NestFactory.createApplicationContext(service.module(config, logger), { logger: ['error', 'warn'] });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.info(service.started(config), `${service.title} started`);
}
