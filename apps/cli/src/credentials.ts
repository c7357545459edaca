import { CommandError } from './cli-errors';

export const DEFAULT_API_URL = 'http://127.0.0.1:9696';
export const DEFAULT_TENANT = 'demo';

export interface CredentialFlags {
  readonly osUrl?: string;
  readonly osToken?: string;
  readonly osTenant?: string;
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

function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CommandError(`Not a URL: '${url}' (--os-url or LBAAS_API_URL).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CommandError(`Not an http(s) URL: '${url}' (--os-url or LBAAS_API_URL).`);
  return url.replace(/\/+$/, '');
}

/**
 * The endpoint and token: flags first, then the environment, then the dev tokens file that
 * `make up` writes (its `demo` entry unless --os-tenant names another).
 */
export function credentialsOf(flags: CredentialFlags, env: Readonly<Record<string, string | undefined>>, tokensFile: () => TokensFile | null): Credentials {
  const url = checkedUrl((flags.osUrl ?? env.LBAAS_API_URL?.trim()) || DEFAULT_API_URL);
  if (flags.osToken) return { url, token: flags.osToken };
  if (flags.osTenant !== undefined) {
    const file = tokensFile();
    if (file === null) throw new CommandError(`--os-tenant ${flags.osTenant} reads .lbaas/dev-tokens.json (written by \`make up\`) or LBAAS_TOKENS_FILE; neither was found.`);
    return { url, token: tokenOf(file, flags.osTenant) };
  }
  const fromEnv = env.OS_TOKEN || env.LBAAS_TOKEN;
  if (fromEnv) return { url, token: fromEnv };
  const file = tokensFile();
  if (file !== null) return { url, token: tokenOf(file, DEFAULT_TENANT) };
  throw new CommandError('No token: pass --os-token, set OS_TOKEN or LBAAS_TOKEN, or run `make up` to write .lbaas/dev-tokens.json.');
}
