import { type KeystoneHandle, type KeystoneOptions, type Stack, startKeystone, startStack } from '@lbaas/testing';

export interface KeystoneStack {
  readonly keystone: KeystoneHandle;
  readonly stack: Stack;
  stop(): Promise<void>;
}

export interface KeystoneStackOptions extends KeystoneOptions {
  /** LBAAS_KEYSTONE_CACHE_TTL_S: short in tests that wait for a revocation to take effect. */
  readonly cacheTtlS?: number;
  readonly env?: Record<string, string>;
}

/**
 * The real Keystone of `startKeystone()` and the built api and projections, the api validating
 * tokens with it (LBAAS_AUTH=keystone+tokens: the stack's dev tokens work too), and the catalog's
 * network endpoint pointed at this api.
 */
export async function startKeystoneStack(options: KeystoneStackOptions = {}): Promise<KeystoneStack> {
  const keystone = await startKeystone({ tokenExpirationS: options.tokenExpirationS });
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      env: {
        ...keystone.env,
        LBAAS_AUTH: 'keystone+tokens',
        LBAAS_KEYSTONE_CACHE_TTL_S: String(options.cacheTtlS ?? 300),
        // Keystone validates in about half a second on a loaded 2-core machine: no test waits on a 3 s default there.
        LBAAS_KEYSTONE_TIMEOUT_MS: '15000',
        ...options.env,
      },
    });
    await keystone.setCatalog({ apiUrl: stack.apiUrl });
  } catch (error) {
    await stack?.stop();
    await keystone.stop();
    throw error;
  }
  const started = stack;
  return {
    keystone,
    stack: started,
    stop: async () => {
      await started.stop();
      await keystone.stop();
    },
  };
}

/** The environment of a service that authenticates like the api (the dashboard): the same Keystone, the same dev tokens. */
export const authEnv = (ks: KeystoneStack, tokensFile: string): Record<string, string> => ({
  ...ks.keystone.env,
  LBAAS_AUTH: 'keystone+tokens',
  LBAAS_TOKENS_FILE: tokensFile,
});
