import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeOnExit, runTemporaryDirectory } from './exit-cleanup';
import { freePort } from './free-port';
import {
  type KeystoneIds,
  keystoneProcess,
  keystoneStep,
  seedKeystone,
  servedRequests,
  sweepOrphanedKeystones,
  uwsgiLog,
} from './keystone-process';
import { DEFAULT_API_URL, DEFAULT_OCTAVIA_URL, keystoneTemplate } from './keystone-template';

export type { KeystoneIds } from './keystone-process';

/** The users the seed creates (scripts/keystone-seed.js), each with a password in passwords.json. */
export type KeystoneUser = keyof KeystoneIds['users'];

/** The project each user's token is scoped to. */
export const KEYSTONE_USER_PROJECT: Readonly<Record<KeystoneUser, keyof KeystoneIds['projects']>> = {
  admin: 'admin',
  lbaas: 'service',
  demo: 'demo',
  'demo-reader': 'demo',
  other: 'other',
  'lb-member': 'demo',
  'lb-observer': 'demo',
  'lb-global-observer': 'demo',
  'lb-admin': 'demo',
  'other-lb-member': 'other',
};

/** A bound for a loaded machine: Keystone answers in well under a second. */
const REQUEST_WITHIN_MS = 60_000;
/** Keystone's own default `[token] expiration`. */
const DEFAULT_TOKEN_EXPIRATION_S = 3600;

export interface KeystoneOptions {
  /** `[token] expiration`: how long a token lives, in seconds (Keystone's default is 3600). */
  readonly tokenExpirationS?: number;
  /** Registered in the catalog as service neutron, type network; `make up`'s api by default. */
  readonly apiUrl?: string;
  /** Registered in the catalog as service octavia, type load-balancer; `make up`'s v2 api (127.0.0.1:9876) by default. */
  readonly octaviaUrl?: string;
}

export interface KeystoneHandle {
  /** Keystone's base URL, http://127.0.0.1:<port>, without /v3 (LBAAS_KEYSTONE_URL). */
  readonly url: string;
  /** The same URL, as named in `WWW-Authenticate: Keystone uri="..."` (LBAAS_KEYSTONE_PUBLIC_URL). */
  readonly publicUrl: string;
  readonly port: number;
  /** The state directory: keystone.conf, keystone.db, keys, keystone.log, uwsgi.log. */
  readonly dir: string;
  /** The service user lbaas's password, mode 0600 (LBAAS_KEYSTONE_PASSWORD_FILE). */
  readonly passwordFile: string;
  readonly passwords: Readonly<Record<KeystoneUser, string>>;
  /**
   * clouds.yaml (OS_CLIENT_CONFIG_FILE) with the clouds lbaas-admin, lbaas-demo, lbaas-demo-reader, lbaas-other and
   * Octavia's personas lbaas-lb-member, lbaas-lb-observer, lbaas-lb-global-observer, lbaas-lb-admin, lbaas-other-lb-member.
   */
  readonly cloudsYaml: string;
  readonly projects: KeystoneIds['projects'];
  readonly users: KeystoneIds['users'];
  /** The environment a service needs to validate tokens with this Keystone as lbaas (LBAAS_AUTH not included). */
  readonly env: Readonly<Record<string, string>>;
  readonly pid: () => number | undefined;
  /** A new token of `user`, scoped to its project (KEYSTONE_USER_PROJECT). */
  token(user: KeystoneUser): Promise<string>;
  /** Revokes `token` (DELETE /v3/auth/tokens, as its own subject); a token already invalid is fine. */
  revoke(token: string): Promise<void>;
  /** Points the catalog's network and load-balancer services at these URLs (only those given). */
  setCatalog(catalog: { apiUrl?: string; octaviaUrl?: string }): Promise<void>;
  /** How many HTTP requests Keystone has served since it started, across kill() and start(), once the count holds still for 150 ms. */
  requestCount(): Promise<number>;
  /** SIGKILL of the uwsgi master and its workers, keeping the state; `start()` brings it back. */
  kill(): Promise<void>;
  /** Starts again on the same port with the same state, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes the state directory. */
  stop(): Promise<void>;
}

