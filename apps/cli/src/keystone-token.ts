import { KeystoneUnreachable, type PasswordTokenAnswer, requestPasswordToken } from '@lbaas/identity';
import { CommandError } from './cli-errors';
import type { KeystonePasswordAuth } from './openstack-config';

type Fetch = typeof fetch;
const REQUEST_TIMEOUT_MS = 30_000;

/** One endpoint of a service in the token's catalog. */
export interface CatalogEndpoint {
  readonly interface: string;
  readonly region: string | null;
  readonly url: string;
}

export interface CatalogService {
  readonly type: string;
  readonly name: string;
  readonly endpoints: readonly CatalogEndpoint[];
}

/** A project-scoped token and what Keystone said with it. The token itself is never printed. */
export interface ProjectToken {
  readonly token: string;
  readonly projectName: string;
  readonly catalog: readonly CatalogService[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const stringOr = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/** POST /v3/auth/tokens under the auth URL, which may or may not end in /v3 (the OpenStack tools accept both). */
export function tokensUrlOf(authUrl: string): string {
  let url: URL;
  try {
    url = new URL(authUrl);
  } catch {
    throw new CommandError(`Not a URL: Keystone's auth URL '${authUrl}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CommandError(`Not an http(s) URL: Keystone's auth URL '${authUrl}'.`);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (/\/v2\.0$/.test(base))
    throw new CommandError(`Keystone's auth URL '${authUrl}' names the v2.0 API; lbaas speaks v3: use ${base.replace(/\/v2\.0$/, '/v3')}.`);
  return /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

const who = (auth: KeystonePasswordAuth): string => ('name' in auth.user ? `user '${auth.user.name}'` : `user id ${auth.user.id}`);

/** Keystone's own words: `{"error": {"code", "title", "message"}}`, or the status line. */
function keystoneRefusal(answer: PasswordTokenAnswer, auth: KeystonePasswordAuth): CommandError {
  const error = isRecord(answer.body) && isRecord(answer.body.error) ? answer.body.error : null;
  const message = error && typeof error.message === 'string' ? error.message : answer.statusText || 'no reason given';
  const title = error && typeof error.title === 'string' ? ` ${error.title}` : '';
  if (answer.status === 401 || answer.status === 403 || answer.status === 404) {
    return new CommandError(`Keystone refused to authenticate ${who(auth)} (${auth.origin}): ${answer.status}${title}: ${message}`);
  }
  return new CommandError(`Keystone answered ${answer.status}${title} to the token request of ${who(auth)}: ${message}`);
}

function catalogOf(value: unknown): CatalogService[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((service) => ({
    type: stringOr(service.type, ''),
    name: stringOr(service.name, ''),
    endpoints: (Array.isArray(service.endpoints) ? service.endpoints : []).filter(isRecord).map((e) => ({
      interface: stringOr(e.interface, ''),
      region: typeof e.region_id === 'string' ? e.region_id : typeof e.region === 'string' ? e.region : null,
      url: stringOr(e.url, ''),
    })),
  }));
}

/** Asks Keystone for a project-scoped token with the password method. */
export async function requestProjectToken(auth: KeystonePasswordAuth, fetchImpl: Fetch = fetch): Promise<ProjectToken> {
  const url = tokensUrlOf(auth.authUrl);
  let answer: PasswordTokenAnswer;
  try {
    answer = await requestPasswordToken(
      url,
      { user: auth.user, password: auth.password, scope: { project: auth.project } },
      REQUEST_TIMEOUT_MS,
      fetchImpl,
    );
  } catch (error) {
    if (!(error instanceof KeystoneUnreachable)) throw error;
    throw new CommandError(`Unable to reach Keystone at ${url} (${auth.origin}): ${error.message}`);
  }
  if (answer.status !== 201 && answer.status !== 200) throw keystoneRefusal(answer, auth);
  const scoped = isRecord(answer.body) && isRecord(answer.body.token) ? answer.body.token : null;
  if (!answer.token || scoped === null) throw new CommandError(`Keystone at ${url} answered ${answer.status} without a token.`);
  const project = isRecord(scoped.project) ? scoped.project : null;
  if (project === null)
    throw new CommandError(`Keystone gave ${who(auth)} a token without a project; the API needs a project-scoped token.`);
  return { token: answer.token, projectName: stringOr(project.name, stringOr(project.id, '')), catalog: catalogOf(scoped.catalog) };
}

/** The API's URL from the catalog: the `network` service's endpoint on the interface (and region) asked for. */
export function networkEndpointOf(issued: ProjectToken, auth: Pick<KeystonePasswordAuth, 'interface' | 'regionName'>): string {
  const matches = issued.catalog
    .filter((service) => service.type === 'network')
    .flatMap((service) => service.endpoints)
    .filter((e) => e.interface === auth.interface && (auth.regionName === null || e.region === auth.regionName) && e.url !== '');
  if (matches.length > 0) return matches[0].url.replace(/\/+$/, '');
  const where = `interface ${auth.interface}${auth.regionName === null ? '' : `, region ${auth.regionName}`}`;
  const types = [...new Set(issued.catalog.map((s) => s.type))].sort().join(', ') || 'nothing';
  throw new CommandError(
    `Keystone's catalog for project ${issued.projectName} has no endpoint of type network (${where}); it has: ${types}. Pass --os-url or set LBAAS_API_URL.`,
  );
}
