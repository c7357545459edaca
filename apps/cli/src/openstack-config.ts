import { load } from 'js-yaml';
import { join } from 'node:path';
import { CommandError } from './cli-errors';

/** A Keystone domain, named by id or by name as the OpenStack tools accept either. */
export type DomainRef = { readonly id: string } | { readonly name: string };

/** Who asks Keystone for a project-scoped token with the password method, and where. */
export interface KeystonePasswordAuth {
  /** Keystone's auth URL as configured (with or without /v3). */
  readonly authUrl: string;
  readonly user: { readonly id: string } | { readonly name: string; readonly domain: DomainRef };
  readonly password: string;
  readonly project: { readonly id: string } | { readonly name: string; readonly domain: DomainRef };
  readonly regionName: string | null;
  /** The catalog interface the API endpoint is taken from: public, internal or admin. */
  readonly interface: string;
  /** Where these settings came from, for messages: `cloud 'x' of /path/clouds.yaml` or `the OS_* environment`. */
  readonly origin: string;
}

/** A clouds.yaml found on disk: where, and its text. */
export interface CloudsFile {
  readonly path: string;
  readonly text: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where openstacksdk looks for clouds.yaml, in its order: the first that exists is read. */
export function cloudsFileCandidates(env: Env, cwd: string, home: string): string[] {
  return [
    env.OS_CLIENT_CONFIG_FILE?.trim(),
    join(cwd, 'clouds.yaml'),
    join(home, '.config', 'openstack', 'clouds.yaml'),
    '/etc/openstack/clouds.yaml',
  ].filter((path): path is string => !!path);
}

const DEFAULT_DOMAIN: DomainRef = { id: 'default' };

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return typeof value === 'number' ? String(value) : undefined;
}

/** `publicURL` (the v2 catalog's word) and `public` name the same interface. */
const interfaceOf = (value: string | undefined): string => (value ?? 'public').replace(/URL$/, '');

function domainOf(
  id: string | undefined,
  name: string | undefined,
  fallbackId: string | undefined,
  fallbackName: string | undefined,
): DomainRef {
  if (id) return { id };
  if (name) return { name };
  if (fallbackId) return { id: fallbackId };
  if (fallbackName) return { name: fallbackName };
  return DEFAULT_DOMAIN;
}

/** The settings as both sources spell them, once normalised: the OS_* variables and a cloud's `auth` keys. */
interface RawSettings {
  authUrl?: string;
  username?: string;
  userId?: string;
  password?: string;
  projectName?: string;
  projectId?: string;
  userDomainId?: string;
  userDomainName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  domainId?: string;
  domainName?: string;
  regionName?: string;
  interface?: string;
}

function authOf(raw: RawSettings, origin: string, names: Record<keyof RawSettings, string>): KeystonePasswordAuth {
  const missing = (what: string) => new CommandError(`${origin} has ${what}: Keystone password authentication needs it.`);
  if (!raw.authUrl) throw missing(`no ${names.authUrl}`);
  if (!raw.username && !raw.userId) throw missing(`no ${names.username}`);
  if (!raw.password) throw missing(`no ${names.password}`);
  if (!raw.projectName && !raw.projectId) throw missing(`no ${names.projectName} (the API needs a project-scoped token)`);
  const userDomain = domainOf(raw.userDomainId, raw.userDomainName, raw.domainId, raw.domainName);
  const projectDomain = domainOf(raw.projectDomainId, raw.projectDomainName, raw.domainId, raw.domainName);
  return {
    authUrl: raw.authUrl,
    user: raw.userId ? { id: raw.userId } : { name: raw.username ?? '', domain: userDomain },
    password: raw.password,
    project: raw.projectId ? { id: raw.projectId } : { name: raw.projectName ?? '', domain: projectDomain },
    regionName: raw.regionName ?? null,
    interface: interfaceOf(raw.interface),
    origin,
  };
}