async function issueToken(url: string, user: KeystoneUser, password: string): Promise<string> {
  const response = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
        scope: { project: { name: KEYSTONE_USER_PROJECT[user], domain: { id: 'default' } } },
      },
    }),
    signal: AbortSignal.timeout(REQUEST_WITHIN_MS),
  });
  const token = response.headers.get('x-subject-token');
  await response.text();
  if (response.status !== 201 || !token) throw new Error(`Keystone refused a token for ${user}: ${response.status}`);
  return token;
}

async function revokeToken(url: string, token: string): Promise<void> {
  const response = await fetch(`${url}/v3/auth/tokens`, {
    method: 'DELETE',
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
    signal: AbortSignal.timeout(REQUEST_WITHIN_MS),
  });
  await response.text();
  // 401/404: expired, revoked already, or never valid; nothing left to revoke.
  if (![204, 401, 404].includes(response.status)) throw new Error(`Keystone did not revoke the token: ${response.status}`);
}

/**
 * Debian's Keystone (uwsgi, SQLite in WAL, fernet tokens) on a free 127.0.0.1 port, seeded as
 * `make up KEYSTONE=1` seeds it, with its state in a temporary directory `lbt-keystone-<pid>-…`.
 * The first call of a test run builds a template state (about 20 s), every instance copies it,
 * so an instance starts in a few seconds. Processes and directory go when the test process
 * exits; those of a test run killed before it could are swept by the next call.
 */
export async function startKeystone(options: KeystoneOptions = {}): Promise<KeystoneHandle> {
  sweepOrphanedKeystones();
  const template = await keystoneTemplate();
  const dir = runTemporaryDirectory('keystone');
  const cancelExitRemoval = removeOnExit(dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const keystone = keystoneProcess(dir, port);
  let ids: KeystoneIds;
  try {
    cpSync(template, dir, { recursive: true });
    await keystoneStep('configure', dir, String(DEFAULT_TOKEN_EXPIRATION_S));
    await keystone.start();
    ids = await seedKeystone(dir, url, {
      apiUrl: options.apiUrl ?? DEFAULT_API_URL,
      octaviaUrl: options.octaviaUrl ?? DEFAULT_OCTAVIA_URL,
    });
    // The seed's own admin token must outlive the seed, which a loaded machine can stretch past
    // a test's short expiry: that one applies from a restart after it.
    if (options.tokenExpirationS !== undefined && options.tokenExpirationS !== DEFAULT_TOKEN_EXPIRATION_S) {
      await keystoneStep('configure', dir, String(options.tokenExpirationS));
      await keystone.kill();
      await keystone.start();
    }
  } catch (error) {
    await keystone.kill();
    const log = uwsgiLog(dir).split('\n').slice(-30).join('\n');
    rmSync(dir, { recursive: true, force: true });
    cancelExitRemoval();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- the last lines of uwsgi's log:\n${log}`);
  }
  const passwords = JSON.parse(readFileSync(join(dir, 'passwords.json'), 'utf8')) as Record<KeystoneUser, string>;
  const passwordFile = join(dir, 'service-password');
  return {
    url,
    publicUrl: url,
    port,
    dir,
    passwordFile,
    passwords,
    cloudsYaml: join(dir, 'clouds.yaml'),
    projects: ids.projects,
    users: ids.users,
    env: {
      LBAAS_KEYSTONE_URL: url,
      LBAAS_KEYSTONE_PUBLIC_URL: url,
      LBAAS_KEYSTONE_SERVICE_USER: 'lbaas',
      LBAAS_KEYSTONE_SERVICE_PROJECT: 'service',
      LBAAS_KEYSTONE_SERVICE_DOMAIN: 'Default',
      LBAAS_KEYSTONE_PASSWORD_FILE: passwordFile,
    },
    pid: keystone.pid,
    token: (user) => issueToken(url, user, passwords[user]),
    revoke: (token) => revokeToken(url, token),
    setCatalog: async (catalog) => {
      await seedKeystone(dir, url, catalog);
    },
    requestCount: () => servedRequests(dir),
    kill: keystone.kill,
    start: keystone.start,
    stop: async () => {
      await keystone.stop();
      rmSync(dir, { recursive: true, force: true });
      cancelExitRemoval();
    },
  };
}
