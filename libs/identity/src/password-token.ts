type Fetch = typeof fetch;

/** A Keystone user by name in a domain, or by id. */
export type PasswordUser =
  { readonly name: string; readonly domain: { readonly id: string } | { readonly name: string } } | { readonly id: string };

/** Keystone's answer to a password sign-in, whatever it was: each caller says what it means in its own words. */
export interface PasswordTokenAnswer {
  readonly status: number;
  readonly statusText: string;
  /** `X-Subject-Token`: the issued token, or null. */
  readonly token: string | null;
  /** The JSON body, or null when there is none or it does not parse. */
  readonly body: unknown;
}

/** Keystone did not answer at all (refused, reset, past the deadline); the message is the cause's. */
export class KeystoneUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeystoneUnreachable';
  }
}

/** The innermost message of a failed fetch: undici puts the socket's error in `cause`. */
export const causeOf = (error: unknown): string =>
  error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);

/**
 * Asks Keystone for a token with the password method (`POST <tokensUrl>`, the whole URL of
 * /v3/auth/tokens), scoped as `scope` says or unscoped. The password goes into the request only.
 */
export async function requestPasswordToken(
  tokensUrl: string,
  signIn: { readonly user: PasswordUser; readonly password: string; readonly scope: object | null },
  timeoutMs: number,
  fetchImpl: Fetch = fetch,
): Promise<PasswordTokenAnswer> {
  const auth = {
    identity: { methods: ['password'], password: { user: { ...signIn.user, password: signIn.password } } },
    ...(signIn.scope === null ? {} : { scope: signIn.scope }),
  };
  let response: Response;
  try {
    response = await fetchImpl(tokensUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ auth }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new KeystoneUnreachable(causeOf(error));
  }
  const body: unknown = await response.json().catch(() => null);
  return { status: response.status, statusText: response.statusText, token: response.headers.get('x-subject-token'), body };
}
