import { natsUrlFromEnv } from '@lbaas/event-log';
import { type AuditDatabase, auditDatabaseFromEnv } from '@lbaas/audit-store';
import { portFromEnv } from '@lbaas/service-shell';

export interface AuditConfig {
  readonly natsUrl: string;
  readonly healthHost: string;
  readonly healthPort: number;
  readonly database: AuditDatabase;
  readonly logLevel: string;
}

export function auditConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const port = portFromEnv(env, 'LBAAS_HEALTH_PORT', 9698);
  return {
    natsUrl: natsUrlFromEnv(env),
    healthHost: env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    healthPort: port,
    database: auditDatabaseFromEnv(env),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
  };
}
