/**
 * Who sends a request, as every surface (the v1 and v2 APIs, the dashboard, the CLI) sees it.
 * `tenantId` is the token's project (Keystone's `project_id` is Neutron's `tenant_id`); `roles`
 * are the role names as the identity source gives them (Keystone includes implied roles).
 */
export interface Principal {
  /** The name events and the audit trail record: a token file's entry name, or `keystone:<user id>:<user name>`. */
  readonly actor: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly source: 'tokens' | 'keystone' | 'noauth';
  /** Keystone's user id and name; null for the token file and noauth. */
  readonly userId: string | null;
  readonly userName: string | null;
}

/** Why a request has no principal: no or an invalid token (401), or the identity source cannot answer (503). */
export class AuthenticationError extends Error {
  constructor(
    readonly kind: 'unauthenticated' | 'unavailable',
    message: string,
    /** `WWW-Authenticate` for a 401 (`Keystone uri="<public auth url>"`), as keystonemiddleware sends it. */
    readonly challenge: string | null = null,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** Resolves an `X-Auth-Token` to a principal, or rejects with an AuthenticationError. */
export interface Authenticator {
  authenticate(token: string | undefined): Promise<Principal>;
}