const ENV_NAMES: Record<keyof RawSettings, string> = {
  authUrl: 'OS_AUTH_URL',
  username: 'OS_USERNAME',
  userId: 'OS_USER_ID',
  password: 'OS_PASSWORD',
  projectName: 'OS_PROJECT_NAME',
  projectId: 'OS_PROJECT_ID',
  userDomainId: 'OS_USER_DOMAIN_ID',
  userDomainName: 'OS_USER_DOMAIN_NAME',
  projectDomainId: 'OS_PROJECT_DOMAIN_ID',
  projectDomainName: 'OS_PROJECT_DOMAIN_NAME',
  domainId: 'OS_DOMAIN_ID',
  domainName: 'OS_DOMAIN_NAME',
  regionName: 'OS_REGION_NAME',
  interface: 'OS_INTERFACE',
};
const CLOUD_NAMES: Record<keyof RawSettings, string> = {
  authUrl: 'auth.auth_url',
  username: 'auth.username',
  userId: 'auth.user_id',
  password: 'auth.password (or OS_PASSWORD)',
  projectName: 'auth.project_name',
  projectId: 'auth.project_id',
  userDomainId: 'auth.user_domain_id',
  userDomainName: 'auth.user_domain_name',
  projectDomainId: 'auth.project_domain_id',
  projectDomainName: 'auth.project_domain_name',
  domainId: 'auth.domain_id',
  domainName: 'auth.domain_name',
  regionName: 'region_name',
  interface: 'interface',
};

function fromEnv(env: Env): RawSettings {
  const raw: RawSettings = {};
  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof RawSettings, string][]) raw[key] = text(env[name]);
  // The v2 names, which the OpenStack tools still accept.
  raw.projectName ??= text(env.OS_TENANT_NAME);
  raw.projectId ??= text(env.OS_TENANT_ID);
  return raw;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function fromCloud(file: CloudsFile, name: string, env: Env): KeystonePasswordAuth {
  let parsed: unknown;
  try {
    parsed = load(file.text);
  } catch (error) {
    throw new CommandError(`${file.path} is not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const clouds = record(record(parsed).clouds);
  if (!(name in clouds))
    throw new CommandError(`${file.path} has no cloud '${name}'; it has: ${Object.keys(clouds).join(', ') || 'none'}.`);
  const cloud = record(clouds[name]);
  const auth = record(cloud.auth);
  const type = text(cloud.auth_type) ?? 'password';
  if (type !== 'password' && type !== 'v3password')
    throw new CommandError(`cloud '${name}' of ${file.path} uses auth_type ${type}; lbaas supports password.`);
  const raw: RawSettings = {
    authUrl: text(auth.auth_url),
    username: text(auth.username),
    userId: text(auth.user_id),
    // A clouds.yaml shared without its passwords (they live in secure.yaml, or the shell) takes OS_PASSWORD.
    password: text(auth.password) ?? text(env.OS_PASSWORD),
    projectName: text(auth.project_name) ?? text(auth.tenant_name),
    projectId: text(auth.project_id) ?? text(auth.tenant_id),
    userDomainId: text(auth.user_domain_id),
    userDomainName: text(auth.user_domain_name),
    projectDomainId: text(auth.project_domain_id),
    projectDomainName: text(auth.project_domain_name),
    domainId: text(auth.domain_id),
    domainName: text(auth.domain_name),
    regionName: text(cloud.region_name) ?? text(env.OS_REGION_NAME),
    interface: text(cloud.interface) ?? text(env.OS_INTERFACE),
  };
  return authOf(raw, `cloud '${name}' of ${file.path}`, CLOUD_NAMES);
}

/**
 * The Keystone password authentication the environment asks for, or null when it asks for none:
 * a cloud of clouds.yaml (--os-cloud or OS_CLOUD, the file found as the OpenStack tools find it),
 * else OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME (and their domains).
 */
export function keystoneAuthOf(
  osCloud: string | undefined,
  env: Env,
  cloudsFile: () => CloudsFile | null,
  searched: readonly string[],
): KeystonePasswordAuth | null {
  const cloud = osCloud?.trim() || env.OS_CLOUD?.trim();
  if (cloud) {
    const file = cloudsFile();
    if (file === null)
      throw new CommandError(
        `Cloud '${cloud}' (--os-cloud or OS_CLOUD) needs a clouds.yaml, but there is none: looked in ${searched.join(', ')}.`,
      );
    return fromCloud(file, cloud, env);
  }
  if (!text(env.OS_AUTH_URL)) return null;
  return authOf(fromEnv(env), 'the OS_* environment', ENV_NAMES);
}
