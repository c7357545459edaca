import { CommandError } from './cli-errors';
import { networkEndpointOf, requestProjectToken } from './keystone-token';
import { type CloudsFile, keystoneAuthOf } from './openstack-config';

export const DEFAULT_API_URL = 'http://127.0.0.1:9696';
export const DEFAULT_TENANT = 'demo';

export interface CredentialFlags {
  readonly osUrl?: string;
  readonly osToken?: string;
  readonly osTenant?: string;
  readonly osCloud?: string;
}

/** A tokens file found on disk: where, and its text. */
export interface TokensFile {
  readonly path: string;
  readonly text: string;
}

export interface Credentials {
  readonly url: string;
  readonly token: string;
}

/** The files credentials may come from, read only when needed, and the client that asks Keystone. */
export interface CredentialSources {
  tokensFile(): TokensFile | null;
  cloudsFile(): CloudsFile | null;
  /** Where clouds.yaml was looked for, for the message when it is nowhere. */
  readonly cloudsSearched: readonly string[];
  readonly fetch?: typeof fetch;
}

function tokenOf(file: TokensFile, tenant: string): string {
  let entries: unknown;
  try {
    entries = JSON.parse(file.text);
  } catch {
    throw new CommandError(`${file.path} is not JSON.`);
  }
  const table = entries !== null && typeof entries === 'object' ? (entries as Record<string, unknown>) : {};
  const entry = table[tenant];
  const token = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).token : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new CommandError(`${file.path} has no token for '${tenant}'; it has: ${Object.keys(table).join(', ') || 'nothing'}.`);
  }
  return token;
}

function checkedUrl(url: string, from = '--os-url or LBAAS_API_URL'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CommandError(`Not a URL: '${url}' (${from}).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CommandError(`Not an http(s) URL: '${url}' (${from}).`);
  return url.replace(/\/+$/, '');
}

const explicitUrlOf = (flags: CredentialFlags, env: Readonly<Record<string, string | undefined>>): string | undefined => {
  const url = flags.osUrl ?? (env.LBAAS_API_URL?.trim() || undefined);
  return url === undefined ? undefined : checkedUrl(url);
};

/**
 * The endpoint and token: a token given (--os-token, then --os-tenant's entry of the dev tokens
 * file), a Keystone token (--os-cloud, then OS_TOKEN or LBAAS_TOKEN, then OS_CLOUD or OS_AUTH_URL
 * with a password) whose catalog names the endpoint unless --os-url or LBAAS_API_URL does, else
 * the dev tokens file that `make up` writes (its `demo` entry).
 */
export async function credentialsOf(
  flags: CredentialFlags,
  env: Readonly<Record<string, string | undefined>>,
  sources: CredentialSources,
): Promise<Credentials> {
  const explicitUrl = explicitUrlOf(flags, env);
  const url = explicitUrl ?? DEFAULT_API_URL;
  if (flags.osToken) return { url, token: flags.osToken };
  if (flags.osTenant !== undefined) {
    const file = sources.tokensFile();
    if (file === null)
      throw new CommandError(
        `--os-tenant ${flags.osTenant} reads .lbaas/dev-tokens.json (written by \`make up\`) or LBAAS_TOKENS_FILE; neither was found.`,
      );
    return { url, token: tokenOf(file, flags.osTenant) };
  }
  const fromEnv = env.OS_TOKEN || env.LBAAS_TOKEN;
  if (fromEnv && !flags.osCloud) return { url, token: fromEnv };
  const keystone = keystoneAuthOf(flags.osCloud, env, () => sources.cloudsFile(), sources.cloudsSearched);
  if (keystone !== null) {
    const issued = await requestProjectToken(keystone, sources.fetch);
    return {
      url: explicitUrl ?? checkedUrl(networkEndpointOf(issued, keystone), "the network endpoint of Keystone's catalog"),
      token: issued.token,
    };
  }
  const file = sources.tokensFile();
  if (file !== null) return { url, token: tokenOf(file, DEFAULT_TENANT) };
  throw new CommandError(
    'No credentials: set OS_CLOUD (clouds.yaml) or OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME for Keystone, ' +
      'pass --os-token or set OS_TOKEN, or run `make up` to write .lbaas/dev-tokens.json.',
  );
}
