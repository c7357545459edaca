import { natsUrlFromEnv } from '@lbaas/event-log';
import { type QuotaLimits, quotaDefaultsFromSettings, reclaimGraceFromSettings } from '@lbaas/domain';
import { noAuthTenantFromEnv } from '@lbaas/identity';

export interface ApiConfig {
  readonly host: string;
  readonly port: number;
  /** Octavia's v2 API, the second application of the process (LBAAS_OCTAVIA_PORT, on the same host). */
  readonly octaviaPort: number;
  readonly natsUrl: string;
  readonly logLevel: string;
  /** LBAAS_NOAUTH=1: no token checks, every caller is an admin of this tenant (null: tokens are checked). Development only. */
  readonly noAuthTenant: string | null;
  /**
   * The deployment's certificate key (LBAAS_CERTIFICATE_KEY_FILE; `<file>.previous` beside it
   * during a key rotation): tenants' private keys are sealed with it. Only the api and the node
   * agents hold it, apart from LBAAS_SECRET_KEY_FILE (the stats passwords' key).
   */
  readonly certificateKeyFile: string;
  /** Octavia's default quota limits (LBAAS_QUOTA_LOADBALANCER ... LBAAS_QUOTA_L7RULE; -1, unlimited, unless set). */
  readonly quotaDefaults: QuotaLimits;
  /** LBAAS_QUOTA_RECLAIM_GRACE_MS, the scheduler's reclaimer's grace: a create slower than half of it checks that its claims are still held. */
  readonly quotaReclaimGraceMs: number;
}

export const DEFAULT_CERTIFICATE_KEY_FILE = '/etc/lbaas/certificate.key';

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const port = Number(env[name] ?? fallback);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number, not '${env[name]}'`);
  return port;
}

export function apiConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const port = portFromEnv(env, 'LBAAS_API_PORT', 9696);
  const octaviaPort = portFromEnv(env, 'LBAAS_OCTAVIA_PORT', 9876);
  if (octaviaPort === port) throw new Error(`LBAAS_OCTAVIA_PORT must differ from LBAAS_API_PORT (both ${port})`);
  return {
    host: env.LBAAS_API_HOST ?? '127.0.0.1',
    port,
    octaviaPort,
    natsUrl: natsUrlFromEnv(env),
    logLevel: env.LBAAS_LOG_LEVEL ?? 'info',
    noAuthTenant: noAuthTenantFromEnv(env),
    certificateKeyFile: env.LBAAS_CERTIFICATE_KEY_FILE?.trim() || DEFAULT_CERTIFICATE_KEY_FILE,
    quotaDefaults: quotaDefaultsFromSettings(env),
    quotaReclaimGraceMs: reclaimGraceFromSettings(env),
  };
}
