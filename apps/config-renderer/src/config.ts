import { deploymentKey } from '@lbaas/secrets';
import { natsUrlFromEnv } from '@lbaas/event-log';
import { portFromEnv, runRootFromEnv } from '@lbaas/service-shell';
import { resolve } from 'node:path';

export interface RendererConfig {
  readonly natsUrl: string;
  readonly healthHost: string;
  readonly healthPort: number;
  readonly leaseTtlMs: number;
  readonly runRoot: string;
  readonly pingCheckCommand: string;
  /** The deployment key: per-instance statistics passwords are derived from it, so none is ever stored. */
  readonly secretKey: Buffer;
  readonly logLevel: string;
  readonly haproxyBin: string;
  /** Makes the throwaway certificate `haproxy -c` loads in place of a tenant's (Debian's openssl package). */
  readonly opensslBin: string;
  /** Instances rendered side by side (LBAAS_RENDER_LANES): each waits mostly on haproxy -c and NATS. */
  readonly renderLanes: number;
}

export function rendererConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RendererConfig {
  const port = portFromEnv(env, 'LBAAS_HEALTH_PORT', 9701);
  const ttl = Number(env.LBAAS_LEASE_TTL_MS?.trim() || 3000);
  if (!Number.isInteger(ttl) || ttl < 300)
    throw new Error(`LBAAS_LEASE_TTL_MS must be an integer of at least 300, got '${env.LBAAS_LEASE_TTL_MS}'`);
  const lanes = Number(env.LBAAS_RENDER_LANES?.trim() || 4);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 64)
    throw new Error(`LBAAS_RENDER_LANES must be an integer from 1 to 64, got '${env.LBAAS_RENDER_LANES}'`);
  return {
    natsUrl: natsUrlFromEnv(env),
    healthHost: env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    healthPort: port,
    leaseTtlMs: ttl,
    runRoot: runRootFromEnv(env),
    // The checkout's own script (also in the Docker image); a packaged install points elsewhere.
    pingCheckCommand: env.LBAAS_PING_CHECK_COMMAND?.trim() || resolve(__dirname, '..', '..', '..', 'scripts', 'lbaas-ping-check'),
    secretKey: deploymentKey(env.LBAAS_SECRET_KEY_FILE?.trim() || '/etc/lbaas/secret.key'),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
    haproxyBin: env.LBAAS_HAPROXY_BIN?.trim() || '/usr/sbin/haproxy',
    opensslBin: env.LBAAS_OPENSSL_BIN?.trim() || '/usr/bin/openssl',
    renderLanes: lanes,
  };
}
