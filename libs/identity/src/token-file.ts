import { readFileSync, statSync } from 'node:fs';
import { AuthenticationError, type Authenticator, type Principal } from './principal';

/** Neutron's personas and Octavia's own roles, which the v2 API's policy asks for (a dev token can be an Octavia member too). */
const ROLES: readonly string[] = [
  'admin',
  'member',
  'reader',
  'load-balancer_admin',
  'load-balancer_global_observer',
  'load-balancer_member',
  'load-balancer_observer',
  'load-balancer_quota_admin',
];

function parseTokenFile(text: string, path: string): Map<string, Principal> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${path}: expected an object of named tokens`);
  const tokens = new Map<string, Principal>();
  for (const [actor, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const e = entry as { token?: unknown; tenant_id?: unknown; roles?: unknown };
    if (typeof e?.token !== 'string' || e.token.length < 16 || typeof e.tenant_id !== 'string') {
      throw new Error(`${path}: entry '${actor}' needs a token of at least 16 characters and a tenant_id`);
    }
    const roles = Array.isArray(e.roles) ? e.roles.filter((r): r is string => ROLES.includes(r as string)) : ['member'];
    tokens.set(e.token, { actor, tenantId: e.tenant_id, roles, source: 'tokens', userId: null, userName: null });
  }
  return tokens;
}

export const TOKEN_REQUIRED = 'Authentication required: send a valid X-Auth-Token header.';

/** How long the file's last stat stands for a token it lists: a removed or changed token is refused within this. */
export const TOKEN_FILE_FRESH_MS = 1000;

/**
 * `X-Auth-Token` to tenant and roles, from a JSON file (`{"name": {"token", "tenant_id", "roles"}}`).
 * The file is re-read when it changes, so tokens can be added without a restart. A file that is
 * unreadable at start stops the service; one that breaks later (a half-written edit) keeps the
 * last good tokens until it is whole again.
 *
 * Its mtime is looked at once per TOKEN_FILE_FRESH_MS for a token it lists (a stat per request
 * was 2 % of the api's CPU under the create load, issue 17), and at every lookup of a token it
 * does not list: a token just added works on its first use, a removed one within a second.
 */
export class TokenFileAuthenticator implements Authenticator {
  private tokens = new Map<string, Principal>();
  private mtimeMs = -1;
  private checkedAt = Number.NEGATIVE_INFINITY;

  /** `now`: a monotonic clock in milliseconds; tests pass their own. */
  constructor(
    private readonly path: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.reload();
  }

  /** The principal a token names, or null: for callers (the dashboard) that try several sources. */
  lookup(token: string | undefined): Principal | null {
    if (!token) return null;
    const known = this.now() - this.checkedAt < TOKEN_FILE_FRESH_MS ? this.tokens.get(token) : undefined;
    if (known) return known;
    try {
      this.reload();
    } catch {
      // Keep serving with the tokens read last; the next request tries the file again.
    }
    return this.tokens.get(token) ?? null;
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    const principal = this.lookup(token);
    if (!principal) throw new AuthenticationError('unauthenticated', TOKEN_REQUIRED);
    return principal;
  }

  private reload(): void {
    const checkedAt = this.now();
    const mtimeMs = statSync(this.path).mtimeMs;
    if (mtimeMs !== this.mtimeMs) {
      this.tokens = parseTokenFile(readFileSync(this.path, 'utf8'), this.path);
      this.mtimeMs = mtimeMs;
    }
    this.checkedAt = checkedAt;
  }
}

/**
 * LBAAS_NOAUTH=1, for development only: every request, with or without a token, is an admin
 * of one tenant, like Neutron's noauth strategy.
 */
export class NoAuthAuthenticator implements Authenticator {
  private readonly principal: Principal;

  constructor(tenantId: string) {
    this.principal = { actor: 'noauth', tenantId, roles: ['admin'], source: 'noauth', userId: null, userName: null };
  }

  async authenticate(): Promise<Principal> {
    return this.principal;
  }
}
