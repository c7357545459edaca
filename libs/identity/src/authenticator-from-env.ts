import { join } from 'node:path';
import type { Authenticator } from './principal';
import { NoAuthAuthenticator, TokenFileAuthenticator } from './token-file';

/**
 * The one authenticator every surface uses, chosen by the environment: LBAAS_NOAUTH=1 (development
 * only: everyone is an admin of LBAAS_NOAUTH_TENANT), else the dev token file LBAAS_TOKENS_FILE
 * (default .lbaas/dev-tokens.json).
 */
export function authenticatorFromEnv(env: NodeJS.ProcessEnv = process.env): Authenticator {
  if (env.LBAAS_NOAUTH === '1') return new NoAuthAuthenticator(env.LBAAS_NOAUTH_TENANT ?? 'noauth');
  return new TokenFileAuthenticator(env.LBAAS_TOKENS_FILE ?? join(process.cwd(), '.lbaas', 'dev-tokens.json'));
}
