import { natsUrlFromEnv } from '@lbaas/event-log';
import { portFromEnv } from '@lbaas/service-shell';
import { join } from 'node:path';

export interface DashboardConfig {
  readonly natsUrl: string;
  /** The page and its health checks share one port, the one `make up` gives every service (LBAAS_HEALTH_PORT). */
  readonly host: string;
  readonly port: number;
  /** The api's token file: the dashboard accepts the api's tokens and nothing else. */
  readonly tokensFile: string;
  readonly logLevel: string;
}

export function dashboardConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  return {
    natsUrl: natsUrlFromEnv(env),
    host: env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    port: portFromEnv(env, 'LBAAS_HEALTH_PORT', 9702),
    tokensFile: env.LBAAS_TOKENS_FILE?.trim() || join(process.cwd(), '.lbaas', 'dev-tokens.json'),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
  };
}

export const DASHBOARD_CONFIG = Symbol('DASHBOARD_CONFIG');
export const LOGGER = Symbol('LOGGER');
