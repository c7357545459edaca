import { type AuditDatabase, auditDatabaseFromEnv } from '@lbaas/audit-store';

export interface AuditConfig {
  readonly natsUrl: string;
  readonly healthHost: string;
  readonly healthPort: number;
  readonly database: AuditDatabase;
  readonly logLevel: string;
}

export function auditConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditConfig {
  const rawPort = env.LBAAS_HEALTH_PORT?.trim() || '9698';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`LBAAS_HEALTH_PORT must be a port number, got '${rawPort}'`);
  return {
    natsUrl: env.LBAAS_NATS_URL?.trim() || 'nats://127.0.0.1:4222',
    healthHost: env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    healthPort: port,
    database: auditDatabaseFromEnv(env),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
  };
}
