import { join } from 'node:path';
import { type IdentityLog, readServicePassword, stderrLog } from './keystone-client';
import { KeystoneAuthenticator, type KeystoneAuthenticatorOptions } from './keystone-authenticator';
import type { Authenticator, Principal } from './principal';
import { NoAuthAuthenticator, TokenFileAuthenticator } from './token-file';

export const AUTH_MODES = ['tokens', 'keystone', 'keystone+tokens'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/**
 * LBAAS_AUTH=keystone+tokens: the dev token file first, then Keystone. A dev token never reaches
 * Keystone, so a Keystone outage does not stop it.
 */
export class TokenFileThenKeystone implements Authenticator {
  constructor(
    private readonly file: TokenFileAuthenticator,
    private readonly keystone: KeystoneAuthenticator,
  ) {}

  async authenticate(token: string | undefined): Promise<Principal> {
    return this.file.lookup(token) ?? this.keystone.authenticate(token);
  }
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min)
    throw new Error(`${name} must be a whole number of at least ${min}, not '${raw}'`);
  return value;
}

function baseUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be a URL, not '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http or https URL, not '${raw}'`);
  // The contract names the URL without /v3; one with it (as in a clouds.yaml) means the same Keystone.
  return raw.trim().replace(/\/+$/, '').replace(/\/v3$/, '');
}

/** LBAAS_NOAUTH=1 (exactly): the tenant every caller is an admin of (LBAAS_NOAUTH_TENANT, default `noauth`); otherwise null. */
export const noAuthTenantFromEnv = (env: NodeJS.ProcessEnv): string | null =>
  env.LBAAS_NOAUTH === '1' ? (env.LBAAS_NOAUTH_TENANT ?? 'noauth') : null;

/** LBAAS_KEYSTONE_URL, checked, without a trailing /v3. */
export const keystoneUrlFromEnv = (env: NodeJS.ProcessEnv): string =>
  baseUrl('LBAAS_KEYSTONE_URL', env.LBAAS_KEYSTONE_URL?.trim() || 'http://127.0.0.1:5000');

/** LBAAS_KEYSTONE_TIMEOUT_MS: the deadline of one request to Keystone. */
export const keystoneTimeoutMsFromEnv = (env: NodeJS.ProcessEnv): number => wholeNumber(env, 'LBAAS_KEYSTONE_TIMEOUT_MS', 3000, 1);

/**
 * Keystone's settings from the environment (docs/ARCHITECTURE.md, "As built: identity"). Reads
 * the service user's password file once to fail at start when it is missing; a request re-reads it.
 */
export function keystoneOptionsFromEnv(env: NodeJS.ProcessEnv, log: IdentityLog = stderrLog): KeystoneAuthenticatorOptions {
  const url = keystoneUrlFromEnv(env);
  const publicUrl = env.LBAAS_KEYSTONE_PUBLIC_URL?.trim() || url;
  const passwordFile = env.LBAAS_KEYSTONE_PASSWORD_FILE?.trim() || join(process.cwd(), '.lbaas', 'keystone', 'service-password');
  try {
    readServicePassword(passwordFile);
  } catch (error) {
    throw new Error(
      `LBAAS_KEYSTONE_PASSWORD_FILE: cannot read the Keystone service user's password from ${passwordFile}: ${(error as { message?: unknown }).message ?? String(error)}`,
    );
  }
  return {
    url,
    publicUrl,
    serviceUser: {
      name: env.LBAAS_KEYSTONE_SERVICE_USER?.trim() || 'lbaas',
      project: env.LBAAS_KEYSTONE_SERVICE_PROJECT?.trim() || 'service',
      domain: env.LBAAS_KEYSTONE_SERVICE_DOMAIN?.trim() || 'Default',
      passwordFile,
    },
    cacheTtlS: wholeNumber(env, 'LBAAS_KEYSTONE_CACHE_TTL_S', 300),
    negativeTtlS: wholeNumber(env, 'LBAAS_KEYSTONE_NEGATIVE_TTL_S', 10),
    timeoutMs: keystoneTimeoutMsFromEnv(env),
    log,
  };
}

/** LBAAS_AUTH, checked: an unknown mode stops the service at start. */
export function authModeFromEnv(env: NodeJS.ProcessEnv): AuthMode {
  const raw = env.LBAAS_AUTH?.trim() || 'tokens';
  const mode = AUTH_MODES.find((m) => m === raw);
  if (!mode) throw new Error(`LBAAS_AUTH must be one of ${AUTH_MODES.join(', ')}, not '${raw}'`);
  return mode;
}

/**
 * The one authenticator every surface uses, chosen by the environment: LBAAS_NOAUTH=1 (development
 * only: everyone is an admin of LBAAS_NOAUTH_TENANT) wins; else LBAAS_AUTH: `tokens` (default; the
 * dev token file LBAAS_TOKENS_FILE, default .lbaas/dev-tokens.json), `keystone`, or
 * `keystone+tokens` (the file first, then Keystone). Synchronous and without a Keystone call:
 * the first one happens on the first request, so services start while Keystone is down. Throws
 * on a bad LBAAS_AUTH, a missing token or password file, or a malformed Keystone setting. Keystone
 * trouble goes to `log` (JSON lines on stderr unless the service passes its logger).
 */
export function authenticatorFromEnv(env: NodeJS.ProcessEnv = process.env, log: IdentityLog = stderrLog): Authenticator {
  const noAuthTenant = noAuthTenantFromEnv(env);
  if (noAuthTenant !== null) return new NoAuthAuthenticator(noAuthTenant);
  const mode = authModeFromEnv(env);
  const tokensFile = () => new TokenFileAuthenticator(env.LBAAS_TOKENS_FILE ?? join(process.cwd(), '.lbaas', 'dev-tokens.json'));
  if (mode === 'tokens') return tokensFile();
  const keystone = new KeystoneAuthenticator(keystoneOptionsFromEnv(env, log));
  return mode === 'keystone' ? keystone : new TokenFileThenKeystone(tokensFile(), keystone);
}
