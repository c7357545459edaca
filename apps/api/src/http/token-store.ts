import { readFileSync, statSync } from 'node:fs';
import { HttpError } from './errors';

export type Role = 'admin' | 'member' | 'reader';
export interface Caller {
  readonly actor: string;
  readonly tenantId: string;
  readonly roles: readonly Role[];
}

const ROLES: readonly Role[] = ['admin', 'member', 'reader'];

function parseTokenFile(text: string, path: string): Map<string, Caller> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path}: expected an object of named tokens`);
  const tokens = new Map<string, Caller>();
  for (const [actor, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const e = entry as { token?: unknown; tenant_id?: unknown; roles?: unknown };
    if (typeof e?.token !== 'string' || e.token.length < 16 || typeof e.tenant_id !== 'string') {
      throw new Error(`${path}: entry '${actor}' needs a token of at least 16 characters and a tenant_id`);
    }
    const roles = Array.isArray(e.roles) ? e.roles.filter((r): r is Role => ROLES.includes(r as Role)) : ['member' as const];
    tokens.set(e.token, { actor, tenantId: e.tenant_id, roles });
  }
  return tokens;
}

/** Who sends an `X-Auth-Token`; throws a 401 HttpError for a missing or unknown token. */
export interface Authenticator {
  authenticate(token: string | undefined): Caller;
}

/**
 * `X-Auth-Token` to tenant and roles, from a JSON file (`{"name": {"token", "tenant_id", "roles"}}`).
 * The file is re-read when it changes, so tokens can be added without a restart. A file that is
 * unreadable at start stops the service; one that breaks later (a half-written edit) keeps the
 * last good tokens until it is whole again.
 */
export class TokenStore implements Authenticator {
  private tokens = new Map<string, Caller>();
  private mtimeMs = -1;

  constructor(private readonly path: string) {
    this.reload();
  }

  authenticate(token: string | undefined): Caller {
    try {
      this.reload();
    } catch {
      // Keep serving with the tokens read last; the next request tries the file again.
    }
    const caller = token ? this.tokens.get(token) : undefined;
    if (!caller) throw new HttpError(401, 'HTTPUnauthorized', 'Authentication required: send a valid X-Auth-Token header.');
    return caller;
  }

  private reload(): void {
    const mtimeMs = statSync(this.path).mtimeMs;
    if (mtimeMs === this.mtimeMs) return;
    this.tokens = parseTokenFile(readFileSync(this.path, 'utf8'), this.path);
    this.mtimeMs = mtimeMs;
  }
}

/**
 * LBAAS_NOAUTH=1, for development only: every request, with or without a token, is an admin
 * of one tenant, like Neutron's noauth strategy.
 */
export class NoAuth implements Authenticator {
  private readonly caller: Caller;

  constructor(tenantId: string) {
    this.caller = { actor: 'noauth', tenantId, roles: ['admin'] };
  }

  authenticate(): Caller {
    return this.caller;
  }
}
