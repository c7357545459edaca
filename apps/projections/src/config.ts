import { natsUrlFromEnv } from '@lbaas/event-log';
import { databaseFromEnv, type ReadModelDatabase } from '@lbaas/read-models';
import { portFromEnv } from '@lbaas/service-shell';

export interface ProjectionsConfig {
  readonly natsUrl: string;
  readonly host: string;
  readonly port: number;
  readonly database: ReadModelDatabase;
  readonly logLevel: string;
  /** How long a query with `minSeq` waits for the projection before answering ProjectionLagging. */
  readonly minSeqWaitMs: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectionsConfig {
  return {
    natsUrl: natsUrlFromEnv(env),
    host: env.LBAAS_PROJECTIONS_HOST?.trim() || '127.0.0.1',
    port: portFromEnv(env, 'LBAAS_PROJECTIONS_PORT', 9697),
    database: databaseFromEnv(env),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
    minSeqWaitMs: 5000,
  };
}

export const PROJECTIONS_CONFIG = Symbol('PROJECTIONS_CONFIG');
