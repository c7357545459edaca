import type { Principal } from './principal';

/** Fernet tokens are about 200 characters and JWS ones under 1 KiB; anything longer is not a token. */
export const MAX_TOKEN_LENGTH = 8192;

// RFC 7235's token68: what any Keystone token (fernet, JWS) or dev token is made of.
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;

/** Whether a header value could be a token at all, so that one that could not never reaches Keystone. */
export function isPlausibleToken(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && TOKEN68.test(token);
}

export const NOT_A_TOKEN = 'Authentication required: the X-Auth-Token header does not hold a token.';
export const PROJECT_SCOPE_REQUIRED = 'A project-scoped token is required';

/**
 * What Keystone's answer to `GET /v3/auth/tokens` means here: a principal (cached until the token
 * expires or the TTL ends), a valid token this service refuses (scoped to no project; cached like
 * a principal: the token cannot change scope), or an invalid one (cached for the negative TTL).
 */
export type TokenOutcome =
  | { readonly kind: 'principal'; readonly principal: Principal; readonly expiresAtMs: number }
  | { readonly kind: 'refused'; readonly message: string; readonly expiresAtMs: number }
  | { readonly kind: 'invalid' };

interface Named {
  readonly id: string;
  readonly name: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const named = (value: unknown): Named | null =>
  isRecord(value) && typeof value.id === 'string' && value.id !== '' && typeof value.name === 'string' ? { id: value.id, name: value.name } : null;

/** Whether a system or domain scope, the two Keystone scopes that are not a project's, is set. */
function otherScope(token: Record<string, unknown>): string | null {
  if (isRecord(token.system)) return 'this token is system-scoped';
  if (isRecord(token.domain)) return 'this token is domain-scoped';
  return null;
}

/**
 * Reads the body of Keystone's token validation (`{"token": {...}}`) at `nowMs`. Like
 * keystonemiddleware, a body that does not describe a user, or a token past its `expires_at`,
 * makes the token invalid.
 */
export function tokenOutcome(body: unknown, nowMs: number): TokenOutcome {
  const token = isRecord(body) && isRecord(body.token) ? body.token : null;
  const user = token && named(token.user);
  const expiresAtMs = token && typeof token.expires_at === 'string' ? Date.parse(token.expires_at) : NaN;
  if (!token || !user || !Number.isFinite(expiresAtMs) || expiresAtMs <= nowMs) return { kind: 'invalid' };
  const project = named(token.project);
  if (!project) {
    const scope = otherScope(token) ?? 'this token is unscoped';
    return { kind: 'refused', message: `${PROJECT_SCOPE_REQUIRED}: ${scope}.`, expiresAtMs };
  }
  const roles = Array.isArray(token.roles) ? token.roles.map(named).filter((role): role is Named => role !== null).map((role) => role.name) : [];
  return {
    kind: 'principal',
    expiresAtMs,
    principal: { actor: `keystone:${user.id}:${user.name}`, tenantId: project.id, roles, source: 'keystone', userId: user.id, userName: user.name },
  };
}
