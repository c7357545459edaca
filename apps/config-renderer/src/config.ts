import { portFromEnv } from '@lbaas/service-health';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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
  readonly keepalivedBin: string;
}

/** Reads the deployment key, creating it (32 random bytes, mode 0600) on first start. */
export function deploymentKey(path: string): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  const key = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`${path} must hold 64 hexadecimal characters (32 bytes)`);
  return Buffer.from(key, 'hex');
}

export function rendererConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RendererConfig {
  const port = portFromEnv(env, 'LBAAS_HEALTH_PORT', 9701);
  const ttl = Number(env.LBAAS_LEASE_TTL_MS?.trim() || 3000);
  if (!Number.isInteger(ttl) || ttl < 300) throw new Error(`LBAAS_LEASE_TTL_MS must be an integer of at least 300, got '${env.LBAAS_LEASE_TTL_MS}'`);
  return {
    natsUrl: env.LBAAS_NATS_URL?.trim() || 'nats://127.0.0.1:4222',
    healthHost: env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    healthPort: port,
    leaseTtlMs: ttl,
    runRoot: env.LBAAS_RUN_DIR?.trim() || '/run/lbaas',
    // The checkout's own script (also in the Docker image); a packaged install points elsewhere.
    pingCheckCommand: env.LBAAS_PING_CHECK_COMMAND?.trim() || resolve(__dirname, '..', '..', '..', 'scripts', 'lbaas-ping-check'),
    secretKey: deploymentKey(env.LBAAS_SECRET_KEY_FILE?.trim() || '/etc/lbaas/secret.key'),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
    haproxyBin: env.LBAAS_HAPROXY_BIN?.trim() || '/usr/sbin/haproxy',
    keepalivedBin: env.LBAAS_KEEPALIVED_BIN?.trim() || '/usr/sbin/keepalived',
  };
}
